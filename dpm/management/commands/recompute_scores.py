from django.core.management.base import BaseCommand

from products.recompute import portfolio_recompute


class Command(BaseCommand):
    help = (
        "Recompute every roadmap item's score, then every product's health, opportunity and "
        "today's score history row."
    )

    def handle(self, *args, **options):
        changed = portfolio_recompute()
        self.stdout.write(f"Recomputed the portfolio: {changed} products' figures changed.")
