"""Numbers are finite, and of a size people mean, before they are stored: every float and
decimal form field is bounded (dpm/lib/numbers.py, or a decimal's max_digits), and the API's
numbers pass the same row forms."""

import importlib
import inspect
import json

import pytest
from django import forms

from metrics.models import Experiment, Measurement
from roadmaps.forms import ScoringModelForm
from roadmaps.models import ScoringModel
from roadmaps.scoring import ScoringConfig
from tests.api.conftest import api_client, make_token
from tests.helpers import client_for
from tests.metrics.factories import KPIFactory
from tests.roadmaps.test_scoring_settings import settings_data

pytestmark = pytest.mark.django_db

FORM_MODULES = ["products.forms", "discovery.forms", "roadmaps.forms", "metrics.forms",
                "adoption.forms", "api.forms"]  # fmt: skip
TOO_LARGE = ["1e309", "1e300", "1e15", "-1e15", "inf", "-Infinity", "nan"]


@pytest.mark.parametrize("value", TOO_LARGE)
@pytest.mark.parametrize("field", ["reach_cap", "band_4_below", "weight_cost"])
def test_the_scoring_settings_refuse_numbers_too_large_to_mean(lead, field, value):
    response = client_for(lead).post("/roadmap/scoring/", settings_data(**{field: value}))

    assert response.status_code == 200
    assert _refused(response.content.decode())
    assert not ScoringModel.objects.exists()


def test_the_scoring_settings_take_the_largest_number_allowed(lead):
    response = client_for(lead).post("/roadmap/scoring/", settings_data(reach_cap="9" * 15))

    assert response.status_code == 302
    assert ScoringModel.objects.get().weights["reach_cap"] == float("9" * 15)


@pytest.mark.parametrize("value", TOO_LARGE)
@pytest.mark.parametrize("field", ["control_sd", "control_mean", "variant_sd", "variant_mean"])
def test_an_experiment_refuses_figures_too_large_to_mean(product, pm, field, value):
    data = {"name": "Pack time pilot", "kind": "pilot", "status": "running",
            "metric_name": "Minutes", "metric_kind": "mean", "control_n": "24",
            "control_mean": "92.5", "control_sd": "12", "variant_n": "24", "variant_mean": "41",
            "variant_sd": "9", field: value}  # fmt: skip

    response = client_for(pm).post("/products/churn-radar/metrics/experiments/new/", data)

    assert response.status_code == 200
    assert _refused(response.content.decode())
    assert not Experiment.objects.exists()


@pytest.mark.parametrize("value", ["1e309", "NaN", "Infinity", "-Infinity", '"1e309"', '"NaN"'])
def test_the_api_refuses_numbers_beyond_a_float_as_a_bad_value(product, pm, value):
    kpi = KPIFactory(product=product)
    body = f'{{"kpi": {kpi.pk}, "value": {value}, "observed_at": "2026-01-05T09:00"}}'

    response = api_client(make_token(pm, product)).post(
        "/api/v1/products/churn-radar/measurements", body, content_type="application/json"
    )

    assert response.status_code == 422
    json.dumps(response.json(), allow_nan=False)
    assert not Measurement.objects.exists()


def _refused(content: str) -> bool:
    """The page shows why: too large (dpm's rule, or Django's own "Enter a number." for inf
    and nan) or outside the field's own range."""
    return any(
        message in content
        for message in ("Enter a number", "greater than or equal to", "less than or equal to")
    )


def _form_classes():
    for name in FORM_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == name:
                yield cls


def _unbounded(fields) -> list[str]:
    """Float and decimal fields with no bound on their size: neither dpm's finite rule nor a
    decimal's max_digits."""
    from dpm.lib.numbers import validate_finite

    return [
        name
        for name, field in fields.items()
        if isinstance(field, forms.FloatField | forms.DecimalField)
        and validate_finite not in field.validators
        and getattr(field, "max_digits", None) is None
    ]


def test_every_float_and_decimal_form_field_is_bounded():
    classes = list(_form_classes())
    assert len(classes) > 20  # the survey found the app's forms
    unbounded = {cls.__name__: _unbounded(cls.base_fields) for cls in classes}
    # ScoringModelForm makes its fields per scoring model.
    unbounded["ScoringModelForm()"] = _unbounded(
        ScoringModelForm(config=ScoringConfig.default()).fields
    )
    assert {name: fields for name, fields in unbounded.items() if fields} == {}
