"""A product's roadmap and its items (DESIGN.md §5, §7): who may read, add and edit, scoring on
every save with "why this score" on the item's page, bad input, and queries per page."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from discovery.models import Hypothesis
from products.access import product_access
from roadmaps.models import RoadmapItem, ScoreChange
from roadmaps.services import recompute_item_scores, roadmap_item_create, roadmap_item_update
from tests.db_helpers import update
from tests.discovery.factories import HypothesisFactory
from tests.helpers import client_for
from tests.products.factories import DataProductFactory
from tests.roadmaps.factories import (
    RoadmapItemFactory,
    ScoreChangeFactory,
    ScoringModelFactory,
)

pytestmark = pytest.mark.django_db

BASE = "/products/churn-radar/roadmap"
TEAM = ["pm", "team_member"]
READ_ONLY = ["other_pm", "stakeholder"]
READERS = [*TEAM, "lead", *READ_ONLY]
TEXT_FIELDS = ("title", "problem", "proposed_solution", "solution_type", "decision_note")

# DESIGN.md §5's worked example: 100 × 4 × 0.85 ÷ (M = 3 + 60,000 = 3) = 56.7.
WORKED_EXAMPLE_SENTENCE = (
    "Impact 4 × confidence 0.85 (mean of 1 validated and 1 testing hypothesis) × 100"
    " ÷ (effort M = 3 points + cost 60,000 = 3 points) = 56.7"
)


@pytest.fixture
def hypotheses(product):
    """A validated and a testing hypothesis: derived confidence (1.0 + 0.7) / 2 = 0.85."""
    return [
        HypothesisFactory(product=product, status=Hypothesis.Status.VALIDATED),
        HypothesisFactory(product=product, status=Hypothesis.Status.TESTING),
    ]


@pytest.fixture
def item(product, hypotheses):
    """The worked example, scored (56.7), proposed under Next."""
    item = RoadmapItemFactory(
        product=product,
        title="Rank the Monday call list by churn risk",
        impact=4,
        effort="M",
        build_cost=Decimal("50000"),
        run_cost_yearly=Decimal("10000"),
        hypotheses=hypotheses,
    )
    recompute_item_scores(product_ids=[product.pk])
    item.refresh_from_db()
    assert item.score == 56.7
    return item


@pytest.fixture
def elsewhere(pm):
    """An item of another product the same PM owns: visible to them, but not under churn-radar."""
    return RoadmapItemFactory(product=DataProductFactory(owner=pm), title="Not on churn radar")


def new_item_data(**changes) -> dict:
    """A complete, valid new-item form: the worked example without its hypotheses."""
    data = {
        "title": "Rank the Monday call list by churn risk",
        "problem": "Account managers rebuild the call list by hand every Monday.",
        "proposed_solution": "A ranked list in the CRM, refreshed before the Monday review.",
        "solution_type": "report_dashboard",
        "decision_note": "A sorted export went stale within a week.",
        "horizon": "next",
        "status": "proposed",
        "position": "0",
        "impact": "4",
        "reach": "",
        "effort": "M",
        "time_criticality": "",
        "risk_reduction": "",
        "build_cost": "50000",
        "run_cost_yearly": "10000",
        "confidence_override": "",
        "confidence_reason": "",
    }
    data.update(changes)
    return data


def edit_data(item, **changes) -> dict:
    """The edit form as the page fills it in for `item`, with `changes` on top."""
    data = {
        name: "" if getattr(item, name) is None else str(getattr(item, name))
        for name in (*TEXT_FIELDS, *RoadmapItem.PRIORITIZATION_FIELDS)
    }
    data["hypotheses"] = [h.pk for h in item.hypotheses.all()]
    data.update(changes)
    return data


def row(item) -> dict:
    """Every column of the item's row, and its links, as stored."""
    stored = RoadmapItem.objects.filter(pk=item.pk).values().get()
    stored["hypotheses"] = sorted(item.hypotheses.values_list("pk", flat=True))
    return stored


def text(response) -> str:
    """The page's text without tags, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def form_errors(response) -> dict:
    return response.context["form"].errors


# --- product_roadmap --------------------------------------------------------------------------


@pytest.mark.parametrize("who", READERS)
def test_it_shows_the_roadmap_to_everyone_who_may_see_the_product(request, item, who):
    response = client_for(request.getfixturevalue(who)).get(f"{BASE}/")
    assert response.status_code == 200
    assert "Rank the Monday call list by churn risk" in response.content.decode()


@pytest.mark.parametrize(
    ("who", "offered"), [("pm", True), ("lead", False), ("stakeholder", False)]
)
def test_it_offers_add_an_item_only_to_the_team(request, product, who, offered):
    response = client_for(request.getfixturevalue(who)).get(f"{BASE}/")
    assert (f'href="{BASE}/new/"' in response.content.decode()) is offered


def test_it_hides_the_roadmap_from_an_outsider(item, outsider):
    response = client_for(outsider).get(f"{BASE}/")
    assert response.status_code == 404
    assert b"Monday call list" not in response.content


def test_it_sends_anonymous_users_to_login_from_the_roadmap(item):
    response = Client().get(f"{BASE}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_ranks_open_items_per_horizon_best_first_and_lists_closed_ones_apart(product, lead):
    RoadmapItemFactory(product=product, title="Next low", horizon="next", score=12.5)
    RoadmapItemFactory(product=product, title="Next unscored", horizon="next", score=None)
    RoadmapItemFactory(product=product, title="Next high", horizon="next", score=56.7)
    RoadmapItemFactory(
        product=product, title="Now building", horizon="now", status="in_progress", score=8.0
    )
    RoadmapItemFactory(product=product, title="Now planned", horizon="now", status="planned")
    RoadmapItemFactory(product=product, title="Shipped", horizon="now", status="shipped", score=90)
    RoadmapItemFactory(product=product, title="Dropped", horizon="later", status="dropped")
    RoadmapItemFactory(title="Another product's item", horizon="now", score=99)

    response = client_for(lead).get(f"{BASE}/")

    assert response.status_code == 200
    columns = {c["horizon"]: [i.title for i in c["items"]] for c in response.context["columns"]}
    assert columns == {
        "now": ["Now building", "Now planned"],
        "next": ["Next high", "Next low", "Next unscored"],
        "later": [],
    }
    assert [i.title for i in response.context["closed"]] == ["Shipped", "Dropped"]
    page = response.content.decode()
    assert page.index("Next high") < page.index("Next low") < page.index("Next unscored")
    assert "Another product" not in page


# --- item_detail ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", READERS)
def test_it_shows_an_item_to_everyone_who_may_see_the_product(request, item, who):
    response = client_for(request.getfixturevalue(who)).get(f"{BASE}/{item.pk}/")
    assert response.status_code == 200
    assert response.context["item"] == item
    assert "56.7" in response.content.decode()


@pytest.mark.parametrize(
    ("who", "offered"),
    [
        ("pm", True),
        ("team_member", True),
        ("lead", True),
        ("other_pm", False),
        ("stakeholder", False),
    ],
)
def test_it_offers_edit_only_to_the_team_and_leads(request, item, who, offered):
    response = client_for(request.getfixturevalue(who)).get(f"{BASE}/{item.pk}/")
    assert (f'href="{BASE}/{item.pk}/edit/"' in response.content.decode()) is offered


def test_it_hides_an_item_from_an_outsider(item, outsider):
    response = client_for(outsider).get(f"{BASE}/{item.pk}/")
    assert response.status_code == 404
    assert b"Monday call list" not in response.content


def test_it_sends_anonymous_users_to_login_from_an_item(item):
    response = Client().get(f"{BASE}/{item.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_does_not_show_another_products_item_under_this_product(pm, product, elsewhere):
    response = client_for(pm).get(f"{BASE}/{elsewhere.pk}/")
    assert response.status_code == 404
    assert b"Not on churn radar" not in response.content


def test_it_answers_404_for_an_item_that_does_not_exist(pm, product):
    assert client_for(pm).get(f"{BASE}/999999/").status_code == 404


# --- item_new ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", TEAM)
def test_it_shows_the_team_the_new_item_form(request, product, hypotheses, who):
    response = client_for(request.getfixturevalue(who)).get(f"{BASE}/new/")
    assert response.status_code == 200
    page = response.content.decode()
    for name in ("title", "problem", "impact", "effort", "hypotheses"):
        assert f'name="{name}"' in page


@pytest.mark.parametrize("who", TEAM)
def test_it_lets_the_team_add_an_item(request, product, who):
    user = request.getfixturevalue(who)
    response = client_for(user).post(f"{BASE}/new/", new_item_data(title="A new one"))

    made = RoadmapItem.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{BASE}/{made.pk}/"
    assert (made.product, made.title, made.impact, made.effort) == (product, "A new one", 4, "M")
    assert made.build_cost == Decimal("50000")
    assert ScoreChange.objects.get(item=made).changed_by == user


@pytest.mark.parametrize("who", ["lead", *READ_ONLY])
def test_it_refuses_new_items_to_leads_and_read_only_users(request, product, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(f"{BASE}/new/").status_code == 403
    assert client.post(f"{BASE}/new/", new_item_data()).status_code == 403
    assert not RoadmapItem.objects.exists()


def test_it_hides_the_new_item_form_from_an_outsider(product, outsider):
    client = client_for(outsider)
    assert client.get(f"{BASE}/new/").status_code == 404
    assert client.post(f"{BASE}/new/", new_item_data()).status_code == 404
    assert not RoadmapItem.objects.exists()


def test_it_sends_anonymous_users_to_login_from_the_new_item_form(product):
    for response in (Client().get(f"{BASE}/new/"), Client().post(f"{BASE}/new/", new_item_data())):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert not RoadmapItem.objects.exists()


def test_the_service_refuses_a_lead_creating_an_item(product, lead):
    with pytest.raises(PermissionDenied):
        roadmap_item_create(
            access=product_access(lead, product),
            user=lead,
            item=RoadmapItem(title="Sneaked in", solution_type="mvp", impact=3, effort="S"),
        )
    assert not RoadmapItem.objects.exists()


# --- scoring on create and edit (DESIGN.md §5) ------------------------------------------------


def test_it_scores_a_new_item_with_the_active_model_at_once(pm, product, hypotheses):
    client = client_for(pm)
    response = client.post(f"{BASE}/new/", new_item_data(hypotheses=[h.pk for h in hypotheses]))

    made = RoadmapItem.objects.get()
    assert response.status_code == 302
    assert made.score == 56.7
    assert made.score_breakdown["framework"] == "iec"
    assert made.score_breakdown["explanation"][0] == WORKED_EXAMPLE_SENTENCE
    assert sorted(made.hypotheses.values_list("pk", flat=True)) == [h.pk for h in hypotheses]
    change = ScoreChange.objects.get(item=made)
    assert (change.previous_score, change.score, change.changed_by) == (None, 56.7, pm)

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert '<p class="score-big">56.7' in page.content.decode()
    assert WORKED_EXAMPLE_SENTENCE in text(page)
    assert "first scored 56.7" in text(page)


def test_it_scores_a_new_item_with_whichever_model_is_active(pm, product, hypotheses):
    ScoringModelFactory(active=True, framework="rice")

    client_for(pm).post(
        f"{BASE}/new/", new_item_data(reach="40", hypotheses=[h.pk for h in hypotheses])
    )

    made = RoadmapItem.objects.get()
    # RICE: reach 40 × impact 2 (4 on 1–5) × confidence 0.85 ÷ 1 person-month (M).
    assert made.score_breakdown["framework"] == "rice"
    assert made.score == 68.0


def test_editing_only_the_words_records_no_score_change(pm, item):
    history = item.score_changes.count()

    response = client_for(pm).post(
        f"{BASE}/{item.pk}/edit/", edit_data(item, title="Call the riskiest accounts first")
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.score) == ("Call the riskiest accounts first", 56.7)
    assert item.score_changes.count() == history


@pytest.mark.parametrize("who", TEAM)
def test_it_rescores_when_the_effort_changes_and_shows_how_the_score_moved(
    request, item, hypotheses, who
):
    user = request.getfixturevalue(who)
    client = client_for(user)

    response = client.post(f"{BASE}/{item.pk}/edit/", edit_data(item, effort="XXL"))

    assert response.status_code == 302
    assert response["Location"] == f"{BASE}/{item.pk}/"
    item.refresh_from_db()
    # 100 × 4 × 0.85 ÷ (XXL = 13 + 3) = 21.25, rounded half up.
    assert (item.effort, item.score) == ("XXL", 21.3)
    latest = item.score_changes.first()
    assert (latest.previous_score, latest.score) == (56.7, 21.3)
    assert latest.changed_inputs == ["effort"]
    assert latest.changed_by == user

    page = text(client.get(f"{BASE}/{item.pk}/"))
    assert "56.7 → 21.3" in page
    assert "because effort changed" in page


# --- item_edit --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", TEAM)
def test_it_shows_the_team_the_whole_edit_form(request, item, who):
    response = client_for(request.getfixturevalue(who)).get(f"{BASE}/{item.pk}/edit/")
    assert response.status_code == 200
    page = response.content.decode()
    for name in (*TEXT_FIELDS, "hypotheses", *RoadmapItem.PRIORITIZATION_FIELDS):
        assert f'name="{name}"' in page


@pytest.mark.parametrize("who", TEAM)
def test_it_lets_the_team_edit_everything(request, item, hypotheses, who):
    response = client_for(request.getfixturevalue(who)).post(
        f"{BASE}/{item.pk}/edit/",
        edit_data(
            item,
            title="Rank the call list daily",
            problem="The list is stale by Wednesday.",
            horizon="now",
            impact="5",
            hypotheses=[hypotheses[0].pk],
        ),
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.title == "Rank the call list daily"
    assert item.problem == "The list is stale by Wednesday."
    assert (item.horizon, item.impact) == ("now", 5)
    assert list(item.hypotheses.all()) == [hypotheses[0]]
    # 100 × 5 × 1.0 (one validated hypothesis) ÷ 6.
    assert item.score == 83.3


def test_it_shows_a_lead_the_prioritization_fields_only(item, lead):
    response = client_for(lead).get(f"{BASE}/{item.pk}/edit/")

    assert response.status_code == 200
    page = response.content.decode()
    for name in RoadmapItem.PRIORITIZATION_FIELDS:
        assert f'name="{name}"' in page
    for name in (*TEXT_FIELDS, "hypotheses"):
        assert f'name="{name}"' not in page
    assert "As a lead you set priorities" in page


def test_it_saves_a_leads_priorities_and_ignores_a_posted_title(item, hypotheses, lead):
    before = row(item)

    response = client_for(lead).post(
        f"{BASE}/{item.pk}/edit/",
        edit_data(
            item,
            title="Renamed by the lead",
            problem="Rewritten by the lead",
            hypotheses=[],
            horizon="now",
            status="planned",
            impact="5",
            position="2",
        ),
    )

    assert response.status_code == 302
    after = row(item)
    for name in (*TEXT_FIELDS, "hypotheses"):
        assert after[name] == before[name], name
    assert (after["horizon"], after["status"], after["impact"], after["position"]) == (
        "now",
        "planned",
        5,
        2,
    )
    # 100 × 5 × 0.85 ÷ 6: rescored with the links the lead could not touch.
    assert after["score"] == 70.8
    assert item.score_changes.first().changed_by == lead


def test_the_service_refuses_a_lead_changing_anything_but_priorities(item, lead):
    before = row(item)
    item.title = "Renamed by the lead"
    item.impact = 5

    with pytest.raises(PermissionDenied):
        roadmap_item_update(
            access=product_access(lead, item.product),
            user=lead,
            item=item,
            fields=["title", "impact"],
        )

    assert row(item) == before


def test_the_service_refuses_a_lead_relinking_hypotheses(item, lead):
    before = row(item)

    with pytest.raises(PermissionDenied):
        roadmap_item_update(
            access=product_access(lead, item.product),
            user=lead,
            item=item,
            fields=["impact"],
            hypotheses=[],
        )

    assert row(item) == before


@pytest.mark.parametrize("who", READ_ONLY)
def test_the_service_refuses_read_only_users_even_priorities(request, item, who):
    user = request.getfixturevalue(who)
    before = row(item)
    item.impact = 1

    with pytest.raises(PermissionDenied):
        roadmap_item_update(
            access=product_access(user, item.product), user=user, item=item, fields=["impact"]
        )

    assert row(item) == before


@pytest.mark.parametrize("who", READ_ONLY)
def test_it_refuses_edits_to_read_only_users(request, item, who):
    before = row(item)
    client = client_for(request.getfixturevalue(who))

    assert client.get(f"{BASE}/{item.pk}/edit/").status_code == 403
    response = client.post(f"{BASE}/{item.pk}/edit/", edit_data(item, title="Renamed", impact="1"))

    assert response.status_code == 403
    assert row(item) == before


def test_it_hides_the_edit_form_from_an_outsider(item, outsider):
    before = row(item)
    client = client_for(outsider)

    assert client.get(f"{BASE}/{item.pk}/edit/").status_code == 404
    assert client.post(f"{BASE}/{item.pk}/edit/", edit_data(item, title="X")).status_code == 404
    assert row(item) == before


def test_it_sends_anonymous_users_to_login_from_the_edit_form(item):
    before = row(item)
    for response in (
        Client().get(f"{BASE}/{item.pk}/edit/"),
        Client().post(f"{BASE}/{item.pk}/edit/", edit_data(item, title="X")),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert row(item) == before


@pytest.mark.parametrize("who", ["pm", "lead"])
def test_it_does_not_edit_another_products_item_under_this_product(
    request, product, elsewhere, who
):
    before = row(elsewhere)
    client = client_for(request.getfixturevalue(who))

    assert client.get(f"{BASE}/{elsewhere.pk}/edit/").status_code == 404
    response = client.post(f"{BASE}/{elsewhere.pk}/edit/", edit_data(elsewhere, impact="1"))

    assert response.status_code == 404
    assert row(elsewhere) == before


# --- status_changed_at ------------------------------------------------------------------------

LONG_AGO = datetime.datetime(2024, 1, 15, 9, 30, tzinfo=datetime.UTC)


def test_a_new_item_starts_its_status_clock(pm, product):
    client_for(pm).post(f"{BASE}/new/", new_item_data())
    assert RoadmapItem.objects.get().status_changed_at is not None


@pytest.mark.parametrize("who", ["pm", "lead"])
def test_changing_the_status_restarts_its_clock(request, item, who):
    update(item, status_changed_at=LONG_AGO)

    response = client_for(request.getfixturevalue(who)).post(
        f"{BASE}/{item.pk}/edit/", edit_data(item, status="in_progress")
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "in_progress"
    assert item.status_changed_at > LONG_AGO


@pytest.mark.parametrize("who", ["pm", "lead"])
def test_editing_without_changing_the_status_leaves_its_clock(request, item, who):
    update(item, status_changed_at=LONG_AGO)

    response = client_for(request.getfixturevalue(who)).post(
        f"{BASE}/{item.pk}/edit/", edit_data(item, impact="2", horizon="later")
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.impact == 2
    assert item.status_changed_at == LONG_AGO


# --- bad input (DESIGN.md §10): a form error, never a 500, never a partial write ---------------

BAD_INPUT = [
    pytest.param({"impact": "0"}, "impact", id="impact-0"),
    pytest.param({"impact": "6"}, "impact", id="impact-6"),
    pytest.param({"effort": "XXXL"}, "effort", id="effort-XXXL"),
    pytest.param({"build_cost": "-1"}, "build_cost", id="negative-build-cost"),
    pytest.param({"run_cost_yearly": "-500"}, "run_cost_yearly", id="negative-run-cost"),
    pytest.param(
        {"confidence_override": "1.5", "confidence_reason": "Gut feeling"},
        "confidence_override",
        id="confidence-1.5",
    ),
    pytest.param(
        {"confidence_override": "0.9", "confidence_reason": "  "},
        "confidence_reason",
        id="override-without-reason",
    ),
    pytest.param({"title": ""}, "title", id="missing-title"),
]


@pytest.mark.parametrize(("changes", "field"), BAD_INPUT)
def test_it_rejects_a_bad_new_item(pm, product, changes, field):
    response = client_for(pm).post(f"{BASE}/new/", new_item_data(**changes))

    assert response.status_code == 200
    assert field in form_errors(response)
    assert not RoadmapItem.objects.exists()
    assert not ScoreChange.objects.exists()


@pytest.mark.parametrize(("changes", "field"), BAD_INPUT)
def test_it_rejects_a_bad_edit(pm, item, changes, field):
    before, history = row(item), item.score_changes.count()

    response = client_for(pm).post(f"{BASE}/{item.pk}/edit/", edit_data(item, **changes))

    assert response.status_code == 200
    assert field in form_errors(response)
    assert row(item) == before
    assert item.score_changes.count() == history


@pytest.mark.parametrize(("changes", "field"), [p for p in BAD_INPUT if p.id != "missing-title"])
def test_it_rejects_a_leads_bad_priorities(lead, item, changes, field):
    before, history = row(item), item.score_changes.count()

    response = client_for(lead).post(f"{BASE}/{item.pk}/edit/", edit_data(item, **changes))

    assert response.status_code == 200
    assert field in form_errors(response)
    assert row(item) == before
    assert item.score_changes.count() == history


@pytest.mark.parametrize("bad", ["foreign", "999999", "not-an-id"])
def test_it_refuses_to_link_another_products_hypothesis_to_a_new_item(pm, product, hypotheses, bad):
    if bad == "foreign":
        bad = HypothesisFactory(product=DataProductFactory(owner=pm)).pk

    response = client_for(pm).post(
        f"{BASE}/new/", new_item_data(hypotheses=[hypotheses[0].pk, bad])
    )

    assert response.status_code == 200
    assert "hypotheses" in form_errors(response)
    assert not RoadmapItem.objects.exists()


def test_it_refuses_to_link_another_products_hypothesis_to_an_item(pm, item):
    foreign = HypothesisFactory(product=DataProductFactory(owner=pm))
    before = row(item)

    response = client_for(pm).post(
        f"{BASE}/{item.pk}/edit/", edit_data(item, hypotheses=[foreign.pk], impact="1")
    )

    assert response.status_code == 200
    assert "hypotheses" in form_errors(response)
    assert row(item) == before


# --- queries per page (DESIGN.md §10) ---------------------------------------------------------


@pytest.mark.parametrize("size", [3, 60])
def test_the_roadmap_query_count_does_not_grow(django_assert_num_queries, pm, product, size):
    RoadmapItem.objects.bulk_create(
        RoadmapItemFactory.build(
            product=product,
            horizon=("now", "next", "later")[n % 3],
            status=("proposed", "in_progress", "shipped", "dropped")[n % 4],
            score=n,
        )
        for n in range(size)
    )
    client = client_for(pm)
    # session, user, the user's roles, product (owner, tech lead, domain, team flag), the items.
    with django_assert_num_queries(5):
        response = client.get(f"{BASE}/")
    assert response.status_code == 200
    shown = sum(len(c["items"]) for c in response.context["columns"])
    assert shown + len(response.context["closed"]) == size


@pytest.mark.parametrize("links", [1, 30])
def test_the_item_query_count_does_not_grow_with_hypotheses(
    django_assert_num_queries, pm, product, links
):
    item = RoadmapItemFactory(
        product=product, hypotheses=HypothesisFactory.create_batch(links, product=product)
    )
    recompute_item_scores(product_ids=[product.pk])
    client = client_for(pm)
    # session, user, roles, product (owner, tech lead, domain, team flag), the item, the
    # hypotheses with their evidence balance, the score history (changed_by joined).
    with django_assert_num_queries(7):
        response = client.get(f"{BASE}/{item.pk}/")
    assert response.status_code == 200
    assert len(response.context["hypotheses"]) == links


@pytest.mark.parametrize("changes", [1, 30])
def test_the_item_query_count_does_not_grow_with_history(
    django_assert_num_queries, pm, product, changes
):
    item = RoadmapItemFactory(product=product)
    ScoreChangeFactory.create_batch(changes, item=item, changed_by=pm)
    client = client_for(pm)
    # As above: session, user, roles, product, item, the hypotheses with their balance, the
    # history (changed_by joined; the page shows at most 20 changes).
    with django_assert_num_queries(7):
        response = client.get(f"{BASE}/{item.pk}/")
    assert response.status_code == 200
    assert len(response.context["history"]) == min(changes, 20)
