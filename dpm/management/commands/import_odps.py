import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from products.odps import (
    MAX_BYTES,
    ODPSFormatError,
    ODPSImportError,
    load_odps_yaml,
    product_import_odps,
)


class Command(BaseCommand):
    help = (
        "Create or update a product from an Open Data Product Standard (ODPS v1.1.0) YAML file, "
        "with the rights of --user. Prints every problem by its path in the file and exits "
        "non-zero when there is any; nothing is written then."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The descriptor (YAML, UTF-8); - reads standard input.")
        parser.add_argument(
            "--user", required=True, metavar="USERNAME", help="Import as this user."
        )
        parser.add_argument(
            "--override-reason",
            default="",
            metavar="TEXT",
            help="Leads only: move the product past a stage gate that refuses, recording why.",
        )

    def handle(self, *args, file: str, user: str, override_reason: str, **options):
        account = get_user_model().objects.filter(username=user, is_active=True).first()
        if account is None:
            raise CommandError(f"No active user is called “{user}”.")
        try:
            document = load_odps_yaml(self._read(file))
        except ODPSFormatError as exc:
            raise CommandError(f"{file}: {exc}") from exc
        try:
            product, created = product_import_odps(
                user=account, document=document, override_reason=override_reason
            )
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        except ODPSImportError as exc:
            for path, message in exc.errors:
                self.stderr.write(f"{path}: {message}")
            count = len(exc.errors)
            raise CommandError(
                f"Nothing was imported: {count} problem{'s' if count != 1 else ''} in {file}."
            ) from exc
        verb = "Created" if created else "Updated"
        self.stdout.write(f"{verb} {product.name} ({product.slug}).")

    def _read(self, file: str) -> str:
        if file == "-":
            data = sys.stdin.buffer.read(MAX_BYTES + 1)
        else:
            try:
                with Path(file).open("rb") as handle:
                    data = handle.read(MAX_BYTES + 1)
            except OSError as exc:
                raise CommandError(f"Cannot read {file}: {exc.strerror}.") from exc
        if len(data) > MAX_BYTES:
            raise CommandError(f"{file} is over {MAX_BYTES // 1_000_000} MB.")
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise CommandError(f"{file} is not UTF-8 text.") from None
