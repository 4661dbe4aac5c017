from django.core.management.base import BaseCommand
from django.db import connection

from dpm.timeouts import apply_worker_timeouts
from products.staleness import alerts_sync


class Command(BaseCommand):
    help = (
        "Open, update and resolve staleness alerts across the portfolio (DESIGN.md §6); "
        "e-mails owners about new errors."
    )

    def handle(self, *args, **options):
        # The worker's statement and lock limits: this is the worker's work, run by hand.
        apply_worker_timeouts(None, connection)
        result = alerts_sync()
        self.stdout.write(
            "Staleness sweep: {opened} opened, {updated} updated, {resolved} resolved, "
            "{notified} owner e-mail(s) sent.".format(**result)
        )
