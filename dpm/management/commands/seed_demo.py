"""seed_demo: a realistic demo portfolio and one user per role (DESIGN.md §8).

The content is data (the constants at the end of this module); the code only turns it into rows.
Every date is relative to today, so the demo always looks current. Idempotent: users, domains and
the scoring model are looked up before they are created, and a product's whole content is created
in one transaction only when its slug is new, so a second run changes nothing.
"""

import math
import random
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from adoption.models import AdoptionBarrier, EnablementAsset, Feedback, UsageSnapshot
from discovery.models import Evidence, Hypothesis, Insight, Interview, Persona, Tag, Why, WhyChain
from metrics.models import (
    KPI,
    DefinitionOfDone,
    DoneCriterion,
    Experiment,
    Measurement,
    ServiceLevel,
    ServiceLevelCheck,
)
from metrics.services import experiment_readout
from products import roles
from products.models import DataProduct, Domain, ScoreSnapshot, StageChange
from products.recompute import portfolio_recompute
from roadmaps.models import (
    DEFAULT_COST_BANDS,
    DEFAULT_COST_TOP_POINTS,
    DEFAULT_TSHIRT_POINTS,
    RoadmapItem,
    ScoringModel,
)

DEMO_PASSWORD = "dpm-demo"
DEMO_LOGINS = ("pm", "lead", "stakeholder", "admin")
SERVICE_LEVEL_CHECK_DAYS = 45


# Points a week by which a demo product's health was higher in the past: the campaign dashboard
# is sliding as its users drift away, the order events and the forecast are picking up.
HEALTH_DRIFT = {
    "campaign-performance": 4.5,
    "customer-360": 1.5,
    "order-events": -2.5,
    "demand-forecast": -1.5,
}


class Command(BaseCommand):
    help = (
        "Create a realistic demo portfolio and the demo users pm, lead, stakeholder and admin "
        f"(password {DEMO_PASSWORD!r}). Idempotent. Refuses to run with DEBUG off unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even though DEBUG is off (a demo or staging server, never production).",
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates users with the publicly known password "
                f"{DEMO_PASSWORD!r}, and DEBUG is off, so this looks like production. "
                "Refusing to seed. Pass --force if this really is a demo or staging server."
            )
        now = timezone.now()
        users = self._users()
        domains = self._domains(users)
        self._scoring_model()

        created = 0
        for spec in PRODUCTS:
            if DataProduct.objects.filter(slug=spec["slug"]).exists():
                self.stdout.write(f"product {spec['slug']}: already present")
                continue
            with transaction.atomic():
                ProductSeeder(spec, now=now, users=users, domains=domains).run()
            created += 1
            self.stdout.write(self.style.SUCCESS(f"product {spec['slug']}: created"))

        for experiment in Experiment.objects.filter(readout={}):
            readout = experiment_readout(experiment)
            if readout:
                Experiment.objects.filter(pk=experiment.pk).update(readout=readout)
        # Score the roadmap and the products' health like the workers would; unchanged figures
        # are not rewritten. Then give new products some weeks of history for their trends.
        changed = portfolio_recompute(now=now)
        self.stdout.write(f"portfolio figures: {changed} product(s) recomputed")
        self._score_history(now)

        self.stdout.write(
            self.style.SUCCESS(
                f"Demo portfolio ready: {created} of {len(PRODUCTS)} products created, "
                f"{len(PRODUCTS) - created} already present."
            )
        )
        self.stdout.write(
            "Demo logins (password "
            f"{DEMO_PASSWORD!r}): "
            + ", ".join(f"{username} ({USER_ROLE_NOTE[username]})" for username in DEMO_LOGINS)
        )

    def _score_history(self, now) -> None:
        """Eight weekly history rows before today for products that have none yet, drifting by
        HEALTH_DRIFT points a week (positive: it was healthier, so the arrow points down)."""
        today = timezone.localdate(now)
        rows = []
        seeded = set(
            ScoreSnapshot.objects.filter(day__lt=today).values_list("product_id", flat=True)
        )
        for product in DataProduct.objects.filter(slug__in=[spec["slug"] for spec in PRODUCTS]):
            if product.pk in seeded or product.health_score is None:
                continue
            drift = HEALTH_DRIFT.get(product.slug, 0.0)
            for weeks in range(1, 9):
                score = min(max(product.health_score + drift * weeks, 0.0), 100.0)
                rows.append(
                    ScoreSnapshot(
                        product=product,
                        day=today - timedelta(weeks=weeks),
                        health_score=round(score, 1),
                        health_status=product.health_status,
                        health_coverage=product.health_coverage,
                        opportunity_score=product.opportunity_score,
                    )
                )
        ScoreSnapshot.objects.bulk_create(rows)

    def _users(self) -> dict:
        """Get or create the demo people; an existing user keeps its password and groups."""
        user_model = get_user_model()
        users = {}
        hashed = None  # one PBKDF2 run for all new users: hashing is the slow part of seeding
        for spec in USERS:
            user = user_model.objects.filter(username=spec["username"]).first()
            if user is None:
                hashed = hashed or make_password(DEMO_PASSWORD)
                user = user_model.objects.create(
                    username=spec["username"],
                    first_name=spec["first_name"],
                    last_name=spec["last_name"],
                    email=spec["email"],
                    password=hashed,
                    is_staff=spec.get("superuser", False),
                    is_superuser=spec.get("superuser", False),
                )
                for name in spec.get("groups", ()):
                    user.groups.add(Group.objects.get_or_create(name=name)[0])
                self.stdout.write(self.style.SUCCESS(f"user {user.username}: created"))
            else:
                self.stdout.write(f"user {user.username}: already present")
            users[spec["username"]] = user
        return users

    def _domains(self, users: dict) -> dict:
        domains = {}
        for spec in DOMAINS:
            domain, was_created = Domain.objects.get_or_create(
                name=spec["name"],
                defaults={
                    "slug": spec["slug"],
                    "description": spec["description"],
                    "owner": users[spec["owner"]],
                },
            )
            state = "created" if was_created else "already present"
            self.stdout.write(f"domain {domain.name}: {state}")
            domains[spec["slug"]] = domain
        return domains

    def _scoring_model(self) -> None:
        """The Default iec model; active unless the portfolio already chose another one."""
        model, was_created = ScoringModel.objects.get_or_create(
            name="Default",
            defaults={
                "framework": ScoringModel.Framework.IEC,
                "is_active": not ScoringModel.objects.filter(is_active=True).exists(),
                "tshirt_points": DEFAULT_TSHIRT_POINTS,
                "cost_bands": DEFAULT_COST_BANDS,
                "cost_top_points": DEFAULT_COST_TOP_POINTS,
            },
        )
        state = "created" if was_created else "already present"
        self.stdout.write(f"scoring model {model.name}: {state}")


def service_level_met(indicator: str, observed: Decimal, objective: Decimal) -> bool:
    """Freshness is a lag (met at or below the objective); the rates are shares (met at or
    above it)."""
    if indicator == ServiceLevel.Indicator.FRESHNESS:
        return observed <= objective
    return observed >= objective


def _money(value) -> Decimal | None:
    return None if value is None else Decimal(value)


def _dec(value: float, places: int = 2) -> Decimal:
    return Decimal(f"{value:.{places}f}")


def _ease(t: float) -> float:
    """An S-curve from 0 to 1: slow start, growth, plateau — how adoption usually goes."""
    return 1 / (1 + math.exp(-8 * (t - 0.45)))


class ProductSeeder:
    """Creates one product and everything about it from its spec. The caller holds the
    transaction. Django sets `created_at` to now on insert, so once all rows exist each one is
    stamped back to the day its story says it happened."""

    def __init__(self, spec: dict, *, now, users: dict, domains: dict):
        self.spec = spec
        self.now = now
        self.today = timezone.localdate(now)
        self.users = users
        self.domains = domains
        self.rng = random.Random(spec["slug"])  # the same "noise" on every machine
        self.personas: dict[str, Persona] = {}
        self.insights: dict[str, Insight] = {}
        self.hypotheses: dict[str, Hypothesis] = {}
        self.chains: dict[str, WhyChain] = {}
        self.stamps: list[tuple[object, object, object]] = []
        self.product: DataProduct

    # Time helpers: specs say "days ago"; a negative number is in the future.
    def at(self, days_ago: float, hour: int = 10):
        moment = self.now - timedelta(days=days_ago)
        return moment.replace(hour=hour, minute=0, second=0, microsecond=0)

    def day(self, days_ago: int):
        return self.today - timedelta(days=days_ago)

    def user(self, username: str | None):
        return self.users[username] if username else None

    @property
    def stage_entered_days_ago(self) -> int:
        history = self.spec["history"]
        return history[-1][1] if history else self.spec["created_days_ago"]

    def stamp(self, obj, created, updated=None) -> None:
        self.stamps.append((obj, created, updated or created))

    def run(self) -> DataProduct:
        self.create_product()
        self.create_personas()
        self.create_interviews()
        self.create_hypotheses()
        self.create_why_chains()
        self.create_roadmap()
        self.create_definition_of_done()
        self.create_kpis()
        self.create_service_levels()
        self.create_experiments()
        self.create_usage()
        self.create_barriers()
        self.create_assets()
        self.create_feedback()
        self.create_stage_history()
        self.apply_stamps()
        return self.product

    def create_product(self) -> None:
        spec = self.spec
        reviewed = spec.get("reviewed_days_ago")
        self.product = DataProduct.objects.create(
            name=spec["name"],
            slug=spec["slug"],
            kind=spec["kind"],
            domain=self.domains[spec["domain"]],
            stage=spec["stage"],
            owner=self.user(spec["owner"]),
            tech_lead=self.user(spec.get("tech_lead")),
            purpose=spec["purpose"],
            decision=spec["decision"],
            decision_meeting=spec["decision_meeting"],
            target_users=spec.get("target_users"),
            priority=spec["priority"],
            last_reviewed_at=None if reviewed is None else self.at(reviewed, hour=15),
        )
        self.product.team_members.set([self.users[u] for u in spec.get("team", ())])
        self.product.stakeholders.set([self.users[u] for u in spec.get("stakeholders", ())])
        last_touched = min(self.stage_entered_days_ago, reviewed or self.stage_entered_days_ago)
        self.stamp(self.product, self.at(spec["created_days_ago"]), self.at(last_touched))

    def create_personas(self) -> None:
        for spec in self.spec.get("personas", ()):
            persona = Persona.objects.create(product=self.product, **spec)
            self.personas[spec["name"]] = persona
            self.stamp(persona, self.at(self.spec["created_days_ago"] - 3))

    def create_interviews(self) -> None:
        for spec in self.spec.get("interviews", ()):
            interview = Interview.objects.create(
                product=self.product,
                persona=self.personas.get(spec.get("persona")),
                interviewee_name=spec["name"],
                interviewee_role=spec["role"],
                interviewee_team=spec["team"],
                held_on=self.day(spec["days_ago"]),
                conducted_by=self.user(spec["by"]),
                channel=spec["channel"],
                notes=spec["notes"],
                summary=spec["summary"],
                contains_pii=spec.get("pii", False),
            )
            self.stamp(interview, self.at(spec["days_ago"], hour=17))
            for insight_spec in spec["insights"]:
                insight = Insight.objects.create(
                    interview=interview,
                    kind=insight_spec["kind"],
                    text=insight_spec["text"],
                    severity=insight_spec["severity"],
                )
                insight.tags.set(
                    [
                        Tag.objects.get_or_create(name=name)[0]
                        for name in insight_spec.get("tags", ())
                    ]
                )
                self.insights[insight_spec["key"]] = insight
                self.stamp(insight, self.at(spec["days_ago"] - 1))

    def create_hypotheses(self) -> None:
        for spec in self.spec.get("hypotheses", ()):
            changed = self.at(spec["changed_days_ago"], hour=11)
            hypothesis = Hypothesis.objects.create(
                product=self.product,
                persona=self.personas.get(spec.get("persona")),
                who=spec["who"],
                belief=spec["belief"],
                because=spec["because"],
                signal=spec["signal"],
                type=spec["type"],
                importance=spec["importance"],
                status=spec["status"],
                status_changed_at=changed,
                status_changed_by=self.user(spec["by"]),
            )
            self.hypotheses[spec["key"]] = hypothesis
            self.stamp(hypothesis, self.at(spec["created_days_ago"]), changed)
            for insight_key, stance, note in spec.get("evidence", ()):
                evidence = Evidence.objects.create(
                    hypothesis=hypothesis,
                    insight=self.insights[insight_key],
                    stance=stance,
                    note=note,
                    added_by=self.user(spec["by"]),
                )
                self.stamp(evidence, self.at(spec["created_days_ago"]))

    def create_why_chains(self) -> None:
        for spec in self.spec.get("why_chains", ()):
            chain = WhyChain.objects.create(
                product=self.product, problem=spec["problem"], root_cause=spec["root_cause"]
            )
            Why.objects.bulk_create(
                Why(chain=chain, position=position, text=text)
                for position, text in enumerate(spec["whys"], start=1)
            )
            self.chains[spec["key"]] = chain
            self.stamp(chain, self.at(spec["days_ago"]))

    def create_roadmap(self) -> None:
        for position, spec in enumerate(self.spec.get("roadmap", ())):
            confidence, reason = spec.get("confidence", (None, ""))
            item = RoadmapItem.objects.create(
                product=self.product,
                title=spec["title"],
                problem=spec["problem"],
                proposed_solution=spec["solution"],
                solution_type=spec["type"],
                decision_note=spec["decision_note"],
                horizon=spec["horizon"],
                status=spec["status"],
                impact=spec["impact"],
                reach=spec.get("reach"),
                effort=spec["effort"],
                build_cost=_money(spec.get("build_cost")),
                run_cost_yearly=_money(spec.get("run_cost")),
                confidence_override=None if confidence is None else Decimal(confidence),
                confidence_reason=reason,
                why_chain=self.chains.get(spec.get("why_chain")),
                position=position,
            )
            item.hypotheses.set([self.hypotheses[key] for key in spec.get("hypotheses", ())])
            updated = spec.get("updated_days_ago", spec["days_ago"])
            RoadmapItem.objects.filter(pk=item.pk).update(status_changed_at=self.at(updated))
            self.stamp(item, self.at(spec["days_ago"]), self.at(updated))

    def create_definition_of_done(self) -> None:
        spec = self.spec.get("dod")
        if not spec:
            return
        signer, signed_days_ago = spec.get("signed_off", (None, None))
        definition = DefinitionOfDone.objects.create(
            product=self.product,
            signed_off_by=self.user(signer),
            signed_off_at=None if signed_days_ago is None else self.at(signed_days_ago),
        )
        self.stamp(definition, self.at(spec["days_ago"]))
        for position, criterion in enumerate(spec["criteria"]):
            checked = criterion.get("checked")  # (username, days ago) when somebody ticked it
            row = DoneCriterion.objects.create(
                definition=definition,
                group=criterion["group"],
                text=criterion["text"],
                required=criterion.get("required", True),
                met=criterion.get("met", False),
                evidence_url=criterion.get("evidence", ""),
                checked_by=self.user(checked[0]) if checked else None,
                checked_at=self.at(checked[1]) if checked else None,
                position=position,
            )
            self.stamp(row, self.at(spec["days_ago"]), self.at(checked[1]) if checked else None)

    def create_kpis(self) -> None:
        for spec in self.spec.get("kpis", ()):
            baseline_days_ago = spec.get("baseline_days_ago")
            target_days_ago = spec.get("target_days_ago")
            kpi = KPI.objects.create(
                product=self.product,
                name=spec["name"],
                category=spec["category"],
                unit=spec["unit"],
                direction=spec["direction"],
                baseline=_money(spec.get("baseline")),
                baseline_date=None if baseline_days_ago is None else self.day(baseline_days_ago),
                target=_money(spec.get("target")),
                target_date=None if target_days_ago is None else self.day(target_days_ago),
                cadence_days=spec["cadence"],
                calculation=spec["calculation"],
                data_source=spec["data_source"],
            )
            self.stamp(kpi, self.at(spec.get("created_days_ago", baseline_days_ago or 30)))
            if "series" in spec:
                self.create_measurements(kpi, spec)

    def create_measurements(self, kpi: KPI, spec: dict) -> None:
        """A believable trend: `series` is (first value, last value, noise), measured every
        cadence days, the last one `last_measured_days_ago` days ago."""
        first, last, noise = spec["series"]
        points = spec.get("points", 16)
        newest = spec.get("last_measured_days_ago", 1)
        rows = []
        for i in range(points):
            share = i / (points - 1) if points > 1 else 1.0
            value = first + (last - first) * share + self.rng.uniform(-noise, noise)
            rows.append(
                Measurement(
                    kpi=kpi,
                    value=_dec(value),
                    observed_at=self.at(newest + spec["cadence"] * (points - 1 - i), hour=9),
                    source=spec.get("source", Measurement.Source.IMPORT),
                    note=spec.get("notes", {}).get(i, ""),
                )
            )
        Measurement.objects.bulk_create(rows)
        kpi.measurements.update(created_at=F("observed_at"), updated_at=F("observed_at"))

    def create_service_levels(self) -> None:
        for spec in self.spec.get("service_levels", ()):
            objective = Decimal(spec["objective"])
            level = ServiceLevel.objects.create(
                product=self.product,
                indicator=spec["indicator"],
                objective=objective,
                unit=spec["unit"],
                description=spec["description"],
            )
            monitored_since = max(self.stage_entered_days_ago, SERVICE_LEVEL_CHECK_DAYS + 1)
            self.stamp(level, self.at(monitored_since))
            checks = []
            for days_ago in range(SERVICE_LEVEL_CHECK_DAYS, 0, -1):
                observed = self.observed_value(spec, objective, missed=days_ago in spec["missed"])
                checks.append(
                    ServiceLevelCheck(
                        service_level=level,
                        observed=observed,
                        met=service_level_met(spec["indicator"], observed, objective),
                        checked_at=self.at(days_ago, hour=6),
                    )
                )
            ServiceLevelCheck.objects.bulk_create(checks)
            level.checks.update(created_at=F("checked_at"), updated_at=F("checked_at"))

    def observed_value(self, spec: dict, objective: Decimal, *, missed: bool) -> Decimal:
        """A day's reading near `typical`; on a `missed` day, `bad` instead. A normal day is
        kept on the right side of the objective so misses happen only on the days the story
        says."""
        if missed:
            value = spec["bad"] + self.rng.uniform(-spec["jitter"], spec["jitter"])
            return _dec(value, 3)
        value = spec["typical"] + self.rng.uniform(-spec["jitter"], spec["jitter"])
        if spec["indicator"] == ServiceLevel.Indicator.FRESHNESS:
            value = min(value, float(objective) * 0.95)
        else:
            value = min(max(value, float(objective)), 100.0)
        return _dec(value, 3)

    def create_experiments(self) -> None:
        for spec in self.spec.get("experiments", ()):
            decided_by, decided_days_ago = spec.get("decided", (None, None))
            experiment = Experiment.objects.create(
                product=self.product,
                hypothesis=self.hypotheses.get(spec.get("hypothesis")),
                name=spec["name"],
                kind=spec["kind"],
                status=spec["status"],
                starts_on=self.day(spec["starts_days_ago"]),
                ends_on=self.day(spec["ends_days_ago"]),
                metric_name=spec["metric_name"],
                metric_kind=spec["metric_kind"],
                planned_variant_share=_money(spec.get("planned_variant_share")),
                guardrails_note=spec.get("guardrails_note", ""),
                decision=spec.get("decision", ""),
                decision_note=spec.get("decision_note", ""),
                decided_by=self.user(decided_by),
                decided_at=None if decided_days_ago is None else self.at(decided_days_ago),
                **spec.get("figures", {}),
            )
            latest = decided_days_ago if decided_days_ago is not None else 1
            self.stamp(experiment, self.at(spec["starts_days_ago"] + 7), self.at(latest))
            if "evidence" in spec:
                stance, note = spec["evidence"]
                evidence = Evidence.objects.create(
                    hypothesis=experiment.hypothesis,
                    experiment=experiment,
                    stance=stance,
                    note=note,
                    added_by=self.user(decided_by or self.spec["owner"]),
                )
                self.stamp(evidence, self.at(latest))

    def create_usage(self) -> None:
        spec = self.spec.get("usage")
        if not spec:
            return
        active = spec.get("active_users") or self.usage_curve(spec)
        weeks = len(active)
        this_monday = self.today - timedelta(days=self.today.weekday())
        rows = []
        for i, users in enumerate(active):
            share = i / (weeks - 1) if weeks > 1 else 1.0
            task_first, task_last = spec["task_seconds"]
            rows.append(
                UsageSnapshot(
                    product=self.product,
                    week_start=this_monday - timedelta(weeks=weeks - i),
                    active_users=users,
                    sessions=round(users * spec["sessions_per_user"] * self.rng.uniform(0.9, 1.1)),
                    median_task_seconds=round(task_first + (task_last - task_first) * share),
                    decisions_supported=max(
                        0, round(spec["decisions_per_week"] * min(1.0, 0.3 + share))
                    ),
                    source=spec.get("source", UsageSnapshot.Source.API),
                )
            )
        UsageSnapshot.objects.bulk_create(rows)
        for row in rows:
            # Usage of a week is imported on the Monday after it.
            self.stamp(row, self.at((self.today - row.week_start).days - 7, hour=7))

    def usage_curve(self, spec: dict) -> list[int]:
        first, last = spec["from"], spec["to"]
        weeks = spec["weeks"]
        low, high = _ease(0), _ease(1)
        curve = []
        for i in range(weeks):
            shape = (_ease(i / (weeks - 1)) - low) / (high - low)
            wobble = self.rng.uniform(-0.03, 0.03) * last
            curve.append(max(1, round(first + (last - first) * shape + wobble)))
        return curve

    def create_barriers(self) -> None:
        for spec in self.spec.get("barriers", ()):
            barrier = AdoptionBarrier.objects.create(
                product=self.product,
                kind=spec["kind"],
                description=spec["description"],
                severity=spec["severity"],
                status=spec["status"],
                action=spec.get("action", ""),
            )
            barrier.insights.set([self.insights[key] for key in spec.get("insights", ())])
            self.stamp(barrier, self.at(spec["days_ago"]))

    def create_assets(self) -> None:
        for kind, title, url, days_ago in self.spec.get("assets", ()):
            asset = EnablementAsset.objects.create(
                product=self.product, kind=kind, title=title, url=url
            )
            self.stamp(asset, self.at(days_ago))

    def create_feedback(self) -> None:
        for spec in self.spec.get("feedback", ()):
            feedback = Feedback.objects.create(
                product=self.product,
                user=self.user(spec.get("user")),
                author_name=spec.get("author", ""),
                rating=spec["rating"],
                text=spec["text"],
                given_at=self.at(spec["days_ago"], hour=14),
            )
            self.stamp(feedback, feedback.given_at)

    def create_stage_history(self) -> None:
        """From idea forward to the current stage, one recorded move per step."""
        previous = DataProduct.Stage.IDEA
        for to_stage, days_ago, username, note, *override in self.spec["history"]:
            change = StageChange.objects.create(
                product=self.product,
                from_stage=previous,
                to_stage=to_stage,
                changed_by=self.user(username),
                note=note,
                override_reason=override[0] if override else "",
            )
            self.stamp(change, self.at(days_ago, hour=16))
            previous = to_stage
        if previous != self.spec["stage"]:
            raise CommandError(f"{self.spec['slug']}: history ends in {previous}, not its stage")

    def apply_stamps(self) -> None:
        """Move created_at/updated_at back to when each row's story happened. An update, because
        auto_now_add overwrites any value given on insert."""
        for obj, created, updated in self.stamps:
            type(obj).objects.filter(pk=obj.pk).update(created_at=created, updated_at=updated)


# ---------------------------------------------------------------------------------------------
# The portfolio. Days are counted back from today; a negative number lies in the future.
# ---------------------------------------------------------------------------------------------

USERS = [
    {
        "username": "admin",
        "first_name": "Robin",
        "last_name": "Clarke",
        "email": "robin.clarke@example.org",
        "superuser": True,
    },
    {
        "username": "pm",
        "first_name": "Priya",
        "last_name": "Raman",
        "email": "priya.raman@example.org",
        "groups": [roles.PM],
    },
    {
        "username": "pm2",
        "first_name": "Jonas",
        "last_name": "Becker",
        "email": "jonas.becker@example.org",
        "groups": [roles.PM],
    },
    {
        "username": "lead",
        "first_name": "Maria",
        "last_name": "Santos",
        "email": "maria.santos@example.org",
        "groups": [roles.LEAD],
    },
    {
        "username": "stakeholder",
        "first_name": "Tom",
        "last_name": "Fischer",
        "email": "tom.fischer@example.org",
        "groups": [roles.STAKEHOLDER],
    },
    {
        "username": "hannah",
        "first_name": "Hannah",
        "last_name": "Weiss",
        "email": "hannah.weiss@example.org",
        "groups": [roles.STAKEHOLDER],
    },
    {
        "username": "daniel",
        "first_name": "Daniel",
        "last_name": "Okafor",
        "email": "daniel.okafor@example.org",
        "groups": [roles.STAKEHOLDER],
    },
    {
        "username": "grace",
        "first_name": "Grace",
        "last_name": "Kim",
        "email": "grace.kim@example.org",
        "groups": [roles.STAKEHOLDER],
    },
    # Team members hold no portfolio role: they edit the products they are on, nothing else.
    {
        "username": "lena",
        "first_name": "Lena",
        "last_name": "Novak",
        "email": "lena.novak@example.org",
    },
    {
        "username": "omar",
        "first_name": "Omar",
        "last_name": "Haddad",
        "email": "omar.haddad@example.org",
    },
    {
        "username": "kenji",
        "first_name": "Kenji",
        "last_name": "Watanabe",
        "email": "kenji.watanabe@example.org",
    },
]

USER_ROLE_NOTE = {
    "pm": "PM, Priya Raman",
    "lead": "Lead, Maria Santos",
    "stakeholder": "Stakeholder, Tom Fischer",
    "admin": "superuser",
}

DOMAINS = [
    {
        "name": "Finance",
        "slug": "finance",
        "description": "Revenue, costs, forecasting, pricing and the monthly close.",
        "owner": "stakeholder",
    },
    {
        "name": "Marketing",
        "slug": "marketing",
        "description": "Acquisition, CRM campaigns and paid media.",
        "owner": "hannah",
    },
    {
        "name": "Operations",
        "slug": "operations",
        "description": "Stores, replenishment, warehouses and fulfilment.",
        "owner": "daniel",
    },
    {
        "name": "Customer",
        "slug": "customer",
        "description": "Customer success, support and the shared customer record.",
        "owner": "grace",
    },
    {
        "name": "Platform",
        "slug": "platform",
        "description": "Shared data and ML infrastructure that every other domain builds on.",
        "owner": "lead",
    },
]

NOTES_SOFIA = """\
## Context
Sofia prepares the **Monday revenue pack** for the CFO staff meeting at 09:00. She has owned the
churn slide for three years. We talked through last Monday, step by step, with her workbook open.

## How she gets to the churn number today
- Sunday evening or 07:00 on Monday she exports *closed-lost* and *downgrade* opportunities from
  Salesforce into `churn_master_v7.xlsx`.
- She pastes last week's billing export next to it and matches accounts with a `VLOOKUP` on the
  account **name**, "because the IDs don't match between the two systems".
- 15–20 rows never match: mergers, renamed accounts, resellers billing on behalf of a customer.
  She fixes them by hand from memory.
- She compares her figure with the one Customer Success shows in Gainsight. They differ "every
  single week", usually by 0.2–0.5 points.

> "I spend the first hour of every Monday proving my number is right instead of explaining why it
> moved."

> "When the CFO asks *why* churn went up, I honestly can't tell him by nine. I can tell him
> *that* it went up."

## What she would need
1. One churn definition that Finance and CS both accept. She thinks logo churn and revenue churn
   should both exist, but with different names.
2. The number ready before 08:00 on Monday, with the list of accounts behind it.
3. A drill-down from the total to the accounts that moved it.

## Observations
- Her workbook has a tab called `DO NOT TOUCH – CFO numbers` with hard-coded values from last
  quarter, so she can defend historical figures when a definition changes.
- Preparation took 95 minutes on the Monday we reconstructed; she says that was a "good week".
"""

NOTES_MARCUS = """\
## Context
Thirty minutes with Marcus in his office after the quarterly forecast review. He chairs the Monday
revenue review and decides whether the revenue forecast is revised.

## How the churn number is used
- He looks at the **trend**, not the level: "two weeks in the same direction and I ask FP&A to
  re-run the forecast."
- A forecast revision costs FP&A about two days, so he avoids false alarms.
- He does not trust week-on-week movement below half a point, because the churn definition
  changed twice last year and both times "churn went up on paper".

> "I don't need a prettier chart. I need the same number from Finance and from Grace's team, and
> I need to know which definition produced it."

## Ideas he raised
- A footnote on every chart naming the definition version.
- A short written "why it moved" line next to the number — he would rather have one sentence from
  an analyst than three more charts.

## Follow-ups
- Ask Grace (Customer Success) whether CS could report churn on the billing-stop date.
- Check how many of the 60 pack recipients actually open it (Tom thinks about a third).
"""

NOTES_AISHA = """\
## Context
Aisha manages 45 mid-market accounts in Customer Success. She reports churn to Grace Kim every
Friday from Gainsight and attends the Monday review when her accounts are on the list.

## Where the two churn numbers part ways
- CS counts an account as churned on the **contract end date**; Finance counts it on the date
  billing stops. A customer who gives notice in March and stops paying in June churns in March for
  CS and in June for Finance.
- Downgrades count as churn for Finance (revenue churn) but not for CS (logo churn).
- Example she gave: *Northwind Logistics* gave notice in February. Their contact, Jana Horak
  (jana.horak@northwind.example, +49 151 0000 0000), asked to keep it quiet until the renewal talks
  failed, so the account stayed "healthy" in Gainsight for six weeks.

## What she does with the number
- Plans save-calls: she picks the ten accounts with the biggest revenue at risk each week.
- For that she needs the **list of accounts**, not the total.

> "If Finance and we had the same list, I'd stop exporting Gainsight to Excel on Fridays."

## Notes
Contains personal contact details of a customer — keep this interview inside the product team.
"""

NOTES_SOFIA_FOLLOWUP = """\
## Context
Follow-up with Sofia six weeks after launch, during her Monday preparation (screen shared).

## What changed
- The pack took **38 minutes**. The churn slide is now a Looker tile; she no longer opens
  `churn_master_v7.xlsx`, and she archived it.
- In the meeting, the discussion moved from *whose number* to *which segment moved*: last week
  the CFO asked about SMB downgrades and she answered from the drill-down on the spot.

## What still hurts
- The 12-month account drill-down takes about **40 seconds** to load. Twice she gave up and
  exported the account list to Excel instead.
- Two regional controllers still email her for "the old PDF numbers".

> "It's the first time I've had time on a Monday morning to actually read the numbers."
"""

REVENUE_METRIC_LAYER = {
    "slug": "revenue-metric-layer",
    "name": "Revenue & Churn Metric Layer",
    "kind": "metric_layer",
    "domain": "finance",
    "stage": "launched",
    "owner": "pm",
    "tech_lead": "lena",
    "team": ["kenji"],
    "stakeholders": ["stakeholder", "lead", "grace"],
    "priority": "critical",
    "target_users": 60,
    "reviewed_days_ago": 6,
    "purpose": (
        "Finance, Sales and Customer Success each compute churn, ARR and net revenue retention "
        "their own way, and the Monday revenue review opens with twenty minutes of arguing about "
        "whose number is right. One governed definition of each revenue metric, computed in the "
        "warehouse and served to every BI tool, with a drill-down to the accounts behind it."
    ),
    "decision": (
        "Whether to revise the quarterly revenue forecast, and where to focus retention effort."
    ),
    "decision_meeting": "Monday revenue review (CFO staff meeting, 09:00)",
    "created_days_ago": 430,
    "history": [
        (
            "discovery",
            412,
            "pm",
            "Tom raised the Monday reconciliation problem at the quarterly review; starting "
            "interviews with FP&A and Customer Success.",
        ),
        (
            "definition",
            352,
            "pm",
            "Five interviews, one clear root cause (no account mapping, two churn dates). "
            "Writing the Definition of Done with Finance and CS.",
        ),
        (
            "build",
            300,
            "lead",
            "DoD agreed; baseline of 95 minutes per Monday pack measured over four weeks.",
        ),
        (
            "pilot",
            200,
            "pm",
            "Mapping table and churn v2 metrics live in Looker. Six-week pilot with eight "
            "analysts preparing the Monday pack.",
        ),
        (
            "launched",
            150,
            "lead",
            "Pilot concluded with a decision to roll out: pack preparation fell from 93 to 41 "
            "minutes. The old PDF pack will be retired.",
        ),
    ],
    "personas": [
        {
            "name": "FP&A analyst",
            "role": "Financial planning & analysis analyst",
            "decisions": "Which churn and ARR figures go into the Monday pack and the forecast.",
            "tools": "Excel, Salesforce exports, billing exports, Looker",
        },
        {
            "name": "CFO",
            "role": "Chief Financial Officer",
            "decisions": "Whether to revise the revenue forecast; where to invest in retention.",
            "tools": "The Monday pack, the board deck",
        },
        {
            "name": "Customer success manager",
            "role": "Customer success manager, mid-market",
            "decisions": "Which at-risk accounts get a save-call this week.",
            "tools": "Gainsight, Salesforce, Excel",
        },
    ],
    "interviews": [
        {
            "persona": "FP&A analyst",
            "name": "Sofia Lindqvist",
            "role": "Senior FP&A analyst",
            "team": "Finance",
            "days_ago": 405,
            "by": "pm",
            "channel": "video",
            "notes": NOTES_SOFIA,
            "summary": (
                "Rebuilds churn by hand in Excel every Monday (60–95 min); her figure differs from "
                "CS every week; needs one definition and the accounts behind the number."
            ),
            "insights": [
                {
                    "key": "excel-rebuild",
                    "kind": "workaround",
                    "text": (
                        "Rebuilds churn every Monday in Excel by matching Salesforce and billing "
                        "exports on account name with VLOOKUP; 15–20 rows fixed by hand."
                    ),
                    "tags": ["excel", "churn", "manual-work"],
                    "severity": 4,
                },
                {
                    "key": "numbers-disagree",
                    "kind": "pain",
                    "text": (
                        "Finance and Customer Success churn differ every week by 0.2–0.5 points; "
                        "the meeting opens with a reconciliation argument."
                    ),
                    "tags": ["trust", "definitions", "churn"],
                    "severity": 5,
                },
                {
                    "key": "first-hour",
                    "kind": "quote",
                    "text": (
                        "“I spend the first hour of every Monday proving my number is right "
                        "instead of explaining why it moved.”"
                    ),
                    "tags": ["trust", "manual-work"],
                    "severity": 4,
                },
                {
                    "key": "drill-down",
                    "kind": "need",
                    "text": "The accounts behind the churn total, ready before 08:00 on Monday.",
                    "tags": ["drill-down", "timeliness"],
                    "severity": 4,
                },
            ],
        },
        {
            "persona": "CFO",
            "name": "Marcus Hale",
            "role": "Chief Financial Officer",
            "team": "Finance",
            "days_ago": 398,
            "by": "pm",
            "channel": "in_person",
            "notes": NOTES_MARCUS,
            "summary": (
                "Revises the forecast after two weeks of churn moving one way; distrusts small "
                "moves since two definition changes; wants the definition version on every chart."
            ),
            "insights": [
                {
                    "key": "forecast-rule",
                    "kind": "decision",
                    "text": (
                        "Asks FP&A to re-run the quarterly forecast after two consecutive weeks of "
                        "churn moving in the same direction; a re-run costs two analyst-days."
                    ),
                    "tags": ["forecast", "churn"],
                    "severity": 3,
                },
                {
                    "key": "definition-changes",
                    "kind": "pain",
                    "text": (
                        "Does not trust week-on-week moves below half a point: the churn "
                        "definition changed twice last year and churn 'went up on paper'."
                    ),
                    "tags": ["trust", "definitions"],
                    "severity": 4,
                },
                {
                    "key": "version-footnote",
                    "kind": "idea",
                    "text": "A footnote on every chart naming the definition version behind it.",
                    "tags": ["definitions", "documentation"],
                    "severity": 2,
                },
            ],
        },
        {
            "persona": "Customer success manager",
            "name": "Aisha Bello",
            "role": "Customer success manager",
            "team": "Customer Success",
            "days_ago": 392,
            "by": "pm",
            "channel": "video",
            "pii": True,
            "notes": NOTES_AISHA,
            "summary": (
                "CS counts churn at contract end, Finance at billing stop; CS needs the account "
                "list to plan save-calls. Contains a customer contact's details."
            ),
            "insights": [
                {
                    "key": "two-dates",
                    "kind": "pain",
                    "text": (
                        "CS counts churn on the contract end date, Finance on the billing stop "
                        "date: the same account churns in different months."
                    ),
                    "tags": ["definitions", "churn"],
                    "severity": 4,
                },
                {
                    "key": "account-list",
                    "kind": "need",
                    "text": "The list of at-risk accounts, to plan ten save-calls a week.",
                    "tags": ["drill-down", "retention"],
                    "severity": 3,
                },
                {
                    "key": "friday-export",
                    "kind": "quote",
                    "text": (
                        "“If Finance and we had the same list, I'd stop exporting Gainsight to "
                        "Excel on Fridays.”"
                    ),
                    "tags": ["excel", "manual-work"],
                    "severity": 3,
                },
            ],
        },
        {
            "persona": "FP&A analyst",
            "name": "Sofia Lindqvist",
            "role": "Senior FP&A analyst",
            "team": "Finance",
            "days_ago": 108,
            "by": "lena",
            "channel": "shadowing",
            "notes": NOTES_SOFIA_FOLLOWUP,
            "summary": (
                "Pack now takes 38 minutes and the meeting discusses segments, not numbers; the "
                "12-month drill-down is slow (~40 s)."
            ),
            "insights": [
                {
                    "key": "segment-discussion",
                    "kind": "decision",
                    "text": (
                        "The Monday review now discusses which segment moved churn; the CFO asked "
                        "about SMB downgrades and got an answer in the meeting."
                    ),
                    "tags": ["churn", "adoption"],
                    "severity": 2,
                },
                {
                    "key": "slow-drill-down",
                    "kind": "pain",
                    "text": (
                        "The 12-month account drill-down takes about 40 seconds; twice she "
                        "exported to Excel instead."
                    ),
                    "tags": ["performance", "drill-down"],
                    "severity": 3,
                },
            ],
        },
    ],
    "hypotheses": [
        {
            "key": "one-number",
            "persona": "FP&A analyst",
            "who": "FP&A analysts preparing the Monday revenue pack",
            "belief": (
                "will stop rebuilding churn in Excel if a governed churn metric is in Looker by "
                "08:00 on Monday"
            ),
            "because": (
                "Sofia and two colleagues rebuild it by hand every week and still disagree with "
                "Customer Success by up to half a point"
            ),
            "signal": (
                "the pack takes under 45 minutes for four Mondays in a row and nobody opens "
                "churn_master.xlsx"
            ),
            "type": "desirability",
            "importance": 5,
            "status": "validated",
            "created_days_ago": 400,
            "changed_days_ago": 155,
            "by": "pm",
            "evidence": [
                ("excel-rebuild", "supports", "The manual rebuild is the work we would remove."),
                ("first-hour", "supports", "The cost is an hour of the most senior analyst."),
                ("numbers-disagree", "supports", "The disagreement is weekly, not occasional."),
            ],
        },
        {
            "key": "shared-definition",
            "who": "Finance and Customer Success",
            "belief": (
                "will accept one churn definition with two named variants, logo churn and "
                "revenue churn"
            ),
            "because": "both teams said the disagreement is about dates, not about what churn is",
            "signal": (
                "both heads sign the definition document and the CS Friday report switches to "
                "the metric layer"
            ),
            "type": "viability",
            "importance": 4,
            "status": "validated",
            "created_days_ago": 390,
            "changed_days_ago": 330,
            "by": "pm",
            "evidence": [
                ("two-dates", "supports", "The gap is the date convention, which can be agreed."),
                (
                    "definition-changes",
                    "contradicts",
                    "Another definition change is what the CFO distrusts; mitigated by versioning "
                    "the definition and restating history once.",
                ),
            ],
        },
        {
            "key": "cs-drill-down",
            "persona": "Customer success manager",
            "who": "customer success managers",
            "belief": "will plan their weekly save-calls from the account drill-down",
            "because": "Aisha needs the account list, not the total, and exports it every Friday",
            "signal": "at least 15 CSMs open the drill-down every week for a month",
            "type": "usability",
            "importance": 3,
            "status": "testing",
            "created_days_ago": 120,
            "changed_days_ago": 38,
            "by": "pm",
            "evidence": [
                ("account-list", "supports", "The list is what CS acts on."),
                ("slow-drill-down", "contradicts", "At 40 seconds people fall back to Excel."),
            ],
        },
        {
            "key": "cfo-self-serve",
            "persona": "CFO",
            "who": "the CFO",
            "belief": (
                "will decide on forecast revisions from the metric layer trend without asking "
                "FP&A for a separate analysis"
            ),
            "because": "his revision rule is mechanical: two weeks of movement in one direction",
            "signal": "the next two forecast revisions cite the metric layer as their only source",
            "type": "desirability",
            "importance": 2,
            "status": "parked",
            "created_days_ago": 380,
            "changed_days_ago": 140,
            "by": "pm",
            "evidence": [
                (
                    "forecast-rule",
                    "supports",
                    "The rule is simple enough to read off a chart; parked until the trend view "
                    "has a quarter of history.",
                ),
            ],
        },
    ],
    "why_chains": [
        {
            "key": "late-start",
            "days_ago": 385,
            "problem": (
                "The Monday revenue review starts twenty minutes late because the churn numbers "
                "disagree."
            ),
            "whys": [
                "Finance and Customer Success bring different churn figures.",
                "They count churn on different dates and from different account lists.",
                "Account IDs differ between Salesforce and billing, so each team matches by hand.",
                "Nobody owns a mapping between CRM accounts and billing customers.",
                "The mapping was never in any system's scope; it lives in analysts' spreadsheets.",
            ],
            "root_cause": (
                "There is no governed CRM ↔ billing account mapping and no single owned churn "
                "definition; every team recreates both by hand."
            ),
        }
    ],
    "roadmap": [
        {
            "title": "Governed CRM ↔ billing account mapping",
            "problem": "Churn is matched on account names; 15–20 accounts a week fixed by hand.",
            "solution": (
                "A maintained mapping table in the warehouse, owned by Sales Ops, with a weekly "
                "exception report for unmatched accounts."
            ),
            "type": "dataset_pipeline",
            "horizon": "now",
            "status": "shipped",
            "impact": 5,
            "reach": 60,
            "effort": "M",
            "build_cost": 18000,
            "run_cost": 3000,
            "hypotheses": ["one-number"],
            "why_chain": "late-start",
            "days_ago": 380,
            "updated_days_ago": 230,
            "decision_note": (
                "The Five Whys put the missing mapping at the root. A shared spreadsheet (the "
                "manual fix) would end the disagreement for a month, until the next merger; a "
                "maintained table with an owner fixes it once, and every later revenue metric "
                "reuses it."
            ),
        },
        {
            "title": "Agree and freeze churn definition v2",
            "problem": "Finance and CS disagree on which date an account churns.",
            "solution": (
                "Two meetings between FP&A and CS to agree logo churn and revenue churn; publish "
                "the definition and freeze it for a year."
            ),
            "type": "manual_fix",
            "horizon": "now",
            "status": "shipped",
            "impact": 3,
            "effort": "XS",
            "hypotheses": ["shared-definition"],
            "days_ago": 375,
            "updated_days_ago": 340,
            "decision_note": (
                "Before building anything, agree the words. Cost: two meetings. It removed half "
                "of the weekly gap on its own and showed the rest was data, not definitions."
            ),
        },
        {
            "title": "Pre-aggregate the 12-month account drill-down",
            "problem": "The drill-down takes ~40 s; CSMs and analysts fall back to Excel.",
            "solution": "A nightly aggregate table per account and month behind the Looker tile.",
            "type": "dataset_pipeline",
            "horizon": "now",
            "status": "in_progress",
            "impact": 3,
            "reach": 25,
            "effort": "S",
            "build_cost": 6000,
            "run_cost": 1200,
            "hypotheses": ["cs-drill-down"],
            "days_ago": 100,
            "updated_days_ago": 8,
            "decision_note": (
                "The cheapest fix for the one barrier users named; a BI-tool cache setting was "
                "tried first and did not help because each CSM filters differently."
            ),
        },
        {
            "title": "Net revenue retention by cohort",
            "problem": "The board deck needs NRR by signup cohort; FP&A builds it by hand.",
            "solution": "Add cohort NRR to the metric layer, reusing the mapping and churn v2.",
            "type": "metric_definition",
            "horizon": "next",
            "status": "planned",
            "impact": 4,
            "reach": 40,
            "effort": "M",
            "build_cost": 25000,
            "run_cost": 4000,
            "hypotheses": ["one-number", "cfo-self-serve"],
            "days_ago": 90,
            "decision_note": (
                "Definition work, not a new pipeline: the cohort table exists. Chosen over a "
                "separate board-reporting dataset so the board and Monday numbers never diverge."
            ),
        },
        {
            "title": "Definition version footnote on every revenue chart",
            "problem": "The CFO distrusts moves that might come from a definition change.",
            "solution": "Every tile shows 'churn v2 (since …)' and links to the definition page.",
            "type": "documentation",
            "horizon": "next",
            "status": "proposed",
            "impact": 2,
            "reach": 60,
            "effort": "XS",
            "build_cost": 1500,
            "days_ago": 60,
            "decision_note": "Half a day of work that answers a trust question the CFO asks often.",
        },
        {
            "title": "Churn risk model for Customer Success",
            "problem": "CS finds at-risk accounts only after notice is given.",
            "solution": "A model scoring accounts weekly for churn risk, shown in Gainsight.",
            "type": "ml_model",
            "horizon": "later",
            "status": "proposed",
            "impact": 3,
            "reach": 20,
            "effort": "XL",
            "build_cost": 120000,
            "run_cost": 30000,
            "confidence": (
                "0.30",
                "Only one interview asked for prediction, and CS can act on about 30 accounts a "
                "week — which the descriptive list already fills.",
            ),
            "hypotheses": ["cs-drill-down"],
            "days_ago": 95,
            "decision_note": (
                "Not before CS uses the account list weekly (hypothesis still testing). A "
                "rules-based risk flag on the list is the cheaper next step if capacity grows."
            ),
        },
        {
            "title": "Real-time churn event stream",
            "problem": "Sales asked for churn 'as it happens'.",
            "solution": "Publish churn events from billing to the event bus.",
            "type": "event_stream",
            "horizon": "later",
            "status": "dropped",
            "impact": 2,
            "effort": "XL",
            "build_cost": 90000,
            "run_cost": 24000,
            "days_ago": 300,
            "updated_days_ago": 280,
            "decision_note": (
                "Dropped: the decision is weekly and nobody acts on churn within a day. Real time "
                "would cost more than the whole metric layer for no change in any decision."
            ),
        },
    ],
    "dod": {
        "days_ago": 345,
        "signed_off": ("lead", 150),
        "criteria": [
            {
                "group": "outcome",
                "text": "Monday pack prepared in under 45 minutes for four consecutive weeks.",
                "met": True,
                "evidence": "https://wiki.example.org/data/revenue-metrics/pilot-readout",
                "checked": ("pm", 156),
            },
            {
                "group": "fail_fast",
                "text": (
                    "Stop if, after the six-week pilot, analysts still reconcile churn in Excel on "
                    "more than half of the Mondays."
                ),
                "met": True,
                "evidence": "https://wiki.example.org/data/revenue-metrics/pilot-log",
                "checked": ("pm", 156),
            },
            {
                "group": "feasibility",
                "text": "The CRM ↔ billing mapping covers at least 99 % of billed revenue.",
                "met": True,
                "evidence": "https://wiki.example.org/data/revenue-metrics/mapping-coverage",
                "checked": ("lena", 240),
            },
            {
                "group": "quality",
                "text": (
                    "dbt tests on churn inputs: unique account, non-null dates, accepted churn "
                    "reasons; all green for 14 days."
                ),
                "met": True,
                "evidence": "https://ci.example.org/dbt/revenue-metrics",
                "checked": ("lena", 205),
            },
            {
                "group": "quality",
                "text": "Month-end revenue reconciles to the general ledger within 0.1 %.",
                "met": True,
                "evidence": "https://wiki.example.org/data/revenue-metrics/gl-reconciliation",
                "checked": ("kenji", 170),
            },
            {
                "group": "documentation",
                "text": (
                    "Definitions of logo churn, revenue churn and NRR published and linked from "
                    "every chart."
                ),
                "met": True,
                "evidence": "https://wiki.example.org/data/revenue-metrics/definitions",
                "checked": ("pm", 210),
            },
            {
                "group": "documentation",
                "text": "Runbook for the Monday 06:00 refresh, with who to call when it fails.",
                "required": False,
            },
            {
                "group": "compliance",
                "text": (
                    "No personal data in the metric layer: account level only, contact names and "
                    "e-mails excluded; PII screening recorded with the DPO."
                ),
                "met": True,
                "evidence": "https://wiki.example.org/privacy/screenings/revenue-metric-layer",
                "checked": ("pm", 298),
            },
        ],
    },
    "kpis": [
        {
            "name": "Monday pack preparation time",
            "category": "outcome",
            "unit": "minutes",
            "direction": "decrease",
            "baseline": 95,
            "baseline_days_ago": 330,
            "target": 40,
            "target_days_ago": -35,
            "cadence": 7,
            "calculation": (
                "Median minutes from opening the pack template to sending it, self-reported by "
                "each preparing analyst every Monday."
            ),
            "data_source": "Pack preparation log (form)",
            "series": (52, 38, 3),
            "source": "manual",
        },
        {
            "name": "Weekly active users of revenue metrics",
            "category": "adoption",
            "unit": "users",
            "direction": "increase",
            "baseline": 0,
            "baseline_days_ago": 160,
            "target": 60,
            "target_days_ago": -60,
            "cadence": 7,
            "calculation": "Distinct people who ran a query on a revenue explore in the week.",
            "data_source": "Looker System Activity",
            "series": (20, 52, 2),
        },
        {
            "name": "Finance–CS churn discrepancy",
            "category": "quality",
            "unit": "pp",
            "direction": "at_most",
            "baseline": "0.4",
            "baseline_days_ago": 330,
            "target": "0.05",
            "target_days_ago": -35,
            "cadence": 7,
            "calculation": (
                "Absolute difference between the monthly churn reported by Finance and by CS, in "
                "percentage points."
            ),
            "data_source": "Metric layer vs Gainsight weekly extract",
            "series": (0.04, 0.02, 0.015),
        },
        {
            "name": "Monday refresh on time",
            "category": "operational",
            "unit": "%",
            "direction": "at_least",
            "baseline": 78,
            "baseline_days_ago": 330,
            "target": 98,
            "target_days_ago": -35,
            "cadence": 7,
            "calculation": "Share of the last four Mondays on which the refresh finished by 07:00.",
            "data_source": "Airflow run history",
            "series": (98.5, 99.5, 0.5),
            "source": "api",
        },
        {
            "name": "Analyst hours saved per month",
            "category": "financial",
            "unit": "hours",
            "direction": "increase",
            "baseline": 0,
            "baseline_days_ago": 200,
            "target": 40,
            "target_days_ago": -35,
            "cadence": 30,
            "calculation": (
                "(Baseline pack minutes − current pack minutes) × preparing analysts × Mondays "
                "in the month, plus CS Friday exports avoided."
            ),
            "data_source": "Pack preparation log; CS time survey",
            "series": (12, 34, 1.5),
            "points": 5,
            "last_measured_days_ago": 4,
            "source": "manual",
        },
    ],
    "service_levels": [
        {
            "indicator": "freshness",
            "objective": "24",
            "unit": "hours",
            "description": "Revenue metrics reflect billing up to yesterday by 07:00.",
            "typical": 7.5,
            "jitter": 1.5,
            "bad": 31,
            "missed": [33, 12],
        },
        {
            "indicator": "availability",
            "objective": "99.5",
            "unit": "%",
            "description": "Semantic layer answering queries during business hours.",
            "typical": 99.9,
            "jitter": 0.08,
            "bad": 97.8,
            "missed": [21],
        },
        {
            "indicator": "pipeline_success",
            "objective": "98",
            "unit": "%",
            "description": "Share of dbt runs that succeed on the first attempt.",
            "typical": 99.5,
            "jitter": 0.5,
            "bad": 91.7,
            "missed": [33],
        },
        {
            "indicator": "quality_pass_rate",
            "objective": "97",
            "unit": "%",
            "description": "Share of dbt tests on revenue models passing.",
            "typical": 99.2,
            "jitter": 0.6,
            "bad": 94.1,
            "missed": [40, 12],
        },
    ],
    "experiments": [
        {
            "name": "Pilot: Monday pack from the metric layer (6 weeks, 8 analysts)",
            "kind": "pilot",
            "status": "concluded",
            "hypothesis": "one-number",
            "starts_days_ago": 198,
            "ends_days_ago": 156,
            "metric_name": "Minutes to prepare the Monday pack",
            "metric_kind": "mean",
            "figures": {
                "control_n": 24,
                "control_mean": 92.5,
                "control_sd": 27.0,
                "variant_n": 24,
                "variant_mean": 41.0,
                "variant_sd": 16.5,
            },
            "guardrails_note": (
                "Pack figures must still tie to the ledger; no Monday pack may go out late. "
                "Both held for all six weeks."
            ),
            "decision": "roll_out",
            "decision_note": (
                "Preparation time more than halved, no late pack, ledger tie-out held. Roll out "
                "to all pack recipients and retire the PDF pack."
            ),
            "decided": ("pm", 152),
            "evidence": (
                "supports",
                "Pack time fell from 92.5 to 41 minutes (24 Mondays each arm).",
            ),
        },
    ],
    "usage": {
        "weeks": 16,
        "from": 18,
        "to": 52,
        "sessions_per_user": 3.4,
        "task_seconds": (310, 170),
        "decisions_per_week": 5,
    },
    "barriers": [
        {
            "kind": "performance",
            "description": (
                "The 12-month account drill-down takes about 40 seconds; analysts and CSMs "
                "export to Excel instead."
            ),
            "severity": 3,
            "status": "mitigating",
            "action": "Nightly pre-aggregated drill-down table (roadmap item in progress).",
            "insights": ["slow-drill-down"],
            "days_ago": 105,
        },
        {
            "kind": "interpretability",
            "description": (
                "CSMs confused logo churn and revenue churn when both tiles sat side by side."
            ),
            "severity": 2,
            "status": "resolved",
            "action": "Renamed the tiles and added definition tooltips linking to the glossary.",
            "insights": ["two-dates"],
            "days_ago": 140,
        },
        {
            "kind": "access",
            "description": (
                "Regional controllers have no Looker licence and still ask for the old PDF."
            ),
            "severity": 2,
            "status": "open",
            "action": "Request viewer licences in the next Looker true-up.",
            "days_ago": 45,
        },
    ],
    "assets": [
        ("prd", "PRD: Revenue & churn metric layer", "https://wiki.example.org/prd/revenue", 345),
        (
            "docs",
            "Metric definitions: logo churn, revenue churn, NRR (v2)",
            "https://wiki.example.org/data/revenue-metrics/definitions",
            210,
        ),
        (
            "knowledge_base",
            "How to reconcile the metric layer with the general ledger",
            "https://wiki.example.org/data/revenue-metrics/gl-reconciliation",
            170,
        ),
        (
            "training",
            "Recorded walkthrough for FP&A (35 min)",
            "https://video.example.org/revenue-metrics-walkthrough",
            150,
        ),
        ("channel", "#revenue-metrics", "https://chat.example.org/channels/revenue-metrics", 200),
        (
            "office_hours",
            "Thursday office hours with analytics engineering (14:00–15:00)",
            "https://calendar.example.org/revenue-metrics-office-hours",
            148,
        ),
    ],
    "feedback": [
        {
            "user": "stakeholder",
            "rating": 5,
            "text": (
                "First Monday in two years where we discussed why churn moved instead of whose "
                "number is right."
            ),
            "days_ago": 120,
        },
        {
            "author": "Sofia Lindqvist",
            "rating": 4,
            "text": "Saves me an hour every Monday. The 12-month drill-down is still too slow.",
            "days_ago": 60,
        },
        {
            "author": "Aisha Bello",
            "rating": 3,
            "text": (
                "Great for the totals. I still export the account list for save-calls because "
                "the drill-down times out on my filters."
            ),
            "days_ago": 25,
        },
        {
            "user": "grace",
            "rating": 4,
            "text": "CS and Finance finally show the same churn in the Monday review.",
            "days_ago": 9,
        },
    ],
}

NOTES_ELENA = """\
## Context
Elena runs the weekly CRM e-mail campaign for existing customers (about 180,000 sends a week).
We went through how she chose the offers for last Wednesday's send.

## How offers are chosen today
- A spreadsheet of **14 segment rules** ("tenure > 2 years AND plan = Basic → Premium upgrade").
  The rules were written by her predecessor; the last review was "about a year ago".
- Every customer in a segment gets the same offer, every week, until they take it or leave the
  segment.
- Maintaining the rules and building the audiences takes her **half a day every Tuesday**.

## What goes wrong
- Offer fatigue: the same customers see the same upgrade offer for weeks.
- Unsubscribes jump after every big push — she showed a chart with spikes after three of the last
  four quarterly promotions.
- She cannot tell which rule actually sells: "they all look the same in Braze reporting".

> "I'm not asking for AI. I'm asking for the system to stop sending Premium to people who
> downgraded from Premium last month."

## Constraints she named
- Whatever we build must show up **inside Braze** as an attribute she can select on. She will not
  open another tool on a Tuesday.
- The campaign cut-off is Tuesday 18:00; anything later misses the week.
"""

NOTES_HANNAH = """\
## Context
Forty minutes with Hannah (Head of Growth Marketing) in the quarterly planning week. She owns the
split of the marketing budget between acquisition and CRM.

## The decision
- Each quarter she moves budget between paid acquisition and CRM based on CRM conversion and
  revenue per send. Last quarter CRM lost 15 % of its budget "because the numbers were flat".
- She will defend more CRM budget only with a **controlled** result; she was burned by a vendor's
  "+30 % uplift" that disappeared once a holdout was introduced.

> "I don't need a black box. I need to know the model won't spam our best customers."

## Ideas and worries
- Keep a holdout group in every campaign so the uplift can be shown every quarter, not once.
- Guardrail on unsubscribes: she would stop any test that raises unsubscribes by more than
  0.1 points.
- She worries the model will favour high-margin offers the customer does not want.
"""

NEXT_BEST_OFFER = {
    "slug": "next-best-offer",
    "name": "Next-Best-Offer Model",
    "kind": "ml_model",
    "domain": "marketing",
    "stage": "launched",
    "owner": "pm2",
    "tech_lead": "omar",
    "team": ["kenji"],
    "stakeholders": ["hannah", "lead"],
    "priority": "high",
    "target_users": 25,
    "reviewed_days_ago": 14,
    "purpose": (
        "The weekly CRM campaign sends every customer in a segment the same offer, chosen by "
        "14 hand-written rules; most of it is ignored and unsubscribes spike after big pushes. "
        "Rank the offers for each customer so each send carries the offer they are most likely "
        "to take."
    ),
    "decision": "Which offer each existing customer receives in the weekly CRM campaign.",
    "decision_meeting": "Wednesday campaign planning (audiences locked Tuesday 18:00)",
    "created_days_ago": 300,
    "history": [
        (
            "discovery",
            286,
            "pm2",
            "Hannah asked for evidence before moving budget back to CRM; interviewing the "
            "campaign managers.",
        ),
        (
            "definition",
            236,
            "pm2",
            "Desirability is clear; the hard constraints are Braze and the Tuesday cut-off.",
        ),
        (
            "build",
            190,
            "lead",
            "DoD agreed with Marketing; baseline conversion 12.0 % over eight weeks of sends.",
        ),
        (
            "pilot",
            108,
            "pm2",
            "Scores flow into Braze nightly; a four-week A/B test against the rules starts "
            "next week.",
        ),
        (
            "launched",
            62,
            "lead",
            "A/B test concluded: conversion 12.0 % → 13.5 %, unsubscribes within the guardrail. "
            "Rolling out to every weekly campaign with a 10 % holdout.",
        ),
    ],
    "personas": [
        {
            "name": "CRM campaign manager",
            "role": "Campaign manager, CRM",
            "decisions": "Audience and offer of each weekly send.",
            "tools": "Braze, a spreadsheet of segment rules",
        },
        {
            "name": "Head of Growth Marketing",
            "role": "Head of Growth Marketing",
            "decisions": "Quarterly budget split between acquisition and CRM.",
            "tools": "Quarterly marketing review deck, Braze reports",
        },
    ],
    "interviews": [
        {
            "persona": "CRM campaign manager",
            "name": "Elena Rossi",
            "role": "CRM campaign manager",
            "team": "Growth Marketing",
            "days_ago": 282,
            "by": "pm2",
            "channel": "video",
            "notes": NOTES_ELENA,
            "summary": (
                "Chooses offers with 14 stale segment rules (half a day a week); offer fatigue "
                "and unsubscribe spikes; must work inside Braze before the Tuesday cut-off."
            ),
            "insights": [
                {
                    "key": "segment-rules",
                    "kind": "workaround",
                    "text": (
                        "Chooses offers with 14 hand-written segment rules in a spreadsheet, last "
                        "reviewed a year ago; maintaining them takes half a day a week."
                    ),
                    "tags": ["manual-work", "crm"],
                    "severity": 3,
                },
                {
                    "key": "offer-fatigue",
                    "kind": "pain",
                    "text": (
                        "The same customers get the same upgrade offer for weeks; unsubscribes "
                        "spike after every big push."
                    ),
                    "tags": ["crm", "customer-experience"],
                    "severity": 4,
                },
                {
                    "key": "inside-braze",
                    "kind": "need",
                    "text": (
                        "Scores must arrive as Braze attributes before Tuesday 18:00; she will "
                        "not use another tool."
                    ),
                    "tags": ["workflow", "timeliness"],
                    "severity": 4,
                },
            ],
        },
        {
            "persona": "Head of Growth Marketing",
            "name": "Hannah Weiss",
            "role": "Head of Growth Marketing",
            "team": "Growth Marketing",
            "days_ago": 276,
            "by": "pm2",
            "channel": "in_person",
            "notes": NOTES_HANNAH,
            "summary": (
                "Moves budget only on controlled results; wants a holdout in every campaign and "
                "an unsubscribe guardrail."
            ),
            "insights": [
                {
                    "key": "budget-decision",
                    "kind": "decision",
                    "text": (
                        "Splits the quarterly budget between acquisition and CRM on CRM "
                        "conversion; CRM lost 15 % of budget last quarter."
                    ),
                    "tags": ["budget", "crm"],
                    "severity": 3,
                },
                {
                    "key": "black-box",
                    "kind": "quote",
                    "text": (
                        "“I don't need a black box. I need to know the model won't spam our best "
                        "customers.”"
                    ),
                    "tags": ["trust", "ml"],
                    "severity": 4,
                },
                {
                    "key": "holdout-idea",
                    "kind": "idea",
                    "text": "Keep a holdout group in every campaign to prove uplift each quarter.",
                    "tags": ["experimentation"],
                    "severity": 2,
                },
            ],
        },
    ],
    "hypotheses": [
        {
            "key": "ranked-offers",
            "persona": "CRM campaign manager",
            "who": "CRM campaign managers",
            "belief": "will send model-ranked offers instead of segment rules each week",
            "because": (
                "they spend half a day a week maintaining 14 rules they no longer trust and see "
                "offer fatigue in every push"
            ),
            "signal": (
                "offer conversion rises by at least one point in an A/B test with unsubscribes "
                "within 0.1 points of control"
            ),
            "type": "desirability",
            "importance": 5,
            "status": "validated",
            "created_days_ago": 270,
            "changed_days_ago": 66,
            "by": "pm2",
            "evidence": [
                ("segment-rules", "supports", "The rules are stale and costly to maintain."),
                ("offer-fatigue", "supports", "The current approach harms the customer list."),
            ],
        },
        {
            "key": "braze-attribute",
            "persona": "CRM campaign manager",
            "who": "campaign managers",
            "belief": "will use the scores only if they appear as attributes inside Braze",
            "because": "Elena said she will not open another tool on a Tuesday",
            "signal": (
                "every weekly campaign selects offers by the Braze attribute within a month of "
                "launch"
            ),
            "type": "usability",
            "importance": 4,
            "status": "validated",
            "created_days_ago": 265,
            "changed_days_ago": 30,
            "by": "pm2",
            "evidence": [("inside-braze", "supports", "Stated as a hard constraint.")],
        },
        {
            "key": "generated-copy",
            "who": "CRM campaign managers",
            "belief": "will let the model also write the offer's subject line",
            "because": "writing subject lines for 14 segments takes an hour a week",
            "signal": "open rates with generated subject lines match hand-written ones",
            "type": "desirability",
            "importance": 2,
            "status": "invalidated",
            "created_days_ago": 180,
            "changed_days_ago": 120,
            "by": "pm2",
            "evidence": [
                (
                    "black-box",
                    "contradicts",
                    "Marketing wants control over what customers read; a two-week trial also "
                    "lowered open rates by 0.8 points.",
                ),
            ],
        },
    ],
    "roadmap": [
        {
            "title": "Holdout group in every weekly campaign",
            "problem": "Uplift was proven once; budget decisions need it every quarter.",
            "solution": "Braze keeps a random 10 % of each audience on the rule-based offer.",
            "type": "process_change",
            "horizon": "now",
            "status": "in_progress",
            "impact": 4,
            "reach": 25,
            "effort": "S",
            "build_cost": 3000,
            "hypotheses": ["ranked-offers"],
            "days_ago": 60,
            "updated_days_ago": 5,
            "decision_note": (
                "A process change in Braze, not a new measurement platform: it answers Hannah's "
                "quarterly question for the cost of a few days."
            ),
        },
        {
            "title": "Offer cool-down: one offer per customer per 14 days",
            "problem": "Offer fatigue and unsubscribe spikes after big pushes.",
            "solution": "A Braze frequency cap agreed with the CRM team.",
            "type": "manual_fix",
            "horizon": "now",
            "status": "shipped",
            "impact": 3,
            "effort": "XS",
            "days_ago": 250,
            "updated_days_ago": 240,
            "decision_note": (
                "Shipped before any model work: a frequency cap removed most fatigue complaints "
                "in a week, so the model is judged on offer choice alone."
            ),
        },
        {
            "title": "Weekly retraining with drift check",
            "problem": "Offer mix and prices change each quarter; scores will drift.",
            "solution": "Retrain weekly; block publishing when feature drift exceeds a threshold.",
            "type": "ml_model",
            "horizon": "next",
            "status": "planned",
            "impact": 3,
            "reach": 25,
            "effort": "M",
            "build_cost": 15000,
            "run_cost": 8000,
            "hypotheses": ["ranked-offers"],
            "days_ago": 55,
            "decision_note": (
                "Monthly manual retraining works today; automating it is cheaper than a missed "
                "quarter of uplift when the offer catalogue changes in spring."
            ),
        },
        {
            "title": "Extend ranked offers to app push notifications",
            "problem": "Push offers still use the old segment rules.",
            "solution": "Reuse the model for the push channel, with its own A/B test.",
            "type": "ml_model",
            "horizon": "later",
            "status": "proposed",
            "impact": 4,
            "reach": 10,
            "effort": "L",
            "build_cost": 60000,
            "run_cost": 15000,
            "hypotheses": ["ranked-offers", "braze-attribute"],
            "days_ago": 40,
            "decision_note": (
                "Later: the push team has not been interviewed yet and push consent covers only "
                "a third of customers."
            ),
        },
    ],
    "dod": {
        "days_ago": 235,
        "signed_off": ("lead", 60),
        "criteria": [
            {
                "group": "outcome",
                "text": "Offer conversion at least 1 point above the rules in an A/B test.",
                "met": True,
                "evidence": "https://wiki.example.org/marketing/nbo/ab-test-readout",
                "checked": ("pm2", 64),
            },
            {
                "group": "fail_fast",
                "text": (
                    "Stop the test if the variant's unsubscribe rate exceeds control by more than "
                    "0.1 points in any week."
                ),
                "met": True,
                "evidence": "https://wiki.example.org/marketing/nbo/guardrails",
                "checked": ("pm2", 64),
            },
            {
                "group": "feasibility",
                "text": "Scores for ≥ 95 % of active customers in Braze before Tuesday 18:00.",
                "met": True,
                "evidence": "https://wiki.example.org/marketing/nbo/spike",
                "checked": ("omar", 200),
            },
            {
                "group": "quality",
                "text": "AUC ≥ 0.70 on the last eight weeks of held-out sends.",
                "met": True,
                "evidence": "https://mlflow.example.org/experiments/nbo",
                "checked": ("omar", 110),
            },
            {
                "group": "documentation",
                "text": "Model card: features, training window, known limits, owner.",
                "met": True,
                "evidence": "https://wiki.example.org/marketing/nbo/model-card",
                "checked": ("omar", 100),
            },
            {
                "group": "compliance",
                "text": (
                    "Features reviewed with the DPO: no special-category data, marketing consent "
                    "respected, customers can object to profiling."
                ),
                "met": True,
                "evidence": "https://wiki.example.org/privacy/screenings/next-best-offer",
                "checked": ("pm2", 195),
            },
        ],
    },
    "kpis": [
        {
            "name": "Offer conversion rate (14 days)",
            "category": "outcome",
            "unit": "%",
            "direction": "increase",
            "baseline": "12.0",
            "baseline_days_ago": 200,
            "target": "13.5",
            "target_days_ago": -30,
            "cadence": 7,
            "calculation": (
                "Customers who accepted the e-mailed offer within 14 days ÷ customers sent an "
                "offer, for sends outside the holdout."
            ),
            "data_source": "Braze campaign export joined to orders",
            "series": (12.6, 13.6, 0.2),
        },
        {
            "name": "Weekly campaigns using model scores",
            "category": "adoption",
            "unit": "%",
            "direction": "increase",
            "baseline": 0,
            "baseline_days_ago": 110,
            "target": 100,
            "target_days_ago": -20,
            "cadence": 7,
            "calculation": "Campaigns selecting offers by the nbo_rank attribute ÷ all campaigns.",
            "data_source": "Braze campaign metadata",
            "series": (35, 92, 4),
        },
        {
            "name": "Incremental monthly revenue from CRM offers",
            "category": "financial",
            "unit": "€",
            "direction": "increase",
            "baseline": 0,
            "baseline_days_ago": 104,
            "target": 45000,
            "target_days_ago": -60,
            "cadence": 30,
            "calculation": (
                "(Conversion in scored sends − conversion in holdout) × sends × average first "
                "month revenue per accepted offer."
            ),
            "data_source": "Finance revenue mart; Braze holdout flag",
            "series": (18000, 41000, 1500),
            "points": 4,
            "last_measured_days_ago": 6,
        },
        {
            "name": "Unsubscribe rate per send",
            "category": "quality",
            "unit": "%",
            "direction": "at_most",
            "baseline": "0.42",
            "baseline_days_ago": 200,
            "target": "0.45",
            "target_days_ago": -30,
            "cadence": 7,
            "calculation": "Unsubscribes within 48 h of a send ÷ recipients of the send.",
            "data_source": "Braze",
            "series": (0.43, 0.41, 0.015),
        },
        {
            "name": "Scores delivered before campaign cut-off",
            "category": "operational",
            "unit": "%",
            "direction": "at_least",
            "baseline": 90,
            "baseline_days_ago": 200,
            "target": 99,
            "target_days_ago": -30,
            "cadence": 7,
            "calculation": "Weeks in the last quarter with scores in Braze before Tuesday 18:00.",
            "data_source": "Airflow run history",
            "series": (100, 100, 0),
            "source": "api",
        },
    ],
    "service_levels": [
        {
            "indicator": "freshness",
            "objective": "30",
            "unit": "hours",
            "description": "Scores in Braze computed from yesterday's behaviour.",
            "typical": 20,
            "jitter": 2,
            "bad": 44,
            "missed": [26],
        },
        {
            "indicator": "pipeline_success",
            "objective": "97",
            "unit": "%",
            "description": "Nightly scoring and Braze sync jobs succeeding first time.",
            "typical": 99,
            "jitter": 1,
            "bad": 88.9,
            "missed": [26, 3],
        },
    ],
    "experiments": [
        {
            "name": "A/B test: model-ranked offers vs segment rules",
            "kind": "ab_test",
            "status": "concluded",
            "hypothesis": "ranked-offers",
            "starts_days_ago": 100,
            "ends_days_ago": 72,
            "metric_name": "Offer conversion within 14 days",
            "metric_kind": "proportion",
            "planned_variant_share": "0.5",
            "figures": {
                "control_n": 4000,
                "control_conversions": 480,
                "variant_n": 4000,
                "variant_conversions": 540,
            },
            "guardrails_note": (
                "Unsubscribe rate: control 0.42 %, variant 0.45 % — within the agreed 0.1 point. "
                "No rise in complaints to customer service."
            ),
            "decision": "roll_out",
            "decision_note": (
                "Conversion rose from 12.0 % to 13.5 % with unsubscribes inside the guardrail. "
                "Roll out to every weekly campaign, keeping a 10 % holdout."
            ),
            "decided": ("pm2", 66),
            "evidence": (
                "supports",
                "Variant converted 13.5 % vs 12.0 % for control (4,000 customers each).",
            ),
        },
    ],
    "usage": {
        "weeks": 15,
        "from": 5,
        "to": 22,
        "sessions_per_user": 2.1,
        "task_seconds": (1900, 900),
        "decisions_per_week": 8,
    },
    "barriers": [
        {
            "kind": "trust",
            "description": (
                "Campaign managers cannot see why a customer received an offer and hesitate to "
                "use scores for top-tier customers."
            ),
            "severity": 3,
            "status": "mitigating",
            "action": "Top three reasons per score published as Braze attributes.",
            "insights": ["black-box"],
            "days_ago": 58,
        },
        {
            "kind": "skills",
            "description": (
                "Two regional CRM teams do not know how to build audiences on a score attribute."
            ),
            "severity": 2,
            "status": "open",
            "action": "Hands-on training session booked for next month.",
            "days_ago": 20,
        },
        {
            "kind": "workflow_fit",
            "description": "Scores first arrived after the Tuesday cut-off in the Italian team.",
            "severity": 3,
            "status": "resolved",
            "action": "Scoring moved two hours earlier.",
            "insights": ["inside-braze"],
            "days_ago": 50,
        },
    ],
    "assets": [
        ("prd", "PRD: Next-best-offer", "https://wiki.example.org/prd/next-best-offer", 235),
        (
            "docs",
            "Model card: next-best-offer v3",
            "https://wiki.example.org/marketing/nbo/model-card",
            100,
        ),
        (
            "training",
            "Building audiences on nbo_rank in Braze (20 min video)",
            "https://video.example.org/nbo-braze",
            60,
        ),
        ("channel", "#nbo-model", "https://chat.example.org/channels/nbo-model", 190),
    ],
    "feedback": [
        {
            "user": "hannah",
            "rating": 4,
            "text": (
                "Conversion up and no rise in unsubscribes. I want the holdout in every campaign "
                "before I move budget."
            ),
            "days_ago": 40,
        },
        {
            "author": "Elena Rossi",
            "rating": 5,
            "text": "Tuesday audiences take an hour now, not half a day.",
            "days_ago": 33,
        },
        {
            "author": "Marco Ferri",
            "rating": 3,
            "text": "Useful, but I still don't know how to explain a score to my country lead.",
            "days_ago": 12,
        },
    ],
}

NOTES_LUCAS = """\
## Context
Lucas manages paid search and paid social (about €1.4m a quarter). We sat next to him while he
prepared the monthly budget reallocation.

## How he judges campaigns today
- He opens Google Ads, Meta Ads Manager and the affiliate network's portal in three tabs and
  copies each platform's reported conversions into `budget_shift_<month>.xlsx`.
- Added up, the platforms claim **about 140 % of the orders** the shop actually received. Every
  platform counts the same order if the customer clicked its ad in the last 7–30 days.
- He "corrects" this by multiplying each platform by a factor he agreed with his manager two
  years ago (0.7 for Meta, 0.8 for Google).

> "Everyone knows the platform numbers are inflated. We just don't know by how much this month."

## The decision
- On the first Tuesday of the month he and Hannah move 10–20 % of the budget between channels.
- They would move more if they trusted the numbers; today they hedge.

## What he asked for
- Deduplicated conversions per channel and campaign, reconciled to actual orders.
- Filters by channel, country and week that answer **while the meeting is running**.
"""

NOTES_CHLOE = """\
## Context
Chloé is the performance marketing analyst who used the dashboard most. Usage has fallen for four
weeks, so we asked her what changed.

## What happened
- Five weeks ago the consent banner was updated. Since then, visitors who decline tracking no
  longer fire the conversion tag at all — roughly **30 % of Safari traffic**.
- The dashboard's tracked conversions dropped overnight while actual orders did not. Nobody told
  the marketing team why.
- She went back to the platform UIs "because at least those numbers didn't move".

> "The dashboard was right for a year. Then it was wrong for a week and nobody said anything, so
> now nobody believes it."

## What would bring her back
- A visible note on the dashboard explaining the gap and since when.
- Modelled conversions for consented-out traffic, clearly labelled as modelled.
- A data-quality indicator per channel so she can see when tracking breaks.
"""

CAMPAIGN_DASHBOARD = {
    "slug": "campaign-performance",
    "name": "Campaign Performance Dashboard",
    "kind": "dashboard",
    "domain": "marketing",
    "stage": "launched",
    "owner": "pm2",
    "tech_lead": "lena",
    "stakeholders": ["hannah"],
    "priority": "medium",
    "target_users": 45,
    "reviewed_days_ago": 215,
    "purpose": (
        "Campaign managers judge channels on platform-reported conversions that add up to 140 % "
        "of real orders. One dashboard with deduplicated conversions, reconciled to orders, and "
        "spend per channel and campaign."
    ),
    "decision": "How to move next month's paid-media budget between channels and campaigns.",
    "decision_meeting": "Monthly budget reallocation (first Tuesday of the month)",
    "created_days_ago": 520,
    "history": [
        (
            "discovery",
            505,
            "pm2",
            "Hannah wants to move budget on real orders, not platform claims.",
        ),
        (
            "definition",
            462,
            "pm2",
            "Attribution approach agreed: last non-direct click, deduplicated on order id.",
        ),
        ("build", 420, "lead", "DoD agreed; baseline: 22 % of budget decisions cite shared data."),
        ("pilot", 342, "pm2", "Pilot with three campaign managers for four budget meetings."),
        (
            "launched",
            300,
            "lead",
            "Launched for Q3 budget planning.",
            "The pilot ended with 'iterate' only because filters were slow (20 s+); that was "
            "fixed the following week and re-tested with the same three users. Q3 planning "
            "needed one shared view, so I accept the risk together with Hannah Weiss.",
        ),
    ],
    "personas": [
        {
            "name": "Paid media manager",
            "role": "Paid search & social manager",
            "decisions": "Monthly budget shifts between channels and campaigns.",
            "tools": "Google Ads, Meta Ads Manager, Excel",
        },
        {
            "name": "Performance marketing analyst",
            "role": "Performance marketing analyst",
            "decisions": "Which campaigns to flag for pausing or scaling.",
            "tools": "Looker, GA4, platform UIs",
        },
    ],
    "interviews": [
        {
            "persona": "Paid media manager",
            "name": "Lucas Meyer",
            "role": "Paid media manager",
            "team": "Performance Marketing",
            "days_ago": 498,
            "by": "pm2",
            "channel": "shadowing",
            "notes": NOTES_LUCAS,
            "summary": (
                "Platform conversions add up to ~140 % of orders; he corrects them with fixed "
                "factors in Excel; wants deduplicated numbers and fast filters in the meeting."
            ),
            "insights": [
                {
                    "key": "double-counting",
                    "kind": "pain",
                    "text": (
                        "Platform-reported conversions add up to about 140 % of actual orders; "
                        "budget shifts are hedged because nobody trusts them."
                    ),
                    "tags": ["attribution", "trust"],
                    "severity": 5,
                },
                {
                    "key": "fudge-factors",
                    "kind": "workaround",
                    "text": (
                        "Multiplies each platform's conversions by a fixed factor agreed two "
                        "years ago (0.7 Meta, 0.8 Google)."
                    ),
                    "tags": ["excel", "attribution", "manual-work"],
                    "severity": 3,
                },
                {
                    "key": "live-filters",
                    "kind": "need",
                    "text": "Filters by channel, country and week that answer during the meeting.",
                    "tags": ["performance"],
                    "severity": 3,
                },
            ],
        },
        {
            "persona": "Performance marketing analyst",
            "name": "Chloé Martin",
            "role": "Performance marketing analyst",
            "team": "Performance Marketing",
            "days_ago": 16,
            "by": "pm2",
            "channel": "video",
            "notes": NOTES_CHLOE,
            "summary": (
                "Consent banner change cut tracked Safari conversions by ~30 % five weeks ago; "
                "nobody explained it; users went back to platform UIs."
            ),
            "insights": [
                {
                    "key": "consent-gap",
                    "kind": "pain",
                    "text": (
                        "Since the consent banner change, declined visitors fire no conversion "
                        "tag: tracked conversions fell ~30 % overnight while orders did not."
                    ),
                    "tags": ["data-quality", "tracking", "trust"],
                    "severity": 5,
                },
                {
                    "key": "silent-break",
                    "kind": "quote",
                    "text": (
                        "“The dashboard was right for a year. Then it was wrong for a week and "
                        "nobody said anything, so now nobody believes it.”"
                    ),
                    "tags": ["trust"],
                    "severity": 5,
                },
                {
                    "key": "quality-indicator",
                    "kind": "idea",
                    "text": "A tracking-coverage indicator per channel on the dashboard itself.",
                    "tags": ["data-quality"],
                    "severity": 3,
                },
            ],
        },
    ],
    "hypotheses": [
        {
            "key": "dedup-budget",
            "persona": "Paid media manager",
            "who": "paid media managers",
            "belief": (
                "will shift monthly budget on deduplicated conversions instead of platform claims"
            ),
            "because": "platform numbers add up to 140 % of orders and they hedge every decision",
            "signal": "at least 70 % of monthly reallocation decisions cite the dashboard",
            "type": "desirability",
            "importance": 4,
            "status": "validated",
            "created_days_ago": 490,
            "changed_days_ago": 300,
            "by": "pm2",
            "evidence": [
                ("double-counting", "supports", "The inflation is known and costly."),
                ("fudge-factors", "supports", "The workaround is a guess, fixed two years ago."),
            ],
        },
        {
            "key": "live-filtering",
            "persona": "Paid media manager",
            "who": "campaign managers",
            "belief": "will filter the dashboard live during the budget meeting",
            "because": "Lucas wants answers while the meeting is running",
            "signal": "filters by channel and week answer in under five seconds in the pilot",
            "type": "usability",
            "importance": 3,
            "status": "invalidated",
            "created_days_ago": 470,
            "changed_days_ago": 312,
            "by": "pm2",
            "evidence": [("live-filters", "supports", "The need is real; the build was too slow.")],
        },
        {
            "key": "consent-recovery",
            "persona": "Performance marketing analyst",
            "who": "performance marketing analysts",
            "belief": (
                "will return to the dashboard once the consent gap is explained and backfilled"
            ),
            "because": "Chloé left because numbers broke silently, not because they were wrong",
            "signal": "weekly active users recover to 38 within four weeks of the backfill",
            "type": "desirability",
            "importance": 5,
            "status": "proposed",
            "created_days_ago": 15,
            "changed_days_ago": 15,
            "by": "pm2",
            "evidence": [
                ("consent-gap", "supports", "The drop lines up with the banner change."),
                ("silent-break", "supports", "Trust broke on silence, not on accuracy."),
            ],
        },
    ],
    "roadmap": [
        {
            "title": "Banner on the dashboard explaining the consent tracking gap",
            "problem": "Users think the dashboard is broken; nobody told them why numbers fell.",
            "solution": "A dated note on every page plus a message in #campaign-performance.",
            "type": "manual_fix",
            "horizon": "now",
            "status": "in_progress",
            "impact": 2,
            "reach": 45,
            "effort": "XS",
            "hypotheses": ["consent-recovery"],
            "days_ago": 14,
            "updated_days_ago": 3,
            "decision_note": (
                "An hour of work that stops people abandoning the dashboard while the backfill is "
                "built. Chosen first because silence, not the gap, broke trust."
            ),
        },
        {
            "title": "Backfill modelled conversions for consented-out traffic",
            "problem": "About 30 % of Safari conversions are no longer tracked.",
            "solution": "Model conversions from orders and sessions; label them 'modelled'.",
            "type": "data_fix",
            "horizon": "now",
            "status": "planned",
            "impact": 4,
            "reach": 45,
            "effort": "M",
            "build_cost": 12000,
            "run_cost": 2000,
            "hypotheses": ["consent-recovery", "dedup-budget"],
            "days_ago": 14,
            "decision_note": (
                "Restores the numbers budget decisions rely on. Cheaper than re-consenting "
                "visitors and keeps the dashboard's orders reconciliation intact."
            ),
        },
        {
            "title": "Tracking-coverage indicator per channel",
            "problem": "Tracking breaks are noticed weeks later by users, not by us.",
            "solution": "Daily tracked-vs-actual order ratio per channel, with an alert.",
            "type": "report_dashboard",
            "horizon": "next",
            "status": "proposed",
            "impact": 3,
            "reach": 45,
            "effort": "S",
            "build_cost": 5000,
            "run_cost": 600,
            "days_ago": 12,
            "decision_note": "Turns the next silent break into an alert to us instead of a rumour.",
        },
        {
            "title": "Multi-touch attribution model",
            "problem": "Last-click undervalues upper-funnel channels.",
            "solution": "A data-driven attribution model across all paid channels.",
            "type": "ml_model",
            "horizon": "later",
            "status": "proposed",
            "impact": 4,
            "reach": 20,
            "effort": "XL",
            "build_cost": 140000,
            "run_cost": 35000,
            "hypotheses": ["dedup-budget"],
            "days_ago": 200,
            "decision_note": (
                "Not before tracking coverage is back above 95 %: a model trained on broken "
                "inputs would hide the problem behind a more impressive chart."
            ),
        },
        {
            "title": "Filter performance: aggregate tables per channel-week",
            "problem": "Filters took 20 s+ in the pilot.",
            "solution": "Aggregate tables behind the dashboard.",
            "type": "dataset_pipeline",
            "horizon": "now",
            "status": "shipped",
            "impact": 3,
            "reach": 45,
            "effort": "S",
            "build_cost": 4000,
            "run_cost": 800,
            "hypotheses": ["live-filtering"],
            "days_ago": 312,
            "updated_days_ago": 304,
            "decision_note": "The pilot's only blocker; fixed before launch.",
        },
    ],
    "dod": {
        "days_ago": 450,
        "criteria": [
            {
                "group": "outcome",
                "text": "70 % of monthly budget decisions cite the dashboard within two quarters.",
            },
            {
                "group": "fail_fast",
                "text": "Stop if fewer than two of the three pilot users use it in the meeting.",
                "met": True,
                "evidence": "https://wiki.example.org/marketing/campaign-dashboard/pilot",
                "checked": ("pm2", 310),
            },
            {
                "group": "feasibility",
                "text": "Orders deduplicate across channels on order id for ≥ 98 % of orders.",
                "met": True,
                "evidence": "https://wiki.example.org/marketing/campaign-dashboard/spike",
                "checked": ("lena", 430),
            },
            {
                "group": "quality",
                "text": "Dashboard conversions reconcile to shop orders within 2 % each week.",
                "met": True,
                "evidence": "https://wiki.example.org/marketing/campaign-dashboard/reconciliation",
                "checked": ("lena", 320),
            },
            {
                "group": "documentation",
                "text": "The attribution method is explained on the dashboard itself.",
            },
            {
                "group": "compliance",
                "text": (
                    "Only aggregated campaign data; no user-level identifiers leave the marketing "
                    "warehouse; consent choices respected."
                ),
                "met": True,
                "evidence": "https://wiki.example.org/privacy/screenings/campaign-dashboard",
                "checked": ("pm2", 425),
            },
        ],
    },
    "kpis": [
        {
            "name": "Budget decisions citing the dashboard",
            "category": "outcome",
            "unit": "%",
            "direction": "increase",
            "baseline": 22,
            "baseline_days_ago": 430,
            "target": 75,
            "target_days_ago": -20,
            "cadence": 30,
            "calculation": (
                "Budget shifts in the monthly meeting minutes whose rationale cites the "
                "dashboard ÷ all budget shifts."
            ),
            "data_source": "Budget meeting minutes (manual count)",
            "series": (41, 58, 3),
            "points": 6,
            # Nobody has counted since the minute-taker left: the KPI is deliberately stale.
            "last_measured_days_ago": 95,
            "source": "manual",
        },
        {
            "name": "Weekly active users",
            "category": "adoption",
            "unit": "users",
            "direction": "at_least",
            "baseline": 10,
            "baseline_days_ago": 430,
            "target": 35,
            "target_days_ago": -20,
            "cadence": 7,
            "calculation": "Distinct viewers of the dashboard in the week.",
            "data_source": "Looker System Activity",
            "series": (41, 26, 2),
            "points": 6,
        },
        {
            "name": "Conversion tracking coverage",
            "category": "quality",
            "unit": "%",
            "direction": "at_least",
            "baseline": 97,
            "baseline_days_ago": 430,
            "target": 95,
            "target_days_ago": -20,
            "cadence": 7,
            "calculation": "Tracked conversions ÷ shop orders attributable to paid traffic.",
            "data_source": "GA4 export vs orders mart",
            "series": (96, 81, 1),
            "points": 8,
            "notes": {3: "Consent banner change went live this week."},
        },
        {
            "name": "Dashboard load time (p90)",
            "category": "operational",
            "unit": "seconds",
            "direction": "at_most",
            "baseline": 22,
            "baseline_days_ago": 340,
            "target": 5,
            "target_days_ago": -20,
            "cadence": 7,
            "calculation": "90th percentile of dashboard render time in the week.",
            "data_source": "Looker System Activity",
            "series": (4.1, 3.8, 0.4),
            "source": "api",
        },
    ],
    "service_levels": [
        {
            "indicator": "freshness",
            "objective": "24",
            "unit": "hours",
            "description": "Yesterday's spend and conversions by 08:00.",
            "typical": 9,
            "jitter": 2,
            "bad": 50,
            "missed": [18],
        },
        {
            "indicator": "availability",
            "objective": "99",
            "unit": "%",
            "description": "Dashboard loads during business hours.",
            "typical": 99.7,
            "jitter": 0.2,
            "bad": 96.5,
            "missed": [],
        },
        {
            "indicator": "quality_pass_rate",
            "objective": "95",
            "unit": "%",
            "description": "Share of daily reconciliation checks (tracked vs orders) passing.",
            "typical": 98,
            "jitter": 1,
            "bad": 82,
            # Every day since the consent banner change fails the tracked-vs-orders check.
            "missed": list(range(1, 36)),
        },
    ],
    "experiments": [
        {
            "name": "Pilot: three campaign managers, four budget meetings",
            "kind": "pilot",
            "status": "concluded",
            "hypothesis": "live-filtering",
            "starts_days_ago": 340,
            "ends_days_ago": 312,
            "metric_name": "Budget decisions citing shared data",
            "metric_kind": "proportion",
            "figures": {
                "control_n": 40,
                "control_conversions": 9,
                "variant_n": 38,
                "variant_conversions": 21,
            },
            "guardrails_note": "Meeting length must not grow; it shrank by ten minutes.",
            "decision": "iterate",
            "decision_note": (
                "Half of the decisions used the dashboard, but filters took 20 s+ and users "
                "switched to Excel mid-meeting. Iterate on performance before launch."
            ),
            "decided": ("pm2", 310),
            "evidence": (
                "contradicts",
                "Filters took 20 s+; users switched back to Excel during the meeting.",
            ),
        },
    ],
    "usage": {
        # Steady for months, then the consent banner change: down ~40 % in four weeks.
        "active_users": [36, 38, 37, 39, 40, 41, 40, 42, 41, 43, 42, 41, 35, 30, 26, 24],
        "sessions_per_user": 2.6,
        "task_seconds": (240, 260),
        "decisions_per_week": 3,
    },
    "barriers": [
        {
            "kind": "trust",
            "description": (
                "Tracked conversions fell ~30 % after the consent banner change and nobody "
                "explained why; analysts went back to the platform UIs."
            ),
            "severity": 5,
            "status": "open",
            "action": "Banner explaining the gap now; modelled backfill planned.",
            "insights": ["consent-gap", "silent-break"],
            "days_ago": 15,
        },
        {
            "kind": "data_quality",
            "description": "Tracking coverage is down to ~81 % of paid orders on Safari traffic.",
            "severity": 4,
            "status": "mitigating",
            "action": "Backfill modelled conversions; add a coverage indicator per channel.",
            "insights": ["consent-gap", "quality-indicator"],
            "days_ago": 14,
        },
        {
            "kind": "performance",
            "description": "Filters took over 20 seconds during the pilot's budget meetings.",
            "severity": 3,
            "status": "resolved",
            "action": "Aggregate tables per channel-week; p90 load now under 5 s.",
            "insights": ["live-filters"],
            "days_ago": 312,
        },
    ],
    "assets": [
        (
            "docs",
            "How conversions are deduplicated and attributed",
            "https://wiki.example.org/marketing/campaign-dashboard/attribution",
            300,
        ),
        (
            "channel",
            "#campaign-performance",
            "https://chat.example.org/channels/campaign-performance",
            340,
        ),
    ],
    "feedback": [
        {
            "author": "Lucas Meyer",
            "rating": 4,
            "text": "For the first time Hannah and I argue about strategy, not about numbers.",
            "days_ago": 260,
        },
        {
            "user": "hannah",
            "rating": 2,
            "text": (
                "Since the banner change the numbers don't match Meta at all. The team is back "
                "in the platform UIs."
            ),
            "days_ago": 10,
        },
    ],
}

NOTES_GRETA = """\
## Context
Half a day shadowing Greta in the regional office on a Thursday, the day orders for the next week
are placed for her 14 stores.

## The Thursday routine
1. 08:30 — opens the ordering spreadsheet exported from the ERP: one tab per store, one row per
   category, last year's sales for the same week pre-filled.
2. Adjusts each row by feel: "+20 % if it's a promo week, −10 % for fresh if the weather is bad".
3. Calls two store managers whose numbers "always look odd".
4. Uploads the spreadsheet to the ERP before the **14:00 cut-off**.

## What goes wrong
- She learns about promotions when the printed flyer arrives on Tuesday; sometimes after she has
  ordered. Promoted items ran out by Wednesday in four of her stores last month.
- Fresh goods are over-ordered "to be safe"; the waste report lands on her desk every Monday.

> "If the system orders for me and it's wrong, it's still my name on the waste report."

## What she would accept
- A suggested quantity per category she can **override**, with the reason kept.
- Not a new tool: "put it in the spreadsheet, next to last year's column".
"""

NOTES_RAHUL = """\
## Context
Phone call with Rahul, regional operations manager for the North region (38 stores), who reviews
planners' orders and owns the region's waste and availability targets.

## What he sees
- Availability on promoted items is the worst KPI in his region: **one store in three** runs out
  of at least one promoted line before the promotion ends.
- Waste on fresh goods costs about **€1,850 per store per week**.
- Planners' quality varies a lot: "the best two are better than any system; the rest copy last
  year".

## What he decides
- Which stores get a second delivery in promo weeks (costly, so he rations it).
- Where to send the two floating planners when someone is on holiday.

## Ideas
- Share the promotion calendar with planners *before* they order. "That alone would fix half of
  the promo stock-outs."
- Start a forecast pilot with stores whose planners are average, not the best ones.
"""

DEMAND_FORECAST = {
    "slug": "demand-forecast",
    "name": "Weekly Demand Forecast",
    "kind": "ml_model",
    "domain": "operations",
    "stage": "pilot",
    "owner": "pm",
    "tech_lead": "omar",
    "team": ["kenji"],
    "stakeholders": ["daniel", "lead"],
    "priority": "high",
    "target_users": 35,
    "reviewed_days_ago": 20,
    "purpose": (
        "Replenishment planners order from last year's sales and gut feeling: promoted items run "
        "out mid-week and fresh goods are over-ordered. A weekly store × category forecast that "
        "planners see next to last year's sales and can override with a reason."
    ),
    "decision": "How much of each category each store orders for next week.",
    "decision_meeting": "Thursday replenishment planning (ERP cut-off 14:00)",
    "created_days_ago": 262,
    "history": [
        ("discovery", 248, "pm", "Daniel asked why promo stock-outs persist; shadowing planners."),
        (
            "definition",
            205,
            "pm",
            "The promotion calendar fix shipped; the forecast is for what remains.",
        ),
        (
            "build",
            166,
            "lead",
            "DoD and baseline (WAPE 31.4 %) agreed with Operations; building the MVP column.",
        ),
        (
            "pilot",
            66,
            "pm",
            "Forecast column live in the ordering spreadsheet of 12 pilot stores for 8 weeks.",
        ),
    ],
    "personas": [
        {
            "name": "Replenishment planner",
            "role": "Store replenishment planner",
            "decisions": "Weekly order quantity per category for 10–15 stores.",
            "tools": "ERP ordering spreadsheet, phone, the waste report",
        },
        {
            "name": "Regional operations manager",
            "role": "Regional operations manager",
            "decisions": "Second deliveries in promo weeks; planner cover.",
            "tools": "Regional availability and waste reports",
        },
    ],
    "interviews": [
        {
            "persona": "Replenishment planner",
            "name": "Greta Olsen",
            "role": "Replenishment planner",
            "team": "Store Operations North",
            "days_ago": 244,
            "by": "pm",
            "channel": "shadowing",
            "notes": NOTES_GRETA,
            "summary": (
                "Orders from last year + gut feel; learns about promotions too late; would accept "
                "an overridable suggestion inside the ordering spreadsheet."
            ),
            "insights": [
                {
                    "key": "last-year-plus",
                    "kind": "workaround",
                    "text": (
                        "Orders from last year's sales, +20 % in promo weeks and −10 % for fresh "
                        "in bad weather, by feel."
                    ),
                    "tags": ["manual-work", "forecasting"],
                    "severity": 3,
                },
                {
                    "key": "late-promos",
                    "kind": "pain",
                    "text": (
                        "Learns about promotions from the printed flyer on Tuesday, sometimes "
                        "after ordering; promoted items run out by Wednesday."
                    ),
                    "tags": ["promotions", "availability"],
                    "severity": 5,
                },
                {
                    "key": "my-name",
                    "kind": "quote",
                    "text": (
                        "“If the system orders for me and it's wrong, it's still my name on the "
                        "waste report.”"
                    ),
                    "tags": ["trust", "accountability"],
                    "severity": 4,
                },
                {
                    "key": "override",
                    "kind": "need",
                    "text": (
                        "A suggested quantity she can override with a reason, inside the "
                        "ordering spreadsheet."
                    ),
                    "tags": ["workflow"],
                    "severity": 4,
                },
            ],
        },
        {
            "persona": "Regional operations manager",
            "name": "Rahul Mehta",
            "role": "Regional operations manager",
            "team": "Store Operations North",
            "days_ago": 238,
            "by": "pm",
            "channel": "phone",
            "notes": NOTES_RAHUL,
            "summary": (
                "One store in three runs out of promoted lines; fresh waste €1,850/store/week; "
                "share the promo calendar first."
            ),
            "insights": [
                {
                    "key": "second-delivery",
                    "kind": "decision",
                    "text": "Rations costly second deliveries between stores in promo weeks.",
                    "tags": ["promotions", "logistics"],
                    "severity": 3,
                },
                {
                    "key": "share-calendar",
                    "kind": "idea",
                    "text": (
                        "Share the promotion calendar with planners before they order; 'that "
                        "alone would fix half of the promo stock-outs'."
                    ),
                    "tags": ["promotions"],
                    "severity": 4,
                },
            ],
        },
    ],
    "hypotheses": [
        {
            "key": "promo-calendar",
            "persona": "Replenishment planner",
            "who": "replenishment planners",
            "belief": "will order enough for promotions once they see the calendar when ordering",
            "because": "they learn about promotions from the Tuesday flyer, after ordering",
            "signal": "promo stock-outs in the North region halve within six weeks",
            "type": "desirability",
            "importance": 4,
            "status": "validated",
            "created_days_ago": 236,
            "changed_days_ago": 190,
            "by": "pm",
            "evidence": [
                ("late-promos", "supports", "Timing, not skill, causes the promo misses."),
                ("share-calendar", "supports", "The regional manager expects half to go away."),
            ],
        },
        {
            "key": "forecast-accuracy",
            "persona": "Replenishment planner",
            "who": "replenishment planners in average-performing stores",
            "belief": "will order closer to demand with a weekly forecast they can override",
            "because": "they copy last year's sales and adjust by feel",
            "signal": (
                "WAPE falls from 31 % to under 25 % in pilot stores with no more stock-outs than "
                "control stores"
            ),
            "type": "feasibility",
            "importance": 5,
            "status": "testing",
            "created_days_ago": 210,
            "changed_days_ago": 64,
            "by": "pm",
            "evidence": [
                ("last-year-plus", "supports", "There is room to beat last year + feel."),
                ("my-name", "contradicts", "Planners may override good forecasts out of caution."),
            ],
        },
        {
            "key": "override-reasons",
            "persona": "Replenishment planner",
            "who": "planners",
            "belief": "will record a one-line reason when they override the forecast",
            "because": "it protects them when the waste report is discussed",
            "signal": "at least 80 % of overrides in the pilot carry a reason",
            "type": "usability",
            "importance": 3,
            "status": "proposed",
            "created_days_ago": 60,
            "changed_days_ago": 60,
            "by": "pm",
            "evidence": [("override", "supports", "Greta asked for exactly this.")],
        },
    ],
    "why_chains": [
        {
            "key": "promo-stockouts",
            "days_ago": 235,
            "problem": "Promoted items run out by Wednesday in a third of North region stores.",
            "whys": [
                "Stores order too little of promoted items.",
                "Planners don't add enough uplift for promotion weeks.",
                "They often don't know a promotion is coming when they order.",
                "The promotion calendar reaches stores as a printed flyer on Tuesday.",
                "Marketing and Operations never agreed a hand-over date for the calendar.",
            ],
            "root_cause": (
                "Planners order without the promotion calendar: an information hand-over "
                "problem, not a forecasting problem."
            ),
        }
    ],
    "roadmap": [
        {
            "title": "Promotion calendar in the ordering spreadsheet",
            "problem": "Planners order before they know about promotions.",
            "solution": (
                "Marketing exports the calendar every Friday; a column in the ordering "
                "spreadsheet flags promo lines for the coming two weeks."
            ),
            "type": "manual_fix",
            "horizon": "now",
            "status": "shipped",
            "impact": 4,
            "reach": 35,
            "effort": "XS",
            "build_cost": 800,
            "why_chain": "promo-stockouts",
            "hypotheses": ["promo-calendar"],
            "days_ago": 232,
            "updated_days_ago": 205,
            "decision_note": (
                "The Five Whys showed a hand-over problem, not a model problem. A weekly export "
                "and one column cost a day and halved promo stock-outs; a forecast would have "
                "learned from the same late information."
            ),
        },
        {
            "title": "MVP: forecast column in the ordering spreadsheet",
            "problem": "Planners copy last year's sales; WAPE is 31 %.",
            "solution": "A gradient-boosted weekly forecast written into the existing spreadsheet.",
            "type": "mvp",
            "horizon": "now",
            "status": "shipped",
            "impact": 5,
            "reach": 12,
            "effort": "M",
            "build_cost": 28000,
            "run_cost": 6000,
            "hypotheses": ["forecast-accuracy"],
            "days_ago": 200,
            "updated_days_ago": 70,
            "decision_note": (
                "Planners live in the ordering spreadsheet; a separate forecasting app was "
                "rejected in discovery. The column let the pilot start in weeks, not quarters."
            ),
        },
        {
            "title": "Capture override reasons in the ordering tool",
            "problem": "We cannot learn from overrides we cannot see.",
            "solution": "A reason drop-down next to the forecast column.",
            "type": "process_change",
            "horizon": "next",
            "status": "planned",
            "impact": 3,
            "reach": 35,
            "effort": "S",
            "build_cost": 4000,
            "hypotheses": ["override-reasons"],
            "days_ago": 58,
            "decision_note": "Cheap, and it turns planner knowledge into training data.",
        },
        {
            "title": "Roll the forecast out to all 140 stores",
            "problem": "Only 12 pilot stores benefit.",
            "solution": "Scale scoring and the spreadsheet column to every store.",
            "type": "ml_model",
            "horizon": "next",
            "status": "proposed",
            "impact": 5,
            "reach": 35,
            "effort": "L",
            "build_cost": 45000,
            "run_cost": 28000,
            "hypotheses": ["forecast-accuracy"],
            "days_ago": 30,
            "decision_note": "Waits for the pilot decision; the readout is overdue.",
        },
        {
            "title": "Daily forecast for fresh goods",
            "problem": "Fresh waste is decided daily, not weekly.",
            "solution": "A daily fresh-goods forecast with weather features.",
            "type": "ml_model",
            "horizon": "later",
            "status": "proposed",
            "impact": 4,
            "reach": 35,
            "effort": "XL",
            "build_cost": 110000,
            "run_cost": 40000,
            "days_ago": 45,
            "decision_note": "Only after the weekly forecast is trusted; twice the data work.",
        },
    ],
    "dod": {
        "days_ago": 190,
        "criteria": [
            {
                "group": "outcome",
                "text": "WAPE below 25 % in pilot stores over the eight pilot weeks.",
            },
            {
                "group": "fail_fast",
                "text": (
                    "Stop the pilot if promo stock-outs in pilot stores exceed control stores for "
                    "two consecutive weeks."
                ),
                "met": True,
                "evidence": "https://wiki.example.org/ops/forecast/pilot-weekly",
                "checked": ("pm", 12),
            },
            {
                "group": "feasibility",
                "text": "Backtest on 2 years of sales beats last year + feel by ≥ 5 WAPE points.",
                "met": True,
                "evidence": "https://mlflow.example.org/experiments/demand-forecast",
                "checked": ("omar", 172),
            },
            {
                "group": "quality",
                "text": "Forecast delivered by Wednesday 18:00 for every pilot store and category.",
                "met": True,
                "evidence": "https://airflow.example.org/dags/demand_forecast",
                "checked": ("kenji", 30),
            },
            {
                "group": "documentation",
                "text": "One-page planner guide: what the forecast knows and what it doesn't.",
                "met": True,
                "evidence": "https://wiki.example.org/ops/forecast/planner-guide",
                "checked": ("pm", 66),
            },
            {
                "group": "compliance",
                "text": "No personal data: store × category sales only; screening recorded.",
                "met": True,
                "evidence": "https://wiki.example.org/privacy/screenings/demand-forecast",
                "checked": ("pm", 168),
            },
        ],
    },
    "kpis": [
        {
            "name": "Forecast error (WAPE) in pilot stores",
            "category": "outcome",
            "unit": "%",
            "direction": "decrease",
            "baseline": "31.4",
            "baseline_days_ago": 170,
            "target": 22,
            "target_days_ago": -90,
            "cadence": 7,
            "calculation": "Σ|actual − ordered basis| ÷ Σ actual, per store-week, pilot stores.",
            "data_source": "ERP sales and orders",
            "series": (30.5, 24.6, 0.8),
            "points": 9,
        },
        {
            "name": "Planners using the forecast weekly",
            "category": "adoption",
            "unit": "planners",
            "direction": "increase",
            "baseline": 0,
            "baseline_days_ago": 66,
            "target": 30,
            "target_days_ago": -120,
            "cadence": 7,
            "calculation": "Planners who kept or overrode at least one forecast line that week.",
            "data_source": "Ordering spreadsheet audit log",
            "series": (4, 19, 1),
            "points": 9,
        },
        {
            "name": "Fresh-goods waste per store",
            "category": "financial",
            "unit": "€/week",
            "direction": "decrease",
            "baseline": 1850,
            "baseline_days_ago": 170,
            "target": 1500,
            "target_days_ago": -120,
            "cadence": 7,
            "calculation": "Written-off fresh goods at cost, mean per pilot store per week.",
            "data_source": "Waste report (ERP)",
            "series": (1820, 1690, 40),
            "points": 9,
        },
        {
            "name": "Forecast delivered by Wednesday 18:00",
            "category": "operational",
            "unit": "%",
            "direction": "at_least",
            "baseline": 90,
            "baseline_days_ago": 170,
            "target": 98,
            "target_days_ago": -90,
            "cadence": 7,
            "calculation": "Pilot store-categories with a forecast by the deadline.",
            "data_source": "Airflow run history",
            "series": (100, 100, 0),
            "points": 9,
            "source": "api",
        },
    ],
    "service_levels": [
        {
            "indicator": "freshness",
            "objective": "26",
            "unit": "hours",
            "description": "Sales used for the forecast are at most a day old.",
            "typical": 14,
            "jitter": 3,
            "bad": 52,
            "missed": [29],
        },
        {
            "indicator": "pipeline_success",
            "objective": "95",
            "unit": "%",
            "description": "Weekly training and daily feature jobs succeeding first time.",
            "typical": 98,
            "jitter": 1.5,
            "bad": 87.5,
            "missed": [29, 9],
        },
    ],
    "experiments": [
        {
            "name": "Pilot: forecast-assisted ordering in 12 stores (8 weeks)",
            "kind": "pilot",
            # Ended nine days ago and still nobody has decided: the staleness sweep will say so.
            "status": "running",
            "hypothesis": "forecast-accuracy",
            "starts_days_ago": 64,
            "ends_days_ago": 9,
            "metric_name": "Forecast error (WAPE, %) per store-week",
            "metric_kind": "mean",
            "figures": {
                "control_n": 96,
                "control_mean": 31.4,
                "control_sd": 9.2,
                "variant_n": 96,
                "variant_mean": 24.9,
                "variant_sd": 8.1,
            },
            "guardrails_note": (
                "Promo stock-outs in pilot stores must not exceed the 12 matched control stores."
            ),
        },
    ],
    "usage": {
        "weeks": 9,
        "from": 4,
        "to": 19,
        "sessions_per_user": 1.3,
        "task_seconds": (5400, 3600),
        "decisions_per_week": 12,
        "source": "import",
    },
    "barriers": [
        {
            "kind": "trust",
            "description": (
                "Planners fear being blamed for waste when they follow the forecast and it is "
                "wrong."
            ),
            "severity": 4,
            "status": "mitigating",
            "action": "Daniel confirmed in writing: following the forecast is a valid reason.",
            "insights": ["my-name"],
            "days_ago": 60,
        },
        {
            "kind": "workflow_fit",
            "description": "A separate forecasting app would not be opened on Thursdays.",
            "severity": 4,
            "status": "resolved",
            "action": "Forecast delivered as a column in the ordering spreadsheet.",
            "insights": ["override"],
            "days_ago": 200,
        },
    ],
    "assets": [
        ("prd", "PRD: Weekly demand forecast", "https://wiki.example.org/prd/demand-forecast", 190),
        (
            "training",
            "Pilot store briefing for planners (30 min)",
            "https://video.example.org/forecast-briefing",
            66,
        ),
        (
            "office_hours",
            "Wednesday planner drop-in with the forecast team",
            "https://calendar.example.org/forecast-drop-in",
            62,
        ),
    ],
    "feedback": [
        {
            "user": "daniel",
            "rating": 4,
            "text": (
                "Pilot stores look better on waste. I need the readout before I approve the "
                "rollout budget."
            ),
            "days_ago": 6,
        },
        {
            "author": "Greta Olsen",
            "rating": 4,
            "text": "Right for most categories; I still override fresh when it's sunny.",
            "days_ago": 21,
        },
    ],
}

NOTES_BEN = """\
## Context
Ben is the analyst in Customer Success Operations. Every question about "our customers" lands on
him: renewals, support load, product usage per account.

## How he joins the data
- Support tickets (Zendesk) carry an e-mail address, not an account id. He joins them to
  Salesforce accounts on the **e-mail domain**.
- Resellers and shared domains (`gmail.com`, `outlook.com`) break the join: about **12 % of
  tickets** land on the wrong account or none.
- He keeps `domain_exceptions.csv` on his laptop, 400 rows, "the most valuable file in CS".
- A standard question ("which renewing accounts had more than five P1 tickets?") takes him
  **two to three days**.

## PII in the process
- To debug the join he pastes ticket requesters' e-mails into spreadsheets; last week's example
  included *m.schulz@contoso.example* and *p.novak@fabrikam.example*.
- He knows this is not ideal: "there is no other way to see why a ticket didn't match".

> "Half my job is being a human join."

## What he asked for
- One customer table with account, contacts (masked), tickets, usage and billing — documented.
- As a dbt model he can build on, not a dashboard.
"""

CUSTOMER_360 = {
    "slug": "customer-360",
    "name": "Customer 360 Dataset",
    "kind": "dataset",
    "domain": "customer",
    "stage": "build",
    "owner": "pm",
    "tech_lead": "kenji",
    "team": ["lena"],
    "stakeholders": ["grace"],
    "priority": "high",
    "target_users": 80,
    "reviewed_days_ago": 110,
    "purpose": (
        "Every team joins CRM, billing, support and usage data its own way to answer simple "
        "customer questions; joins disagree and take days, and e-mail addresses get copied into "
        "spreadsheets. One documented, tested customer table with PII handled once."
    ),
    "decision": (
        "Which customers need attention (escalation, renewal risk, upsell): the shared input to "
        "many teams' weekly decisions."
    ),
    "decision_meeting": "Weekly customer health review (Customer Success)",
    "created_days_ago": 200,
    "history": [
        ("discovery", 190, "pm", "Grace's team spends days on joins; interviewing analysts."),
        ("definition", 146, "pm", "Scope agreed: account grain first, contacts masked."),
        (
            "build",
            92,
            "lead",
            "DoD agreed with the DPO; baseline match rate 88 % measured on a month of tickets.",
        ),
    ],
    "personas": [
        {
            "name": "CS operations analyst",
            "role": "Analyst, Customer Success Operations",
            "decisions": "Which accounts appear on the weekly health review.",
            "tools": "Salesforce, Zendesk exports, SQL, Excel",
        },
    ],
    "interviews": [
        {
            "persona": "CS operations analyst",
            "name": "Ben Carter",
            "role": "Data analyst",
            "team": "Customer Success Operations",
            "days_ago": 186,
            "by": "pm",
            "channel": "video",
            "pii": True,
            "notes": NOTES_BEN,
            "summary": (
                "Joins tickets to accounts on e-mail domain (12 % wrong); keeps a private "
                "exceptions CSV; copies e-mails into spreadsheets; wants a dbt model."
            ),
            "insights": [
                {
                    "key": "domain-join",
                    "kind": "pain",
                    "text": (
                        "Tickets are joined to accounts on e-mail domain; about 12 % land on the "
                        "wrong account or none."
                    ),
                    "tags": ["data-quality", "joins"],
                    "severity": 4,
                },
                {
                    "key": "exceptions-csv",
                    "kind": "workaround",
                    "text": "A private 400-row domain_exceptions.csv fixes known mismatches.",
                    "tags": ["manual-work", "joins"],
                    "severity": 3,
                },
                {
                    "key": "emails-in-sheets",
                    "kind": "pain",
                    "text": "Requesters' e-mails are pasted into spreadsheets to debug joins.",
                    "tags": ["pii", "compliance"],
                    "severity": 5,
                },
                {
                    "key": "human-join",
                    "kind": "quote",
                    "text": "“Half my job is being a human join.”",
                    "tags": ["manual-work"],
                    "severity": 3,
                },
                {
                    "key": "dbt-not-dashboard",
                    "kind": "idea",
                    "text": "Publish it as a documented dbt model analysts build on.",
                    "tags": ["self-serve"],
                    "severity": 2,
                },
            ],
        },
    ],
    "hypotheses": [
        {
            "key": "shared-table",
            "persona": "CS operations analyst",
            "who": "analysts in CS, Sales Ops and Finance",
            "belief": "will build on a shared customer table instead of their own joins",
            "because": "each of them spends days a month on the same join and gets it wrong",
            "signal": "ten downstream models or dashboards use the table within two months",
            "type": "desirability",
            "importance": 5,
            "status": "testing",
            "created_days_ago": 180,
            "changed_days_ago": 21,
            "by": "pm",
            "evidence": [
                ("human-join", "supports", "The cost is real and recurring."),
                ("dbt-not-dashboard", "supports", "Analysts want to build on it."),
            ],
        },
        {
            "key": "pii-once",
            "who": "the data protection officer",
            "belief": "will approve contact-level data if masking is applied once, in the table",
            "because": "today e-mails are copied into spreadsheets with no control at all",
            "signal": "the DPIA is signed without additional conditions",
            "type": "viability",
            "importance": 4,
            "status": "proposed",
            "created_days_ago": 150,
            "changed_days_ago": 150,
            "by": "pm",
            "evidence": [("emails-in-sheets", "supports", "The status quo is the bigger risk.")],
        },
    ],
    "roadmap": [
        {
            "title": "Account matching on billing id and domain",
            "problem": "12 % of tickets match the wrong account or none.",
            "solution": "Match on billing id when present, domain otherwise, plus an exceptions "
            "table owned by CS Ops.",
            "type": "dataset_pipeline",
            "horizon": "now",
            "status": "in_progress",
            "impact": 5,
            "reach": 80,
            "effort": "M",
            "build_cost": 22000,
            "run_cost": 3000,
            "hypotheses": ["shared-table"],
            "days_ago": 90,
            # Nobody has touched it for six weeks: the staleness sweep will ask why.
            "updated_days_ago": 42,
            "decision_note": (
                "Ben's exceptions CSV becomes a governed table instead of being rebuilt. Cheaper "
                "than fuzzy matching and explainable to CS."
            ),
        },
        {
            "title": "Mask contact PII by default; unmask by role",
            "problem": "E-mail addresses travel in spreadsheets.",
            "solution": "Warehouse masking policies; only CS Ops sees clear text.",
            "type": "platform_capability",
            "horizon": "now",
            "status": "planned",
            "impact": 4,
            "reach": 80,
            "effort": "S",
            "build_cost": 6000,
            "hypotheses": ["pii-once"],
            "days_ago": 88,
            "decision_note": "Required by the DoD's compliance criterion; reusable by every table.",
        },
        {
            "title": "Column-level docs in the data catalogue",
            "problem": "Nobody knows which 'customer status' column to trust.",
            "solution": "Document every column and publish in the catalogue.",
            "type": "documentation",
            "horizon": "next",
            "status": "planned",
            "impact": 3,
            "reach": 80,
            "effort": "S",
            "build_cost": 3000,
            "days_ago": 80,
            "decision_note": "Adoption depends on interpretability as much as on correctness.",
        },
        {
            "title": "Self-serve customer lookup app",
            "problem": "Non-analysts want to look up one customer.",
            "solution": "A small web app on top of the table.",
            "type": "report_dashboard",
            "horizon": "later",
            "status": "proposed",
            "impact": 2,
            "reach": 150,
            "effort": "L",
            "build_cost": 40000,
            "run_cost": 8000,
            "days_ago": 70,
            "decision_note": "Only once analysts adopt the table; the CRM shows one account.",
        },
    ],
    "dod": {
        "days_ago": 120,
        "criteria": [
            {
                "group": "outcome",
                "text": "A standard customer question answered in under one hour (was 2–3 days).",
            },
            {
                "group": "fail_fast",
                "text": "Stop if the ticket match rate stays below 95 % after two iterations.",
            },
            {
                "group": "feasibility",
                "text": "Spike: billing id present on ≥ 70 % of tickets' accounts.",
                "met": True,
                "evidence": "https://wiki.example.org/customer/c360/spike",
                "checked": ("kenji", 100),
            },
            {
                "group": "quality",
                "text": "Unique and not-null account_id; referential tests to billing and CRM.",
            },
            {
                "group": "documentation",
                "text": "Every column documented in the catalogue, with an owner.",
            },
            {
                "group": "compliance",
                "text": (
                    "E-mail and phone masked by default, clear text only for CS Ops; DPIA signed "
                    "by the DPO; retention of 24 months applied."
                ),
            },
        ],
    },
    "kpis": [
        {
            "name": "Ticket-to-account match rate",
            "category": "quality",
            "unit": "%",
            "direction": "at_least",
            "baseline": 88,
            "baseline_days_ago": 95,
            "target": 98,
            "target_days_ago": -45,
            "cadence": 14,
            "calculation": "Tickets of the last 30 days matched to exactly one account ÷ tickets.",
            "data_source": "customer_360 dev build vs Zendesk",
            "series": (88.5, 95.8, 0.4),
            "points": 6,
            "last_measured_days_ago": 5,
        },
        {
            "name": "Analyst hours spent on customer joins",
            "category": "financial",
            "unit": "hours/month",
            "direction": "decrease",
            "baseline": 120,
            "baseline_days_ago": 95,
            "target": 30,
            "target_days_ago": -120,
            "cadence": 30,
            "calculation": "Self-reported hours per month across CS Ops, Sales Ops and FP&A.",
            "data_source": "Monthly time survey",
        },
        {
            "name": "Downstream models using the table",
            "category": "adoption",
            "unit": "models",
            "direction": "increase",
            "baseline": 0,
            "baseline_days_ago": 92,
            "target": 10,
            "target_days_ago": -60,
            "cadence": 14,
            "calculation": "dbt models and dashboards referencing customer_360 (lineage).",
            "data_source": "dbt manifest",
            "series": (0, 3, 0.4),
            "points": 5,
            "last_measured_days_ago": 5,
            "source": "api",
        },
    ],
    "experiments": [
        {
            "name": "Baseline comparison: five standard customer questions",
            "kind": "baseline_comparison",
            "status": "planned",
            "hypothesis": "shared-table",
            "starts_days_ago": -30,
            "ends_days_ago": -58,
            "metric_name": "Hours to answer a standard customer question",
            "metric_kind": "mean",
            "guardrails_note": "Answers must match the CS Ops reference answers.",
        },
    ],
    "assets": [
        ("prd", "PRD: Customer 360", "https://wiki.example.org/prd/customer-360", 140),
        (
            "docs",
            "customer_360 model docs (draft)",
            "https://catalog.example.org/models/customer_360",
            30,
        ),
    ],
    "feedback": [
        {
            "user": "grace",
            "rating": 4,
            "text": "The dev build already answered a renewal question in an afternoon.",
            "days_ago": 18,
        },
    ],
}

NOTES_INES = """\
## Context
A morning on the floor of the Leipzig fulfilment centre with Ines, shift lead for outbound.

## The problem as she lives it
- The warehouse system polls the order database **every 15 minutes**. A customer who cancels at
  10:02 may have their order picked at 10:10 and packed at 10:14.
- She counted 4 picked-then-cancelled orders per 1,000 last month; each one costs a re-shelve and
  about 8 minutes of a picker's time.
- At peak (Monday mornings, Black Friday) the polling queries slow the order database and
  customer service complains.

## Her decisions
- Re-sequences pick waves every 30 minutes by carrier cut-off.
- Holds orders flagged by the fraud team — but the flag arrives up to 15 minutes late, too.

> "I don't need a dashboard. I need the system to tell the picker *before* they walk to the shelf."

## Ideas
- A "cancelled" event that removes the line from the picker's handheld immediately.
"""

ORDER_EVENTS = {
    "slug": "order-events",
    "name": "Order Event Stream",
    "kind": "event_stream",
    "domain": "operations",
    "stage": "pilot",
    "owner": "pm2",
    "tech_lead": "kenji",
    "team": ["pm", "lena"],
    "stakeholders": ["daniel"],
    "priority": "medium",
    "target_users": 12,
    "reviewed_days_ago": 3,
    "purpose": (
        "Warehouse, customer service and fraud each poll the order database every 15 minutes: "
        "changes arrive late and the polling overloads the database at peak. Publish order "
        "lifecycle events once, with a schema contract, for every consumer."
    ),
    "decision": "Whether an order needs intervention now: hold, re-sequence, stop picking.",
    "decision_meeting": "Continuous: the shift lead's dispatch board and the fraud queue",
    "created_days_ago": 222,
    "history": [
        ("discovery", 208, "pm2", "Warehouse and fraud both asked for faster order changes."),
        ("definition", 172, "pm2", "Outbox pattern chosen; schema contract drafted."),
        ("build", 131, "lead", "DoD agreed; baseline latency 900 s (polling) measured."),
        ("pilot", 27, "pm2", "Leipzig warehouse consumes order.cancelled for six weeks."),
    ],
    "personas": [
        {
            "name": "Warehouse shift lead",
            "role": "Outbound shift lead",
            "decisions": "Pick wave sequence; which orders to hold.",
            "tools": "Warehouse management system, handhelds",
        },
    ],
    "interviews": [
        {
            "persona": "Warehouse shift lead",
            "name": "Ines Duarte",
            "role": "Outbound shift lead",
            "team": "Fulfilment centre Leipzig",
            "days_ago": 200,
            "by": "pm",
            "channel": "in_person",
            "notes": NOTES_INES,
            "summary": (
                "15-minute polling lets cancelled orders get picked (4 per 1,000); fraud holds "
                "arrive late; wants the handheld to drop cancelled lines at once."
            ),
            "insights": [
                {
                    "key": "picked-cancelled",
                    "kind": "pain",
                    "text": (
                        "Cancelled orders are picked because changes arrive up to 15 minutes "
                        "late: 4 per 1,000 orders, 8 minutes each."
                    ),
                    "tags": ["latency", "warehouse"],
                    "severity": 4,
                },
                {
                    "key": "wave-sequencing",
                    "kind": "decision",
                    "text": "Re-sequences pick waves every 30 minutes by carrier cut-off.",
                    "tags": ["warehouse"],
                    "severity": 2,
                },
                {
                    "key": "tell-the-picker",
                    "kind": "quote",
                    "text": (
                        "“I don't need a dashboard. I need the system to tell the picker before "
                        "they walk to the shelf.”"
                    ),
                    "tags": ["latency", "workflow"],
                    "severity": 4,
                },
            ],
        },
    ],
    "hypotheses": [
        {
            "key": "sub-minute",
            "who": "consuming teams (warehouse, fraud, customer service)",
            "belief": "will get order changes within 60 seconds from an outbox-based stream",
            "because": "the 15-minute polling delay is what causes picked-then-cancelled orders",
            "signal": "p95 end-to-end latency stays under 60 s for two weeks of the pilot",
            "type": "feasibility",
            "importance": 4,
            "status": "testing",
            "created_days_ago": 168,
            "changed_days_ago": 26,
            "by": "pm2",
            "evidence": [
                ("picked-cancelled", "supports", "Latency, not process, causes the waste."),
                ("tell-the-picker", "supports", "Speed matters at the shelf."),
            ],
        },
    ],
    "roadmap": [
        {
            "title": "Outbox publisher in the order service",
            "problem": "Consumers poll the order database every 15 minutes.",
            "solution": "Transactional outbox → Kafka topic per order event type.",
            "type": "event_stream",
            "horizon": "now",
            "status": "shipped",
            "impact": 4,
            "reach": 12,
            "effort": "L",
            "build_cost": 55000,
            "run_cost": 14000,
            "hypotheses": ["sub-minute"],
            "days_ago": 160,
            "updated_days_ago": 35,
            "decision_note": (
                "Change data capture on the order database was cheaper to start but would tie "
                "every consumer to the table layout; the outbox gives a contract."
            ),
        },
        {
            "title": "Schema registry with compatibility checks",
            "problem": "A schema change could break the warehouse consumer silently.",
            "solution": "Registry with backward-compatibility checks in CI.",
            "type": "platform_capability",
            "horizon": "now",
            "status": "in_progress",
            "impact": 3,
            "reach": 12,
            "effort": "M",
            "build_cost": 15000,
            "run_cost": 5000,
            "days_ago": 60,
            "updated_days_ago": 4,
            "decision_note": "Required before a second consumer joins.",
        },
        {
            "title": "Fraud team consumer for order.created",
            "problem": "Fraud holds arrive up to 15 minutes late.",
            "solution": "Fraud rules engine subscribes to order.created.",
            "type": "data_api",
            "horizon": "next",
            "status": "planned",
            "impact": 4,
            "reach": 6,
            "effort": "M",
            "build_cost": 20000,
            "run_cost": 4000,
            "hypotheses": ["sub-minute"],
            "days_ago": 40,
            "decision_note": "Second consumer after the pilot; the fraud team needs Kafka skills.",
        },
    ],
    "dod": {
        "days_ago": 150,
        "criteria": [
            {
                "group": "outcome",
                "text": "Picked-then-cancelled orders below 1.5 per 1,000 in the pilot warehouse.",
            },
            {
                "group": "fail_fast",
                "text": "Stop if p95 latency exceeds 5 minutes for three days in a row.",
                "met": True,
                "evidence": "https://grafana.example.org/d/order-events",
                "checked": ("kenji", 6),
            },
            {
                "group": "feasibility",
                "text": "Outbox adds < 5 ms to order-service writes at peak load.",
                "met": True,
                "evidence": "https://wiki.example.org/ops/order-events/load-test",
                "checked": ("kenji", 140),
            },
            {
                "group": "quality",
                "text": "≥ 99.5 % of events pass schema validation.",
                "met": True,
                "evidence": "https://grafana.example.org/d/order-events-schema",
                "checked": ("lena", 10),
            },
            {
                "group": "documentation",
                "text": "Event catalogue entry for each event type with examples.",
                "met": True,
                "evidence": "https://catalog.example.org/events/order",
                "checked": ("pm", 30),
            },
            {
                "group": "compliance",
                "text": (
                    "Events carry order, SKU and warehouse ids only; customer name and address "
                    "excluded from the shared topic."
                ),
                "met": True,
                "evidence": "https://wiki.example.org/privacy/screenings/order-events",
                "checked": ("pm", 135),
            },
        ],
    },
    "kpis": [
        {
            "name": "End-to-end event latency (p95)",
            "category": "operational",
            "unit": "seconds",
            "direction": "at_most",
            "baseline": 900,
            "baseline_days_ago": 135,
            "target": 60,
            "target_days_ago": -30,
            "cadence": 7,
            "calculation": "p95 of consumer receive time − order-service commit time, weekly.",
            "data_source": "Kafka consumer lag metrics",
            "series": (48, 36, 5),
            "points": 4,
            "source": "api",
        },
        {
            "name": "Picked-then-cancelled orders per 1,000",
            "category": "outcome",
            "unit": "per 1,000",
            "direction": "decrease",
            "baseline": "4.1",
            "baseline_days_ago": 135,
            "target": "1.5",
            "target_days_ago": -30,
            "cadence": 7,
            "calculation": "Orders picked after cancellation ÷ orders picked × 1,000, Leipzig.",
            "data_source": "Warehouse management system",
            "series": (3.9, 2.6, 0.2),
            "points": 4,
        },
        {
            "name": "Consuming services",
            "category": "adoption",
            "unit": "services",
            "direction": "increase",
            "baseline": 0,
            "baseline_days_ago": 135,
            "target": 6,
            "target_days_ago": -150,
            "cadence": 14,
            "calculation": "Distinct consumer groups reading any order topic in production.",
            "data_source": "Kafka ACLs and consumer groups",
            "series": (1, 2, 0),
            "points": 2,
            "source": "api",
        },
    ],
    "service_levels": [
        {
            "indicator": "availability",
            "objective": "99.9",
            "unit": "%",
            "description": "Order topics accepting writes.",
            "typical": 99.98,
            "jitter": 0.02,
            "bad": 99.2,
            "missed": [22],
        },
        {
            "indicator": "quality_pass_rate",
            "objective": "99.5",
            "unit": "%",
            "description": "Events passing schema validation.",
            "typical": 99.9,
            "jitter": 0.1,
            "bad": 97.9,
            "missed": [14],
        },
    ],
    "experiments": [
        {
            "name": "Pilot: Leipzig handhelds drop cancelled lines (6 weeks)",
            "kind": "pilot",
            "status": "running",
            "hypothesis": "sub-minute",
            "starts_days_ago": 25,
            "ends_days_ago": -17,
            "metric_name": "Picked-then-cancelled orders per 1,000",
            "metric_kind": "mean",
            "guardrails_note": "Order-service p99 write latency must not rise by more than 5 ms.",
        },
    ],
    "usage": {
        "active_users": [1, 2, 2, 3],
        "sessions_per_user": 7,
        "task_seconds": (40, 35),
        "decisions_per_week": 120,
    },
    "barriers": [
        {
            "kind": "skills",
            "description": "The fraud team has nobody who has run a Kafka consumer.",
            "severity": 3,
            "status": "open",
            "action": "Pair a platform engineer with fraud for the first consumer.",
            "days_ago": 20,
        },
    ],
    "assets": [
        (
            "docs",
            "Event catalogue: order.created, order.cancelled, order.dispatched",
            "https://catalog.example.org/events/order",
            30,
        ),
        ("channel", "#order-events", "https://chat.example.org/channels/order-events", 130),
    ],
    "feedback": [
        {
            "author": "Ines Duarte",
            "rating": 5,
            "text": "Cancelled lines disappear from the handheld before the picker gets there.",
            "days_ago": 7,
        },
    ],
}

NOTES_TOMAS = """\
## Context
Tomás manages 60 SMB accounts. We watched him prepare three customer calls.

## Before each call
- Opens Salesforce (contract, renewal date), Gainsight (health colour), Zendesk (open tickets) and
  a Looker usage dashboard — **four tools, about 12 minutes per call**.
- The Gainsight health colour is a weighted formula nobody on the team can explain; he ignores it.
- Example from today: *Contoso Retail*; the contact, Paul Weber (paul.weber@contoso.example),
  complained twice about invoices last month, which Tomás only saw in Zendesk.

> "A red dot doesn't help me. I need to know *why* it's red, so I can open the call with it."

## What he would use
- A score on the Salesforce account page with the top three reasons in plain words.
- Updated daily is enough; nobody calls a customer within the hour of a change.
"""

CUSTOMER_HEALTH_API = {
    "slug": "customer-health-api",
    "name": "Customer Health Score API",
    "kind": "data_api",
    "domain": "customer",
    "stage": "definition",
    "owner": "pm",
    "tech_lead": "omar",
    "team": ["lena"],
    "stakeholders": ["grace"],
    "priority": "medium",
    "target_users": 150,
    "reviewed_days_ago": 35,
    "purpose": (
        "CSMs open four tools and spend about 12 minutes before every call to judge whether an "
        "account is healthy. Serve one health score, with its top reasons in plain words, to the "
        "CRM account page."
    ),
    "decision": "Which accounts a CSM calls this week, and what the call opens with.",
    "decision_meeting": "CSM weekly book-of-business review",
    "created_days_ago": 122,
    "history": [
        ("discovery", 108, "pm", "Grace asked for a health score CSMs would actually repeat."),
        (
            "definition",
            38,
            "pm",
            "Interviews done; writing the DoD. Depends on Customer 360 for the account join.",
        ),
    ],
    "personas": [
        {
            "name": "SMB customer success manager",
            "role": "Customer success manager, SMB",
            "decisions": "Which ten accounts to call this week and what to raise.",
            "tools": "Salesforce, Gainsight, Zendesk, Looker",
        },
        {
            "name": "Head of Customer Success",
            "role": "Head of Customer Success",
            "decisions": "Where CSM capacity goes; renewal forecast.",
            "tools": "Gainsight dashboards, renewal forecast sheet",
        },
    ],
    "interviews": [
        {
            "persona": "Head of Customer Success",
            "name": "Grace Kim",
            "role": "Head of Customer Success",
            "team": "Customer Success",
            "days_ago": 104,
            "by": "pm",
            "channel": "in_person",
            "notes": (
                "## Context\nGrace owns CSM capacity and the renewal forecast.\n\n"
                "## What she said\n- The Gainsight health colour was configured by a consultant "
                'three years ago; "nobody can explain it, so nobody uses it".\n'
                "- She plans capacity on renewal dates alone, which misses accounts that go "
                'quiet.\n\n> "I want a score my CSMs can say out loud to a customer."\n'
            ),
            "summary": "Current health colour is unexplainable and unused; wants a sayable score.",
            "insights": [
                {
                    "key": "unexplainable",
                    "kind": "pain",
                    "text": "The existing health colour is a formula nobody can explain; unused.",
                    "tags": ["trust", "interpretability"],
                    "severity": 4,
                },
                {
                    "key": "capacity-decision",
                    "kind": "decision",
                    "text": "Allocates CSM capacity by renewal date only.",
                    "tags": ["capacity"],
                    "severity": 3,
                },
            ],
        },
        {
            "persona": "SMB customer success manager",
            "name": "Tomás Ruiz",
            "role": "Customer success manager",
            "team": "Customer Success SMB",
            "days_ago": 97,
            "by": "pm",
            "channel": "shadowing",
            "pii": True,
            "notes": NOTES_TOMAS,
            "summary": (
                "Four tools and 12 minutes per call; ignores the health colour; wants a score "
                "with three reasons on the account page. Contains a customer contact's details."
            ),
            "insights": [
                {
                    "key": "four-tools",
                    "kind": "pain",
                    "text": "Opens four tools and spends ~12 minutes preparing each customer call.",
                    "tags": ["manual-work", "workflow"],
                    "severity": 4,
                },
                {
                    "key": "why-red",
                    "kind": "quote",
                    "text": (
                        "“A red dot doesn't help me. I need to know why it's red, so I can open "
                        "the call with it.”"
                    ),
                    "tags": ["interpretability"],
                    "severity": 4,
                },
                {
                    "key": "reasons-on-page",
                    "kind": "need",
                    "text": "Score plus top three reasons on the Salesforce account page, daily.",
                    "tags": ["workflow", "interpretability"],
                    "severity": 4,
                },
            ],
        },
    ],
    "hypotheses": [
        {
            "key": "reasons-shown",
            "persona": "SMB customer success manager",
            "who": "SMB customer success managers",
            "belief": "will open calls with the score's top reasons instead of checking four tools",
            "because": "they ignore the unexplained colour but spend 12 minutes gathering reasons",
            "signal": "call preparation falls below 5 minutes for pilot CSMs",
            "type": "desirability",
            "importance": 5,
            "status": "proposed",
            "created_days_ago": 90,
            "changed_days_ago": 90,
            "by": "pm",
            "evidence": [
                ("four-tools", "supports", "The time is spent gathering reasons."),
                ("why-red", "supports", "Reasons, not the score, are what gets used."),
                ("unexplainable", "supports", "An unexplained score was tried and ignored."),
            ],
        },
        {
            "key": "sales-upsell",
            "who": "account executives",
            "belief": "will use the same health score to choose upsell targets",
            "because": "healthy accounts are better upsell candidates",
            "signal": "AEs filter their pipeline by health score each week",
            "type": "viability",
            "importance": 2,
            "status": "parked",
            "created_days_ago": 85,
            "changed_days_ago": 60,
            "by": "pm",
        },
    ],
    "roadmap": [
        {
            "title": "Weekly health-signals CSV in the CSM channel",
            "problem": "CSMs need reasons now, not after an API is built.",
            "solution": "A scheduled query posting tickets, usage drop and invoices per account.",
            "type": "manual_fix",
            "horizon": "now",
            "status": "planned",
            "impact": 3,
            "reach": 150,
            "effort": "XS",
            "build_cost": 1000,
            "hypotheses": ["reasons-shown"],
            "days_ago": 36,
            "decision_note": (
                "Tests whether CSMs use reasons at all before building an API; costs a day and "
                "answers the desirability question in a month."
            ),
        },
        {
            "title": "MVP: health score widget with three reasons",
            "problem": "Four tools, 12 minutes per call.",
            "solution": "Rules-based score with reasons, served to a Salesforce widget.",
            "type": "mvp",
            "horizon": "next",
            "status": "proposed",
            "impact": 4,
            "reach": 150,
            "effort": "M",
            "build_cost": 35000,
            "run_cost": 9000,
            "hypotheses": ["reasons-shown"],
            "days_ago": 34,
            "decision_note": (
                "Rules before a model: reasons must be sayable to a customer, and rules give "
                "that for free. A model can replace the rules once we know which reasons matter."
            ),
        },
        {
            "title": "Partner portal health API",
            "problem": "Resellers asked for health scores of their customers.",
            "solution": "External API with partner authentication.",
            "type": "data_api",
            "horizon": "later",
            "status": "dropped",
            "impact": 2,
            "reach": 30,
            "effort": "XL",
            "build_cost": 95000,
            "run_cost": 20000,
            "hypotheses": ["sales-upsell"],
            "days_ago": 80,
            "updated_days_ago": 60,
            "decision_note": "Dropped: exposes customer data outside for one reseller's request.",
        },
    ],
    "dod": {
        "days_ago": 36,
        "criteria": [
            {"group": "outcome", "text": "Pilot CSMs prepare a call in under 5 minutes."},
            {
                "group": "fail_fast",
                "text": "Stop if fewer than half of pilot CSMs open the widget weekly by week 4.",
            },
            {
                "group": "feasibility",
                "text": "p95 API response under 300 ms from the Salesforce widget.",
            },
            {
                "group": "compliance",
                "text": "Reasons never quote ticket text or contact names; DPO review recorded.",
            },
        ],
    },
    "kpis": [
        {
            "name": "CSM call preparation time",
            "category": "outcome",
            "unit": "minutes",
            "direction": "decrease",
            "target": 5,
            "target_days_ago": -150,
            "cadence": 14,
            "calculation": "Median minutes from opening the account to starting the call.",
            "data_source": "CSM time-tracking sample (to be set up)",
            "created_days_ago": 35,
        },
        {
            "name": "Accounts reviewed per CSM per week",
            "category": "adoption",
            "unit": "accounts",
            "direction": "increase",
            "baseline": 8,
            "baseline_days_ago": 90,
            "target": 12,
            "target_days_ago": -150,
            "cadence": 7,
            "calculation": "Accounts with a logged call or review per CSM per week.",
            "data_source": "Salesforce activities",
        },
    ],
    "barriers": [
        {
            "kind": "interpretability",
            "description": "CSMs ignore the current health colour because nobody can explain it.",
            "severity": 4,
            "status": "open",
            "action": "Design the new score around sayable reasons.",
            "insights": ["unexplainable", "why-red"],
            "days_ago": 95,
        },
    ],
    "assets": [
        ("prd", "PRD draft: Customer health score", "https://wiki.example.org/prd/health", 36),
    ],
}

NOTES_YUKI = """\
## Context
Yuki builds the pricing models. We walked through how her last model went to production.

## How a model ships today
- Features are written in a notebook; the "active customer" feature was copied from a colleague's
  notebook and changed slightly. There are now **four versions** of it across teams.
- To deploy, she copies a pickle file to a shared bucket and messages the on-call engineer, who
  restarts the scoring service.
- Last quarter the wrong pickle was live for nine days; nobody noticed until prices looked odd.

> "I can't tell you which model is live right now without asking Felix."

## What she needs
- To know which model version is live and which data trained it.
- Shared feature definitions would be nice, but "not at the cost of a three-month platform
  project".
"""

NOTES_FELIX = """\
## Context
Felix is the only ML engineer; every model deployment goes through him.

## What he sees
- 11 models in production, deployed 5 different ways.
- He keeps a spreadsheet of "what is live where", updated when he remembers.
- Two incidents in six months were the wrong model version.

> "Honestly, a README and a naming convention would fix half of this."

## His view of the solution
- Start with a model registry wired into CI: one command to register, one to promote.
- A feature store is a big bet; he would want to see teams actually sharing features first.
"""

NOTES_NADIA = """\
## Context
Nadia joined marketing analytics three months ago and is building her first production model.

## Onboarding experience
- It took her two weeks to find out how models are deployed; there is no document.
- She rewrote an "active customer" feature from scratch because she could not find the existing
  ones.

> "I'd have used someone else's feature in a heartbeat if I'd known it existed."

## What would help
- A catalogue of existing features with owners.
- A template repository with CI that registers the model.
"""

ML_PLATFORM = {
    "slug": "ml-platform",
    "name": "ML Platform: Model Registry & Feature Store",
    "kind": "mlops_platform",
    "domain": "platform",
    "stage": "discovery",
    "owner": "pm2",
    "tech_lead": "omar",
    "team": ["kenji"],
    "stakeholders": ["lead"],
    "priority": "medium",
    "target_users": 15,
    "reviewed_days_ago": 9,
    "purpose": (
        "Data scientists build features and deploy models each their own way: four versions of "
        "'active customer', eleven models deployed five ways, and two incidents where the wrong "
        "model was live. Shared model registry first, feature store if sharing proves valuable."
    ),
    "decision": "Which model version serves production, and whether a new model may go live.",
    "decision_meeting": "Bi-weekly model review",
    "created_days_ago": 78,
    "history": [
        (
            "discovery",
            52,
            "pm2",
            "Second wrong-model incident; interviewing data scientists and the ML engineer.",
        ),
    ],
    "personas": [
        {
            "name": "Data scientist",
            "role": "Data scientist",
            "decisions": "Which features and model to ship; when to retrain.",
            "tools": "Notebooks, Git, shared bucket",
        },
        {
            "name": "ML engineer",
            "role": "ML engineer",
            "decisions": "What is deployed where; rollbacks.",
            "tools": "CI, Kubernetes, a spreadsheet of live models",
        },
    ],
    "interviews": [
        {
            "persona": "Data scientist",
            "name": "Yuki Tanaka",
            "role": "Data scientist",
            "team": "Pricing",
            "days_ago": 45,
            "by": "pm2",
            "channel": "video",
            "notes": NOTES_YUKI,
            "summary": "Four versions of one feature; pickle-in-a-bucket deploys; wrong model live "
            "for nine days.",
            "insights": [
                {
                    "key": "feature-copies",
                    "kind": "pain",
                    "text": "The 'active customer' feature exists in four diverging versions.",
                    "tags": ["features", "duplication"],
                    "severity": 3,
                },
                {
                    "key": "pickle-deploy",
                    "kind": "workaround",
                    "text": "Deploys by copying a pickle to a bucket and messaging the on-call.",
                    "tags": ["deployment", "manual-work"],
                    "severity": 4,
                },
            ],
        },
        {
            "persona": "ML engineer",
            "name": "Felix Braun",
            "role": "ML engineer",
            "team": "Data Platform",
            "days_ago": 30,
            "by": "omar",
            "channel": "in_person",
            "notes": NOTES_FELIX,
            "summary": "11 models, 5 deployment paths, 2 wrong-version incidents; registry first.",
            "insights": [
                {
                    "key": "readme-fix",
                    "kind": "quote",
                    "text": "“Honestly, a README and a naming convention would fix half of this.”",
                    "tags": ["documentation", "deployment"],
                    "severity": 3,
                },
                {
                    "key": "which-live",
                    "kind": "need",
                    "text": "Know which model version is live and which data trained it.",
                    "tags": ["deployment", "lineage"],
                    "severity": 5,
                },
                {
                    "key": "registry-first",
                    "kind": "idea",
                    "text": "Registry wired into CI first; feature store only if sharing happens.",
                    "tags": ["deployment", "features"],
                    "severity": 3,
                },
            ],
        },
        {
            "persona": "Data scientist",
            "name": "Nadia Petrova",
            "role": "Data scientist",
            "team": "Marketing Analytics",
            "days_ago": 12,
            "by": "pm2",
            "channel": "video",
            "notes": NOTES_NADIA,
            "summary": "Two weeks to learn how to deploy; rewrote a feature she could not find.",
            "insights": [
                {
                    "key": "would-reuse",
                    "kind": "quote",
                    "text": (
                        "“I'd have used someone else's feature in a heartbeat if I'd known it "
                        "existed.”"
                    ),
                    "tags": ["features", "discoverability"],
                    "severity": 3,
                },
                {
                    "key": "no-deploy-doc",
                    "kind": "pain",
                    "text": "No document on how to deploy a model; onboarding took two weeks.",
                    "tags": ["documentation", "onboarding"],
                    "severity": 3,
                },
            ],
        },
    ],
    "hypotheses": [
        {
            "key": "registry",
            "persona": "Data scientist",
            "who": "data scientists",
            "belief": "will register every production model if it is one command in their CI",
            "because": "wrong-version incidents hurt them and Felix is a bottleneck",
            "signal": "all 11 production models are registered within six weeks of release",
            "type": "desirability",
            "importance": 5,
            "status": "testing",
            "created_days_ago": 28,
            "changed_days_ago": 10,
            "by": "pm2",
            "evidence": [
                ("pickle-deploy", "supports", "Current deployment is manual and error-prone."),
                ("which-live", "supports", "The need is stated by the ML engineer."),
            ],
        },
        {
            "key": "feature-store",
            "persona": "Data scientist",
            "who": "data scientists",
            "belief": "will reuse shared features from a feature store instead of rewriting them",
            "because": "'active customer' has been rewritten four times",
            "signal": "each new model reuses at least three shared features",
            "type": "viability",
            "importance": 3,
            "status": "proposed",
            "created_days_ago": 26,
            "changed_days_ago": 26,
            "by": "pm2",
            "evidence": [
                ("feature-copies", "supports", "Duplication is real."),
                ("would-reuse", "supports", "Willing to reuse when discoverable."),
                (
                    "readme-fix",
                    "contradicts",
                    "The ML engineer thinks conventions fix half of it without a platform.",
                ),
            ],
        },
    ],
    "roadmap": [
        {
            "title": "Model naming convention and README template",
            "problem": "Nobody can tell which model is live.",
            "solution": "A convention and a README per model repository, enforced in review.",
            "type": "documentation",
            "horizon": "now",
            "status": "in_progress",
            "impact": 3,
            "reach": 15,
            "effort": "XS",
            "build_cost": 500,
            "hypotheses": ["registry"],
            "days_ago": 25,
            "updated_days_ago": 6,
            "decision_note": (
                "Felix's 'half of this' for a week of work; also tells us which models exist "
                "before we size a registry."
            ),
        },
        {
            "title": "Model registry MVP (MLflow) wired into CI",
            "problem": "Deployments by pickle-in-a-bucket; two wrong-version incidents.",
            "solution": "Hosted MLflow registry; CI registers, promotion is a pull request.",
            "type": "mvp",
            "horizon": "next",
            "status": "proposed",
            "impact": 4,
            "reach": 15,
            "effort": "M",
            "build_cost": 20000,
            "run_cost": 12000,
            "hypotheses": ["registry"],
            "days_ago": 24,
            "decision_note": "An open-source registry over a platform suite: it answers the one "
            "question everyone asked (what is live?) without a migration.",
        },
        {
            "title": "Feature store",
            "problem": "Features are rewritten per model.",
            "solution": "A managed feature store with offline/online serving.",
            "type": "platform_capability",
            "horizon": "later",
            "status": "proposed",
            "impact": 4,
            "reach": 15,
            "effort": "XXL",
            "build_cost": 250000,
            "run_cost": 80000,
            "hypotheses": ["feature-store"],
            "days_ago": 22,
            "decision_note": (
                "Big bet, later: only if registry adoption shows that shared features are the "
                "next bottleneck. A feature catalogue page may be enough."
            ),
        },
    ],
    "assets": [
        ("channel", "#ml-platform", "https://chat.example.org/channels/ml-platform", 50),
    ],
}

PRICING_ELASTICITY = {
    "slug": "pricing-elasticity",
    "name": "Pricing Elasticity Insights",
    "kind": "report",
    "domain": "finance",
    "stage": "idea",
    "owner": "pm2",
    "stakeholders": ["stakeholder"],
    "priority": "low",
    "target_users": 10,
    "reviewed_days_ago": 18,
    "purpose": (
        "List-price changes are decided on competitor screenshots and last year's margin. A "
        "quarterly report estimating price elasticity per category from two years of promotions."
    ),
    "decision": "Quarterly list-price changes per category.",
    "decision_meeting": "Quarterly pricing committee",
    "created_days_ago": 18,
    "history": [],
    "personas": [
        {
            "name": "Pricing manager",
            "role": "Pricing manager",
            "decisions": "List-price proposals per category for the pricing committee.",
            "tools": "Competitor price scrapes, Excel",
        },
    ],
    "interviews": [
        {
            "persona": "Pricing manager",
            "name": "Olivia Grant",
            "role": "Pricing manager",
            "team": "Commercial Finance",
            "days_ago": 10,
            "by": "pm2",
            "channel": "chat",
            "notes": (
                "## Quick chat\n- Proposes price changes from competitor screenshots and last "
                "year's margin.\n- Has never seen how volume responded to past promotions.\n\n"
                '> "We raise prices and hope. Then we wait a quarter to find out."\n'
            ),
            "summary": "Prices set on competitor screenshots; no view of past volume response.",
            "insights": [
                {
                    "key": "raise-and-hope",
                    "kind": "quote",
                    "text": "“We raise prices and hope. Then we wait a quarter to find out.”",
                    "tags": ["pricing"],
                    "severity": 3,
                },
                {
                    "key": "promo-history",
                    "kind": "idea",
                    "text": "Use two years of promotion data to estimate elasticity per category.",
                    "tags": ["pricing", "promotions"],
                    "severity": 2,
                },
            ],
        },
    ],
    "hypotheses": [
        {
            "key": "elasticity",
            "persona": "Pricing manager",
            "who": "pricing managers",
            "belief": "will size price changes using elasticity estimates per category",
            "because": "they raise prices without knowing how volume will respond",
            "signal": "the next pricing committee pack includes elasticity for every proposal",
            "type": "desirability",
            "importance": 3,
            "status": "proposed",
            "created_days_ago": 9,
            "changed_days_ago": 9,
            "by": "pm2",
            "evidence": [("raise-and-hope", "supports", "No feedback loop on price changes.")],
        },
    ],
    "roadmap": [
        {
            "title": "Spike: elasticity from two years of promotion data",
            "problem": "Unknown whether promo history is rich enough to estimate elasticity.",
            "solution": "Two-week analysis for three categories, shared with the committee.",
            "type": "report_dashboard",
            "horizon": "later",
            "status": "proposed",
            "impact": 3,
            "reach": 10,
            "effort": "S",
            "build_cost": 8000,
            "hypotheses": ["elasticity"],
            "days_ago": 8,
            "decision_note": (
                "A one-off analysis before any product: if three categories show no usable "
                "signal, the idea stops here."
            ),
        },
    ],
}

WEEKLY_SALES_PDF = {
    "slug": "weekly-sales-pdf",
    "name": "Weekly Sales PDF Pack",
    "kind": "report",
    "domain": "finance",
    "stage": "retired",
    "owner": "pm",
    "tech_lead": "lena",
    "stakeholders": ["stakeholder"],
    "priority": "low",
    "target_users": 40,
    "reviewed_days_ago": 141,
    "purpose": (
        "The e-mailed PDF of weekly sales and churn by region, produced by a scheduled report. "
        "Replaced by the Revenue & Churn Metric Layer."
    ),
    "decision": "Regional sales targets and churn follow-ups in the Monday sales call.",
    "decision_meeting": "Monday sales call",
    "created_days_ago": 1500,
    "history": [
        ("discovery", 1495, "pm", "Backfilled from the reporting catalogue."),
        ("definition", 1490, "pm", "Backfilled from the reporting catalogue."),
        ("build", 1480, "lead", "Backfilled from the reporting catalogue."),
        ("pilot", 1460, "pm", "Backfilled from the reporting catalogue."),
        (
            "launched",
            1440,
            "lead",
            "Backfilled from the reporting catalogue.",
            "Launched before dpm recorded pilots; imported with its original launch date.",
        ),
        (
            "retired",
            140,
            "pm",
            "Replaced by the revenue metric layer; recipients moved to the Looker Monday pack and "
            "the scheduled job was switched off.",
        ),
    ],
    "roadmap": [
        {
            "title": "Retire the PDF pack; redirect recipients to the metric layer",
            "problem": "Two versions of Monday's numbers after the metric layer launched.",
            "solution": "Switch off the schedule; send recipients a link to the Looker pack.",
            "type": "process_change",
            "horizon": "now",
            "status": "shipped",
            "impact": 3,
            "reach": 40,
            "effort": "XS",
            "days_ago": 150,
            "updated_days_ago": 140,
            "decision_note": "Two sources of the same number is how the reconciliation began.",
        },
    ],
    "dod": {
        "days_ago": 1485,
        "signed_off": ("lead", 1290),
        "criteria": [
            {
                "group": "outcome",
                "text": "70 % of recipients open the PDF each week.",
                "met": True,
                "checked": ("pm", 1300),
            },
            {
                "group": "documentation",
                "text": "Recipients list and schedule documented.",
                "met": True,
                "checked": ("pm", 1440),
            },
        ],
    },
    "kpis": [
        {
            "name": "Recipients opening the PDF",
            "category": "adoption",
            "unit": "%",
            "direction": "at_least",
            "baseline": 60,
            "baseline_days_ago": 1482,
            "target": 70,
            "target_days_ago": 1100,
            "cadence": 30,
            "calculation": "Recipients who opened the e-mail ÷ recipients, monthly.",
            "data_source": "Mail gateway open tracking",
            "series": (34, 18, 2),
            "points": 6,
            "last_measured_days_ago": 145,
        },
    ],
    "feedback": [
        {
            "author": "Regional sales lead, South",
            "rating": 2,
            "text": "Arrives after the call has started and nobody can click into it.",
            "days_ago": 400,
        },
    ],
}

PRODUCTS = [
    REVENUE_METRIC_LAYER,
    NEXT_BEST_OFFER,
    CAMPAIGN_DASHBOARD,
    DEMAND_FORECAST,
    CUSTOMER_360,
    ORDER_EVENTS,
    CUSTOMER_HEALTH_API,
    ML_PLATFORM,
    PRICING_ELASTICITY,
    WEEKLY_SALES_PDF,
]
