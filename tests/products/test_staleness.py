"""The staleness sweep: every rule of DESIGN.md §6 at its thresholds, on a controlled clock."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from discovery.models import Hypothesis
from metrics.models import KPI, Experiment, Measurement
from products.models import Alert, DataProduct, StageChange
from products.staleness import alerts_sync
from roadmaps.models import RoadmapItem
from tests.adoption.factories import UsageSnapshotFactory
from tests.discovery.factories import HypothesisFactory, InterviewFactory
from tests.metrics.factories import ExperimentFactory, KPIFactory, MeasurementFactory
from tests.products.factories import DataProductFactory
from tests.roadmaps.factories import RoadmapItemFactory

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime.datetime(2026, 6, 15, 12, 0))
TODAY = NOW.date()


def ago(days: float) -> datetime.datetime:
    return NOW - datetime.timedelta(days=days)


def open_alerts(kind=None):
    alerts = Alert.objects.open()
    return list(alerts.filter(kind=kind) if kind else alerts)


def severity_of(kind) -> str | None:
    alerts = open_alerts(kind)
    assert len(alerts) <= 1
    return alerts[0].severity if alerts else None


@pytest.fixture
def fresh(product):
    """The `product` in pilot, reviewed today, so it raises nothing by itself."""
    DataProduct.objects.filter(pk=product.pk).update(
        stage=DataProduct.Stage.PILOT, last_reviewed_at=NOW, created_at=ago(400)
    )
    product.refresh_from_db()
    return product


def test_a_fresh_product_raises_nothing(fresh):
    assert alerts_sync(now=NOW) == {"opened": 0, "updated": 0, "resolved": 0, "notified": 0}


# --- product not reviewed: 90 / 180 days ---------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "severity"), [(89, None), (90, "warning"), (179, "warning"), (180, "error")]
)
def test_a_product_not_reviewed(fresh, days, severity):
    DataProduct.objects.filter(pk=fresh.pk).update(last_reviewed_at=ago(days))
    alerts_sync(now=NOW)
    assert severity_of(Alert.Kind.PRODUCT_NOT_REVIEWED) == severity
    if severity:
        alert = open_alerts()[0]
        assert alert.subject == fresh
        reviewed = TODAY - datetime.timedelta(days=days)
        assert alert.message == f"Not reviewed since {reviewed.day} {reviewed:%b %Y}."


def test_a_product_never_reviewed_counts_from_its_creation(fresh):
    DataProduct.objects.filter(pk=fresh.pk).update(last_reviewed_at=None, created_at=ago(100))
    alerts_sync(now=NOW)
    assert open_alerts()[0].message == "Never reviewed since it was added on 7 Mar 2026."


def test_a_retired_product_raises_nothing(fresh):
    DataProduct.objects.filter(pk=fresh.pk).update(stage="retired", last_reviewed_at=ago(400))
    alerts_sync(now=NOW)
    assert open_alerts() == []


# --- KPI without a measurement: 1.5× / 3× its cadence ---------------------------------------------


@pytest.mark.parametrize(
    ("days", "severity"), [(10, None), (11, "warning"), (20, "warning"), (21, "error")]
)
def test_a_kpi_not_measured(fresh, days, severity):
    kpi = KPIFactory(product=fresh, cadence_days=7, name="Calls")  # 10.5 / 21 days
    MeasurementFactory(kpi=kpi, observed_at=ago(days))
    alerts_sync(now=NOW)
    assert severity_of(Alert.Kind.KPI_NOT_MEASURED) == severity
    if severity:
        assert open_alerts()[0].subject == kpi


def test_a_kpi_with_no_measurement_counts_from_its_definition(fresh):
    kpi = KPIFactory(product=fresh, cadence_days=7, name="Calls")
    KPI.objects.filter(pk=kpi.pk).update(created_at=ago(30))
    alerts_sync(now=NOW)
    alert = open_alerts()[0]
    assert alert.severity == "error"
    assert alert.message == (
        "“Calls” has had no measurement since it was defined on 16 May 2026; it is measured "
        "every 7 days."
    )


def test_kpis_are_not_expected_before_build(fresh):
    DataProduct.objects.filter(pk=fresh.pk).update(stage="definition")
    KPI.objects.filter(pk=KPIFactory(product=fresh).pk).update(created_at=ago(100))
    alerts_sync(now=NOW)
    assert open_alerts(Alert.Kind.KPI_NOT_MEASURED) == []


# --- hypothesis in testing: 30 / 60 days ----------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "severity"), [(29, None), (30, "warning"), (59, "warning"), (60, "error")]
)
def test_a_hypothesis_stuck_in_testing(fresh, days, severity):
    hypothesis = HypothesisFactory(
        product=fresh, status=Hypothesis.Status.TESTING, status_changed_at=ago(days)
    )
    HypothesisFactory(product=fresh, status="validated", status_changed_at=ago(300))
    alerts_sync(now=NOW)
    assert severity_of(Alert.Kind.HYPOTHESIS_STALE) == severity
    if severity:
        assert open_alerts()[0].subject == hypothesis


# --- discovery without interviews: 30 / 60 days ---------------------------------------------------


@pytest.mark.parametrize(
    ("days", "severity"), [(29, None), (30, "warning"), (59, "warning"), (60, "error")]
)
def test_discovery_without_an_interview(fresh, days, severity):
    DataProduct.objects.filter(pk=fresh.pk).update(stage="discovery")
    StageChange.objects.create(product=fresh, from_stage="idea", to_stage="discovery")
    StageChange.objects.filter(product=fresh).update(created_at=ago(200))
    InterviewFactory(product=fresh, held_on=TODAY - datetime.timedelta(days=days))
    InterviewFactory(product=fresh, held_on=TODAY - datetime.timedelta(days=days + 40))
    alerts_sync(now=NOW)
    assert severity_of(Alert.Kind.DISCOVERY_STALE) == severity
    if severity:
        held = TODAY - datetime.timedelta(days=days)
        assert open_alerts()[0].message == (
            f"In discovery with no interview since {held.day} {held:%b %Y}."
        )


def test_discovery_counts_from_the_move_into_it_before_any_interview(fresh):
    DataProduct.objects.filter(pk=fresh.pk).update(stage="discovery")
    StageChange.objects.create(product=fresh, from_stage="idea", to_stage="discovery")
    StageChange.objects.filter(product=fresh).update(created_at=ago(45))
    InterviewFactory(product=fresh, held_on=TODAY - datetime.timedelta(days=100))
    alerts_sync(now=NOW)
    alert = open_alerts()[0]
    assert (alert.severity, alert.message) == (
        "warning",
        "In discovery since 1 May 2026 without an interview.",
    )


# --- roadmap item in progress: 30 / 60 days -------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "severity"), [(29, None), (30, "warning"), (59, "warning"), (60, "error")]
)
def test_an_item_stuck_in_progress(fresh, days, severity):
    item = RoadmapItemFactory(product=fresh, status="in_progress", title="Call list export")
    RoadmapItem.objects.filter(pk=item.pk).update(status_changed_at=ago(days))
    alerts_sync(now=NOW)
    assert severity_of(Alert.Kind.ITEM_STALE) == severity
    if severity:
        assert open_alerts()[0].subject == item


# --- pilot past its end date without a decision: 0 / 14 days --------------------------------------


@pytest.mark.parametrize(
    ("days_past", "decision", "severity"),
    [
        (0, "", None),  # ends today: not past yet
        (1, "", "warning"),
        (13, "", "warning"),
        (14, "", "error"),
        (30, Experiment.Decision.ITERATE, None),
    ],
)
def test_a_pilot_past_its_end_without_a_decision(fresh, days_past, decision, severity):
    pilot = ExperimentFactory(
        product=fresh,
        ends_on=TODAY - datetime.timedelta(days=days_past),
        starts_on=TODAY - datetime.timedelta(days=days_past + 30),
        decision=decision,
        status="concluded" if decision else "running",
    )
    alerts_sync(now=NOW)
    assert severity_of(Alert.Kind.PILOT_UNDECIDED) == severity
    if severity:
        assert open_alerts()[0].subject == pilot


# --- adoption down ≥ 30 % over four weeks ---------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "latest", "severity"),
    [(100, 71, None), (100, 70, "warning"), (100, 51, "warning"), (100, 50, "error")],
)
def test_adoption_dropping(fresh, before, latest, severity):
    monday = TODAY - datetime.timedelta(days=TODAY.weekday())
    UsageSnapshotFactory(
        product=fresh, week_start=monday - datetime.timedelta(weeks=4), active_users=before
    )
    UsageSnapshotFactory(
        product=fresh, week_start=monday - datetime.timedelta(weeks=2), active_users=90
    )
    UsageSnapshotFactory(product=fresh, week_start=monday, active_users=latest)
    alerts_sync(now=NOW)
    assert severity_of(Alert.Kind.ADOPTION_DROP) == severity
    if severity:
        assert open_alerts()[0].message.startswith(
            f"Active users fell {before - latest} % in four weeks, from {before} to {latest}"
        )


# --- the life of an alert -------------------------------------------------------------------------


def test_an_alert_escalates_then_resolves_when_the_cause_is_fixed(fresh):
    DataProduct.objects.filter(pk=fresh.pk).update(last_reviewed_at=ago(100))
    assert alerts_sync(now=NOW)["opened"] == 1
    first = open_alerts()[0]

    later = NOW + datetime.timedelta(days=80)  # 180 days since the review
    assert alerts_sync(now=later)["updated"] == 1
    escalated = open_alerts()[0]
    assert (escalated.pk, escalated.severity) == (first.pk, "error")

    DataProduct.objects.filter(pk=fresh.pk).update(last_reviewed_at=later)
    assert alerts_sync(now=later)["resolved"] == 1
    first.refresh_from_db()
    assert first.resolved_at == later
    assert open_alerts() == []


def test_a_day_later_the_messages_still_hold(fresh):
    """Messages name dates, not ages: a sweep the next day rewrites nothing below a threshold."""
    DataProduct.objects.filter(pk=fresh.pk).update(last_reviewed_at=ago(100))
    alerts_sync(now=NOW)
    before = list(Alert.objects.values().order_by("pk"))
    assert alerts_sync(now=NOW + datetime.timedelta(days=1))["updated"] == 0
    assert list(Alert.objects.values().order_by("pk")) == before


def test_running_it_twice_changes_nothing(fresh):
    DataProduct.objects.filter(pk=fresh.pk).update(last_reviewed_at=ago(100))
    KPIFactory(product=fresh, cadence_days=7)
    KPI.objects.update(created_at=ago(30))
    alerts_sync(now=NOW)
    before = list(Alert.objects.values().order_by("pk"))
    assert alerts_sync(now=NOW) == {"opened": 0, "updated": 0, "resolved": 0, "notified": 0}
    assert list(Alert.objects.values().order_by("pk")) == before


def test_a_cleared_then_returning_condition_opens_a_new_alert(fresh):
    DataProduct.objects.filter(pk=fresh.pk).update(last_reviewed_at=ago(100))
    alerts_sync(now=NOW)
    DataProduct.objects.filter(pk=fresh.pk).update(last_reviewed_at=NOW)
    alerts_sync(now=NOW)
    DataProduct.objects.filter(pk=fresh.pk).update(last_reviewed_at=ago(95))
    alerts_sync(now=NOW)
    assert Alert.objects.count() == 2
    assert len(open_alerts()) == 1


def test_an_acknowledged_alert_stays_open_while_the_cause_does(fresh, lead):
    DataProduct.objects.filter(pk=fresh.pk).update(last_reviewed_at=ago(100))
    alerts_sync(now=NOW)
    Alert.objects.update(acknowledged_by=lead, acknowledged_at=NOW, acknowledge_note="On it")
    alerts_sync(now=NOW)
    alert = open_alerts()[0]
    assert (alert.acknowledged_by, alert.acknowledge_note) == (lead, "On it")


def test_an_escalation_to_error_asks_for_a_new_acknowledgement(fresh, lead):
    DataProduct.objects.filter(pk=fresh.pk).update(last_reviewed_at=ago(100))
    alerts_sync(now=NOW)
    Alert.objects.update(acknowledged_by=lead, acknowledged_at=NOW, acknowledge_note="On it")
    alerts_sync(now=NOW + datetime.timedelta(days=80))
    alert = open_alerts()[0]
    assert alert.severity == "error"
    assert (alert.acknowledged_by, alert.acknowledged_at, alert.acknowledge_note) == (
        None,
        None,
        "",
    )


def test_an_insert_racing_another_sweep_does_not_duplicate(fresh):
    """The second sweep's INSERT meets the first's open alert: ON CONFLICT DO NOTHING."""
    DataProduct.objects.filter(pk=fresh.pk).update(last_reviewed_at=ago(100))
    alerts_sync(now=NOW)
    from products import staleness

    # Replay the insert as a sweep that read the open alerts before the first one committed.
    stale = staleness._stale_things(NOW)
    Alert.objects.bulk_create(
        [
            Alert(
                product_id=want.product_id,
                kind=kind,
                subject_type_id=type_id,
                subject_id=subject_id,
                severity=want.severity,
                message=want.message,
                opened_at=NOW,
            )
            for (kind, type_id, subject_id), want in stale.items()
        ],
        ignore_conflicts=True,
    )
    assert len(open_alerts()) == 1


# --- e-mail to the owner --------------------------------------------------------------------------


def test_a_new_error_emails_the_owner_once(fresh):
    fresh.owner.email = "priya@example.com"
    fresh.owner.save()
    DataProduct.objects.filter(pk=fresh.pk).update(last_reviewed_at=ago(200))
    assert alerts_sync(now=NOW)["notified"] == 1
    assert alerts_sync(now=NOW)["notified"] == 0
    assert alerts_sync(now=NOW + datetime.timedelta(days=1))["notified"] == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["priya@example.com"]
    assert fresh.name in message.subject
    assert "Not reviewed since 27 Nov 2025." in message.body
    assert f"/products/{fresh.slug}/health/" in message.body
    assert open_alerts()[0].owner_notified_at == NOW


def test_a_mail_server_that_is_down_delays_the_email_not_the_alerts(fresh, settings, caplog):
    fresh.owner.email = "priya@example.com"
    fresh.owner.save()
    DataProduct.objects.filter(pk=fresh.pk).update(last_reviewed_at=ago(200))
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2

    result = alerts_sync(now=NOW)

    assert (result["opened"], result["notified"]) == (1, 0)
    alert = open_alerts()[0]
    assert (alert.severity, alert.owner_notified_at) == ("error", None)
    assert "the next sweep retries" in caplog.text

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert alerts_sync(now=NOW)["notified"] == 1
    assert len(mail.outbox) == 1


def test_warnings_send_no_email_and_an_escalation_does(fresh):
    fresh.owner.email = "priya@example.com"
    fresh.owner.save()
    DataProduct.objects.filter(pk=fresh.pk).update(last_reviewed_at=ago(100))
    alerts_sync(now=NOW)
    assert mail.outbox == []
    alerts_sync(now=NOW + datetime.timedelta(days=80))
    assert len(mail.outbox) == 1


# --- cost -----------------------------------------------------------------------------------------


def _stale_portfolio(size: int) -> None:
    """`size` products that break every rule at once."""
    first = DataProductFactory()
    products = DataProduct.objects.bulk_create(
        DataProductFactory.build(
            owner=first.owner,
            domain=first.domain,
            stage="pilot",
            last_reviewed_at=ago(200),
        )
        for _ in range(size)
    )
    kpis = KPI.objects.bulk_create(KPIFactory.build(product=p, cadence_days=7) for p in products)
    Measurement.objects.bulk_create(
        MeasurementFactory.build(kpi=k, value=Decimal(1), observed_at=ago(40)) for k in kpis
    )
    Hypothesis.objects.bulk_create(
        HypothesisFactory.build(product=p, status="testing", status_changed_at=ago(40))
        for p in products
    )
    RoadmapItem.objects.bulk_create(
        RoadmapItemFactory.build(product=p, status="in_progress", status_changed_at=ago(70))
        for p in products
    )


@pytest.mark.parametrize("size", [100, 2000])
def test_the_statement_count_does_not_grow_with_the_portfolio(on_postgres, size):
    _stale_portfolio(size)
    alerts_sync(now=NOW)  # content types cached; every rule's alerts opened, errors e-mailed
    DataProduct.objects.update(last_reviewed_at=NOW)  # the review alerts clear
    later = NOW + datetime.timedelta(days=25)  # the hypotheses cross 60 days: errors now
    with CaptureQueriesContext(connection) as queries:
        result = alerts_sync(now=later)
    assert result == {"opened": 0, "updated": size, "resolved": size, "notified": size}
    # Seven rule reads, the open alerts, one UPDATE escalating the hypotheses' alerts, one
    # resolving the review alerts, the read of errors not yet e-mailed and their stamp. Nothing
    # is new and no message changed (they name dates), so no INSERT and no rewording.
    statements = [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) == 12, [s[:80] for s in statements]
