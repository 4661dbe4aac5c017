"""Writes of the metrics page: the Definition of Done, KPIs and measurements, service levels."""

from django.core.exceptions import PermissionDenied, ValidationError  # noqa: F401
from django.db import IntegrityError, transaction  # noqa: F401
from django.utils import timezone  # noqa: F401

from metrics.models import (  # noqa: F401
    KPI,
    DefinitionOfDone,
    DoneCriterion,
    Experiment,
    Measurement,
    ServiceLevel,
    ServiceLevelCheck,
)
from products.access import ProductAccess


def require_edit(access: ProductAccess) -> None:
    """The product's team changes its metrics (DESIGN.md §7)."""
    if not access.can_edit:
        raise PermissionDenied("Only the product's team can change its metrics.")
