import re
from html import unescape

import pytest
from django.test import Client

from products.models import DataProduct, ProductReview, StageChange
from tests.helpers import client_for
from tests.metrics.factories import DefinitionOfDoneFactory, KPIFactory
from tests.products.factories import DataProductFactory, UserFactory

pytestmark = pytest.mark.django_db


# --- the portfolio overview ------------------------------------------------------------------


@pytest.mark.parametrize("who", ["pm", "team_member", "other_pm", "lead", "stakeholder"])
def test_it_lists_the_product_for_everyone_who_may_see_it(request, product, who):
    response = client_for(request.getfixturevalue(who)).get("/")
    assert response.status_code == 200
    assert b"Churn radar" in response.content
    assert b"/products/churn-radar/" in response.content


def test_it_hides_products_from_an_outsider(product, outsider):
    response = client_for(outsider).get("/")
    assert response.status_code == 200
    assert b"Churn radar" not in response.content


def test_it_shows_a_team_member_without_role_only_their_products(product, team_member):
    DataProductFactory(name="Someone else's model")
    response = client_for(team_member).get("/")
    assert b"Churn radar" in response.content
    assert b"Someone else&#x27;s model" not in response.content


def test_it_sends_anonymous_users_to_login(product):
    for url in ["/", "/products/churn-radar/"]:
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_it_filters_the_portfolio(pm):
    DataProductFactory(name="Churn radar", kind=DataProduct.Kind.DASHBOARD, owner=pm)
    DataProductFactory(name="Demand forecast", kind=DataProduct.Kind.ML_MODEL, owner=pm)
    response = client_for(pm).get("/?kind=ml_model")
    assert b"Demand forecast" in response.content
    assert b"Churn radar" not in response.content


def test_it_ignores_an_unknown_filter_value(pm, product):
    response = client_for(pm).get("/?kind=spaceship&domain=nope")
    assert response.status_code == 200
    assert b"Churn radar" in response.content


# --- the product overview --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "can_edit", "can_move"),
    [
        ("pm", True, True),
        ("team_member", True, True),
        ("other_pm", False, False),
        ("lead", False, True),
        ("stakeholder", False, False),
    ],
)
def test_it_shows_the_product_with_the_right_controls(request, product, who, can_edit, can_move):
    response = client_for(request.getfixturevalue(who)).get("/products/churn-radar/")
    assert response.status_code == 200
    assert b"Churn radar" in response.content
    assert b"Spot churn risk early" in response.content
    assert (b"/products/churn-radar/edit/" in response.content) is can_edit
    assert (b'action="/products/churn-radar/stage/"' in response.content) is can_move


def test_it_offers_the_override_only_to_leads(product, pm, lead):
    assert b"override_reason" not in client_for(pm).get("/products/churn-radar/").content
    assert b"override_reason" in client_for(lead).get("/products/churn-radar/").content


def stage_options(content: bytes) -> dict[str, str]:
    """The stage form's options: value → the option tag as rendered (attributes and label)."""
    html = content.decode()
    select = html[
        html.index('name="to_stage"') : html.index("</select>", html.index('name="to_stage"'))
    ]
    options = re.findall(r'<option value="([a-z]*)"([^>]*)>([^<]*)</option>', select)
    return {value: f"{attrs.strip()} {unescape(label)}".strip() for value, attrs, label in options}


BUILD_CLOSED = (
    "Build — gate closed: Build needs a Definition of Done and a KPI with both a baseline and a "
    "target"
)


def test_the_stage_form_says_which_moves_a_gate_refuses_and_why_before_the_click(product, pm):
    options = stage_options(client_for(pm).get("/products/churn-radar/").content)
    # Discovery: definition is open; build and beyond are behind a closed gate, and a PM may
    # not choose them at all.
    assert options["definition"] == "selected Definition"
    assert options["build"] == f"disabled {BUILD_CLOSED}"
    assert options["launched"] == (
        "disabled Launched — gate closed: Build needs a Definition of Done and a KPI with both a "
        "baseline and a target; Launch needs a concluded pilot or experiment decided “roll out”"
    )
    assert options["idea"] == "Idea"  # no gate going back
    assert options["retired"] == "Retired"


def test_a_lead_sees_a_closed_gate_as_an_override_with_a_reason(product, lead):
    content = client_for(lead).get("/products/churn-radar/").content
    options = stage_options(content)
    assert options["build"] == f"{BUILD_CLOSED} (a lead may override it, with a reason)"
    assert b"override it: give the reason" in content


@pytest.mark.parametrize(
    ("who", "says"),
    [
        ("pm", "Only a lead can move past a closed gate"),
        ("lead", "As a lead you may move past a closed gate: that is an override"),
    ],
)
def test_the_stage_form_names_each_closed_gate_beside_the_button(request, product, who, says):
    """A long option label is cut off in the closed select: the form says it in full too."""
    content = client_for(request.getfixturevalue(who)).get("/products/churn-radar/").content
    form = content.decode().split('class="stage-form"')[1].split("</form>")[0]
    note = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", form))
    assert "Build needs a Definition of Done and a KPI with both a baseline and a target" in note
    assert "Launch needs a concluded pilot or experiment decided “roll out”" in note
    assert says in note


def test_an_open_gate_is_offered_plainly(product, pm):
    DataProduct.objects.filter(pk=product.pk).update(stage="definition")
    DefinitionOfDoneFactory(product=product)
    KPIFactory(product=product)
    options = stage_options(client_for(pm).get("/products/churn-radar/").content)
    assert options["build"] == "selected Build"
    assert options["pilot"] == "Pilot"
    assert options["launched"].startswith("disabled Launched — gate closed: Launch needs")


def test_a_pm_whose_next_stage_is_closed_is_not_handed_a_move_backwards(product, pm):
    DataProduct.objects.filter(pk=product.pk).update(stage="definition")
    options = stage_options(client_for(pm).get("/products/churn-radar/").content)
    assert options["build"].startswith("disabled ")
    # Nothing chosen: "Change stage" cannot move the product back to Idea by default.
    assert options[""] == "selected Choose a stage…"


def test_it_returns_404_to_an_outsider(product, outsider):
    assert client_for(outsider).get("/products/churn-radar/").status_code == 404


def test_it_returns_404_for_an_unknown_product(pm):
    assert client_for(pm).get("/products/nope/").status_code == 404


def test_it_shows_people_and_stage_history(product, pm, team_member):
    StageChange.objects.create(
        product=product, from_stage="idea", to_stage="discovery", changed_by=pm, note="Kick-off"
    )
    content = client_for(pm).get("/products/churn-radar/").content.decode()
    assert "Team Member" in content  # the team member's full name
    assert "Kick-off" in content
    assert "Idea → <strong>Discovery</strong>" in content


# --- creating and editing ----------------------------------------------------------------------


def test_it_lets_a_pm_create_a_product(pm):
    response = client_for(pm).post(
        "/products/new/",
        {
            "name": "Revenue metrics",
            "kind": "metric_layer",
            "stage": "idea",
            "priority": "high",
            "owner": pm.pk,
        },
    )
    product = DataProduct.objects.get(name="Revenue metrics")
    assert response.status_code == 302
    assert response["Location"] == "/products/revenue-metrics/"
    assert product.slug == "revenue-metrics"
    assert product.owner == pm


def test_it_derives_a_unique_slug(pm, product):
    client_for(pm).post(
        "/products/new/",
        {
            "name": "Churn radar",
            "kind": "dashboard",
            "stage": "idea",
            "priority": "low",
            "owner": pm.pk,
        },
    )
    assert DataProduct.objects.filter(slug="churn-radar-2").exists()


def test_it_refuses_to_create_a_product_past_the_gates(pm):
    response = client_for(pm).post(
        "/products/new/",
        {
            "name": "Shortcut",
            "kind": "dashboard",
            "stage": "launched",
            "priority": "low",
            "owner": pm.pk,
        },
    )
    assert response.status_code == 200
    assert b"Select a valid choice" in response.content
    assert not DataProduct.objects.filter(name="Shortcut").exists()


def test_it_shows_form_errors_for_bad_input(pm):
    response = client_for(pm).post(
        "/products/new/", {"name": "", "kind": "spaceship", "target_users": "-3"}
    )
    assert response.status_code == 200
    assert b"This field is required" in response.content
    assert DataProduct.objects.count() == 0


@pytest.mark.parametrize("who", ["lead", "stakeholder", "outsider"])
def test_it_refuses_product_creation_to_non_pms(request, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get("/products/new/").status_code == 403
    response = client.post(
        "/products/new/", {"name": "X", "kind": "dashboard", "stage": "idea", "priority": "low"}
    )
    assert response.status_code == 403
    assert DataProduct.objects.count() == 0


@pytest.mark.parametrize("who", ["pm", "team_member"])
def test_it_lets_the_team_edit_the_product(request, product, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get("/products/churn-radar/edit/").status_code == 200
    response = client.post(
        "/products/churn-radar/edit/",
        {
            "name": "Churn radar",
            "slug": "churn-radar",
            "kind": "dashboard",
            "priority": "high",
            "owner": product.owner_id,
            "purpose": "New purpose",
            "target_users": "55",
        },
    )
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.purpose == "New purpose"
    assert product.target_users == 55
    assert product.priority == "high"


@pytest.mark.parametrize(
    ("who", "status"), [("other_pm", 403), ("lead", 403), ("stakeholder", 403), ("outsider", 404)]
)
def test_it_refuses_edits_from_outside_the_team(request, product, who, status):
    client = client_for(request.getfixturevalue(who))
    assert client.get("/products/churn-radar/edit/").status_code == status
    response = client.post(
        "/products/churn-radar/edit/",
        {
            "name": "Hijacked",
            "slug": "churn-radar",
            "kind": "dashboard",
            "priority": "high",
            "owner": product.owner_id,
        },
    )
    assert response.status_code == status
    product.refresh_from_db()
    assert product.name == "Churn radar"


def test_it_refuses_a_slug_taken_by_another_product(pm, product):
    DataProductFactory(slug="taken", owner=pm)
    response = client_for(pm).post(
        "/products/churn-radar/edit/",
        {
            "name": "Churn radar",
            "slug": "taken",
            "kind": "dashboard",
            "priority": "high",
            "owner": pm.pk,
        },
    )
    assert response.status_code == 200
    assert b"already exists" in response.content
    product.refresh_from_db()
    assert product.slug == "churn-radar"


# --- stage changes -----------------------------------------------------------------------------


def test_it_moves_a_product_and_records_who_and_why(product, pm):
    response = client_for(pm).post(
        "/products/churn-radar/stage/", {"to_stage": "definition", "note": "Problem is clear"}
    )
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.stage == "definition"
    change = StageChange.objects.get(product=product)
    assert (change.from_stage, change.to_stage, change.changed_by, change.note) == (
        "discovery",
        "definition",
        pm,
        "Problem is clear",
    )
    assert change.override_reason == ""


def test_it_shows_the_gate_refusal_on_the_full_page(product, pm):
    response = client_for(pm).post("/products/churn-radar/stage/", {"to_stage": "build"})
    assert response.status_code == 200
    assert b"<html" in response.content
    assert b"Not moved to Build" in response.content
    assert b"Build needs a Definition of Done" in response.content
    product.refresh_from_db()
    assert product.stage == "discovery"
    assert not StageChange.objects.exists()


def test_it_answers_htmx_with_the_stage_panel_only(product, pm):
    response = client_for(pm).post(
        "/products/churn-radar/stage/", {"to_stage": "definition"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b'id="stage-panel"' in response.content
    assert b"Discovery \xe2\x86\x92 <strong>Definition</strong>" in response.content


def test_it_answers_a_refused_htmx_move_with_the_panel_and_reasons(product, pm):
    response = client_for(pm).post(
        "/products/churn-radar/stage/", {"to_stage": "launched"}, HTTP_HX_REQUEST="true"
    )
    assert b"<html" not in response.content
    assert b"Launch needs a concluded pilot" in response.content


def test_it_ignores_an_override_reason_from_a_pm(product, pm):
    client_for(pm).post(
        "/products/churn-radar/stage/", {"to_stage": "build", "override_reason": "trust me"}
    )
    product.refresh_from_db()
    assert product.stage == "discovery"


def test_it_records_a_leads_override(product, lead):
    response = client_for(lead).post(
        "/products/churn-radar/stage/",
        {"to_stage": "build", "override_reason": "Regulator deadline; DoD follows this week"},
    )
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.stage == "build"
    change = StageChange.objects.get(product=product)
    assert change.override_reason == "Regulator deadline; DoD follows this week"
    assert change.changed_by == lead


def test_it_rejects_an_unknown_stage(product, pm):
    response = client_for(pm).post("/products/churn-radar/stage/", {"to_stage": "moon"})
    assert response.status_code == 200
    assert b"Select a valid choice" in response.content
    assert not StageChange.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"), [("other_pm", 403), ("stakeholder", 403), ("outsider", 404)]
)
def test_it_refuses_stage_changes_from_outside_the_team(request, product, who, status):
    response = client_for(request.getfixturevalue(who)).post(
        "/products/churn-radar/stage/", {"to_stage": "definition"}
    )
    assert response.status_code == status
    product.refresh_from_db()
    assert product.stage == "discovery"


def test_it_refuses_get_on_the_stage_endpoint(product, pm):
    assert client_for(pm).get("/products/churn-radar/stage/").status_code == 405


# --- health check and login --------------------------------------------------------------------


def test_healthz_answers_without_login():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def test_it_logs_a_user_in_and_out(pm):
    client = Client()
    response = client.post("/accounts/login/", {"username": "pm", "password": "pw-for-tests"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


def test_it_refuses_a_wrong_password(pm):
    response = Client().post("/accounts/login/", {"username": "pm", "password": "nope"})
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content


# --- query counts ------------------------------------------------------------------------------


def _portfolio(size: int, owner):
    domain_owner = UserFactory()
    for _ in range(size):
        DataProductFactory(owner=owner, domain__owner=domain_owner)


# The portfolio's query count is pinned in test_portfolio.py, at 10 and 1,000 products.


# session, user, product with the user's team membership, roles, team, stakeholders, history,
# the last five reviews (with their reviewers) and the open alert counts (one aggregate: +1 since
# the alerts page's issue); then one query for what every gate on the way forward reads (the
# stage form says which stages a gate refuses), none when no move passes a gate (launched).
@pytest.mark.parametrize(
    ("stage", "expected"), [("discovery", 10), ("definition", 10), ("pilot", 10), ("launched", 9)]
)
@pytest.mark.parametrize("size", [10, 200])
def test_the_product_page_query_count_does_not_grow(
    django_assert_num_queries, pm, size, stage, expected
):
    _portfolio(size, pm)
    product = DataProduct.objects.first()
    DataProduct.objects.filter(pk=product.pk).update(stage=stage)
    for user in UserFactory.create_batch(size // 10):
        product.team_members.add(user)
        product.stakeholders.add(user)
        StageChange.objects.create(
            product=product, from_stage="idea", to_stage="discovery", changed_by=user
        )
        ProductReview.objects.create(product=product, reviewed_by=user, note="All good")
    client = client_for(pm)
    with django_assert_num_queries(expected):
        response = client.get(f"/products/{product.slug}/")
    assert response.status_code == 200
    assert response.content.count(b'class="timeline"') == 1
    assert response.content.count(b"All good") == min(size // 10, 5)
