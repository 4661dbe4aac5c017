"""The Definition of Done section of /products/<slug>/metrics/: starting it from the standard
checklist, adding, checking and removing criteria, and a lead's sign-off."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from metrics.models import DefinitionOfDone, DoneCriterion
from metrics.services import STARTER_CRITERIA, definition_of_done_sign_off
from metrics.views.dod import dod_context
from products.access import product_access
from tests.helpers import client_for
from tests.metrics.factories import DefinitionOfDoneFactory, DoneCriterionFactory
from tests.products.factories import DataProductFactory

pytestmark = pytest.mark.django_db

PAGE = "/products/churn-radar/metrics/"
START = PAGE + "done/start/"
ADD = PAGE + "done/criteria/"
SIGN_OFF = PAGE + "done/sign-off/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def toggle_url(criterion) -> str:
    return f"{PAGE}done/criteria/{criterion.pk}/toggle/"


def remove_url(criterion) -> str:
    return f"{PAGE}done/criteria/{criterion.pk}/delete/"


@pytest.fixture
def dod(product):
    return DefinitionOfDoneFactory(product=product)


@pytest.fixture
def criterion(dod):
    return DoneCriterionFactory(definition=dod, text="Account managers act on the list")


@pytest.fixture
def signed_dod(dod, criterion, lead):
    DoneCriterion.objects.filter(pk=criterion.pk).update(met=True)
    DefinitionOfDone.objects.filter(pk=dod.pk).update(
        signed_off_by=lead, signed_off_at="2025-01-02T10:00:00Z"
    )
    dod.refresh_from_db()
    return dod


def the_user(request, role):
    return request.getfixturevalue(role)


# The page


def test_it_offers_the_standard_checklist_to_the_team(product, pm):
    response = client_for(pm).get(PAGE)
    assert response.status_code == 200
    assert b"Start from the standard checklist" in response.content


def test_it_does_not_offer_the_checklist_to_a_stakeholder(product, stakeholder):
    response = client_for(stakeholder).get(PAGE)
    assert response.status_code == 200
    assert b"No Definition of Done yet" in response.content
    assert b"Start from the standard checklist" not in response.content


def test_it_shows_readiness_and_groups(dod, pm):
    DoneCriterionFactory(definition=dod, met=True)
    DoneCriterionFactory(definition=dod, group=DoneCriterion.Group.COMPLIANCE, met=True)
    DoneCriterionFactory(definition=dod, group=DoneCriterion.Group.QUALITY)
    DoneCriterionFactory(definition=dod, required=False, met=False)
    response = client_for(pm).get(PAGE)
    assert response.status_code == 200
    assert b"2 of 3 required criteria met" in response.content
    assert b"Compliance (incl. PII)" in response.content
    assert b"Optional" in response.content


def test_it_shows_who_signed_off_when(signed_dod, stakeholder):
    response = client_for(stakeholder).get(PAGE)
    assert response.status_code == 200
    assert b"Signed off" in response.content
    assert b"by Lead on" in response.content
    assert b"2 Jan 2025" in response.content
    assert b"Mark met" not in response.content  # read-only


def _criteria_rows(dod, count):
    groups = DoneCriterion.Group.values
    for i in range(count):
        DoneCriterionFactory(definition=dod, group=groups[i % len(groups)], met=i % 2 == 0)


@pytest.mark.parametrize("count", [3, 40])
def test_the_page_queries_do_not_grow_with_criteria(
    dod, pm, lead, count, django_assert_num_queries
):
    _criteria_rows(dod, count)
    DoneCriterion.objects.filter(definition=dod).update(checked_by=lead)
    client = client_for(pm)
    # 1 session, 2 user, 3 the user's groups (roles), 4 the product with the user's rights,
    # 5 the Definition of Done with its signer, 6 its criteria with who checked them,
    # 7 KPIs, 8 their latest measurements, 9 service levels, 10 experiments (the sections built
    # alongside; when they change, the DoD's own count is pinned by
    # test_dod_context_queries_are_constant).
    with django_assert_num_queries(10):
        response = client.get(PAGE)
    assert response.status_code == 200
    assert response.content.count(b'class="dod-criterion') == count


@pytest.mark.parametrize("count", [3, 40])
def test_dod_context_queries_are_constant(dod, pm, lead, count):
    _criteria_rows(dod, count)
    DoneCriterion.objects.filter(definition=dod).update(checked_by=lead)
    access = product_access(pm, dod.product, on_team=True)
    # 1 the Definition of Done with its signer, 2 its criteria with who checked them.
    with CaptureQueriesContext(connection) as queries:
        context = dod_context(access)
    assert len(queries) == 2
    assert sum(len(group["criteria"]) for group in context["dod_groups"]) == count


def test_the_page_query_count_is_the_same_at_3_and_40_criteria(
    dod, pm, lead, django_assert_num_queries
):
    client = client_for(pm)
    _criteria_rows(dod, 3)
    with CaptureQueriesContext(connection) as small:
        client.get(PAGE)
    _criteria_rows(dod, 37)
    DoneCriterion.objects.filter(definition=dod).update(checked_by=lead)
    with django_assert_num_queries(len(small)):
        response = client.get(PAGE)
    assert response.content.count(b'class="dod-criterion') == 40


def test_dod_context_without_a_definition_is_one_query(product, pm):
    access = product_access(pm, product, on_team=True)
    with CaptureQueriesContext(connection) as queries:
        context = dod_context(access)
    assert len(queries) == 1
    assert context["dod"] is None


# Start from the standard checklist


@pytest.mark.parametrize("role", ["pm", "team_member"])
def test_it_starts_from_the_standard_checklist(product, role, request):
    response = client_for(the_user(request, role)).post(START)
    assert response.status_code == 302
    assert response["Location"] == PAGE + "#dod"
    criteria = DoneCriterion.objects.filter(definition__product=product)
    assert criteria.count() == len(STARTER_CRITERIA)
    for group in DoneCriterion.Group.values:
        assert criteria.filter(group=group).count() >= 2, group
    assert criteria.filter(met=False).count() == criteria.count()
    assert criteria.filter(text__startswith="PII is identified").exists()


def test_starting_twice_does_not_duplicate(product, pm):
    client = client_for(pm)
    client.post(START)
    DoneCriterion.objects.filter(definition__product=product).first().delete()
    response = client.post(START, **HTMX)
    assert response.status_code == 200
    assert DefinitionOfDone.objects.filter(product=product).count() == 1
    assert DoneCriterion.objects.filter(definition__product=product).count() == (
        len(STARTER_CRITERIA) - 1
    )


def test_it_starts_with_htmx_returning_the_section(product, pm):
    response = client_for(pm).post(START, **HTMX)
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b'id="dod"' in response.content
    assert f"0 of {sum(r for _, _, r in STARTER_CRITERIA)} required".encode() in response.content


@pytest.mark.parametrize("role", ["other_pm", "lead", "stakeholder"])
def test_it_rejects_start_by_a_read_only_user(product, role, request):
    response = client_for(the_user(request, role)).post(START)
    assert response.status_code == 403
    assert not DefinitionOfDone.objects.exists()


def test_it_hides_the_product_from_an_outsider_on_start(product, outsider):
    assert client_for(outsider).post(START).status_code == 404
    assert not DefinitionOfDone.objects.exists()


def test_it_sends_an_anonymous_start_to_login(product, client):
    response = client.post(START)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not DefinitionOfDone.objects.exists()


def test_start_refuses_get(product, pm):
    assert client_for(pm).get(START).status_code == 405


# Add a criterion


@pytest.mark.parametrize("role", ["pm", "team_member"])
def test_it_adds_a_criterion(dod, criterion, role, request):
    response = client_for(the_user(request, role)).post(
        ADD, {"group": "compliance", "text": "  DPIA signed by the DPO  ", "required": "on"}
    )
    assert response.status_code == 302
    added = DoneCriterion.objects.get(text="DPIA signed by the DPO")
    assert (added.definition, added.group, added.required, added.met) == (
        dod,
        "compliance",
        True,
        False,
    )


def test_it_adds_an_optional_criterion_at_the_end_of_its_group(dod, pm):
    DoneCriterionFactory(definition=dod, group="quality", position=4)
    client_for(pm).post(ADD, {"group": "quality", "text": "Row counts reconciled"})
    added = DoneCriterion.objects.get(text="Row counts reconciled")
    assert added.required is False
    assert added.position == 5


def test_it_adds_with_htmx_returning_the_section(dod, pm):
    response = client_for(pm).post(
        ADD, {"group": "outcome", "text": "Churn falls", "required": "on"}, **HTMX
    )
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b"Churn falls" in response.content
    assert DoneCriterion.objects.filter(text="Churn falls").exists()


@pytest.mark.parametrize(
    "data",
    [
        {"group": "vibes", "text": "Feels done", "required": "on"},
        {"group": "outcome", "text": "   ", "required": "on"},
        {"text": "No group"},
    ],
)
def test_it_rejects_bad_criteria(dod, pm, data):
    response = client_for(pm).post(ADD, data)
    assert response.status_code == 422
    assert b"<html" in response.content  # the whole page, the form keeping what was typed
    assert not DoneCriterion.objects.exists()


def test_it_rejects_a_bad_criterion_with_htmx_as_a_form_error(dod, pm):
    response = client_for(pm).post(ADD, {"group": "vibes", "text": "x"}, **HTMX)
    assert response.status_code == 422
    assert b"<html" not in response.content
    assert b'class="error"' in response.content
    assert not DoneCriterion.objects.exists()


def test_it_cannot_add_before_the_definition_exists(product, pm):
    response = client_for(pm).post(ADD, {"group": "outcome", "text": "x", "required": "on"})
    assert response.status_code == 404
    assert not DoneCriterion.objects.exists()


@pytest.mark.parametrize("role", ["other_pm", "lead", "stakeholder"])
def test_it_rejects_add_by_a_read_only_user(dod, role, request):
    response = client_for(the_user(request, role)).post(
        ADD, {"group": "outcome", "text": "x", "required": "on"}
    )
    assert response.status_code == 403
    assert not DoneCriterion.objects.exists()


def test_it_hides_the_product_from_an_outsider_on_add(dod, outsider):
    response = client_for(outsider).post(ADD, {"group": "outcome", "text": "x"})
    assert response.status_code == 404
    assert not DoneCriterion.objects.exists()


def test_it_sends_an_anonymous_add_to_login(dod, client):
    response = client.post(ADD, {"group": "outcome", "text": "x"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not DoneCriterion.objects.exists()


# Toggle met / not met


@pytest.mark.parametrize("role", ["pm", "team_member"])
def test_it_marks_a_criterion_met_recording_who_and_when(criterion, role, request):
    user = the_user(request, role)
    response = client_for(user).post(
        toggle_url(criterion), {"met": "1", "evidence_url": "https://wiki.example.org/dod"}
    )
    assert response.status_code == 302
    criterion.refresh_from_db()
    assert criterion.met is True
    assert criterion.evidence_url == "https://wiki.example.org/dod"
    assert criterion.checked_by == user
    assert criterion.checked_at is not None


def test_it_takes_a_scheme_less_evidence_link_as_https(criterion, pm):
    client_for(pm).post(toggle_url(criterion), {"met": "1", "evidence_url": "wiki.example.org/x"})
    criterion.refresh_from_db()
    assert criterion.evidence_url == "https://wiki.example.org/x"


def test_unchecking_clears_who_when_and_evidence(criterion, pm, team_member):
    client_for(team_member).post(
        toggle_url(criterion), {"met": "1", "evidence_url": "https://wiki.example.org/dod"}
    )
    response = client_for(pm).post(toggle_url(criterion), {"met": "0"}, **HTMX)
    assert response.status_code == 200
    assert b"<html" not in response.content
    criterion.refresh_from_db()
    assert (criterion.met, criterion.checked_by, criterion.checked_at) == (False, None, None)
    assert criterion.evidence_url == ""


def test_it_toggles_with_htmx_returning_the_section(criterion, pm):
    response = client_for(pm).post(toggle_url(criterion), {"met": "1"}, **HTMX)
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b"1 of 1 required criterion met" in response.content
    assert DoneCriterion.objects.get(pk=criterion.pk).met is True


@pytest.mark.parametrize(
    "data",
    [
        {"met": "1", "evidence_url": "not a link at all"},
        {"met": "1", "evidence_url": "javascript:alert(1)"},
        {"met": "maybe"},
        {},
    ],
)
def test_it_rejects_a_bad_toggle(criterion, pm, data):
    response = client_for(pm).post(toggle_url(criterion), data, **HTMX)
    assert response.status_code == 422
    assert b'role="alert"' in response.content
    criterion.refresh_from_db()
    assert (criterion.met, criterion.evidence_url, criterion.checked_by) == (False, "", None)


def test_it_rejects_a_bad_evidence_link_without_js(criterion, pm):
    response = client_for(pm).post(toggle_url(criterion), {"met": "1", "evidence_url": "nope"})
    assert response.status_code == 422
    assert b"<html" in response.content
    assert DoneCriterion.objects.get(pk=criterion.pk).met is False


@pytest.mark.parametrize("role", ["other_pm", "lead", "stakeholder"])
def test_it_rejects_toggle_by_a_read_only_user(criterion, role, request):
    response = client_for(the_user(request, role)).post(toggle_url(criterion), {"met": "1"})
    assert response.status_code == 403
    assert DoneCriterion.objects.get(pk=criterion.pk).met is False


def test_it_hides_the_product_from_an_outsider_on_toggle(criterion, outsider):
    assert client_for(outsider).post(toggle_url(criterion), {"met": "1"}).status_code == 404
    assert DoneCriterion.objects.get(pk=criterion.pk).met is False


def test_it_sends_an_anonymous_toggle_to_login(criterion, client):
    response = client.post(toggle_url(criterion), {"met": "1"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert DoneCriterion.objects.get(pk=criterion.pk).met is False


def test_it_will_not_toggle_another_products_criterion(dod, pm):
    other = DoneCriterionFactory(definition__product=DataProductFactory(owner=pm))
    response = client_for(pm).post(toggle_url(other), {"met": "1"})
    assert response.status_code == 404
    assert DoneCriterion.objects.get(pk=other.pk).met is False


# Remove


@pytest.mark.parametrize("role", ["pm", "team_member"])
def test_it_removes_a_criterion(criterion, role, request):
    response = client_for(the_user(request, role)).post(remove_url(criterion))
    assert response.status_code == 302
    assert not DoneCriterion.objects.filter(pk=criterion.pk).exists()


def test_it_removes_with_htmx_returning_the_section(criterion, pm):
    response = client_for(pm).post(remove_url(criterion), **HTMX)
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b"Account managers act on the list" not in response.content
    assert not DoneCriterion.objects.filter(pk=criterion.pk).exists()


@pytest.mark.parametrize("role", ["other_pm", "lead", "stakeholder"])
def test_it_rejects_remove_by_a_read_only_user(criterion, role, request):
    response = client_for(the_user(request, role)).post(remove_url(criterion))
    assert response.status_code == 403
    assert DoneCriterion.objects.filter(pk=criterion.pk).exists()


def test_it_hides_the_product_from_an_outsider_on_remove(criterion, outsider):
    assert client_for(outsider).post(remove_url(criterion)).status_code == 404
    assert DoneCriterion.objects.filter(pk=criterion.pk).exists()


def test_it_sends_an_anonymous_remove_to_login(criterion, client):
    response = client.post(remove_url(criterion))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert DoneCriterion.objects.filter(pk=criterion.pk).exists()


def test_it_will_not_remove_another_products_criterion(dod, pm):
    other = DoneCriterionFactory(definition__product=DataProductFactory(owner=pm))
    assert client_for(pm).post(remove_url(other)).status_code == 404
    assert DoneCriterion.objects.filter(pk=other.pk).exists()


# Sign-off


def test_a_lead_signs_off_when_every_required_criterion_is_met(dod, criterion, lead):
    DoneCriterion.objects.filter(pk=criterion.pk).update(met=True)
    DoneCriterionFactory(definition=dod, required=False, met=False)  # optional: no need
    response = client_for(lead).post(SIGN_OFF)
    assert response.status_code == 302
    dod.refresh_from_db()
    assert dod.signed_off_by == lead
    assert dod.signed_off_at is not None


def test_a_lead_signs_off_with_htmx(dod, criterion, lead):
    DoneCriterion.objects.filter(pk=criterion.pk).update(met=True)
    response = client_for(lead).post(SIGN_OFF, **HTMX)
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b"Signed off" in response.content
    assert DefinitionOfDone.objects.get(pk=dod.pk).signed_off_by == lead


def test_it_refuses_sign_off_while_a_required_criterion_is_open(dod, criterion, lead):
    DoneCriterionFactory(definition=dod, met=True)
    response = client_for(lead).post(SIGN_OFF, **HTMX)
    assert response.status_code == 422
    assert b"1 of 2 required criteria are not met yet" in response.content
    dod.refresh_from_db()
    assert (dod.signed_off_by, dod.signed_off_at) == (None, None)


def test_it_refuses_sign_off_of_an_empty_checklist(dod, lead):
    response = client_for(lead).post(SIGN_OFF)
    assert response.status_code == 422
    assert b"at least one required criterion" in response.content
    assert DefinitionOfDone.objects.get(pk=dod.pk).signed_off_at is None


@pytest.mark.parametrize("role", ["pm", "team_member", "other_pm", "stakeholder"])
def test_only_a_lead_signs_off(dod, criterion, role, request):
    DoneCriterion.objects.filter(pk=criterion.pk).update(met=True)
    response = client_for(the_user(request, role)).post(SIGN_OFF)
    assert response.status_code == 403
    assert DefinitionOfDone.objects.get(pk=dod.pk).signed_off_at is None


def test_the_sign_off_service_checks_the_signer_not_only_the_access(
    dod, criterion, lead, stakeholder
):
    """The signer is who is recorded: a stakeholder's name must not go on a sign-off because
    the rights passed in were a lead's."""
    DoneCriterion.objects.filter(pk=criterion.pk).update(met=True)
    lead_access = product_access(lead, dod.product)
    with pytest.raises(PermissionDenied, match="Only a lead signs off"):
        definition_of_done_sign_off(access=lead_access, user=stakeholder)
    assert DefinitionOfDone.objects.get(pk=dod.pk).signed_off_by is None


def test_the_sign_off_service_refuses_an_incomplete_checklist(dod, criterion, lead):
    DoneCriterionFactory(definition=dod, met=True)
    with pytest.raises(ValidationError, match="1 of 2 required criteria are not met yet"):
        definition_of_done_sign_off(access=product_access(lead, dod.product), user=lead)
    assert DefinitionOfDone.objects.get(pk=dod.pk).signed_off_by is None


def test_it_hides_the_product_from_an_outsider_on_sign_off(dod, outsider):
    assert client_for(outsider).post(SIGN_OFF).status_code == 404
    assert DefinitionOfDone.objects.get(pk=dod.pk).signed_off_at is None


def test_it_sends_an_anonymous_sign_off_to_login(dod, client):
    response = client.post(SIGN_OFF)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_sign_off_without_a_definition_is_404(product, lead):
    assert client_for(lead).post(SIGN_OFF).status_code == 404


# A change withdraws the sign-off


def _assert_withdrawn(dod):
    dod.refresh_from_db()
    assert (dod.signed_off_by, dod.signed_off_at) == (None, None)


def test_adding_a_criterion_withdraws_the_sign_off(signed_dod, pm):
    response = client_for(pm).post(
        ADD, {"group": "quality", "text": "Nightly tests", "required": "on"}, **HTMX
    )
    assert response.status_code == 200
    assert b"The sign-off was withdrawn" in response.content
    _assert_withdrawn(signed_dod)


def test_unchecking_a_criterion_withdraws_the_sign_off(signed_dod, criterion, pm):
    response = client_for(pm).post(toggle_url(criterion), {"met": "0"}, follow=True)
    assert response.status_code == 200
    assert b"The sign-off was withdrawn" in response.content  # said on the page
    _assert_withdrawn(signed_dod)


def test_removing_a_criterion_withdraws_the_sign_off(signed_dod, pm):
    optional = DoneCriterionFactory(definition=signed_dod, required=False)
    response = client_for(pm).post(remove_url(optional))
    assert response.status_code == 302
    _assert_withdrawn(signed_dod)


def test_a_toggle_that_changes_nothing_keeps_the_sign_off(signed_dod, criterion, pm):
    response = client_for(pm).post(toggle_url(criterion), {"met": "1"}, **HTMX)
    assert response.status_code == 200
    assert b"The sign-off was withdrawn" not in response.content
    assert DefinitionOfDone.objects.get(pk=signed_dod.pk).signed_off_by is not None


def test_a_rejected_change_keeps_the_sign_off(signed_dod, pm):
    client_for(pm).post(ADD, {"group": "vibes", "text": "x"})
    assert DefinitionOfDone.objects.get(pk=signed_dod.pk).signed_off_at is not None
