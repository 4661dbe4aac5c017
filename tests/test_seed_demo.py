"""seed_demo (DESIGN.md §8): a realistic, idempotent demo portfolio that never seeds production."""

from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Max
from django.utils import timezone

from adoption.models import UsageSnapshot
from discovery.models import Evidence, Hypothesis, Insight
from metrics.models import KPI, DefinitionOfDone, DoneCriterion, Experiment, ServiceLevelCheck
from products.models import DataProduct, ScoreSnapshot, StageChange
from roadmaps.models import RoadmapItem, ScoringModel

DOMAIN_APPS = ("products", "discovery", "roadmaps", "metrics", "adoption")
Stage = DataProduct.Stage
BUILD_OR_LATER = (Stage.BUILD, Stage.PILOT, Stage.LAUNCHED, Stage.RETIRED)

pytestmark = pytest.mark.django_db


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    models = [m for label in DOMAIN_APPS for m in apps.get_app_config(label).get_models()]
    models.append(get_user_model())
    return {model._meta.label: model.objects.count() for model in models}


@pytest.fixture
def seeded():
    return seed(force=True)


def test_it_refuses_without_force_when_debug_is_off():
    assert settings.DEBUG is False  # pytest-django runs with DEBUG off, like production

    with pytest.raises(CommandError, match="--force"):
        seed()

    assert not get_user_model().objects.exists()
    assert not DataProduct.objects.exists()


def test_it_runs_without_force_when_debug_is_on(settings):
    settings.DEBUG = True

    output = seed()

    assert DataProduct.objects.count() >= 8
    assert "dpm-demo" in output


def test_it_seeds_every_stage_and_kind(seeded):
    assert DataProduct.objects.count() >= 8
    assert set(DataProduct.objects.values_list("stage", flat=True)) == set(Stage.values)
    kinds = set(DataProduct.objects.values_list("kind", flat=True))
    assert kinds >= set(DataProduct.Kind.values) - {DataProduct.Kind.OTHER}


def test_it_seeds_discovery_in_every_status_and_kind(seeded):
    assert set(Hypothesis.objects.values_list("status", flat=True)) == set(Hypothesis.Status.values)
    assert not Hypothesis.objects.filter(status_changed_at__isnull=True).exists()
    assert set(Insight.objects.values_list("kind", flat=True)) == set(Insight.Kind.values)
    assert Insight.objects.filter(tags__isnull=False).exists()
    assert set(Evidence.objects.values_list("stance", flat=True)) == set(Evidence.Stance.values)
    assert Evidence.objects.filter(experiment__status=Experiment.Status.CONCLUDED).exists()
    assert DataProduct.objects.filter(interviews__contains_pii=True).exists()


def test_it_seeds_a_roadmap_in_every_horizon_and_status(seeded):
    assert ScoringModel.objects.get(is_active=True).name == "Default"
    assert set(RoadmapItem.objects.values_list("horizon", flat=True)) == set(
        RoadmapItem.Horizon.values
    )
    assert set(RoadmapItem.objects.values_list("status", flat=True)) == set(
        RoadmapItem.Status.values
    )
    solution_types = set(RoadmapItem.objects.values_list("solution_type", flat=True))
    assert solution_types >= {"manual_fix", "mvp", "ml_model"}
    overridden = RoadmapItem.objects.filter(confidence_override__isnull=False)
    assert overridden.exclude(confidence_reason="").exists()
    assert RoadmapItem.objects.filter(why_chain__isnull=False).exists()
    assert RoadmapItem.objects.filter(build_cost__isnull=True).exists()


def test_it_seeds_metrics_of_every_kind(seeded):
    groups = set(DoneCriterion.objects.values_list("group", flat=True))
    assert groups == set(DoneCriterion.Group.values)
    assert set(KPI.objects.values_list("category", flat=True)) == set(KPI.Category.values)
    assert set(KPI.objects.values_list("direction", flat=True)) == set(KPI.Direction.values)
    latest = KPI.objects.annotate(latest=Max("measurements__observed_at")).filter(
        latest__isnull=False
    )
    stale = [k for k in latest if k.latest < timezone.now() - timedelta(days=3 * k.cadence_days)]
    assert stale, "one KPI should be deliberately unmeasured for a while"


def test_it_seeds_the_experiments_the_demo_needs(seeded):
    concluded_ab = Experiment.objects.get(
        kind=Experiment.Kind.AB_TEST, status=Experiment.Status.CONCLUDED
    )
    assert (concluded_ab.control_n, concluded_ab.control_conversions) == (4000, 480)
    assert (concluded_ab.variant_n, concluded_ab.variant_conversions) == (4000, 540)
    assert concluded_ab.decision == Experiment.Decision.ROLL_OUT
    assert concluded_ab.product.stage == Stage.LAUNCHED
    assert Experiment.objects.filter(
        kind=Experiment.Kind.PILOT,
        status=Experiment.Status.CONCLUDED,
        metric_kind=Experiment.MetricKind.MEAN,
        variant_sd__isnull=False,
        product__stage__in=(Stage.PILOT, Stage.LAUNCHED),
    ).exists()
    assert Experiment.objects.filter(
        status=Experiment.Status.RUNNING, ends_on__gte=timezone.localdate()
    ).exists()
    assert Experiment.objects.filter(
        kind=Experiment.Kind.PILOT, ends_on__lt=timezone.localdate(), decision=""
    ).exists()
    # Every experiment with both arms' figures has its readout and plain-language sentence.
    with_figures = Experiment.objects.filter(control_n__isnull=False, variant_n__isnull=False)
    assert with_figures.exists()
    for experiment in with_figures:
        assert experiment.readout["sentence"].startswith("Variant")


def test_stage_gates_hold_for_every_product(seeded):
    for product in DataProduct.objects.all():
        if product.stage in BUILD_OR_LATER:
            assert DefinitionOfDone.objects.filter(product=product).exists(), product.slug
            assert product.kpis.filter(baseline__isnull=False, target__isnull=False).exists()
        if product.stage == Stage.LAUNCHED:
            rolled_out = product.experiments.filter(
                status=Experiment.Status.CONCLUDED, decision=Experiment.Decision.ROLL_OUT
            ).exists()
            overridden = (
                product.stage_changes.filter(to_stage=Stage.LAUNCHED)
                .exclude(override_reason="")
                .exists()
            )
            assert rolled_out or overridden, product.slug


def test_stage_history_walks_from_idea_to_the_current_stage(seeded):
    for product in DataProduct.objects.all():
        changes = list(product.stage_changes.order_by("created_at"))
        stages = [Stage.IDEA] + [change.to_stage for change in changes]
        assert stages[-1] == product.stage, product.slug
        assert all(c.from_stage == prev for c, prev in zip(changes, stages, strict=False))
        assert all(c.created_at < timezone.now() - timedelta(days=1) for c in changes)
    override = StageChange.objects.exclude(override_reason="").first()
    assert override.changed_by.username == "lead"


def test_it_leaves_some_products_unreviewed_for_a_long_time(seeded):
    now = timezone.now()
    reviewed = DataProduct.objects.exclude(last_reviewed_at=None)
    assert reviewed.filter(last_reviewed_at__gte=now - timedelta(days=30)).exists()
    assert reviewed.filter(
        last_reviewed_at__lt=now - timedelta(days=100),
        last_reviewed_at__gte=now - timedelta(days=200),
    ).exists()
    assert reviewed.filter(last_reviewed_at__lt=now - timedelta(days=200)).exists()


def test_service_level_checks_say_met_by_the_indicator_rule(seeded):
    checks = ServiceLevelCheck.objects.select_related("service_level")
    for check in checks:
        level = check.service_level
        if level.indicator == level.Indicator.FRESHNESS:
            assert check.met == (check.observed <= level.objective)
        else:
            assert check.met == (check.observed >= level.objective)
    assert 0 < checks.filter(met=False).count() < checks.count() / 5


def test_usage_is_weekly_and_one_product_lost_a_third_of_its_users(seeded):
    assert all(
        day.weekday() == 0 for day in UsageSnapshot.objects.values_list("week_start", flat=True)
    )
    dropped = []
    for product in DataProduct.objects.filter(usage__isnull=False).distinct():
        weeks = list(product.usage.order_by("-week_start").values_list("active_users", flat=True))
        if len(weeks) >= 5 and weeks[0] <= 0.7 * weeks[4]:
            dropped.append(product.slug)
    assert len(dropped) == 1


def test_its_health_figures_tell_the_truth(seeded):
    """No status from less than half the weights, and a product known only by its review says
    so, in its figures and in its history."""
    products = list(DataProduct.objects.all())
    for product in products:
        if product.health_coverage < 50:
            assert product.health_status in ("not_enough_data", "unknown"), product.name
    review_only = [
        p
        for p in products
        if [c["key"] for c in p.health_breakdown["components"] if c["value"] is not None]
        == ["review"]
    ]
    assert review_only
    for product in review_only:
        assert product.health_headline == "Not enough data — covers 10 of 100"
    for snapshot in ScoreSnapshot.objects.select_related("product"):
        assert (snapshot.health_status, snapshot.health_coverage) == (
            snapshot.product.health_status,
            snapshot.product.health_coverage,
        )


def test_the_demo_pm_owns_products_and_sits_on_another_team(seeded):
    pm = get_user_model().objects.get(username="pm")
    assert pm.owned_products.count() >= 3
    assert pm.team_products.exclude(owner=pm).exists()


@pytest.mark.parametrize("username", ["pm", "lead", "stakeholder", "admin"])
def test_demo_users_log_in(seeded, client, username):
    assert client.login(username=username, password="dpm-demo")


def test_admin_is_a_superuser_and_roles_are_groups(seeded):
    users = get_user_model().objects
    assert users.get(username="admin").is_superuser
    assert users.get(username="pm").groups.filter(name="PM").exists()
    assert users.get(username="lead").groups.filter(name="Lead").exists()
    assert users.get(username="stakeholder").groups.filter(name="Stakeholder").exists()


def test_running_twice_changes_nothing(seeded):
    before = row_counts()

    output = seed(force=True)

    assert row_counts() == before
    assert "already present" in output
    assert "0 of" in output


def test_it_keeps_the_password_of_an_existing_user(django_user_model):
    django_user_model.objects.create_user("pm", password="my-own-password")

    seed(force=True)

    assert django_user_model.objects.get(username="pm").check_password("my-own-password")


def _demo_rule_breaches() -> list[str]:
    """Every place where the demo shows something its own services would have refused: each
    recorded act is checked against the rights of who did it (ProductAccess, as the services
    check them) and against the rules that held when it was done."""
    from products.access import product_access
    from products.services import STAGE_ORDER

    breaches = []
    users = {user.pk: user for user in get_user_model().objects.all()}

    def access(user_id, product):
        return product_access(users[user_id], product) if user_id in users else None

    for product in DataProduct.objects.select_related("owner"):
        name = product.slug
        dod = DefinitionOfDone.objects.filter(product=product).first()
        criteria = list(dod.criteria.all()) if dod else []
        for criterion in criteria:
            if criterion.met != (criterion.checked_by_id is not None):
                breaches.append(f"{name}: criterion {criterion.text!r} met without who checked it")
            if criterion.checked_by_id and not access(criterion.checked_by_id, product).can_edit:
                who = users[criterion.checked_by_id].username
                breaches.append(f"{name}: {who} checked a criterion but may not edit the product")
        if dod and (dod.signed_off_at or dod.signed_off_by_id):
            required = [c for c in criteria if c.required]
            signer = access(dod.signed_off_by_id, product)
            if signer is None or not signer.is_lead:
                who = users[dod.signed_off_by_id].username if signer else "nobody"
                breaches.append(f"{name}: Definition of Done signed off by {who}, not a lead")
            if not required or not all(c.met for c in required):
                met = sum(c.met for c in required)
                breaches.append(f"{name}: signed off with {met} of {len(required)} required met")
            if dod.signed_off_at is None or any(
                c.checked_at and c.checked_at > dod.signed_off_at for c in criteria
            ):
                breaches.append(f"{name}: a criterion changed after the sign-off")

        kpis = list(product.kpis.filter(baseline__isnull=False, target__isnull=False))
        rolled_out = [
            e.decided_at
            for e in product.experiments.filter(
                status=Experiment.Status.CONCLUDED, decision=Experiment.Decision.ROLL_OUT
            )
        ]
        for experiment in product.experiments.exclude(decided_by=None):
            if not access(experiment.decided_by_id, product).can_edit:
                breaches.append(f"{name}: experiment decided by someone off the team")
        for change in product.stage_changes.order_by("created_at"):
            step = f"{name}: {change.from_stage} → {change.to_stage}"
            mover = access(change.changed_by_id, product)
            if mover is None or not mover.can_change_stage:
                breaches.append(f"{step} by someone who may not change its stage")
            start = (
                -1 if change.from_stage == Stage.RETIRED else STAGE_ORDER.index(change.from_stage)
            )
            end = STAGE_ORDER.index(change.to_stage) if change.to_stage != Stage.RETIRED else start
            passed = STAGE_ORDER[start + 1 : end + 1]
            gate_closed = (
                Stage.BUILD in passed
                and not (
                    dod
                    and dod.created_at <= change.created_at
                    and any(k.created_at <= change.created_at for k in kpis)
                )
            ) or (
                Stage.LAUNCHED in passed
                and not any(at and at <= change.created_at for at in rolled_out)
            )
            if gate_closed and not change.override_reason:
                breaches.append(f"{step} through a closed gate without an override")
            if change.override_reason and not gate_closed:
                breaches.append(f"{step} records an override of a gate that was open")
            if change.override_reason and not (mover and mover.can_override_gates):
                breaches.append(f"{step} overridden by someone who is not a lead")
        for review in product.reviews.exclude(reviewed_by=None):
            if not access(review.reviewed_by_id, product).can_review:
                breaches.append(f"{name}: reviewed by {users[review.reviewed_by_id].username}")
        for alert in product.alerts.exclude(acknowledged_by=None):
            if not access(alert.acknowledged_by_id, product).can_acknowledge_alerts:
                breaches.append(f"{name}: an alert acknowledged by someone who may not")
        for hypothesis in product.hypotheses.exclude(status_changed_by=None):
            if not access(hypothesis.status_changed_by_id, product).can_edit:
                breaches.append(f"{name}: a hypothesis moved by someone off the team")
    return breaches


def test_the_demo_obeys_its_own_rules(seeded):
    assert _demo_rule_breaches() == []
