"""API tokens: their format and hashing, and the pages where a product's team (or, for
portfolio-wide tokens, an administrator) creates, lists and revokes them."""

import hashlib

import pytest
from django.utils import timezone

from api import tokens
from api.models import ApiToken
from tests.api.conftest import api_client, make_token
from tests.helpers import client_for
from tests.products.factories import DataProductFactory

pytestmark = pytest.mark.django_db

PAGE = "/products/churn-radar/tokens/"
PORTFOLIO = "/api/tokens/"
READ_ONLY = [("stakeholder", 403), ("lead", 403), ("other_pm", 403), ("outsider", 404)]


def create(client, url=PAGE, name="dbt nightly run"):
    return client.post(url, {"name": name})


# --- format and storage ---------------------------------------------------------------------------


def test_it_stores_only_a_hash_of_the_token(pm, product):
    plaintext = make_token(pm, product)

    token = ApiToken.objects.get()
    prefix, secret = plaintext.removeprefix("dpm_").split("_", 1)
    assert token.prefix == prefix
    assert token.token_hash == hashlib.sha256(plaintext.encode()).hexdigest()
    stored = [str(value) for value in ApiToken.objects.values_list(flat=False).get()]
    assert not any(secret in value for value in stored)
    assert not any(plaintext in value for value in stored)


def test_a_token_has_a_public_prefix_and_a_long_random_secret():
    first, second = tokens.generate(), tokens.generate()

    assert tokens.TOKEN_RE.fullmatch(first.plaintext)
    assert first.plaintext.startswith(f"dpm_{first.prefix}_")
    assert len(tokens.TOKEN_RE.fullmatch(first.plaintext)["secret"]) == 43  # 256 bits
    assert first.plaintext != second.plaintext
    assert tokens.matches(first.plaintext, first.hashed)
    assert not tokens.matches(second.plaintext, first.hashed)


@pytest.mark.parametrize(
    "malformed", ["", "dpm_", "dpm_zzzzzzzz_" + "a" * 43, "Bearer x", "dpm_0123abcd_short"]
)
def test_malformed_tokens_have_no_prefix(malformed):
    assert tokens.parse_prefix(malformed) is None


# --- a product's tokens page ----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["pm", "team_member", "admin_user"])
def test_the_team_creates_a_token_and_sees_it_once(request, product, who):
    user = request.getfixturevalue(who)
    client = client_for(user)

    response = create(client)

    assert response.status_code == 302
    assert response["Location"] == PAGE
    token = ApiToken.objects.get()
    assert (token.product, token.created_by, token.name) == (product, user, "dbt nightly run")
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    shown = page.context["new_token"].plaintext
    assert tokens.matches(shown, token.token_hash)
    assert shown in page.content.decode()
    # The next view of the page no longer has it.
    again = client.get(PAGE).content.decode()
    assert shown not in again
    assert token.display in again


def test_the_new_token_works_at_once(pm, product):
    client = client_for(pm)
    create(client)
    shown = client.get(PAGE).context["new_token"].plaintext

    response = api_client(shown).get("/api/v1/products/churn-radar")

    assert response.status_code == 200


def test_it_lists_the_products_tokens_only(pm, product):
    make_token(pm, product, name="nightly")
    make_token(pm, DataProductFactory(owner=pm), name="someone else's")
    client = client_for(pm)

    response = client.get(PAGE)

    assert [t.name for t in response.context["active"]] == ["nightly"]
    assert "someone else" not in response.content.decode()


def test_a_token_needs_a_name(pm, product):
    response = create(client_for(pm), name="  ")

    assert response.status_code == 422
    assert response.context["form"].errors["name"]
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(("who", "status"), READ_ONLY)
def test_read_only_users_and_outsiders_cannot_see_or_create_tokens(request, product, who, status):
    client = client_for(request.getfixturevalue(who))

    assert client.get(PAGE).status_code == status
    assert create(client).status_code == status
    assert not ApiToken.objects.exists()


def test_anonymous_users_are_sent_to_log_in(product):
    from django.test import Client

    response = Client().get(PAGE)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_team_revokes_a_token_and_it_stops_working(pm, team_member, product):
    plaintext = make_token(pm, product)
    token = ApiToken.objects.get()

    response = client_for(team_member).post(f"{PAGE}{token.pk}/revoke/")

    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token.revoked_by == team_member
    assert api_client(plaintext).get("/api/v1/products").status_code == 401
    page = client_for(pm).get(PAGE)
    assert page.context["active"] == []
    assert [t.pk for t in page.context["revoked"]] == [token.pk]


def test_revoking_twice_keeps_the_first_revocation(pm, product):
    make_token(pm, product)
    token = ApiToken.objects.get()
    client = client_for(pm)
    client.post(f"{PAGE}{token.pk}/revoke/")
    first = ApiToken.objects.get().revoked_at

    client.post(f"{PAGE}{token.pk}/revoke/")

    assert ApiToken.objects.get().revoked_at == first


def test_revoking_needs_a_post(pm, product):
    make_token(pm, product)
    token = ApiToken.objects.get()

    response = client_for(pm).get(f"{PAGE}{token.pk}/revoke/")

    assert response.status_code == 405
    assert ApiToken.objects.get().revoked_at is None


@pytest.mark.parametrize(("who", "status"), READ_ONLY)
def test_read_only_users_and_outsiders_cannot_revoke(request, pm, product, who, status):
    make_token(pm, product)
    token = ApiToken.objects.get()

    response = client_for(request.getfixturevalue(who)).post(f"{PAGE}{token.pk}/revoke/")

    assert response.status_code == status
    assert ApiToken.objects.get().revoked_at is None


def test_another_products_token_cannot_be_revoked_from_this_page(pm, product):
    make_token(pm, DataProductFactory(owner=pm, slug="other"))
    other = ApiToken.objects.get()

    response = client_for(pm).post(f"{PAGE}{other.pk}/revoke/", follow=True)

    assert ApiToken.objects.get().revoked_at is None
    assert "does not exist here" in response.content.decode()


@pytest.mark.parametrize("size", [1, 12])
def test_the_tokens_page_takes_five_queries(pm, product, size, django_assert_num_queries):
    for n in range(size):
        make_token(pm, product, name=f"token {n}")
    ApiToken.objects.filter(name="token 0").update(revoked_at=timezone.now())
    client = client_for(pm)

    # The session, the user, their roles, the product with the user's place on it, the tokens
    # with who created and revoked them.
    with django_assert_num_queries(5):
        response = client.get(PAGE)
    assert len(response.context["active"]) + len(response.context["revoked"]) == size


def test_the_portfolio_page_shows_how_to_list_the_products(admin_user):
    page = client_for(admin_user).get(PORTFOLIO).content.decode()

    assert "http://testserver/api/v1/products</code>" in page


def test_the_product_page_links_to_its_tokens_for_the_team_only(pm, stakeholder, product):
    assert PAGE in client_for(pm).get("/products/churn-radar/").content.decode()
    assert PAGE not in client_for(stakeholder).get("/products/churn-radar/").content.decode()


# --- portfolio-wide tokens ------------------------------------------------------------------------


def test_administrators_create_portfolio_wide_tokens(admin_user):
    client = client_for(admin_user)

    response = create(client, PORTFOLIO, name="warehouse sync")

    assert response.status_code == 302
    assert response["Location"] == PORTFOLIO
    token = ApiToken.objects.get()
    assert token.product is None
    assert token.is_portfolio_wide
    assert tokens.matches(client.get(PORTFOLIO).context["new_token"].plaintext, token.token_hash)


@pytest.mark.parametrize("who", ["lead", "pm", "stakeholder", "outsider", "team_member"])
def test_others_cannot_see_or_create_portfolio_wide_tokens(request, who):
    client = client_for(request.getfixturevalue(who))

    assert client.get(PORTFOLIO).status_code == 403
    assert create(client, PORTFOLIO).status_code == 403
    assert not ApiToken.objects.exists()


def test_the_portfolio_page_lists_portfolio_wide_tokens_only(admin_user, pm, product):
    make_token(admin_user, name="warehouse sync")
    make_token(pm, product, name="product token")

    response = client_for(admin_user).get(PORTFOLIO)

    assert [t.name for t in response.context["active"]] == ["warehouse sync"]


def test_an_administrator_revokes_a_portfolio_wide_token(admin_user):
    make_token(admin_user)
    token = ApiToken.objects.get()

    client_for(admin_user).post(f"{PORTFOLIO}{token.pk}/revoke/")

    assert ApiToken.objects.get().revoked_at is not None


@pytest.mark.parametrize("who", ["lead", "pm"])
def test_others_cannot_revoke_a_portfolio_wide_token(request, admin_user, who):
    make_token(admin_user)
    token = ApiToken.objects.get()

    response = client_for(request.getfixturevalue(who)).post(f"{PORTFOLIO}{token.pk}/revoke/")

    assert response.status_code == 403
    assert ApiToken.objects.get().revoked_at is None


def test_a_product_token_cannot_be_revoked_from_the_portfolio_page(admin_user, pm, product):
    make_token(pm, product)
    token = ApiToken.objects.get()

    client_for(admin_user).post(f"{PORTFOLIO}{token.pk}/revoke/")

    assert ApiToken.objects.get().revoked_at is None
