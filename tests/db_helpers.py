"""Helpers for tests that write past the forms to prove the database refuses bad rows."""

from contextlib import contextmanager

import pytest
from django.db import IntegrityError, connection, transaction


@contextmanager
def refused(constraint: str):
    """The write in the block must fail on `constraint`, inside a savepoint so the test's
    transaction stays usable (PostgreSQL aborts it otherwise). SQLite names a failed CHECK but
    not a failed UNIQUE constraint, so there the name is only checked for CHECKs."""
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        yield
    message = str(caught.value)
    if connection.vendor != "sqlite" or not message.startswith("UNIQUE"):
        assert constraint in message, message


def bad_choice(obj, field: str) -> str:
    """A value outside the field's choices that still fits its column."""
    return "bogus"[: obj._meta.get_field(field).max_length]


def update(obj, **values) -> None:
    """Write straight to the row: no form, no model validation."""
    type(obj).objects.filter(pk=obj.pk).update(**values)
