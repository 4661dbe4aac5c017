from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from products.models import DataProduct
from products.odps import dump_odps_yaml, product_to_odps


class Command(BaseCommand):
    help = (
        "Write a product's Open Data Product Standard (ODPS v1.1.0) descriptor as YAML, to "
        "standard output or to --output FILE."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The product's address, e.g. churn-radar.")
        parser.add_argument("--output", "-o", metavar="FILE", help="Write here instead.")

    def handle(self, *args, slug: str, output: str | None, **options):
        product = (
            DataProduct.objects.select_related("owner", "tech_lead", "domain")
            .filter(slug=slug)
            .first()
        )
        if product is None:
            raise CommandError(f"No product has the address “{slug}”.")
        text = dump_odps_yaml(product_to_odps(product))
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror}.") from exc
        self.stdout.write(f"Wrote {product.slug}'s ODPS descriptor to {output}.")
