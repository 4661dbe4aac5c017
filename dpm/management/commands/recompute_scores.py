from django.core.management.base import BaseCommand
from django.db import connection

from dpm.timeouts import apply_worker_timeouts
from products.recompute import portfolio_recompute


class Command(BaseCommand):
    help = (
        "Recompute every roadmap item's score, then every product's health, opportunity and "
        "today's score history row."
    )

    def handle(self, *args, **options):
        # The worker's statement and lock limits: this is the worker's work, run by hand.
        apply_worker_timeouts(None, connection)
        changed = portfolio_recompute()
        self.stdout.write(f"Recomputed the portfolio: {changed} products' figures changed.")
