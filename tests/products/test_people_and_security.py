"""Who may change who works on a product, and the protections around product pages."""

import pytest
from django.db import DatabaseError
from django.test import Client

from products.models import DataProduct
from tests.conftest import make_user
from tests.helpers import client_for
from tests.products.factories import DataProductFactory

pytestmark = pytest.mark.django_db


def edit(client, product, **changes):
    data = {
        "name": product.name,
        "slug": product.slug,
        "kind": product.kind,
        "priority": product.priority,
        "owner": product.owner_id,
    }
    data.update(changes)
    return client.post(f"/products/{product.slug}/edit/", data)


def test_the_owner_chooses_the_team_and_stakeholders(product, pm, other_pm, stakeholder):
    response = edit(
        client_for(pm), product, team_members=[other_pm.pk], stakeholders=[stakeholder.pk]
    )
    assert response.status_code == 302
    assert list(product.team_members.all()) == [other_pm]
    assert list(product.stakeholders.all()) == [stakeholder]


def test_a_team_member_cannot_take_over_the_product(product, team_member, pm):
    client = client_for(team_member)
    assert b'name="owner"' not in client.get("/products/churn-radar/edit/").content

    response = edit(client, product, owner=team_member.pk, team_members=[], purpose="Mine now")

    assert response.status_code == 302
    product.refresh_from_db()
    assert product.owner == pm
    assert product.purpose == "Mine now"
    assert list(product.team_members.all()) == [team_member]


def test_the_owner_hands_the_product_to_another_pm(product, pm, other_pm):
    response = edit(client_for(pm), product, owner=other_pm.pk, team_members=[pm.pk])
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.owner == other_pm
    assert list(product.team_members.all()) == [pm]


def test_the_owner_must_be_a_pm(product, pm, team_member):
    response = edit(client_for(pm), product, owner=team_member.pk)
    assert response.status_code == 200
    assert b"Select a valid choice" in response.content
    product.refresh_from_db()
    assert product.owner == pm


def test_a_stakeholder_listed_on_the_team_still_changes_nothing(product, stakeholder):
    product.team_members.add(stakeholder)
    client = client_for(stakeholder)
    assert client.get("/products/churn-radar/").status_code == 200
    assert edit(client, product, name="Renamed").status_code == 403
    response = client.post("/products/churn-radar/stage/", {"to_stage": "definition"})
    assert response.status_code == 403
    product.refresh_from_db()
    assert (product.name, product.stage) == ("Churn radar", "discovery")


@pytest.mark.parametrize("relation", ["tech_lead", "stakeholders"])
def test_a_user_without_role_sees_products_they_are_listed_on(django_user_model, pm, relation):
    person = make_user(django_user_model, "listed")
    product = DataProductFactory(owner=pm, slug="listed-on")
    if relation == "tech_lead":
        product.tech_lead = person
        product.save()
    else:
        product.stakeholders.add(person)
    client = client_for(person)
    assert client.get("/products/listed-on/").status_code == 200
    assert b"/products/listed-on/" in client.get("/").content
    can_edit = relation == "tech_lead"
    assert client.get("/products/listed-on/edit/").status_code == (200 if can_edit else 403)


def test_an_edit_leaves_the_stage_and_scores_alone(product, pm):
    """The edit writes only its own columns: a concurrent stage change or recompute survives."""
    form_page = client_for(pm).get("/products/churn-radar/edit/")
    assert form_page.status_code == 200
    DataProduct.objects.filter(pk=product.pk).update(stage="definition", opportunity_score=42.0)

    edit(client_for(pm), product, purpose="Sharper purpose")

    product.refresh_from_db()
    assert (product.stage, product.opportunity_score, product.purpose) == (
        "definition",
        42.0,
        "Sharper purpose",
    )


def test_the_slug_new_is_reserved(pm):
    client = client_for(pm)
    response = client.post(
        "/products/new/",
        {
            "name": "Pricing",
            "slug": "new",
            "kind": "report",
            "stage": "idea",
            "priority": "low",
            "owner": pm.pk,
        },
    )
    assert response.status_code == 200
    assert b"is reserved" in response.content

    response = client.post(
        "/products/new/",
        {"name": "New", "kind": "report", "stage": "idea", "priority": "low", "owner": pm.pk},
    )
    assert response.status_code == 302
    assert DataProduct.objects.get(name="New").slug == "new-product"


def test_writes_need_the_csrf_token(product, pm):
    client = client_for(pm, enforce_csrf_checks=True)
    response = client.post("/products/churn-radar/stage/", {"to_stage": "definition"})
    assert response.status_code == 403
    product.refresh_from_db()
    assert product.stage == "discovery"


def test_a_successful_htmx_move_queues_no_message(product, pm):
    client = client_for(pm)
    client.post("/products/churn-radar/stage/", {"to_stage": "definition"}, HTTP_HX_REQUEST="true")
    assert b"Moved to" not in client.get("/").content


def test_healthz_answers_head_probes():
    assert Client().head("/healthz").status_code == 200


def test_healthz_says_503_when_the_database_does_not_answer(monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}
