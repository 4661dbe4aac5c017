import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from discovery.models import Why, WhyChain
from discovery.services import why_shift
from products.access import product_access
from roadmaps import services as roadmap_services
from roadmaps.models import RoadmapItem
from tests.discovery.factories import WhyChainFactory, WhyFactory
from tests.helpers import client_for
from tests.products.factories import DataProductFactory
from tests.roadmaps.factories import RoadmapItemFactory

pytestmark = pytest.mark.django_db

BASE = "/products/churn-radar/discovery/whys"
EDITORS = ["pm", "team_member"]
READ_ONLY = ["other_pm", "lead", "stakeholder"]
ITEM = {"title": "Send the churn list on Friday", "solution_type": "process_change"}


@pytest.fixture
def chain(product):
    return WhyChainFactory(product=product, problem="Account managers call churning accounts late.")


@pytest.fixture
def whys(chain):
    """Three whys, numbered 1..3."""
    return [
        WhyFactory(chain=chain, text=text)
        for text in (
            "Churn lists arrive after the Monday review.",
            "Exports run on Monday morning.",
            "Nobody owns the export schedule.",
        )
    ]


def ladder(chain) -> list[tuple[int, str]]:
    """The chain's whys as (position, first word of the text), in order."""
    return [(why.position, why.text.split()[0].lower()) for why in chain.whys.all()]


def item_data(**overrides) -> dict:
    return {**ITEM, "impact": "4", "effort": "S", **overrides}


def hx(client: Client, url: str, data: dict | None = None):
    return client.post(url, data or {}, HTTP_HX_REQUEST="true")


# --- reading -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", [*EDITORS, *READ_ONLY])
def test_it_lists_chains_to_everyone_who_sees_the_product(request, chain, whys, who):
    response = client_for(request.getfixturevalue(who)).get(f"{BASE}/")
    assert response.status_code == 200
    assert b"Account managers call churning accounts late." in response.content
    assert b"3 whys" in response.content
    assert (b'action="/products/churn-radar/discovery/whys/new/"' in response.content) is (
        who in EDITORS
    )


@pytest.mark.parametrize("who", [*EDITORS, *READ_ONLY])
def test_it_shows_the_chain_as_a_ladder(request, chain, whys, who):
    chain.root_cause = "Nobody owns the export schedule."
    chain.save()
    response = client_for(request.getfixturevalue(who)).get(f"{BASE}/{chain.pk}/")
    content = response.content.decode()
    assert response.status_code == 200
    order = ["Problem", "Why 1", "Why 2", "Why 3", "Root cause"]
    positions = [content.index(f'<span class="rung-tag">{label}</span>') for label in order]
    assert positions == sorted(positions)
    assert "Nobody owns the export schedule." in content
    assert ("/move/" in content) is (who in EDITORS)
    assert ("/roadmap-item/" in content) is (who in EDITORS)


def test_it_hides_chains_from_an_outsider(chain, whys, outsider):
    client = client_for(outsider)
    assert client.get(f"{BASE}/").status_code == 404
    assert client.get(f"{BASE}/{chain.pk}/").status_code == 404


def test_it_returns_404_for_another_products_chain(pm, product):
    elsewhere = WhyChainFactory(product=DataProductFactory(owner=pm))
    assert client_for(pm).get(f"{BASE}/{elsewhere.pk}/").status_code == 404


def test_it_sends_anonymous_users_to_login(chain, whys):
    why = whys[0]
    requests = [
        ("get", f"{BASE}/"),
        ("get", f"{BASE}/{chain.pk}/"),
        ("get", f"{BASE}/new/"),
        ("post", f"{BASE}/new/"),
        ("post", f"{BASE}/{chain.pk}/edit/"),
        ("post", f"{BASE}/{chain.pk}/whys/"),
        ("post", f"{BASE}/{chain.pk}/whys/{why.pk}/move/"),
        ("post", f"{BASE}/{chain.pk}/whys/{why.pk}/delete/"),
        ("post", f"{BASE}/{chain.pk}/roadmap-item/"),
    ]
    for method, url in requests:
        response = getattr(Client(), method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url
    assert Why.objects.count() == 3


# --- who may write -----------------------------------------------------------------------------


def every_write(chain, why) -> list[tuple[str, dict]]:
    return [
        (f"{BASE}/new/", {"problem": "Forecasts are ignored."}),
        (f"{BASE}/{chain.pk}/edit/", {"problem": "Changed", "root_cause": "Changed"}),
        (f"{BASE}/{chain.pk}/whys/", {"text": "Because of a reason."}),
        (f"{BASE}/{chain.pk}/whys/{why.pk}/move/", {"direction": "down"}),
        (f"{BASE}/{chain.pk}/whys/{why.pk}/delete/", {}),
        (f"{BASE}/{chain.pk}/roadmap-item/", item_data()),
    ]


def snapshot() -> tuple:
    return (
        list(WhyChain.objects.values_list("pk", "problem", "root_cause")),
        list(Why.objects.values_list("pk", "position", "text")),
        RoadmapItem.objects.count(),
    )


@pytest.mark.parametrize("who", READ_ONLY)
def test_it_refuses_every_write_to_read_only_users(request, chain, whys, who):
    chain.root_cause = "Nobody owns the schedule."
    chain.save()
    before = snapshot()
    client = client_for(request.getfixturevalue(who))
    assert client.get(f"{BASE}/new/").status_code == 403
    for url, data in every_write(chain, whys[0]):
        assert client.post(url, data).status_code == 403, url
        assert hx(client, url, data).status_code == 403, url
    assert snapshot() == before


def test_it_refuses_every_write_to_an_outsider_with_404(chain, whys, outsider):
    chain.root_cause = "Nobody owns the schedule."
    chain.save()
    before = snapshot()
    client = client_for(outsider)
    assert client.get(f"{BASE}/new/").status_code == 404
    for url, data in every_write(chain, whys[0]):
        assert client.post(url, data).status_code == 404, url
    assert snapshot() == before


def test_it_returns_404_for_a_why_of_another_chain(pm, chain, whys):
    stranger = WhyFactory(chain=WhyChainFactory(product=chain.product))
    before = snapshot()
    client = client_for(pm)
    for action in ("move", "delete"):
        url = f"{BASE}/{chain.pk}/whys/{stranger.pk}/{action}/"
        assert client.post(url, {"direction": "up"}).status_code == 404
    assert snapshot() == before


def test_it_returns_404_for_writes_to_another_products_chain(pm, product):
    elsewhere = WhyChainFactory(product=DataProductFactory(owner=pm), root_cause="Cause")
    why = WhyFactory(chain=elsewhere)
    before = snapshot()
    client = client_for(pm)
    for url, data in every_write(elsewhere, why)[1:]:
        assert client.post(url, data).status_code == 404, url
    assert snapshot() == before


# --- starting and editing a chain --------------------------------------------------------------


@pytest.mark.parametrize("who", EDITORS)
def test_it_starts_a_chain_from_a_problem(request, product, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(f"{BASE}/new/").status_code == 200
    response = client.post(f"{BASE}/new/", {"problem": "  Forecasts are ignored.  "})
    chain = WhyChain.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{BASE}/{chain.pk}/"
    assert chain.product == product
    assert chain.problem == "Forecasts are ignored."
    assert chain.root_cause == ""


def test_it_refuses_a_chain_without_a_problem(pm, product):
    response = client_for(pm).post(f"{BASE}/new/", {"problem": "   "})
    assert response.status_code == 422
    assert b"This field is required." in response.content
    assert not WhyChain.objects.exists()


@pytest.mark.parametrize("who", EDITORS)
def test_it_edits_the_problem_and_root_cause(request, chain, who):
    response = client_for(request.getfixturevalue(who)).post(
        f"{BASE}/{chain.pk}/edit/",
        {"problem": "Calls come late.", "root_cause": "Nobody owns the schedule."},
    )
    chain.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == f"{BASE}/{chain.pk}/"
    assert (chain.problem, chain.root_cause) == ("Calls come late.", "Nobody owns the schedule.")


def test_it_edits_the_chain_in_place_with_htmx(pm, chain):
    response = hx(
        client_for(pm),
        f"{BASE}/{chain.pk}/edit/",
        {"problem": "Calls come late.", "root_cause": ""},
    )
    chain.refresh_from_db()
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b'id="chain"' in response.content
    assert b"Calls come late." in response.content
    assert chain.problem == "Calls come late."


@pytest.mark.parametrize("htmx", [False, True])
def test_it_refuses_an_empty_problem(pm, chain, htmx):
    data = {"problem": "", "root_cause": "Something"}
    client = client_for(pm)
    url = f"{BASE}/{chain.pk}/edit/"
    response = hx(client, url, data) if htmx else client.post(url, data)
    assert response.status_code == 422
    assert (b"<html" in response.content) is not htmx
    assert b"This field is required." in response.content
    # The ladder shows the saved chain, not the rejected edit.
    assert b'<p class="rung-text muted">Not named yet.' in response.content
    chain.refresh_from_db()
    assert chain.problem == "Account managers call churning accounts late."
    assert chain.root_cause == ""


# --- adding, moving and removing whys ----------------------------------------------------------


@pytest.mark.parametrize("who", EDITORS)
def test_it_adds_a_why_at_the_end(request, chain, whys, who):
    response = client_for(request.getfixturevalue(who)).post(
        f"{BASE}/{chain.pk}/whys/", {"text": "  Because the job predates the team.  "}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{BASE}/{chain.pk}/"
    added = chain.whys.last()
    assert (added.position, added.text) == (4, "Because the job predates the team.")


def test_it_adds_the_first_why_in_place_with_htmx(pm, chain):
    response = hx(client_for(pm), f"{BASE}/{chain.pk}/whys/", {"text": "Because it is late."})
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b'<span class="rung-tag">Why 1</span>' in response.content
    assert b"Because it is late." in response.content
    assert list(chain.whys.values_list("position", "text")) == [(1, "Because it is late.")]


@pytest.mark.parametrize("htmx", [False, True])
def test_it_refuses_an_empty_why(pm, chain, whys, htmx):
    client = client_for(pm)
    url = f"{BASE}/{chain.pk}/whys/"
    response = hx(client, url, {"text": "  "}) if htmx else client.post(url, {"text": "  "})
    assert response.status_code == 422
    assert (b"<html" in response.content) is not htmx
    assert b"This field is required." in response.content
    assert chain.whys.count() == 3


@pytest.mark.parametrize("who", EDITORS)
def test_it_moves_a_why_up(request, chain, whys, who):
    response = client_for(request.getfixturevalue(who)).post(
        f"{BASE}/{chain.pk}/whys/{whys[2].pk}/move/", {"direction": "up"}
    )
    assert response.status_code == 302
    assert ladder(chain) == [(1, "churn"), (2, "nobody"), (3, "exports")]


def test_it_moves_a_why_down_in_place_with_htmx(pm, chain, whys):
    response = hx(
        client_for(pm), f"{BASE}/{chain.pk}/whys/{whys[0].pk}/move/", {"direction": "down"}
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert content.index("Exports run") < content.index("Churn lists arrive")
    assert ladder(chain) == [(1, "exports"), (2, "churn"), (3, "nobody")]


def test_it_renumbers_a_chain_with_gaps_when_moving(pm, chain):
    for position, text in [(2, "A"), (5, "B"), (9, "C")]:
        Why.objects.create(chain=chain, position=position, text=text)
    first = chain.whys.first()
    response = client_for(pm).post(
        f"{BASE}/{chain.pk}/whys/{first.pk}/move/", {"direction": "down"}
    )
    assert response.status_code == 302
    assert ladder(chain) == [(1, "b"), (2, "a"), (3, "c")]


@pytest.mark.parametrize(
    ("index", "direction", "message"),
    [(0, "up", "already the first"), (2, "down", "already the last")],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_it_refuses_a_move_past_the_ends(pm, chain, whys, index, direction, message, htmx):
    client = client_for(pm)
    url = f"{BASE}/{chain.pk}/whys/{whys[index].pk}/move/"
    data = {"direction": direction}
    response = hx(client, url, data) if htmx else client.post(url, data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert (b"<html" in response.content) is not htmx
    assert ladder(chain) == [(1, "churn"), (2, "exports"), (3, "nobody")]


@pytest.mark.parametrize("direction", ["sideways", "", "UP"])
def test_it_refuses_an_unknown_direction(pm, chain, whys, direction):
    response = client_for(pm).post(
        f"{BASE}/{chain.pk}/whys/{whys[1].pk}/move/", {"direction": direction}
    )
    assert response.status_code == 422
    assert b"Move a why up or down." in response.content
    assert ladder(chain) == [(1, "churn"), (2, "exports"), (3, "nobody")]


@pytest.mark.parametrize("who", EDITORS)
def test_it_removes_a_why_and_renumbers(request, chain, whys, who):
    response = client_for(request.getfixturevalue(who)).post(
        f"{BASE}/{chain.pk}/whys/{whys[0].pk}/delete/"
    )
    assert response.status_code == 302
    assert ladder(chain) == [(1, "exports"), (2, "nobody")]


def test_it_removes_a_why_in_place_with_htmx(pm, chain, whys):
    response = hx(client_for(pm), f"{BASE}/{chain.pk}/whys/{whys[1].pk}/delete/")
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b"Exports run" not in response.content
    assert ladder(chain) == [(1, "churn"), (2, "nobody")]


def test_it_refuses_get_on_write_endpoints(pm, chain, whys):
    client = client_for(pm)
    for url in [
        f"{BASE}/{chain.pk}/edit/",
        f"{BASE}/{chain.pk}/whys/",
        f"{BASE}/{chain.pk}/whys/{whys[0].pk}/move/",
        f"{BASE}/{chain.pk}/whys/{whys[0].pk}/delete/",
        f"{BASE}/{chain.pk}/roadmap-item/",
    ]:
        assert client.get(url).status_code == 405, url


def test_the_reorder_service_refuses_read_only_access(chain, whys, stakeholder):
    access = product_access(stakeholder, chain.product)
    with pytest.raises(PermissionDenied):
        why_shift(access=access, chain=chain, why_id=whys[1].pk, direction="up")
    assert ladder(chain) == [(1, "churn"), (2, "exports"), (3, "nobody")]


# --- from the root cause to a roadmap item -----------------------------------------------------


@pytest.mark.parametrize("who", EDITORS)
def test_it_drafts_a_roadmap_item_from_the_root_cause(request, chain, who):
    chain.root_cause = "Nobody owns the export schedule."
    chain.save()
    client = client_for(request.getfixturevalue(who))
    response = client.post(f"{BASE}/{chain.pk}/roadmap-item/", item_data())
    item = RoadmapItem.objects.get()
    assert response.status_code == 302
    assert response["Location"] == "/roadmap/"
    assert item.product == chain.product
    assert item.why_chain == chain
    assert item.title == "Send the churn list on Friday"
    assert item.problem == "Account managers call churning accounts late."
    assert "Nobody owns the export schedule." in item.decision_note
    assert (item.solution_type, item.impact, item.effort) == ("process_change", 4, "S")
    assert (item.horizon, item.status) == ("later", "proposed")
    assert item.status_changed_at is not None
    board = client.get("/roadmap/")
    assert "“Send the churn list on Friday” is on the roadmap" in board.content.decode()


def test_it_drafts_a_roadmap_item_with_htmx_and_redirects_the_page(pm, chain):
    chain.root_cause = "Nobody owns the export schedule."
    chain.save()
    response = hx(client_for(pm), f"{BASE}/{chain.pk}/roadmap-item/", item_data())
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/roadmap/"
    assert RoadmapItem.objects.filter(why_chain=chain).count() == 1


@pytest.mark.parametrize("htmx", [False, True])
def test_it_refuses_a_roadmap_item_without_a_root_cause(pm, chain, whys, htmx):
    client = client_for(pm)
    url = f"{BASE}/{chain.pk}/roadmap-item/"
    response = hx(client, url, item_data()) if htmx else client.post(url, item_data())
    assert response.status_code == 422
    assert (b"<html" in response.content) is not htmx
    assert b"Name the root cause first" in response.content
    assert not RoadmapItem.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("impact", "9"),
        ("impact", "0"),
        ("impact", "high"),
        ("effort", "XXXL"),
        ("solution_type", "magic"),
        ("title", ""),
        ("title", "x" * 201),
    ],
)
def test_it_refuses_bad_roadmap_item_input(pm, chain, field, value):
    chain.root_cause = "Nobody owns the export schedule."
    chain.save()
    response = client_for(pm).post(f"{BASE}/{chain.pk}/roadmap-item/", item_data(**{field: value}))
    assert response.status_code == 422
    assert b'class="error"' in response.content
    assert not RoadmapItem.objects.exists()


def test_the_roadmap_service_refuses_read_only_access(chain, lead):
    chain.root_cause = "Nobody owns the export schedule."
    chain.save()
    with pytest.raises(PermissionDenied):
        roadmap_services.roadmap_item_draft_from_why_chain(
            access=product_access(lead, chain.product),
            chain=chain,
            title="Anything",
            solution_type="manual_fix",
            impact=3,
            effort="M",
        )
    assert not RoadmapItem.objects.exists()


def test_the_roadmap_service_refuses_a_chain_of_another_product(pm, product):
    elsewhere = WhyChainFactory(root_cause="Cause")
    with pytest.raises(PermissionDenied):
        roadmap_services.roadmap_item_draft_from_why_chain(
            access=product_access(pm, product),
            chain=elsewhere,
            title="Anything",
            solution_type="manual_fix",
            impact=3,
            effort="M",
        )
    assert not RoadmapItem.objects.exists()


def test_the_roadmap_service_reads_the_root_cause_again(pm, chain):
    chain.root_cause = "Seen in the page"
    stale = WhyChain.objects.get(pk=chain.pk)  # loaded before someone cleared the root cause
    with pytest.raises(ValidationError):
        roadmap_services.roadmap_item_draft_from_why_chain(
            access=product_access(pm, chain.product),
            chain=stale,
            title="Anything",
            solution_type="manual_fix",
            impact=3,
            effort="M",
        )
    assert not RoadmapItem.objects.exists()


def test_it_offers_the_draft_only_once_the_root_cause_is_named(pm, chain, whys):
    client = client_for(pm)
    content = client.get(f"{BASE}/{chain.pk}/").content.decode()
    assert "Name the root cause first" in content
    assert "/roadmap-item/" not in content
    hx(client, f"{BASE}/{chain.pk}/edit/", {"problem": chain.problem, "root_cause": "No owner."})
    content = client.get(f"{BASE}/{chain.pk}/").content.decode()
    assert f'action="{BASE}/{chain.pk}/roadmap-item/"' in content


def test_it_shows_the_items_drafted_from_the_chain(stakeholder, chain):
    RoadmapItemFactory(product=chain.product, why_chain=chain, title="Own the export schedule")
    RoadmapItemFactory(product=chain.product, title="Unrelated item")
    content = client_for(stakeholder).get(f"{BASE}/{chain.pk}/").content.decode()
    assert "Own the export schedule" in content
    assert "Unrelated item" not in content


# --- query counts ------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [3, 30])
def test_the_chain_page_query_count_does_not_grow(django_assert_num_queries, pm, chain, size):
    Why.objects.bulk_create(
        Why(chain=chain, position=n, text=f"Because {n}.") for n in range(1, size + 1)
    )
    RoadmapItemFactory.create_batch(2, product=chain.product, why_chain=chain)
    client = client_for(pm)
    # session, user, roles, the product with the user's team flag, the chain, its whys, its
    # roadmap items.
    with django_assert_num_queries(7):
        response = client.get(f"{BASE}/{chain.pk}/")
    assert response.status_code == 200
    assert f"Why {size}</span>" in response.content.decode()


@pytest.mark.parametrize("size", [3, 30])
def test_the_move_fragment_query_count_does_not_grow(django_assert_num_queries, pm, chain, size):
    Why.objects.bulk_create(
        Why(chain=chain, position=n, text=f"Because {n}.") for n in range(1, size + 1)
    )
    last = chain.whys.last()
    client = client_for(pm)
    # session, user, roles, product, chain, the why; the move: savepoint, lock the chain, read
    # the whys, one UPDATE of the two swapped whys, touch the chain, release; then the fragment:
    # product, chain, whys, roadmap items.
    with django_assert_num_queries(16):
        response = hx(client, f"{BASE}/{chain.pk}/whys/{last.pk}/move/", {"direction": "up"})
    assert response.status_code == 200
    assert [why.position for why in chain.whys.all()] == list(range(1, size + 1))
    assert chain.whys.get(pk=last.pk).position == size - 1


@pytest.mark.parametrize("size", [3, 30])
def test_the_chain_list_query_count_does_not_grow(django_assert_num_queries, pm, product, size):
    for chain in WhyChainFactory.create_batch(size, product=product):
        WhyFactory(chain=chain)
    client = client_for(pm)
    # session, user, roles, product, the chains with their why and item counts.
    with django_assert_num_queries(5):
        assert client.get(f"{BASE}/").status_code == 200
