import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken, IngestionKey
from metrics.admin import RECENT_ROWS
from metrics.models import KPI, Measurement
from products.models import Alert, DataProduct, ProductReview, ScoreSnapshot, StageChange, TaskRun
from products.recompute import portfolio_recompute
from tests.adoption import factories as adoption
from tests.discovery import factories as discovery
from tests.metrics import factories as metrics
from tests.products.factories import AlertFactory, DataProductFactory, DomainFactory, UserFactory
from tests.roadmaps import factories as roadmaps

pytestmark = pytest.mark.django_db

DPM_APPS = ("products.", "discovery.", "roadmaps.", "metrics.", "adoption.", "api.")
REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_it_passes_the_admin_checks():
    errors = [
        error for model_admin in admin.site._registry.values() for error in model_admin.check()
    ]

    assert errors == []


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_it_shows_the_changelist(admin_client, model):
    response = admin_client.get(admin_url(model, "changelist"))

    assert response.status_code == 200


RECORDED_HISTORY = {
    "products.StageChange",
    "products.ScoreSnapshot",
    "roadmaps.ScoreChange",
    "products.ProductReview",
    "products.TaskRun",
    "api.ApiToken",
    "api.IngestionKey",
}


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_it_shows_the_add_page(admin_client, model):
    response = admin_client.get(admin_url(model, "add"))

    assert response.status_code == (403 if model._meta.label in RECORDED_HISTORY else 200)


@pytest.mark.parametrize("label", sorted(RECORDED_HISTORY))
def test_it_refuses_to_rewrite_recorded_history(admin_client, label):
    model = apps.get_model(label)
    row = MAKE_ONE[label]()
    response = admin_client.post(admin_url(model, "change", row.pk), {})
    deletion = admin_client.post(admin_url(model, "delete", row.pk), {"post": "yes"})

    assert response.status_code == 403
    assert deletion.status_code == 403
    assert model.objects.filter(pk=row.pk).exists()


def make_stage_change():
    return StageChange.objects.create(
        product=DataProductFactory(), from_stage="idea", to_stage="discovery"
    )


def make_api_token():
    return ApiToken.objects.create(
        name="dbt nightly run", prefix=f"{ApiToken.objects.count():08x}", token_hash="0" * 64
    )


def make_ingestion_key():
    return IngestionKey.objects.create(
        token=make_api_token(),
        key="run-2026-11-23",
        endpoint="POST /api/v1/products/churn-radar/measurements",
        body_hash="0" * 64,
        response_status=201,
        response_body={"created": 1},
    )


def make_score_snapshot():
    return ScoreSnapshot.objects.create(
        product=DataProductFactory(), day=datetime.date(2025, 1, 6), health_score=72.5
    )


# One way to make a row of each registered model, to open its change page.
MAKE_ONE = {
    "auth.User": UserFactory,
    "auth.Group": lambda: Group.objects.create(name="Auditors"),
    "products.Domain": DomainFactory,
    "products.DataProduct": DataProductFactory,
    "products.StageChange": make_stage_change,
    "products.Alert": AlertFactory,
    "products.ScoreSnapshot": make_score_snapshot,
    "discovery.Persona": discovery.PersonaFactory,
    "discovery.Interview": discovery.InterviewFactory,
    "discovery.Tag": discovery.TagFactory,
    "discovery.Insight": discovery.InsightFactory,
    "discovery.Hypothesis": discovery.HypothesisFactory,
    "discovery.Evidence": discovery.EvidenceFactory,
    "discovery.WhyChain": discovery.WhyChainFactory,
    "discovery.Why": discovery.WhyFactory,
    "roadmaps.ScoringModel": roadmaps.ScoringModelFactory,
    "roadmaps.RoadmapItem": roadmaps.RoadmapItemFactory,
    "roadmaps.ScoreChange": roadmaps.ScoreChangeFactory,
    "metrics.DefinitionOfDone": metrics.DefinitionOfDoneFactory,
    "metrics.DoneCriterion": metrics.DoneCriterionFactory,
    "metrics.KPI": metrics.KPIFactory,
    "metrics.Measurement": metrics.MeasurementFactory,
    "metrics.ServiceLevel": metrics.ServiceLevelFactory,
    "metrics.ServiceLevelCheck": metrics.ServiceLevelCheckFactory,
    "metrics.Experiment": metrics.ExperimentFactory,
    "adoption.UsageSnapshot": adoption.UsageSnapshotFactory,
    "adoption.AdoptionBarrier": adoption.AdoptionBarrierFactory,
    "adoption.EnablementAsset": adoption.EnablementAssetFactory,
    "adoption.Feedback": adoption.FeedbackFactory,
    "products.ProductReview": lambda: ProductReview.objects.create(
        product=DataProductFactory(), note="Checked the KPIs with Finance."
    ),
    "products.TaskRun": lambda: TaskRun.objects.create(
        name=f"task-{TaskRun.objects.count()}",
        last_success_at=timezone.now(),
        last_result={"opened": 2},
    ),
    "api.ApiToken": make_api_token,
    "api.IngestionKey": make_ingestion_key,
}


def test_it_knows_how_to_make_every_registered_model():
    assert sorted(MAKE_ONE) == [model._meta.label for model in REGISTERED]


@pytest.mark.parametrize("label", sorted(MAKE_ONE))
def test_it_shows_the_change_page_and_a_populated_changelist(admin_client, label):
    obj = MAKE_ONE[label]()

    change = admin_client.get(admin_url(type(obj), "change", obj.pk))
    changelist = admin_client.get(admin_url(type(obj), "changelist"))

    assert change.status_code == 200
    assert changelist.status_code == 200
    assert obj in changelist.context["cl"].result_list


@pytest.mark.parametrize("label", sorted(label for label in MAKE_ONE if label.startswith(DPM_APPS)))
def test_it_lists_rows_without_a_query_per_row(admin_client, label):
    MAKE_ONE[label]()
    model = apps.get_model(label)
    with CaptureQueriesContext(connection) as one_row:
        admin_client.get(admin_url(model, "changelist"))
    MAKE_ONE[label]()
    MAKE_ONE[label]()

    with CaptureQueriesContext(connection) as three_rows:
        response = admin_client.get(admin_url(model, "changelist"))

    assert response.context["cl"].result_count == 3
    assert len(three_rows) == len(one_row), [q["sql"] for q in three_rows.captured_queries]


def test_it_shows_a_product_with_its_stage_history_read_only(admin_client, admin_user):
    product = DataProductFactory(name="Churn radar")
    StageChange.objects.create(
        product=product,
        from_stage=DataProduct.Stage.IDEA,
        to_stage=DataProduct.Stage.DISCOVERY,
        changed_by=admin_user,
        note="Enough interest to interview.",
    )

    response = admin_client.get(admin_url(DataProduct, "change", product.pk))

    assert response.status_code == 200
    assert b"Churn radar" in response.content
    assert b"Enough interest to interview." in response.content
    # Stage moves go through the gate on the product page, not through the admin form.
    assert "stage" not in response.context["adminform"].form.fields
    assert "stage_changes-0-note" not in response.content.decode()


def test_it_lists_a_product_s_health_with_what_decided_it_and_its_coverage(admin_client):
    product = DataProductFactory(name="Churn radar", last_reviewed_at=timezone.now())
    portfolio_recompute(product_ids=[product.pk])

    html = admin_client.get(admin_url(DataProduct, "changelist")).content.decode()
    history = admin_client.get(admin_url(ScoreSnapshot, "changelist")).content.decode()

    assert "Not enough data — covers 10 of 100" in html
    assert '<td class="field-health_coverage">10</td>' in html
    assert '<td class="field-health_coverage">10</td>' in history


def test_it_filters_open_alerts(admin_client):
    open_alert = AlertFactory()
    AlertFactory(resolved_at=timezone.now())

    response = admin_client.get(admin_url(Alert, "changelist"), {"open": "yes"})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [open_alert]


@pytest.fixture
def kpi_with_history():
    kpi = KPI.objects.create(
        product=DataProductFactory(),
        name="Weekly active account managers",
        category=KPI.Category.ADOPTION,
        direction=KPI.Direction.INCREASE,
        unit="users",
    )
    start = datetime.datetime(2025, 1, 1, 9, 0, tzinfo=datetime.UTC)
    Measurement.objects.bulk_create(
        Measurement(kpi=kpi, value=Decimal(day), observed_at=start + datetime.timedelta(days=day))
        for day in range(RECENT_ROWS + 5)
    )
    return kpi


def test_it_shows_only_the_latest_measurements_on_a_kpi(admin_client, kpi_with_history):
    response = admin_client.get(admin_url(KPI, "change", kpi_with_history.pk))

    assert response.status_code == 200
    (formset,) = (inline.formset for inline in response.context["inline_admin_formsets"])
    shown = [form.instance.observed_at.date() for form in formset.forms]
    assert len(shown) == RECENT_ROWS
    assert shown[0] == datetime.date(2025, 1, RECENT_ROWS + 5)
    assert shown == sorted(shown, reverse=True)


def test_it_saves_an_edited_measurement_on_a_kpi(admin_client, kpi_with_history):
    kpi = kpi_with_history
    latest = list(kpi.measurements.order_by("-observed_at", "-pk")[:RECENT_ROWS])
    data = {
        "product": kpi.product_id,
        "name": kpi.name,
        "category": kpi.category,
        "unit": kpi.unit,
        "direction": kpi.direction,
        "cadence_days": kpi.cadence_days,
        "measurements-TOTAL_FORMS": len(latest),
        "measurements-INITIAL_FORMS": len(latest),
        "measurements-MIN_NUM_FORMS": 0,
        "measurements-MAX_NUM_FORMS": 1000,
    }
    for i, measurement in enumerate(latest):
        observed_at = timezone.localtime(measurement.observed_at)
        data |= {
            f"measurements-{i}-id": measurement.pk,
            f"measurements-{i}-kpi": kpi.pk,
            f"measurements-{i}-observed_at_0": observed_at.date().isoformat(),
            f"measurements-{i}-observed_at_1": observed_at.time().isoformat(),
            f"measurements-{i}-value": measurement.value,
            f"measurements-{i}-source": measurement.source,
            f"measurements-{i}-note": measurement.note,
        }
    data["measurements-0-value"] = "99.5"

    response = admin_client.post(admin_url(KPI, "change", kpi.pk), data)

    assert response.status_code == 302
    latest[0].refresh_from_db()
    assert latest[0].value == Decimal("99.5")
    assert kpi.measurements.count() == RECENT_ROWS + 5
