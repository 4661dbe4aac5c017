"""Add synthetic products for benchmarks of page query counts and set-based recompute
(DESIGN.md §8, §10).

    manage.py seed_portfolio --products 1000 --items 10 --seed 1

Each product gets M roadmap items and a proportional amount of discovery (personas, interviews,
insights, hypotheses, evidence), KPIs with measurements, service levels with checks and weekly
usage. Rows are built in memory and written table by table with bulk_create, so the number of
statements grows with rows ÷ batch size, never once per row or per product. The same seed gives
the same shape; each run takes the next free slug prefix (synth-0001-…, synth-0002-…), so
repeated runs add products and never collide with earlier ones.
"""

import random
import time
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Model, Q
from django.utils import timezone

from adoption.models import UsageSnapshot
from discovery.models import Evidence, Hypothesis, Insight, Interview, Persona, Tag
from metrics.models import KPI, Measurement, ServiceLevel, ServiceLevelCheck
from products import roles
from products.models import DataProduct, Domain
from roadmaps.models import RoadmapItem

# Rows per INSERT statement. PostgreSQL binds at most 65,535 parameters per statement and the widest
# table written here (RoadmapItem) has 25 columns, so 2,000 rows (50,000 parameters) stay under it.
# SQLite gets smaller batches whatever this says: Django caps them at 999 parameters per statement.
# Measured with 1,000 products × 10 items (about 100,000 rows) on a 2-vCPU VM: 9–10 s on SQLite
# (768 statements, 1 s of it in the database) and 10–15 s on PostgreSQL (52 statements, 4 s);
# the rest is Django building the instances and preparing each value, which no batch size changes.
ROW_BATCH_SIZE = 2_000
# Many-to-many link rows have two columns, so five times the rows make a statement of the same size.
LINK_BATCH_SIZE = 10_000

SLUG_PREFIX = "synth"
# Run numbers have four digits so that the newest run's slugs sort last (see _next_run).
MAX_RUN = 9_999

SYNTHETIC_PMS = tuple(f"synthetic_pm_{n}" for n in range(1, 6))
# The first five share name and slug with seed_demo's, so either seed reuses the other's.
DOMAINS = (
    ("Customer", "customer"),
    ("Finance", "finance"),
    ("Marketing", "marketing"),
    ("Operations", "operations"),
    ("Platform", "platform"),
    ("Risk", "risk"),
    ("Sales", "sales"),
    ("Supply chain", "supply-chain"),
)
TAGS = (
    "access",
    "definitions",
    "excel-export",
    "freshness",
    "latency",
    "manual-work",
    "onboarding",
    "trust",
)

TeamLink = DataProduct.team_members.through
InsightTag = Insight.tags.through
ItemHypothesis = RoadmapItem.hypotheses.through

# Insertion order: a table's foreign keys point only at tables written before it, whose primary
# keys bulk_create has filled in by then (it reads them back with RETURNING).
TABLES = (
    DataProduct,
    TeamLink,
    Persona,
    Interview,
    Insight,
    InsightTag,
    Hypothesis,
    Evidence,
    RoadmapItem,
    ItemHypothesis,
    KPI,
    Measurement,
    ServiceLevel,
    ServiceLevelCheck,
    UsageSnapshot,
)
SUMMARY = (
    ("roadmap items", RoadmapItem),
    ("personas", Persona),
    ("interviews", Interview),
    ("insights", Insight),
    ("hypotheses", Hypothesis),
    ("evidence links", Evidence),
    ("item–hypothesis links", ItemHypothesis),
    ("KPIs", KPI),
    ("measurements", Measurement),
    ("service levels", ServiceLevel),
    ("checks", ServiceLevelCheck),
    ("usage snapshots", UsageSnapshot),
)

# Choice values read once: TextChoices.values builds a new list on every access.
PRODUCT_KINDS = tuple(DataProduct.Kind.values)
PRODUCT_STAGES = tuple(DataProduct.Stage.values)
PRODUCT_PRIORITIES = tuple(DataProduct.Priority.values)
INTERVIEW_CHANNELS = tuple(Interview.Channel.values)
INSIGHT_KINDS = tuple(Insight.Kind.values)
HYPOTHESIS_STATUSES = tuple(Hypothesis.Status.values)
HYPOTHESIS_TYPES = tuple(Hypothesis.Type.values)
SOLUTION_TYPES = tuple(RoadmapItem.SolutionType.values)
HORIZONS = tuple(RoadmapItem.Horizon.values)
ITEM_STATUSES = tuple(RoadmapItem.Status.values)
EFFORTS = tuple(RoadmapItem.Effort.values)
MEASUREMENT_SOURCES = tuple(Measurement.Source.values)
USAGE_SOURCES = tuple(UsageSnapshot.Source.values)

SUBJECTS = (
    "Cash flow",
    "Churn",
    "Claims",
    "Campaign",
    "Delivery",
    "Demand",
    "Fraud",
    "Headcount",
    "Inventory",
    "Margin",
    "Pricing",
    "Supplier",
)
KIND_NOUNS = {
    DataProduct.Kind.DASHBOARD: "dashboard",
    DataProduct.Kind.REPORT: "report",
    DataProduct.Kind.METRIC_LAYER: "metric layer",
    DataProduct.Kind.DATASET: "dataset",
    DataProduct.Kind.EVENT_STREAM: "event stream",
    DataProduct.Kind.ML_MODEL: "model",
    DataProduct.Kind.DATA_API: "API",
    DataProduct.Kind.MLOPS_PLATFORM: "MLOps platform",
    DataProduct.Kind.OTHER: "toolkit",
}
MEETINGS = (
    "Monday planning call",
    "monthly business review",
    "quarterly steering committee",
    "weekly S&OP meeting",
    "daily stand-up",
)
# (name, role, decisions, tools)
PERSONAS = (
    ("Finance controllers", "Controller", "Approve forecasts and accruals", "Excel, SAP"),
    ("Regional sales managers", "Sales manager", "Set targets per territory", "Salesforce"),
    ("Supply planners", "Planner", "Decide weekly replenishment orders", "SAP APO, Excel"),
    ("Marketing analysts", "Analyst", "Move campaign budget between channels", "Looker"),
    ("Service team leads", "Team lead", "Staff shifts and escalate issues", "Zendesk"),
    ("Risk officers", "Risk officer", "Set credit limits and flag exposures", "SAS"),
    ("Data scientists", "Data scientist", "Choose features and retraining dates", "Notebooks"),
    ("Store managers", "Store manager", "Adjust staffing and stock for the week", "Tablet app"),
)
FIRST_NAMES = ("Ada", "Bram", "Chloé", "Dev", "Eva", "Femi", "Greta", "Hugo", "Ines", "Jonas")
LAST_NAMES = ("Andersen", "Baptiste", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Haas")
TEAMS = ("Finance", "Sales Ops", "Planning", "Growth", "Service", "Risk", "Retail")
INSIGHTS = {
    Insight.Kind.PAIN: "Reconciling the numbers by hand takes most of Monday morning.",
    Insight.Kind.NEED: "Needs one agreed figure before the meeting, not three versions.",
    Insight.Kind.QUOTE: "“I only trust it once I have checked it against my own sheet.”",
    Insight.Kind.WORKAROUND: "Exports to Excel and rebuilds the pivot every week.",
    Insight.Kind.DECISION: "Orders from last week's figures because today's arrive too late.",
    Insight.Kind.IDEA: "An alert when the forecast moves more than ten percent would be enough.",
}
BELIEFS = (
    "spend hours each week reconciling figures by hand",
    "will use a shared definition instead of their own sheet",
    "will act on an alert within a day",
    "would open the report before the meeting if it loaded in seconds",
)
BECAUSES = (
    "three interviewees rebuilt the same pivot table",
    "the numbers differ between teams",
    "today's figures arrive after the decision is made",
    "nobody knows who owns the definition",
)
SIGNALS = (
    "half of them open it weekly within a month",
    "manual reporting hours drop by a third",
    "the meeting uses one number",
    "alerts are acknowledged within a day",
)
ITEM_VERBS = ("Automate", "Document", "Fix", "Publish", "Prototype", "Standardise", "Speed up")
ITEM_OBJECTS = (
    "the weekly extract",
    "margin definitions",
    "duplicate customer records",
    "the forecast API",
    "a churn alert",
    "the refresh pipeline",
    "the KPI glossary",
    "self-service filters",
)
# (name, category, unit, direction, baseline, target)
KPIS = (
    ("Weekly active users", KPI.Category.ADOPTION, "users", KPI.Direction.INCREASE, 40, 120),
    ("Share of target users active", KPI.Category.ADOPTION, "%", KPI.Direction.AT_LEAST, 35, 60),
    ("Manual reporting hours", KPI.Category.OPERATIONAL, "hours", KPI.Direction.DECREASE, 30, 8),
    ("Time to answer", KPI.Category.OPERATIONAL, "minutes", KPI.Direction.DECREASE, 90, 15),
    ("Decisions taken with it", KPI.Category.OUTCOME, "decisions", KPI.Direction.INCREASE, 4, 20),
    ("Forecast error (MAPE)", KPI.Category.QUALITY, "%", KPI.Direction.AT_MOST, 18, 10),
    ("Rows failing checks", KPI.Category.QUALITY, "%", KPI.Direction.AT_MOST, 4, 1),
    ("Cost per report", KPI.Category.FINANCIAL, "€", KPI.Direction.DECREASE, 1200, 600),
    ("Revenue influenced", KPI.Category.FINANCIAL, "k€", KPI.Direction.INCREASE, 100, 250),
)
# How likely an evidence link supports a hypothesis in this status (otherwise it contradicts it).
SUPPORT_ODDS = {Hypothesis.Status.VALIDATED: 0.9, Hypothesis.Status.INVALIDATED: 0.2}
# indicator: (objective, unit, description)
SERVICE_LEVELS = {
    ServiceLevel.Indicator.FRESHNESS: (24, "hours", "Data at most a day old"),
    ServiceLevel.Indicator.AVAILABILITY: (Decimal("99.5"), "%", "Available in office hours"),
    ServiceLevel.Indicator.PIPELINE_SUCCESS: (98, "%", "Nightly runs that succeed"),
    ServiceLevel.Indicator.QUALITY_PASS_RATE: (95, "%", "Rows passing quality checks"),
}


class Command(BaseCommand):
    help = (
        "Add N synthetic products, each with M roadmap items and proportional discovery, KPI, "
        "service-level and usage data, for benchmarks. Repeated runs add more products."
    )

    def add_arguments(self, parser):
        parser.add_argument("--products", type=int, default=100, help="N products (≥ 1)")
        parser.add_argument("--items", type=int, default=10, help="M roadmap items each (≥ 0)")
        parser.add_argument("--seed", type=int, default=1, help="same seed, same shape")

    def handle(self, *args, products: int, items: int, seed: int, **options):
        if products < 1:
            raise CommandError(f"--products must be at least 1, not {products}.")
        if items < 0:
            raise CommandError(f"--items must be at least 0, not {items}.")
        if not connection.features.can_return_rows_from_bulk_insert:
            raise CommandError(
                "This database cannot return primary keys from bulk inserts "
                "(PostgreSQL, or SQLite 3.35 or newer, is needed)."
            )
        started = time.perf_counter()
        with transaction.atomic():
            run = _next_run()
            portfolio = _Portfolio(
                random.Random(seed),
                run=run,
                pms=_synthetic_pms(),
                domains=_domains(),
                tags=_tags(),
            )
            for i in range(products):
                portfolio.add_product(i, items=items)
            for model, objs in portfolio.rows.items():
                batch_size = LINK_BATCH_SIZE if model._meta.auto_created else ROW_BATCH_SIZE
                model._default_manager.bulk_create(objs, batch_size=batch_size)
        elapsed = time.perf_counter() - started
        if options["verbosity"] >= 1:
            counts = ", ".join(f"{len(portfolio.rows[model])} {label}" for label, model in SUMMARY)
            self.stdout.write(
                f"Added {products} products ({SLUG_PREFIX}-{run:04d}-*) with {counts} "
                f"in {elapsed:.1f} s."
            )


def _next_run() -> int:
    """The first run number no existing slug uses: one more than the greatest."""
    latest = (
        DataProduct.objects.filter(
            slug__startswith=f"{SLUG_PREFIX}-", slug__regex=rf"^{SLUG_PREFIX}-[0-9]{{4}}-"
        )
        .order_by("-slug")
        .values_list("slug", flat=True)
        .first()
    )
    run = int(latest.split("-")[1]) + 1 if latest else 1
    if run > MAX_RUN:
        raise CommandError(f"All {MAX_RUN} run prefixes are taken; delete old synthetic products.")
    return run


def _synthetic_pms() -> list:
    """The synthetic PMs who own the products, created on the first run and reused after."""
    User = get_user_model()
    User.objects.bulk_create(
        [
            User(
                username=username,
                first_name="Synthetic",
                last_name=f"PM {n}",
                email=f"{username}@example.invalid",
                password=make_password(None),
            )
            for n, username in enumerate(SYNTHETIC_PMS, 1)
        ],
        ignore_conflicts=True,
    )
    pms = list(User.objects.filter(username__in=SYNTHETIC_PMS).order_by("username"))
    # The roles migration creates the group, but a flushed database (TransactionTestCase) has none.
    Group.objects.bulk_create([Group(name=roles.PM)], ignore_conflicts=True)
    group = Group.objects.get(name=roles.PM)
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=pm.pk, group_id=group.pk) for pm in pms],
        ignore_conflicts=True,
    )
    return pms


def _domains() -> list[Domain]:
    """The business areas, created on the first run and reused after (also when another seed made
    them, under either their name or their slug)."""
    Domain.objects.bulk_create(
        [Domain(name=name, slug=slug) for name, slug in DOMAINS], ignore_conflicts=True
    )
    names, slugs = zip(*DOMAINS, strict=True)
    return list(Domain.objects.filter(Q(name__in=names) | Q(slug__in=slugs)).order_by("name"))


def _tags() -> list[Tag]:
    Tag.objects.bulk_create([Tag(name=name) for name in TAGS], ignore_conflicts=True)
    return list(Tag.objects.filter(name__in=TAGS).order_by("name"))


def _decimal(value: float, places: int) -> Decimal:
    return Decimal(f"{value:.{places}f}")


class _Portfolio:
    """One run's rows, built in memory per table in insertion order. Rows refer to each other as
    objects; bulk_create copies a parent's new primary key into its children's foreign keys."""

    def __init__(self, rng: random.Random, *, run: int, pms: list, domains: list, tags: list):
        self.rng = rng
        self.run = run
        self.pms = pms
        self.domains = domains
        self.tags = tags
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.rows: dict[type[Model], list[Model]] = {model: [] for model in TABLES}

    def add_product(self, i: int, *, items: int) -> None:
        rng = self.rng
        # Round-robin over periods 9 and 7 (coprime): every kind meets every stage.
        kind = PRODUCT_KINDS[i % len(PRODUCT_KINDS)]
        stage = PRODUCT_STAGES[i % len(PRODUCT_STAGES)]
        owner = self.pms[i % len(self.pms)]
        product = DataProduct(
            name=f"{rng.choice(SUBJECTS)} {KIND_NOUNS[kind]} {self.run:04d}-{i + 1:05d}",
            slug=f"{SLUG_PREFIX}-{self.run:04d}-{i + 1:05d}",
            kind=kind,
            stage=stage,
            domain=self.domains[i % len(self.domains)],
            owner=owner,
            purpose="Give the people who decide one trusted number, on time.",
            decision="Which orders, budgets or actions to approve this period.",
            decision_meeting=rng.choice(MEETINGS),
            target_users=rng.randint(10, 500),
            priority=rng.choice(PRODUCT_PRIORITIES),
            last_reviewed_at=(
                None if rng.random() < 0.1 else self.now - timedelta(days=rng.uniform(0, 200))
            ),
        )
        self.rows[DataProduct].append(product)
        self.rows[TeamLink].append(
            TeamLink(dataproduct=product, user=self.pms[(i + 1) % len(self.pms)])
        )
        hypotheses = self._add_discovery(product, owner)
        self._add_items(product, hypotheses, items)
        self._add_kpis(product)
        self._add_service_levels(product)
        self._add_usage(product)

    def _add_discovery(self, product: DataProduct, owner) -> list[Hypothesis]:
        rng = self.rng
        personas = [
            Persona(product=product, name=name, role=role, decisions=decisions, tools=tools)
            for name, role, decisions, tools in rng.sample(PERSONAS, rng.randint(1, 2))
        ]
        self.rows[Persona].extend(personas)
        insights = []
        for _ in range(rng.randint(2, 4)):
            persona = rng.choice(personas)
            pain = INSIGHTS[Insight.Kind.PAIN]
            interview = Interview(
                product=product,
                persona=persona,
                interviewee_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                interviewee_role=persona.role,
                interviewee_team=rng.choice(TEAMS),
                held_on=self.today - timedelta(days=rng.randint(1, 150)),
                conducted_by=owner,
                channel=rng.choice(INTERVIEW_CHANNELS),
                notes=(
                    f"## {persona.name}\n\n- Prepares the *{product.decision_meeting}* "
                    f"with {persona.tools}.\n- {pain}\n"
                ),
                summary=f"{persona.role} who {persona.decisions.lower()}.",
                contains_pii=rng.random() < 0.2,
            )
            self.rows[Interview].append(interview)
            for _ in range(rng.randint(1, 3)):
                kind = rng.choice(INSIGHT_KINDS)
                insight = Insight(
                    interview=interview,
                    kind=kind,
                    text=INSIGHTS[kind],
                    severity=rng.randint(1, 5),
                )
                insights.append(insight)
                self.rows[InsightTag].extend(
                    InsightTag(insight=insight, tag=tag)
                    for tag in rng.sample(self.tags, min(rng.randint(0, 2), len(self.tags)))
                )
        self.rows[Insight].extend(insights)

        hypotheses = []
        for _ in range(rng.randint(2, 4)):
            persona = rng.choice(personas)
            status = rng.choice(HYPOTHESIS_STATUSES)
            changed = status != Hypothesis.Status.PROPOSED
            hypothesis = Hypothesis(
                product=product,
                persona=persona,
                who=persona.name.lower(),
                belief=rng.choice(BELIEFS),
                because=rng.choice(BECAUSES),
                signal=rng.choice(SIGNALS),
                type=rng.choice(HYPOTHESIS_TYPES),
                importance=rng.randint(1, 5),
                status=status,
                status_changed_at=(
                    self.now - timedelta(days=rng.uniform(1, 90)) if changed else None
                ),
                status_changed_by=owner if changed else None,
            )
            hypotheses.append(hypothesis)
            supports = SUPPORT_ODDS.get(status, 0.6)
            self.rows[Evidence].extend(
                Evidence(
                    hypothesis=hypothesis,
                    insight=insight,
                    stance=(
                        Evidence.Stance.SUPPORTS
                        if rng.random() < supports
                        else Evidence.Stance.CONTRADICTS
                    ),
                    note="Heard in discovery.",
                    added_by=owner,
                )
                for insight in rng.sample(insights, min(rng.randint(0, 2), len(insights)))
            )
        self.rows[Hypothesis].extend(hypotheses)
        return hypotheses

    def _add_items(self, product: DataProduct, hypotheses: list[Hypothesis], count: int) -> None:
        rng = self.rng
        for position in range(count):
            override = rng.random() < 0.15
            status = rng.choice(ITEM_STATUSES)
            moved = status != RoadmapItem.Status.PROPOSED
            item = RoadmapItem(
                product=product,
                title=f"{rng.choice(ITEM_VERBS)} {rng.choice(ITEM_OBJECTS)}",
                problem="People rebuild the same numbers by hand before every meeting.",
                proposed_solution="Start with the smallest change that removes the manual step.",
                solution_type=rng.choice(SOLUTION_TYPES),
                decision_note="Cheaper than a new pipeline and testable within a sprint.",
                horizon=rng.choice(HORIZONS),
                status=status,
                status_changed_at=(
                    self.now - timedelta(days=rng.uniform(1, 90)) if moved else None
                ),
                impact=rng.randint(1, 5),
                reach=rng.randint(10, 2_000) if rng.random() < 0.7 else None,
                effort=rng.choice(EFFORTS),
                time_criticality=rng.randint(1, 5) if rng.random() < 0.5 else None,
                risk_reduction=rng.randint(1, 5) if rng.random() < 0.5 else None,
                build_cost=(
                    Decimal(rng.randrange(0, 400_001, 500)) if rng.random() < 0.8 else None
                ),
                run_cost_yearly=(
                    Decimal(rng.randrange(0, 120_001, 100)) if rng.random() < 0.7 else None
                ),
                confidence_override=Decimal(rng.randint(0, 100)) / 100 if override else None,
                confidence_reason="Pilot numbers from a sister team." if override else "",
                position=position,
            )
            self.rows[RoadmapItem].append(item)
            self.rows[ItemHypothesis].extend(
                ItemHypothesis(roadmapitem=item, hypothesis=hypothesis)
                for hypothesis in rng.sample(hypotheses, min(rng.randint(0, 2), len(hypotheses)))
            )

    def _add_kpis(self, product: DataProduct) -> None:
        rng = self.rng
        for template in rng.sample(KPIS, rng.randint(1, 3)):
            name, category, unit, direction, baseline, target = template
            scale = rng.uniform(0.8, 1.2)
            baseline, target = baseline * scale, target * scale
            baseline_date = self.today - timedelta(days=rng.randint(30, 200))
            cadence = rng.choice((7, 14, 30))
            kpi = KPI(
                product=product,
                name=name,
                category=category,
                unit=unit,
                direction=direction,
                baseline=_decimal(baseline, 2),
                baseline_date=baseline_date,
                target=_decimal(target, 2),
                target_date=baseline_date + timedelta(days=rng.randint(90, 365)),
                cadence_days=cadence,
                calculation=f"{name} over the last {cadence} days.",
                data_source="Warehouse usage logs",
            )
            self.rows[KPI].append(kpi)
            # Some latest measurements are older than 1.5 × cadence, so staleness has work to do.
            latest = self.now - timedelta(days=rng.uniform(0, 2 * cadence))
            count = rng.randint(8, 12)
            reach = rng.uniform(0.2, 1.1)
            for step in range(count):
                progress = reach * step / (count - 1)
                noise = rng.uniform(-0.05, 0.05) * abs(target - baseline)
                value = max(0.0, baseline + (target - baseline) * progress + noise)
                self.rows[Measurement].append(
                    Measurement(
                        kpi=kpi,
                        value=_decimal(value, 4),
                        observed_at=latest - timedelta(days=cadence * (count - 1 - step)),
                        source=rng.choice(MEASUREMENT_SOURCES),
                    )
                )

    def _add_service_levels(self, product: DataProduct) -> None:
        rng = self.rng
        for indicator in rng.sample(list(SERVICE_LEVELS), rng.randint(1, 3)):
            objective, unit, description = SERVICE_LEVELS[indicator]
            service_level = ServiceLevel(
                product=product,
                indicator=indicator,
                objective=Decimal(objective),
                unit=unit,
                description=description,
            )
            self.rows[ServiceLevel].append(service_level)
            for _ in range(rng.randint(3, 5)):
                if indicator == ServiceLevel.Indicator.FRESHNESS:
                    observed = _decimal(rng.uniform(1, 36), 3)
                    met = observed <= objective
                else:
                    observed = _decimal(min(100.0, rng.uniform(float(objective) - 6, 101)), 3)
                    met = observed >= objective
                self.rows[ServiceLevelCheck].append(
                    ServiceLevelCheck(
                        service_level=service_level,
                        observed=observed,
                        met=met,
                        checked_at=self.now - timedelta(days=rng.uniform(0, 30)),
                    )
                )

    def _add_usage(self, product: DataProduct, weeks: int = 8) -> None:
        rng = self.rng
        monday = self.today - timedelta(days=self.today.weekday())
        level = product.target_users * rng.uniform(0.1, 0.9)
        trend = rng.uniform(-0.08, 0.08)
        for age in range(weeks - 1, -1, -1):
            active = max(0, round(level * (1 + trend) ** (weeks - age) * rng.uniform(0.9, 1.1)))
            self.rows[UsageSnapshot].append(
                UsageSnapshot(
                    product=product,
                    week_start=monday - timedelta(weeks=age),
                    active_users=active,
                    sessions=active * rng.randint(2, 5),
                    median_task_seconds=rng.randint(45, 900),
                    decisions_supported=rng.randint(0, active // 3 + 1),
                    source=rng.choice(USAGE_SOURCES),
                )
            )
