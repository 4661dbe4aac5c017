"""The staleness sweep (DESIGN.md §6): open, update and resolve alerts so that the open alerts are
exactly the stale things of the portfolio, each at its current severity.

Set-based: one read per rule (seven), one read of the open alerts, then at most one INSERT, one
UPDATE of changed alerts and one UPDATE resolving cleared ones, whatever the portfolio's size. New
alerts are inserted with ON CONFLICT DO NOTHING against the one-open-alert-per-subject constraint,
so two sweeps that overlap never open the same alert twice. Running it again with nothing changed
writes nothing.

A new (or newly escalated) error e-mails the product's owner once: `owner_notified_at` is claimed
in the same transaction that sends, so a retried sweep does not e-mail again.
"""

import datetime
import logging
import smtplib
from contextlib import suppress
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import DateTimeField, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from dpm.lib.bulk import BATCH_SIZE, update_rows
from products.models import Alert, DataProduct, StageChange

logger = logging.getLogger(__name__)

Kind = Alert.Kind
WARNING, ERROR = Alert.Severity.WARNING.value, Alert.Severity.ERROR.value
# KPIs are expected to be measured once the product is being built.
MEASURED_STAGES = (DataProduct.Stage.BUILD, DataProduct.Stage.PILOT, DataProduct.Stage.LAUNCHED)
ADOPTION_WINDOW = datetime.timedelta(weeks=4)
# What a mail server that is down or refuses raises.
MAIL_ERRORS = (smtplib.SMTPException, OSError)


@dataclass(frozen=True)
class Stale:
    """One stale thing: what the open alert for (kind, subject) should say."""

    product_id: int
    severity: str
    message: str


def thresholds() -> dict:
    """(warning, error) per rule, from settings.DPM_STALENESS (DESIGN.md §6 defaults)."""
    return settings.DPM_STALENESS


def _severity(age, warning, error) -> str | None:
    if age >= error:
        return ERROR
    if age >= warning:
        return WARNING
    return None


def _on(moment: datetime.date | datetime.datetime) -> str:
    """A date as messages say it. Dates, not ages: "since 22 Apr 2026" stays true every day, so
    the sweep does not rewrite every open alert daily."""
    day = timezone.localdate(moment) if isinstance(moment, datetime.datetime) else moment
    return f"{day.day} {day:%b %Y}"


def _days(word_count: int) -> str:
    return f"{word_count} day{'s' if word_count != 1 else ''}"


def alerts_sync(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Bring the open alerts in line with the portfolio's state at `now`, then e-mail owners
    about new errors; returns how many alerts were opened, updated, resolved and e-mailed.

    The alerts are committed before any e-mail is sent: a mail server that is down delays the
    e-mails (the next sweep tries again), never the alerts.
    """
    now = now or timezone.now()
    result = _alerts_sync(now)
    result["notified"] = _notify_owners(now)
    return result


@transaction.atomic
def _alerts_sync(now: datetime.datetime) -> dict[str, int]:
    stale = _stale_things(now)
    open_alerts = {
        (a.kind, a.subject_type_id, a.subject_id): a
        for a in Alert.objects.open()
        .filter(kind__in=Kind.values)
        .only(
            *("pk", "kind", "subject_type_id", "subject_id", "product_id"),
            *("severity", "message", "owner_notified_at", "updated_at"),
            *("acknowledged_by_id", "acknowledged_at", "acknowledge_note"),
        )
    }
    new, escalated, eased, reworded = [], [], [], []
    for key, want in stale.items():
        alert = open_alerts.get(key)
        if alert is None:
            kind, type_id, subject_id = key
            new.append(
                Alert(
                    product_id=want.product_id,
                    kind=kind,
                    subject_type_id=type_id,
                    subject_id=subject_id,
                    severity=want.severity,
                    message=want.message,
                    opened_at=now,
                )
            )
        else:
            if alert.severity != want.severity:
                (escalated if want.severity == ERROR else eased).append(alert.pk)
            if alert.message != want.message:
                alert.message, alert.updated_at = want.message, now
                reworded.append(alert)
    cleared = [alert.pk for key, alert in open_alerts.items() if key not in stale]
    Alert.objects.bulk_create(new, ignore_conflicts=True, batch_size=BATCH_SIZE)
    if escalated:
        # An escalation is news: the owner hears of it, and acknowledging the warning does not
        # stand for the error.
        Alert.objects.filter(pk__in=escalated).update(
            severity=ERROR,
            owner_notified_at=None,
            acknowledged_by=None,
            acknowledged_at=None,
            acknowledge_note="",
            updated_at=now,
        )
    if eased:
        Alert.objects.filter(pk__in=eased).update(severity=WARNING, updated_at=now)
    # Messages name dates, not ages, so they change only when their facts do (a new
    # measurement that is still too old, another week of usage): few rows a sweep. One
    # UPDATE … FROM VALUES per batch: bulk_update's CASE costs n² comparisons.
    update_rows(Alert, ["message", "updated_at"], [(a.pk, a.message, now) for a in reworded])
    if cleared:
        Alert.objects.filter(pk__in=cleared, resolved_at__isnull=True).update(
            resolved_at=now, updated_at=now
        )
    return {
        "opened": len(new),
        "updated": len(set(escalated) | set(eased) | {alert.pk for alert in reworded}),
        "resolved": len(cleared),
    }


def _stale_things(now) -> dict[tuple[str, int, int], Stale]:
    today = timezone.localdate(now)
    limits = thresholds()
    types = ContentType.objects.get_for_models(*_subject_models())
    found: dict[tuple[str, int, int], Stale] = {}
    for kind, model, rows in (
        (Kind.PRODUCT_NOT_REVIEWED, DataProduct, _not_reviewed(now, today, limits)),
        (Kind.KPI_NOT_MEASURED, _model("metrics.KPI"), _kpis_not_measured(now, today, limits)),
        (Kind.HYPOTHESIS_STALE, _model("discovery.Hypothesis"), _hypotheses(now, today, limits)),
        (Kind.DISCOVERY_STALE, DataProduct, _discovery(now, today, limits)),
        (Kind.ITEM_STALE, _model("roadmaps.RoadmapItem"), _items(now, today, limits)),
        (Kind.PILOT_UNDECIDED, _model("metrics.Experiment"), _pilots(today, limits)),
        (Kind.ADOPTION_DROP, DataProduct, _adoption(today, limits)),
    ):
        type_id = types[model].pk
        for subject_id, stale in rows:
            found[(kind.value, type_id, subject_id)] = stale
    return found


def _model(label: str):
    from django.apps import apps

    return apps.get_model(label)


def _subject_models():
    return [
        DataProduct,
        _model("metrics.KPI"),
        _model("discovery.Hypothesis"),
        _model("roadmaps.RoadmapItem"),
        _model("metrics.Experiment"),
    ]


def _age_days(moment, today) -> int:
    return (today - timezone.localdate(moment)).days


def _not_reviewed(now, today, limits):
    warning, error = limits["product_not_reviewed"]
    since = Coalesce("last_reviewed_at", "created_at")
    rows = (
        DataProduct.objects.exclude(stage=DataProduct.Stage.RETIRED)
        .annotate(since=since)
        .filter(since__lte=now - datetime.timedelta(days=warning))
        .values_list("pk", "last_reviewed_at", "since")
    )
    for pk, reviewed, moment in rows:
        age = _age_days(moment, today)
        severity = _severity(age, warning, error)
        if severity is None:
            continue
        if reviewed:
            message = f"Not reviewed since {_on(moment)}."
        else:
            message = f"Never reviewed since it was added on {_on(moment)}."
        yield pk, Stale(pk, severity, message)


def _kpis_not_measured(now, today, limits):
    """A KPI of a product being built, piloted or launched whose latest measurement (or, with
    none, its creation) is 1.5× / 3× its cadence old."""
    from metrics.models import KPI

    warning, error = limits["kpi_not_measured"]
    rows = (
        KPI.objects.filter(product__stage__in=MEASURED_STAGES)
        .annotate(latest=Max("measurements__observed_at"))
        .values_list("pk", "product_id", "name", "cadence_days", "latest", "created_at")
    )
    for pk, product_id, name, cadence, latest, created in rows:
        age = _age_days(latest or created, today)
        severity = _severity(age, warning * cadence, error * cadence)
        if severity is None:
            continue
        if latest:
            message = (
                f"“{name}” was last measured on {_on(latest)}; it is measured every "
                f"{_days(cadence)}."
            )
        else:
            message = (
                f"“{name}” has had no measurement since it was defined on {_on(created)}; it "
                f"is measured every {_days(cadence)}."
            )
        yield pk, Stale(product_id, severity, message)


def _hypotheses(now, today, limits):
    from discovery.models import Hypothesis

    warning, error = limits["hypothesis_stale"]
    rows = (
        Hypothesis.objects.filter(status=Hypothesis.Status.TESTING)
        .exclude(product__stage=DataProduct.Stage.RETIRED)
        .annotate(since=Coalesce("status_changed_at", "created_at"))
        .filter(since__lte=now - datetime.timedelta(days=warning))
        .values_list("pk", "product_id", "who", "belief", "since")
    )
    for pk, product_id, who, belief, since in rows:
        age = _age_days(since, today)
        severity = _severity(age, warning, error)
        if severity:
            belief = _short(f"{who} {belief}")
            message = f"In testing since {_on(since)} without a verdict: “{belief}”."
            yield pk, Stale(product_id, severity, message)


def _discovery(now, today, limits):
    """A product in discovery whose latest interview (or, before any, its move into discovery)
    is 30 / 60 days old."""
    from discovery.models import Interview

    warning, error = limits["discovery_stale"]
    entered = StageChange.objects.filter(
        product=OuterRef("pk"), to_stage=DataProduct.Stage.DISCOVERY
    ).order_by("-created_at")
    last_interview = Interview.objects.filter(product=OuterRef("pk")).order_by("-held_on")
    rows = (
        DataProduct.objects.filter(stage=DataProduct.Stage.DISCOVERY)
        .annotate(
            entered=Coalesce(
                Subquery(entered.values("created_at")[:1]),
                "created_at",
                output_field=DateTimeField(),
            ),
            interviewed=Subquery(last_interview.values("held_on")[:1]),
        )
        .values_list("pk", "entered", "interviewed")
    )
    for pk, entered_at, interviewed in rows:
        last = max(timezone.localdate(entered_at), interviewed or datetime.date.min)
        age = (today - last).days
        severity = _severity(age, warning, error)
        if severity is None:
            continue
        if interviewed and interviewed >= timezone.localdate(entered_at):
            message = f"In discovery with no interview since {_on(interviewed)}."
        else:
            message = f"In discovery since {_on(entered_at)} without an interview."
        yield pk, Stale(pk, severity, message)


def _items(now, today, limits):
    from roadmaps.models import RoadmapItem

    warning, error = limits["item_stale"]
    rows = (
        RoadmapItem.objects.filter(status=RoadmapItem.Status.IN_PROGRESS)
        .exclude(product__stage=DataProduct.Stage.RETIRED)
        .annotate(since=Coalesce("status_changed_at", "created_at"))
        .filter(since__lte=now - datetime.timedelta(days=warning))
        .values_list("pk", "product_id", "title", "since")
    )
    for pk, product_id, title, since in rows:
        age = _age_days(since, today)
        severity = _severity(age, warning, error)
        if severity:
            message = f"“{title}” has been in progress since {_on(since)} without a change."
            yield pk, Stale(product_id, severity, message)


def _pilots(today, limits):
    """A pilot or experiment past its end date with no decision recorded."""
    from metrics.models import Experiment

    warning, error = limits["pilot_undecided"]
    rows = (
        Experiment.objects.filter(ends_on__lt=today - datetime.timedelta(days=warning))
        .exclude(product__stage=DataProduct.Stage.RETIRED)
        .filter(Q(decision="") | Q(decision__isnull=True))
        .values_list("pk", "product_id", "name", "kind", "ends_on")
    )
    kinds = dict(Experiment.Kind.choices)
    for pk, product_id, name, kind, ends_on in rows:
        age = (today - ends_on).days
        severity = ERROR if age >= error else WARNING
        message = (
            f"{kinds.get(kind, 'Experiment')} “{name}” ended on {_on(ends_on)} without a decision."
        )
        yield pk, Stale(product_id, severity, message)


def _adoption(today, limits):
    """Active users of the latest recorded week against the week four weeks before it."""
    from adoption.models import UsageSnapshot

    warning, error = limits["adoption_drop"]
    recent = (
        UsageSnapshot.objects.annotate(
            latest=Subquery(
                UsageSnapshot.objects.filter(product=OuterRef("product"))
                .order_by("-week_start")
                .values("week_start")[:1]
            )
        )
        .filter(week_start__gte=today - ADOPTION_WINDOW - datetime.timedelta(weeks=2))
        .exclude(product__stage=DataProduct.Stage.RETIRED)
        .values_list("product_id", "week_start", "active_users", "latest")
    )
    weeks: dict[int, dict] = {}
    for product_id, week, active, latest in recent:
        weeks.setdefault(product_id, {"latest": latest})[week] = active
    for product_id, by_week in weeks.items():
        latest = by_week["latest"]
        now_active, before = by_week.get(latest), by_week.get(latest - ADOPTION_WINDOW)
        if now_active is None or not before:
            continue
        drop = round(100 * (before - now_active) / before)
        severity = _severity(drop, warning, error)
        if severity:
            message = (
                f"Active users fell {drop} % in four weeks, from {before} to {now_active} "
                f"(week of {latest:%-d %b})."
            )
            yield product_id, Stale(product_id, severity, message)


def _short(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


@transaction.atomic
def _notify_owners(now) -> int:
    """E-mail each product owner about open error alerts not yet sent to them, once: the rows
    are locked (skipping rows another sweep holds) and stamped in this transaction. An alert
    whose e-mail could not be sent stays unstamped, so the next sweep tries again; an owner
    without an address is stamped (there is nothing to retry)."""
    pending = list(
        Alert.objects.open()
        .filter(severity=ERROR, owner_notified_at__isnull=True)
        .select_for_update(skip_locked=True, of=("self",))
        .select_related("product__owner")
        .order_by("pk")
    )
    if not pending:
        return 0
    done, sent = [], 0
    connection = get_connection(fail_silently=False)
    for alert in pending:
        owner = alert.product.owner
        if not owner.email:
            logger.info("alert %s: the owner of %s has no e-mail address", alert.pk, alert.product)
            done.append(alert.pk)
            continue
        link = settings.DPM_BASE_URL + reverse("products:health", args=[alert.product.slug])
        message = EmailMessage(
            subject=f"[dpm] {alert.product.name}: {alert.get_kind_display()}",
            body=(
                f"{alert.message}\n\nThis alert on {alert.product.name}, which you own, is "
                f"now an error. It resolves itself once the cause is fixed.\n\n{link}\n"
            ),
            to=[owner.email],
            connection=connection,
        )
        try:
            message.send()
        except MAIL_ERRORS:
            logger.exception(
                "alert %s: could not e-mail %s; the next sweep retries", alert.pk, owner.email
            )
            continue
        done.append(alert.pk)
        sent += 1
    with suppress(*MAIL_ERRORS):
        connection.close()
    Alert.objects.filter(pk__in=done).update(owner_notified_at=now)
    return sent
