import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from discovery.models import Hypothesis, Interview, Persona
from discovery.services import persona_create, persona_delete
from products.access import product_access
from tests.discovery.factories import HypothesisFactory, InterviewFactory, PersonaFactory
from tests.helpers import client_for
from tests.products.factories import DataProductFactory

pytestmark = pytest.mark.django_db

BASE = "/products/churn-radar/discovery/personas"
EDITORS = ["pm", "team_member"]
READ_ONLY = ["other_pm", "lead", "stakeholder"]
NEW = {
    "name": "Regional sales lead",
    "role": "Sales, EMEA",
    "decisions": "Where to send the retention budget each quarter.",
    "tools": "Tableau, Excel",
}


@pytest.fixture
def persona(product):
    return PersonaFactory(
        product=product,
        name="Account manager",
        role="Mid-market sales",
        decisions="Which accounts to call first each week.",
        tools="Salesforce, Excel",
    )


def hx(client: Client, url: str, data: dict | None = None):
    return client.post(url, data or {}, HTTP_HX_REQUEST="true")


def rows() -> list[tuple]:
    return list(Persona.objects.order_by("pk").values_list("product_id", "name", "role", "tools"))


# --- reading -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", [*EDITORS, *READ_ONLY])
def test_it_lists_personas_to_everyone_who_sees_the_product(request, persona, who):
    InterviewFactory.create_batch(2, product=persona.product, persona=persona)
    response = client_for(request.getfixturevalue(who)).get(f"{BASE}/")
    content = response.content.decode()
    assert response.status_code == 200
    for text in ["Account manager", "Mid-market sales", "Which accounts to call first", "Excel"]:
        assert text in content
    assert "<dt>Interviews</dt>" in content
    assert (f"{BASE}/{persona.pk}/edit/" in content) is (who in EDITORS)
    assert (f'action="{BASE}/new/"' in content) is (who in EDITORS)


def test_it_shows_interview_counts_only_to_those_who_read_notes(persona, pm, stakeholder):
    InterviewFactory.create_batch(2, product=persona.product, persona=persona)
    link = f"/products/churn-radar/discovery/?persona={persona.pk}"
    assert f'{link}">2 interviews</a>' in client_for(pm).get(f"{BASE}/").content.decode()
    content = client_for(stakeholder).get(f"{BASE}/").content.decode()
    assert link not in content
    assert "<dd>—</dd>" in content


def test_pii_interviews_count_only_for_the_team(persona, pm, lead):
    InterviewFactory(product=persona.product, persona=persona)
    InterviewFactory(product=persona.product, persona=persona, contains_pii=True)
    assert '">2 interviews</a>' in client_for(pm).get(f"{BASE}/").content.decode()
    assert '">1 interview</a>' in client_for(lead).get(f"{BASE}/").content.decode()


def test_it_lists_only_this_products_personas(pm, persona):
    PersonaFactory(product=DataProductFactory(owner=pm), name="Somebody elsewhere")
    assert b"Somebody elsewhere" not in client_for(pm).get(f"{BASE}/").content


def test_it_returns_the_list_fragment_to_htmx(pm, persona):
    response = client_for(pm).get(f"{BASE}/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b'id="personas"' in response.content


def test_it_hides_personas_from_an_outsider(persona, outsider):
    assert client_for(outsider).get(f"{BASE}/").status_code == 404


def test_it_sends_anonymous_users_to_login(persona):
    requests = [
        ("get", f"{BASE}/"),
        ("get", f"{BASE}/new/"),
        ("post", f"{BASE}/new/"),
        ("get", f"{BASE}/{persona.pk}/edit/"),
        ("post", f"{BASE}/{persona.pk}/edit/"),
        ("post", f"{BASE}/{persona.pk}/delete/"),
    ]
    for method, url in requests:
        response = getattr(Client(), method)(url, NEW if method == "post" else None)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url
    assert rows() == [
        (persona.product_id, "Account manager", "Mid-market sales", "Salesforce, Excel")
    ]


# --- who may write -----------------------------------------------------------------------------


def every_write(persona) -> list[tuple[str, dict]]:
    return [
        (f"{BASE}/new/", NEW),
        (f"{BASE}/{persona.pk}/edit/", {**NEW, "name": "Renamed"}),
        (f"{BASE}/{persona.pk}/delete/", {}),
    ]


@pytest.mark.parametrize("who", READ_ONLY)
def test_it_refuses_every_write_to_read_only_users(request, persona, who):
    before = rows()
    client = client_for(request.getfixturevalue(who))
    assert client.get(f"{BASE}/new/").status_code == 403
    assert client.get(f"{BASE}/{persona.pk}/edit/").status_code == 403
    for url, data in every_write(persona):
        assert client.post(url, data).status_code == 403, url
        assert hx(client, url, data).status_code == 403, url
    assert rows() == before


def test_it_refuses_every_write_to_an_outsider_with_404(persona, outsider):
    before = rows()
    client = client_for(outsider)
    assert client.get(f"{BASE}/new/").status_code == 404
    assert client.get(f"{BASE}/{persona.pk}/edit/").status_code == 404
    for url, data in every_write(persona):
        assert client.post(url, data).status_code == 404, url
    assert rows() == before


def test_it_returns_404_for_another_products_persona(pm, product):
    elsewhere = PersonaFactory(product=DataProductFactory(owner=pm), name="Elsewhere")
    before = rows()
    client = client_for(pm)
    assert client.get(f"{BASE}/{elsewhere.pk}/edit/").status_code == 404
    for url, data in every_write(elsewhere)[1:]:
        assert client.post(url, data).status_code == 404, url
    assert rows() == before


def test_the_services_refuse_read_only_access(persona, stakeholder):
    access = product_access(stakeholder, persona.product)
    with pytest.raises(PermissionDenied):
        persona_create(access=access, persona=Persona(name="Sneaky"))
    with pytest.raises(PermissionDenied):
        persona_delete(access=access, persona_id=persona.pk)
    assert list(Persona.objects.values_list("name", flat=True)) == ["Account manager"]


# --- creating ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", EDITORS)
def test_it_adds_a_persona(request, product, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(f"{BASE}/new/").status_code == 200
    response = client.post(f"{BASE}/new/", NEW)
    assert response.status_code == 302
    assert response["Location"] == f"{BASE}/"
    assert rows() == [(product.pk, "Regional sales lead", "Sales, EMEA", "Tableau, Excel")]
    assert "Persona “Regional sales lead” added." in client.get(f"{BASE}/").content.decode()


def test_it_adds_a_persona_in_place_with_htmx(pm, product):
    response = hx(client_for(pm), f"{BASE}/new/", NEW)
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b"Regional sales lead" in response.content
    assert b'name="name" value="Regional' not in response.content  # an empty form for the next
    assert rows() == [(product.pk, "Regional sales lead", "Sales, EMEA", "Tableau, Excel")]


@pytest.mark.parametrize("name", ["Account manager", "ACCOUNT MANAGER", "  account manager "])
@pytest.mark.parametrize("htmx", [False, True])
def test_it_refuses_a_duplicate_name_with_a_form_error(pm, persona, name, htmx):
    client = client_for(pm)
    data = {**NEW, "name": name}
    response = hx(client, f"{BASE}/new/", data) if htmx else client.post(f"{BASE}/new/", data)
    assert response.status_code == 422
    assert (b"<html" in response.content) is not htmx
    assert "This product already has a persona called" in response.content.decode()
    assert Persona.objects.count() == 1


def test_it_allows_the_same_name_in_another_product(pm, persona):
    PersonaFactory(product=DataProductFactory(), name="Regional sales lead")
    assert client_for(pm).post(f"{BASE}/new/", NEW).status_code == 302
    assert Persona.objects.filter(name="Regional sales lead").count() == 2


def test_the_service_turns_a_unique_race_into_a_validation_error(pm, persona, monkeypatch):
    # A duplicate that appears between the check and the insert: the database constraint refuses
    # it, and the user gets the same form error instead of a 500.
    monkeypatch.setattr("discovery.services.Persona.objects.filter", _never_finds(Persona))
    access = product_access(pm, persona.product)
    with pytest.raises(ValidationError) as caught:
        persona_create(access=access, persona=Persona(name="Account manager"))
    assert "already has a persona" in str(caught.value.message_dict["name"])
    assert Persona.objects.count() == 1


def _never_finds(model):
    manager_filter = model.objects.filter

    def filter_(*args, **kwargs):
        return manager_filter(*args, **kwargs).none()

    return filter_


@pytest.mark.parametrize(
    ("field", "value"), [("name", ""), ("name", "x" * 101), ("tools", "x" * 201)]
)
def test_it_refuses_bad_input(pm, product, field, value):
    response = client_for(pm).post(f"{BASE}/new/", {**NEW, field: value})
    assert response.status_code == 422
    assert b'class="error"' in response.content
    assert not Persona.objects.exists()


# --- editing -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", EDITORS)
def test_it_edits_a_persona(request, persona, who):
    client = client_for(request.getfixturevalue(who))
    page = client.get(f"{BASE}/{persona.pk}/edit/")
    assert page.status_code == 200
    assert b"<html" in page.content
    assert b"Edit Account manager" in page.content
    response = client.post(f"{BASE}/{persona.pk}/edit/", {**NEW, "name": "Account executive"})
    assert response.status_code == 302
    assert response["Location"] == f"{BASE}/"
    assert rows() == [(persona.product_id, "Account executive", "Sales, EMEA", "Tableau, Excel")]


def test_it_opens_the_edit_form_in_place_with_htmx(pm, persona):
    response = client_for(pm).get(f"{BASE}/{persona.pk}/edit/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert response.content.decode().lstrip().startswith('<li class="persona persona-editing"')
    assert b'value="Account manager"' in response.content


def test_it_saves_an_edit_in_place_with_htmx(pm, persona):
    response = hx(client_for(pm), f"{BASE}/{persona.pk}/edit/", {**NEW, "name": "Renamed"})
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b'id="personas"' in response.content
    assert Persona.objects.get().name == "Renamed"


def test_it_keeps_a_personas_own_name_on_edit(pm, persona):
    data = {**NEW, "name": "account manager"}  # only the case changes
    assert client_for(pm).post(f"{BASE}/{persona.pk}/edit/", data).status_code == 302
    assert Persona.objects.get().name == "account manager"


@pytest.mark.parametrize("htmx", [False, True])
def test_it_refuses_renaming_to_a_taken_name(pm, persona, htmx):
    other = PersonaFactory(product=persona.product, name="Analyst")
    client = client_for(pm)
    url = f"{BASE}/{other.pk}/edit/"
    data = {**NEW, "name": "Account Manager"}
    response = hx(client, url, data) if htmx else client.post(url, data)
    assert response.status_code == 422
    assert (b"<html" in response.content) is not htmx
    assert "This product already has a persona called" in response.content.decode()
    assert sorted(Persona.objects.values_list("name", flat=True)) == [
        "Account manager",
        "Analyst",
    ]


# --- deleting ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", EDITORS)
def test_it_deletes_a_persona_and_keeps_its_interviews(request, persona, who):
    interview = InterviewFactory(product=persona.product, persona=persona)
    hypothesis = HypothesisFactory(product=persona.product, persona=persona)
    response = client_for(request.getfixturevalue(who)).post(f"{BASE}/{persona.pk}/delete/")
    assert response.status_code == 302
    assert response["Location"] == f"{BASE}/"
    assert not Persona.objects.exists()
    assert Interview.objects.get(pk=interview.pk).persona is None
    assert Hypothesis.objects.get(pk=hypothesis.pk).persona is None


def test_it_deletes_a_persona_in_place_with_htmx(pm, persona):
    response = hx(client_for(pm), f"{BASE}/{persona.pk}/delete/")
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b"No personas yet." in response.content
    assert not Persona.objects.exists()


def test_it_refuses_get_on_delete(pm, persona):
    assert client_for(pm).get(f"{BASE}/{persona.pk}/delete/").status_code == 405
    assert Persona.objects.exists()


# --- query counts ------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [3, 50])
def test_the_personas_page_query_count_does_not_grow(django_assert_num_queries, pm, product, size):
    personas = PersonaFactory.create_batch(size, product=product)
    InterviewFactory.create_batch(3, product=product, persona=personas[0])
    client = client_for(pm)
    # session, user, roles, the product with the user's team flag, the personas with their
    # interview counts.
    with django_assert_num_queries(5):
        response = client.get(f"{BASE}/")
    assert response.status_code == 200
    assert response.content.count(b'<li class="persona"') == size


@pytest.mark.parametrize("size", [3, 50])
def test_the_delete_fragment_query_count_does_not_grow(
    django_assert_num_queries, pm, product, size
):
    personas = PersonaFactory.create_batch(size, product=product)
    client = client_for(pm)
    # session, user, roles, product, the persona; the delete: savepoint, the persona's rows,
    # unlink its interviews and hypotheses, delete it, release; then the personas.
    with django_assert_num_queries(12):
        response = hx(client, f"{BASE}/{personas[0].pk}/delete/")
    assert response.status_code == 200
    assert Persona.objects.count() == size - 1
