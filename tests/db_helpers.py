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


def model_label(factory) -> str:
    """A factory's model name (or a maker function's name), for test ids."""
    meta = getattr(factory, "_meta", None)
    if getattr(meta, "model", None) is not None:
        return meta.model._meta.model_name
    return factory.__name__.removesuffix("Factory").lower().lstrip("_")


def out_of_range_params(ranges) -> list:
    """pytest params (factory, field, value, constraint) for every value a range refuses.
    `ranges` rows are (factory, field, constraint, bad values, good values)."""
    return [
        pytest.param(
            factory, field, value, constraint, id=f"{model_label(factory)}.{field}={value}"
        )
        for factory, field, constraint, bad, _good in ranges
        for value in bad
    ]


def in_range_params(ranges) -> list:
    """pytest params (factory, field, value) for every boundary value a range accepts."""
    return [
        pytest.param(factory, field, value, id=f"{model_label(factory)}.{field}={value}")
        for factory, field, _constraint, _bad, good in ranges
        for value in good
    ]
