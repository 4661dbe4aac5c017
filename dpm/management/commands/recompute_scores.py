from django.core.management.base import BaseCommand

from roadmaps.services import recompute_item_scores


class Command(BaseCommand):
    help = "Recompute every roadmap item's score from its inputs with the active scoring model."

    def handle(self, *args, **options):
        changed = recompute_item_scores()
        self.stdout.write(f"Recomputed roadmap item scores: {changed} changed.")
