from django.core.management.base import BaseCommand

from products.staleness import alerts_sync


class Command(BaseCommand):
    help = (
        "Open, update and resolve staleness alerts across the portfolio (DESIGN.md §6); "
        "e-mails owners about new errors."
    )

    def handle(self, *args, **options):
        result = alerts_sync()
        self.stdout.write(
            "Staleness sweep: {opened} opened, {updated} updated, {resolved} resolved, "
            "{notified} owner e-mail(s) sent.".format(**result)
        )
