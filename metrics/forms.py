"""Forms of the metrics page. Each section appends its forms below its heading comment."""

from django import forms  # noqa: F401

from dpm.lib.forms import URL_FIELDS_ASSUME_HTTPS  # noqa: F401
from metrics.models import (  # noqa: F401
    KPI,
    DefinitionOfDone,
    DoneCriterion,
    Experiment,
    Measurement,
    ServiceLevel,
    ServiceLevelCheck,
)
