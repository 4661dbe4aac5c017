"""Hypotheses, their evidence and the assumption map (DESIGN.md §4, §7, §10)."""

import datetime
import html
import re
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import timezone

from discovery.models import Evidence, Hypothesis
from discovery.selectors import evidence_strength, hypotheses_with_evidence, is_test_first
from tests.discovery.factories import (
    EvidenceFactory,
    HypothesisFactory,
    InsightFactory,
    InterviewFactory,
    PersonaFactory,
)
from tests.helpers import client_for
from tests.metrics.factories import ExperimentFactory
from tests.products.factories import DataProductFactory

pytestmark = pytest.mark.django_db

BASE = "/products/churn-radar/discovery"
HTMX = {"HTTP_HX_REQUEST": "true"}
TEAM = ["pm", "team_member"]
READ_ONLY = ["other_pm", "lead", "stakeholder"]
LONG_AGO = timezone.now() - datetime.timedelta(days=10)

NEW_HYPOTHESIS = {
    "who": "FP&A analysts preparing the Monday pack",
    "belief": "will drop their own churn spreadsheet",
    "because": "they rebuild it by hand every week",
    "signal": "eight of ten open the churn radar before Monday",
    "type": "desirability",
    "importance": "4",
    "persona": "",
}


@pytest.fixture
def hypothesis(product, pm):
    return HypothesisFactory(
        product=product,
        who="account managers",
        belief="will call at-risk accounts first",
        because="they rebuild the call list by hand every Monday",
        signal="half of them open the churn list before the Monday review",
        status_changed_at=LONG_AGO,
        status_changed_by=pm,
    )


@pytest.fixture
def interview(product):
    return InterviewFactory(product=product, persona=None)


@pytest.fixture
def insight(interview):
    return InsightFactory(interview=interview, text="Reconciles invoices by hand every month.")


@pytest.fixture
def linked(hypothesis, interview):
    """Evidence already on the hypothesis, from another insight of the same interview."""
    return EvidenceFactory(
        hypothesis=hypothesis,
        insight=InsightFactory(interview=interview, text="Invoices reach the team too late."),
    )


def user(request, who):
    return request.getfixturevalue(who)


def send(client, method, url, data=None, **extra):
    if method == "get":
        return client.get(url, data or {}, **extra)
    return client.post(url, data or {}, **extra)


def snapshot():
    """Everything the hypothesis endpoints can write, to show a refused request wrote nothing."""
    return (
        list(
            Hypothesis.objects.order_by("pk").values_list(
                "pk", "who", "importance", "status", "status_changed_at", "status_changed_by"
            )
        ),
        list(Evidence.objects.order_by("pk").values_list("pk", "hypothesis", "insight", "stance")),
    )


def endpoints(hypothesis, evidence, insight):
    """Every hypothesis endpoint as (method, literal URL, data)."""
    h = f"{BASE}/hypotheses/{hypothesis.pk}"
    return {
        "new_form": ("get", f"{BASE}/hypotheses/new/", None),
        "new": ("post", f"{BASE}/hypotheses/new/", NEW_HYPOTHESIS),
        "preview": ("post", f"{BASE}/hypotheses/preview/", {"who": "analysts"}),
        "detail": ("get", f"{h}/", None),
        "edit_form": ("get", f"{h}/edit/", None),
        "edit": ("post", f"{h}/edit/", {**NEW_HYPOTHESIS, "importance": "5"}),
        "status": ("post", f"{h}/status/", {"status": "testing"}),
        "evidence_add": ("post", f"{h}/evidence/", {"insight": insight.pk, "stance": "supports"}),
        "evidence_remove": ("post", f"{h}/evidence/{evidence.pk}/delete/", None),
        "candidates": ("get", f"{h}/evidence/candidates/", {"q": "invoices"}),
        "assumption_map": ("get", f"{BASE}/assumptions/", None),
    }


READS = ["detail", "assumption_map"]
EDITS = [
    "new_form",
    "new",
    "preview",
    "edit_form",
    "edit",
    "status",
    "evidence_add",
    "evidence_remove",
    "candidates",
]


def balance(response) -> str:
    """The evidence balance paragraph as text, e.g. '1 supporting · 0 contradicting · …'."""
    found = re.search(r'data-testid="balance">(.*?)</p>', response.content.decode(), re.S)
    assert found, "no balance paragraph"
    return " ".join(re.sub(r"<[^>]+>", "", found.group(1)).split())


def offered_insights(response) -> set[int]:
    return {
        int(pk) for pk in re.findall(r'name="insight" value="(\d+)"', response.content.decode())
    }


def annotated(hypothesis):
    return hypotheses_with_evidence(hypothesis.product).get(pk=hypothesis.pk)


# --- who may do what ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", TEAM)
@pytest.mark.parametrize(
    ("endpoint", "status"),
    [
        ("new_form", 200),
        ("new", 302),
        ("preview", 200),
        ("detail", 200),
        ("edit_form", 200),
        ("edit", 302),
        ("status", 302),
        ("evidence_add", 302),
        ("evidence_remove", 302),
        ("candidates", 200),
        ("assumption_map", 200),
    ],
)
def test_it_lets_the_team_use_every_endpoint(
    request, hypothesis, linked, insight, who, endpoint, status
):
    acting = user(request, who)
    before = snapshot()
    method, url, data = endpoints(hypothesis, linked, insight)[endpoint]

    response = send(client_for(acting), method, url, data)

    assert response.status_code == status
    hypothesis.refresh_from_db()
    if endpoint == "new":
        created = Hypothesis.objects.exclude(pk=hypothesis.pk).get()
        assert response["Location"] == f"{BASE}/hypotheses/{created.pk}/"
        assert created.status_changed_by == acting
    elif endpoint == "edit":
        assert hypothesis.importance == 5
        assert hypothesis.who == NEW_HYPOTHESIS["who"]
    elif endpoint == "status":
        assert (hypothesis.status, hypothesis.status_changed_by) == ("testing", acting)
    elif endpoint == "evidence_add":
        added = Evidence.objects.get(hypothesis=hypothesis, insight=insight)
        assert (added.stance, added.added_by) == ("supports", acting)
        assert Evidence.objects.count() == 2
    elif endpoint == "evidence_remove":
        assert not Evidence.objects.exists()
    else:
        assert snapshot() == before


@pytest.mark.parametrize("who", READ_ONLY)
@pytest.mark.parametrize("endpoint", READS)
def test_it_lets_read_only_users_read(request, hypothesis, linked, insight, who, endpoint):
    before = snapshot()
    method, url, data = endpoints(hypothesis, linked, insight)[endpoint]

    response = send(client_for(user(request, who)), method, url, data)

    assert response.status_code == 200
    assert "account managers" in html.unescape(response.content.decode())
    assert snapshot() == before


@pytest.mark.parametrize("who", READ_ONLY)
@pytest.mark.parametrize("endpoint", EDITS)
def test_it_rejects_read_only_users_on_every_edit(
    request, hypothesis, linked, insight, who, endpoint
):
    before = snapshot()
    method, url, data = endpoints(hypothesis, linked, insight)[endpoint]

    response = send(client_for(user(request, who)), method, url, data)

    assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("endpoint", READS + EDITS)
def test_it_returns_404_to_an_outsider(outsider, hypothesis, linked, insight, endpoint):
    before = snapshot()
    method, url, data = endpoints(hypothesis, linked, insight)[endpoint]

    response = send(client_for(outsider), method, url, data)

    assert response.status_code == 404
    assert b"account managers" not in response.content
    assert snapshot() == before


@pytest.mark.parametrize("endpoint", READS + EDITS)
def test_it_sends_anonymous_users_to_login(hypothesis, linked, insight, endpoint):
    before = snapshot()
    method, url, data = endpoints(hypothesis, linked, insight)[endpoint]

    response = send(Client(), method, url, data)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert snapshot() == before


@pytest.mark.parametrize(
    "endpoint",
    ["detail", "edit_form", "edit", "status", "evidence_add", "evidence_remove", "candidates"],
)
def test_it_returns_404_for_another_products_hypothesis(pm, product, insight, endpoint):
    # The PM owns both products, so only the product in the address can refuse it.
    elsewhere = HypothesisFactory(product=DataProductFactory(owner=pm), status_changed_at=LONG_AGO)
    foreign_evidence = EvidenceFactory(hypothesis=elsewhere)
    before = snapshot()
    method, url, data = endpoints(elsewhere, foreign_evidence, insight)[endpoint]

    response = send(client_for(pm), method, url, data)

    assert response.status_code == 404
    assert snapshot() == before


# --- htmx: a fragment for htmx, a redirect (or the full page) otherwise ------------------------


def test_a_plain_status_move_redirects_to_the_hypothesis(pm, hypothesis):
    response = client_for(pm).post(
        f"{BASE}/hypotheses/{hypothesis.pk}/status/", {"status": "testing"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{BASE}/hypotheses/{hypothesis.pk}/"
    hypothesis.refresh_from_db()
    assert hypothesis.status == "testing"


def test_an_htmx_status_move_returns_the_status_fragment(team_member, hypothesis):
    response = client_for(team_member).post(
        f"{BASE}/hypotheses/{hypothesis.pk}/status/", {"status": "testing"}, **HTMX
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert 'id="status"' in content
    assert "<html" not in content
    assert "Testing" in content
    assert "by Team Member" in content
    hypothesis.refresh_from_db()
    assert hypothesis.status == "testing"


def test_a_plain_evidence_add_redirects_to_the_hypothesis(pm, hypothesis, insight):
    response = client_for(pm).post(
        f"{BASE}/hypotheses/{hypothesis.pk}/evidence/",
        {"insight": insight.pk, "stance": "supports"},
    )

    assert response.status_code == 302
    assert response["Location"] == f"{BASE}/hypotheses/{hypothesis.pk}/"
    assert Evidence.objects.filter(hypothesis=hypothesis, insight=insight).count() == 1


def test_an_htmx_evidence_add_returns_the_evidence_fragment(pm, hypothesis, insight):
    response = client_for(pm).post(
        f"{BASE}/hypotheses/{hypothesis.pk}/evidence/",
        {"insight": insight.pk, "stance": "contradicts", "note": "  Said the opposite.  "},
        **HTMX,
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert 'id="evidence"' in content
    assert "<html" not in content
    assert "Reconciles invoices by hand" in content
    assert balance(response) == "0 supporting · 1 contradicting · strength 1 of 5"
    added = Evidence.objects.get(hypothesis=hypothesis)
    assert (added.insight, added.stance, added.note) == (
        insight,
        "contradicts",
        "Said the opposite.",
    )


def test_a_plain_evidence_remove_redirects_to_the_hypothesis(pm, hypothesis, linked):
    response = client_for(pm).post(
        f"{BASE}/hypotheses/{hypothesis.pk}/evidence/{linked.pk}/delete/"
    )

    assert response.status_code == 302
    assert response["Location"] == f"{BASE}/hypotheses/{hypothesis.pk}/"
    assert not Evidence.objects.filter(pk=linked.pk).exists()


def test_an_htmx_evidence_remove_returns_the_evidence_fragment(team_member, hypothesis, linked):
    response = client_for(team_member).post(
        f"{BASE}/hypotheses/{hypothesis.pk}/evidence/{linked.pk}/delete/", **HTMX
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert 'id="evidence"' in content
    assert "<html" not in content
    assert "No evidence yet" in content
    assert balance(response) == "0 supporting · 0 contradicting · strength 0 of 5"
    assert not Evidence.objects.exists()


def test_the_candidates_endpoint_returns_only_the_candidates_fragment(pm, hypothesis, insight):
    response = client_for(pm).get(
        f"{BASE}/hypotheses/{hypothesis.pk}/evidence/candidates/", {"q": "invoices"}, **HTMX
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith('<div id="candidates">')
    assert "<html" not in content
    assert offered_insights(response) == {insight.pk}


# --- stating and editing a hypothesis ----------------------------------------------------------


def test_it_creates_a_hypothesis_from_its_four_parts(pm, product):
    before = timezone.now()

    response = client_for(pm).post(f"{BASE}/hypotheses/new/", NEW_HYPOTHESIS)

    created = Hypothesis.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{BASE}/hypotheses/{created.pk}/"
    assert created.product == product
    assert created.who == "FP&A analysts preparing the Monday pack"
    assert created.belief == "will drop their own churn spreadsheet"
    assert created.because == "they rebuild it by hand every week"
    assert created.signal == "eight of ten open the churn radar before Monday"
    assert (created.type, created.importance) == ("desirability", 4)
    assert created.status == Hypothesis.Status.PROPOSED
    assert created.status_changed_by == pm
    assert before <= created.status_changed_at <= timezone.now()


def test_the_detail_page_shows_the_statement_as_one_sentence(pm, product):
    client = client_for(pm)
    location = client.post(f"{BASE}/hypotheses/new/", NEW_HYPOTHESIS)["Location"]

    response = client.get(location)

    assert response.status_code == 200
    assert (
        "We believe FP&A analysts preparing the Monday pack will drop their own churn spreadsheet "
        "because they rebuild it by hand every week; we'll know we're right when eight of ten "
        "open the churn radar before Monday."
    ) in html.unescape(response.content.decode())


def test_it_creates_a_proposed_hypothesis_whatever_status_is_posted(pm, product):
    client_for(pm).post(f"{BASE}/hypotheses/new/", {**NEW_HYPOTHESIS, "status": "validated"})

    assert Hypothesis.objects.get().status == "proposed"


@pytest.mark.parametrize("importance", ["0", "6"])
def test_it_rejects_an_importance_outside_one_to_five(pm, product, importance):
    response = client_for(pm).post(
        f"{BASE}/hypotheses/new/", {**NEW_HYPOTHESIS, "importance": importance}
    )

    assert response.status_code == 200
    assert "Importance runs from 1 (nice to know) to 5 (critical)." in response.content.decode()
    assert not Hypothesis.objects.exists()


def test_it_rejects_a_hypothesis_missing_a_part(pm, product):
    response = client_for(pm).post(f"{BASE}/hypotheses/new/", {**NEW_HYPOTHESIS, "signal": ""})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Hypothesis.objects.exists()


def test_it_refuses_a_persona_of_another_product(pm, product):
    foreign = PersonaFactory(product=DataProductFactory(owner=pm))

    response = client_for(pm).post(
        f"{BASE}/hypotheses/new/", {**NEW_HYPOTHESIS, "persona": foreign.pk}
    )

    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert not Hypothesis.objects.exists()


def test_it_edits_the_parts_but_not_the_status(team_member, hypothesis):
    response = client_for(team_member).post(
        f"{BASE}/hypotheses/{hypothesis.pk}/edit/",
        {**NEW_HYPOTHESIS, "importance": "2", "status": "validated"},
    )

    assert response.status_code == 302
    assert response["Location"] == f"{BASE}/hypotheses/{hypothesis.pk}/"
    hypothesis.refresh_from_db()
    assert (hypothesis.who, hypothesis.importance) == (NEW_HYPOTHESIS["who"], 2)
    assert hypothesis.status == "proposed"
    assert hypothesis.status_changed_at == LONG_AGO


def test_an_invalid_edit_changes_nothing(pm, hypothesis):
    before = snapshot()

    response = client_for(pm).post(
        f"{BASE}/hypotheses/{hypothesis.pk}/edit/", {**NEW_HYPOTHESIS, "importance": "6"}
    )

    assert response.status_code == 200
    assert "Importance runs from 1" in response.content.decode()
    assert snapshot() == before


def test_the_preview_reads_the_parts_as_one_sentence(pm, product):
    response = client_for(pm).post(
        f"{BASE}/hypotheses/preview/",
        {"who": " analysts ", "belief": "will switch", "because": "", "signal": "they do"},
        **HTMX,
    )

    content = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert 'id="statement-preview"' in content
    assert "<html" not in content
    assert "We believe analysts will switch because …; we'll know we're right when they do." in (
        content
    )
    assert not Hypothesis.objects.exists()


# --- status moves ------------------------------------------------------------------------------


def test_each_move_records_who_and_when(pm, team_member, hypothesis):
    url = f"{BASE}/hypotheses/{hypothesis.pk}/status/"

    assert client_for(team_member).post(url, {"status": "testing"}).status_code == 302
    hypothesis.refresh_from_db()
    assert (hypothesis.status, hypothesis.status_changed_by) == ("testing", team_member)
    assert hypothesis.status_changed_at > LONG_AGO
    tested_at = hypothesis.status_changed_at

    assert client_for(pm).post(url, {"status": "validated"}).status_code == 302
    hypothesis.refresh_from_db()
    assert (hypothesis.status, hypothesis.status_changed_by) == ("validated", pm)
    assert hypothesis.status_changed_at > tested_at


@pytest.mark.parametrize(
    ("start", "to"),
    [
        ("proposed", "parked"),
        ("testing", "invalidated"),
        ("parked", "proposed"),
        ("validated", "testing"),
        ("invalidated", "testing"),
    ],
)
def test_it_allows_the_other_legal_moves(pm, product, start, to):
    hypothesis = HypothesisFactory(product=product, status=start, status_changed_at=LONG_AGO)

    response = client_for(pm).post(f"{BASE}/hypotheses/{hypothesis.pk}/status/", {"status": to})

    assert response.status_code == 302
    hypothesis.refresh_from_db()
    assert (hypothesis.status, hypothesis.status_changed_by) == (to, pm)


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["full-page", "htmx"])
def test_it_refuses_an_illegal_move_with_a_clear_message(pm, hypothesis, headers):
    before = snapshot()

    response = client_for(pm).post(
        f"{BASE}/hypotheses/{hypothesis.pk}/status/", {"status": "validated"}, **headers
    )

    content = response.content.decode()
    assert response.status_code == 422
    assert "A proposed hypothesis cannot move to “validated”." in content
    assert 'id="status"' in content
    assert ("<html" in content) is not bool(headers)
    assert snapshot() == before


@pytest.mark.parametrize("status", ["approved", ""])
def test_it_refuses_an_unknown_status(pm, hypothesis, status):
    before = snapshot()

    response = client_for(pm).post(
        f"{BASE}/hypotheses/{hypothesis.pk}/status/", {"status": status}, **HTMX
    )

    assert response.status_code == 422
    assert "Choose a status from the list." in response.content.decode()
    assert snapshot() == before


def test_it_offers_only_the_legal_moves(pm, hypothesis):
    content = client_for(pm).get(f"{BASE}/hypotheses/{hypothesis.pk}/").content.decode()

    assert set(re.findall(r'name="status" value="(\w+)"', content)) == {"testing", "parked"}


def test_read_only_users_see_the_status_but_no_moves(lead, hypothesis):
    content = client_for(lead).get(f"{BASE}/hypotheses/{hypothesis.pk}/").content.decode()

    assert "Proposed" in content
    assert f"{BASE}/hypotheses/{hypothesis.pk}/status/" not in content


# --- evidence ----------------------------------------------------------------------------------


def test_supporting_and_contradicting_evidence_change_the_balance(pm, hypothesis, interview):
    client = client_for(pm)
    url = f"{BASE}/hypotheses/{hypothesis.pk}/"
    agrees = InsightFactory(interview=interview, text="Wants the at-risk accounts first.")
    disagrees = InsightFactory(interview=interview, text="Calls accounts in territory order.")
    assert balance(client.get(url)) == "0 supporting · 0 contradicting · strength 0 of 5"

    client.post(f"{url}evidence/", {"insight": agrees.pk, "stance": "supports"})
    assert balance(client.get(url)) == "1 supporting · 0 contradicting · strength 1 of 5"
    assert (annotated(hypothesis).supporting, annotated(hypothesis).contradicting) == (1, 0)

    client.post(f"{url}evidence/", {"insight": disagrees.pk, "stance": "contradicts"})
    response = client.get(url)
    assert balance(response) == "1 supporting · 1 contradicting · strength 2 of 5"
    assert (annotated(hypothesis).supporting, annotated(hypothesis).contradicting) == (1, 1)
    assert "Wants the at-risk accounts first." in response.content.decode()
    assert "Calls accounts in territory order." in response.content.decode()


@pytest.mark.parametrize("stance", ["supports", "contradicts"])
def test_it_refuses_the_same_insight_twice(pm, hypothesis, linked, stance):
    response = client_for(pm).post(
        f"{BASE}/hypotheses/{hypothesis.pk}/evidence/",
        {"insight": linked.insight_id, "stance": stance},
        **HTMX,
    )

    assert response.status_code == 422
    assert "This is already linked as evidence to the hypothesis." in response.content.decode()
    assert list(Evidence.objects.values_list("pk", flat=True)) == [linked.pk]


def test_it_refuses_an_insight_of_another_product(pm, hypothesis):
    foreign = InsightFactory(interview__product=DataProductFactory(owner=pm))

    response = client_for(pm).post(
        f"{BASE}/hypotheses/{hypothesis.pk}/evidence/",
        {"insight": foreign.pk, "stance": "supports"},
    )

    assert response.status_code == 422
    assert "That insight is not one of this product&#x27;s." in response.content.decode()
    assert not Evidence.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"stance": "supports"},
        {"insight": "1", "experiment": "1", "stance": "supports"},
    ],
    ids=["neither", "both"],
)
def test_it_wants_exactly_one_source(pm, hypothesis, insight, data):
    response = client_for(pm).post(f"{BASE}/hypotheses/{hypothesis.pk}/evidence/", data, **HTMX)

    assert response.status_code == 422
    assert "Pick one insight or one experiment as evidence." in response.content.decode()
    assert not Evidence.objects.exists()


def test_it_says_what_is_wrong_with_a_bad_stance(pm, hypothesis, insight):
    response = client_for(pm).post(
        f"{BASE}/hypotheses/{hypothesis.pk}/evidence/",
        {"insight": insight.pk, "stance": "maybe"},
        **HTMX,
    )

    assert response.status_code == 422
    assert not Evidence.objects.exists()
    assert 'role="alert"' in response.content.decode()


def test_it_hides_pii_evidence_from_everyone_outside_the_team(
    request, pm, team_member, product, hypothesis
):
    pii = InsightFactory(
        interview=InterviewFactory(product=product, persona=None, contains_pii=True),
        text="Jane at Acme says her renewal is at risk.",
    )
    plain = InsightFactory(interview__product=product, text="Sorts the call list in Excel.")
    EvidenceFactory(hypothesis=hypothesis, insight=pii)
    EvidenceFactory(hypothesis=hypothesis, insight=plain)
    url = f"{BASE}/hypotheses/{hypothesis.pk}/"

    for who in TEAM:
        response = client_for(user(request, who)).get(url)
        content = response.content.decode()
        assert "Jane at Acme" in content
        assert "Sorts the call list in Excel." in content
        assert response.context["hypothesis"].supporting == 2
    for who in READ_ONLY:
        response = client_for(user(request, who)).get(url)
        assert response.status_code == 200
        assert "Jane at Acme" not in response.content.decode()
        assert "Sorts the call list in Excel." in response.content.decode()
        # The balance counts only what this reader is shown.
        assert response.context["hypothesis"].supporting == 1
        assert "1 supporting" in response.content.decode()
    assert Evidence.objects.count() == 2


def test_stakeholders_do_not_get_links_to_interview_notes(stakeholder, lead, hypothesis, linked):
    url = f"{BASE}/hypotheses/{hypothesis.pk}/"
    interview_url = f"{BASE}/interviews/{linked.insight.interview_id}/"

    assert interview_url not in client_for(stakeholder).get(url).content.decode()
    assert interview_url in client_for(lead).get(url).content.decode()


def test_the_team_may_link_an_insight_from_a_pii_interview(team_member, product, hypothesis):
    pii = InsightFactory(
        interview=InterviewFactory(product=product, persona=None, contains_pii=True),
        text="Jane at Acme reconciles invoices by hand.",
    )
    url = f"{BASE}/hypotheses/{hypothesis.pk}/"
    client = client_for(team_member)

    assert pii.pk in offered_insights(client.get(f"{url}evidence/candidates/", {"q": "Acme"}))
    response = client.post(f"{url}evidence/", {"insight": pii.pk, "stance": "supports"})

    assert response.status_code == 302
    assert Evidence.objects.get().insight == pii


def test_it_links_a_concluded_experiment(pm, product, hypothesis):
    experiment = ExperimentFactory(product=product, hypothesis=hypothesis, concluded=True)

    response = client_for(pm).post(
        f"{BASE}/hypotheses/{hypothesis.pk}/evidence/",
        {"experiment": experiment.pk, "stance": "supports"},
        **HTMX,
    )

    assert response.status_code == 200
    assert experiment.name in response.content.decode()
    assert "(decided: Roll out)" in response.content.decode()
    assert balance(response) == "1 supporting · 0 contradicting · strength 2 of 5"
    evidence = Evidence.objects.get()
    assert (evidence.experiment, evidence.insight, evidence.added_by) == (experiment, None, pm)


@pytest.mark.parametrize("status", ["running", "planned"])
def test_it_refuses_an_experiment_that_has_not_concluded(pm, product, hypothesis, status):
    experiment = ExperimentFactory(product=product, hypothesis=hypothesis, status=status)

    response = client_for(pm).post(
        f"{BASE}/hypotheses/{hypothesis.pk}/evidence/",
        {"experiment": experiment.pk, "stance": "supports"},
    )

    assert response.status_code == 422
    assert "Only a concluded experiment of this product can be evidence." in (
        response.content.decode()
    )
    assert not Evidence.objects.exists()


def test_it_refuses_a_concluded_experiment_of_another_product(pm, hypothesis):
    foreign = ExperimentFactory(product=DataProductFactory(owner=pm), concluded=True)

    response = client_for(pm).post(
        f"{BASE}/hypotheses/{hypothesis.pk}/evidence/",
        {"experiment": foreign.pk, "stance": "supports"},
        **HTMX,
    )

    assert response.status_code == 422
    assert not Evidence.objects.exists()


def test_it_refuses_the_same_experiment_twice(pm, product, hypothesis):
    experiment = ExperimentFactory(product=product, hypothesis=hypothesis, concluded=True)
    existing = EvidenceFactory(hypothesis=hypothesis, insight=None, experiment=experiment)

    response = client_for(pm).post(
        f"{BASE}/hypotheses/{hypothesis.pk}/evidence/",
        {"experiment": experiment.pk, "stance": "contradicts"},
        **HTMX,
    )

    assert response.status_code == 422
    assert "already linked" in response.content.decode()
    assert list(Evidence.objects.values_list("pk", flat=True)) == [existing.pk]


def test_it_refuses_to_remove_another_hypothesis_evidence(pm, product, hypothesis, linked):
    sibling = HypothesisFactory(product=product)
    theirs = EvidenceFactory(hypothesis=sibling)

    response = client_for(pm).post(
        f"{BASE}/hypotheses/{hypothesis.pk}/evidence/{theirs.pk}/delete/", **HTMX
    )

    assert response.status_code == 404
    assert set(Evidence.objects.values_list("pk", flat=True)) == {linked.pk, theirs.pk}


def test_it_returns_404_for_evidence_that_does_not_exist(pm, hypothesis, linked):
    response = client_for(pm).post(
        f"{BASE}/hypotheses/{hypothesis.pk}/evidence/{linked.pk + 1000}/delete/"
    )

    assert response.status_code == 404
    assert Evidence.objects.get() == linked


# --- finding evidence to link ------------------------------------------------------------------


@pytest.fixture
def candidates(product, hypothesis, interview, linked):
    """Insights and experiments the picker may or may not offer for `hypothesis`."""
    return SimpleNamespace(
        both_words=InsightFactory(interview=interview, text="Reconciles invoices by hand."),
        one_word=InsightFactory(interview=interview, text="Invoices arrive after the review."),
        unrelated=InsightFactory(interview=interview, text="Sorts the call list in Excel."),
        foreign=InsightFactory(
            interview__product=DataProductFactory(), text="Reconciles invoices by hand, too."
        ),
        already_linked=linked.insight,
        concluded=ExperimentFactory(
            product=product, hypothesis=None, concluded=True, name="Invoice reminder pilot"
        ),
        running=ExperimentFactory(product=product, hypothesis=None, name="Invoice digest pilot"),
    )


def test_it_finds_candidate_insights_by_their_words(pm, hypothesis, candidates):
    response = client_for(pm).get(
        f"{BASE}/hypotheses/{hypothesis.pk}/evidence/candidates/", {"q": "invoices hand"}
    )

    assert response.status_code == 200
    assert offered_insights(response) == {candidates.both_words.pk}


def test_it_leaves_out_insights_already_linked(pm, hypothesis, candidates):
    response = client_for(pm).get(
        f"{BASE}/hypotheses/{hypothesis.pk}/evidence/candidates/", {"q": "invoices"}
    )

    offered = offered_insights(response)
    assert candidates.already_linked.pk not in offered
    assert offered == {candidates.both_words.pk, candidates.one_word.pk}


def test_it_offers_only_concluded_experiments(pm, hypothesis, candidates):
    response = client_for(pm).get(
        f"{BASE}/hypotheses/{hypothesis.pk}/evidence/candidates/", {"q": "invoice"}
    )

    content = response.content.decode()
    assert f'name="experiment" value="{candidates.concluded.pk}"' in content
    assert f'name="experiment" value="{candidates.running.pk}"' not in content


def test_it_offers_everything_left_for_an_empty_query(pm, hypothesis, candidates):
    response = client_for(pm).get(f"{BASE}/hypotheses/{hypothesis.pk}/evidence/candidates/")

    assert offered_insights(response) == {
        candidates.both_words.pk,
        candidates.one_word.pk,
        candidates.unrelated.pk,
    }


def test_it_says_when_nothing_matches(pm, hypothesis, candidates):
    response = client_for(pm).get(
        f"{BASE}/hypotheses/{hypothesis.pk}/evidence/candidates/", {"q": "zeppelin"}
    )

    assert offered_insights(response) == set()
    assert "Nothing matches “zeppelin”." in response.content.decode()


def test_the_no_javascript_picker_shows_the_same_candidates(pm, hypothesis, candidates):
    client = client_for(pm)
    url = f"{BASE}/hypotheses/{hypothesis.pk}/"

    fragment = client.get(f"{url}evidence/candidates/", {"q": "invoices"})
    page = client.get(url, {"q": "invoices"})

    assert page.status_code == 200
    assert "<html" in page.content.decode()
    assert (
        offered_insights(page)
        == offered_insights(fragment)
        == {
            candidates.both_words.pk,
            candidates.one_word.pk,
        }
    )
    assert 'value="invoices"' in page.content.decode()


def test_the_detail_page_offers_no_candidates_without_a_query(pm, hypothesis, candidates):
    assert offered_insights(client_for(pm).get(f"{BASE}/hypotheses/{hypothesis.pk}/")) == set()


def test_read_only_users_get_no_picker_even_with_a_query(lead, hypothesis, candidates):
    response = client_for(lead).get(f"{BASE}/hypotheses/{hypothesis.pk}/", {"q": "invoices"})

    assert response.status_code == 200
    assert 'id="candidates"' not in response.content.decode()
    assert offered_insights(response) == set()


# --- evidence strength and "test first" --------------------------------------------------------


def hand_made(importance=3, status="proposed", supporting=0, contradicting=0, experiments=0):
    """A hypothesis as `hypotheses_with_evidence` annotates it, without the database."""
    return SimpleNamespace(
        importance=importance,
        status=status,
        supporting=supporting,
        contradicting=contradicting,
        experiment_links=experiments,
    )


@pytest.mark.parametrize(
    ("supporting", "contradicting", "experiments", "strength"),
    [
        (0, 0, 0, 0),
        (1, 0, 0, 1),
        (0, 1, 0, 1),  # evidence against is knowledge too
        (1, 1, 0, 2),
        (1, 0, 1, 2),  # one experiment (a link that counts double)
        (2, 0, 1, 3),
        (2, 1, 2, 5),
        (3, 3, 0, 5),  # capped where the map's axis ends
        (4, 3, 3, 5),
    ],
)
def test_strength_counts_every_link_and_experiments_double(
    supporting, contradicting, experiments, strength
):
    made = hand_made(supporting=supporting, contradicting=contradicting, experiments=experiments)
    assert evidence_strength(made) == strength


@pytest.mark.parametrize(
    ("importance", "status", "links", "expected"),
    [
        (3, "proposed", 1, True),
        (5, "testing", 0, True),
        (3, "proposed", 2, False),  # strength 2 is enough
        (2, "proposed", 0, False),  # not important enough
        (5, "validated", 0, False),
        (5, "invalidated", 0, False),
        (5, "parked", 0, False),
    ],
)
def test_test_first_means_important_barely_evidenced_and_open(importance, status, links, expected):
    assert is_test_first(hand_made(importance=importance, status=status, supporting=links)) is (
        expected
    )


def test_the_annotations_count_each_kind_of_link(product, hypothesis, interview):
    for text in ("One.", "Two."):
        EvidenceFactory(
            hypothesis=hypothesis, insight=InsightFactory(interview=interview, text=text)
        )
    EvidenceFactory(
        hypothesis=hypothesis, insight=InsightFactory(interview=interview), stance="contradicts"
    )
    EvidenceFactory(hypothesis=hypothesis, from_experiment=True)
    EvidenceFactory(hypothesis=HypothesisFactory(product=product))  # another hypothesis's

    row = annotated(hypothesis)

    assert (row.supporting, row.contradicting, row.experiment_links) == (3, 1, 1)
    assert evidence_strength(row) == 5  # 4 links + 1 for the experiment


# --- the assumption map ------------------------------------------------------------------------


@pytest.fixture
def mapped(product, interview):
    """Hand-made hypotheses at known places on the map."""

    def make(belief, importance, status="proposed", insights=0, experiments=0):
        made = HypothesisFactory(
            product=product, belief=belief, importance=importance, status=status
        )
        for _ in range(insights):
            EvidenceFactory(hypothesis=made, insight=InsightFactory(interview=interview))
        for _ in range(experiments):
            EvidenceFactory(hypothesis=made, from_experiment=True)
        return made

    return SimpleNamespace(
        untested=make("will open the radar daily", 5),
        thin=make("will share the radar with finance", 3, status="testing", insights=1),
        known=make("will export the radar to Excel", 4, insights=1, experiments=1),
        minor=make("will change the colours", 2),
        settled=make("will ask for a weekly email", 5, status="validated"),
    )


def map_rows(response) -> dict[str, str]:
    """The table rows (the map's text alternative) by the hypothesis link they hold."""
    tbody = response.content.decode().split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr[^>]*>.*?</tr>", tbody, re.S)
    return {re.search(r'href="([^"]+)"', row).group(1): row for row in rows}


def test_the_map_lists_every_hypothesis_and_marks_what_to_test_first(stakeholder, mapped):
    response = client_for(stakeholder).get(f"{BASE}/assumptions/")

    assert response.status_code == 200
    rows = map_rows(response)
    assert set(rows) == {f"{BASE}/hypotheses/{h.pk}/" for h in vars(mapped).values()}
    flagged = {url for url, row in rows.items() if "Test first" in row}
    assert flagged == {
        f"{BASE}/hypotheses/{mapped.untested.pk}/",
        f"{BASE}/hypotheses/{mapped.thin.pk}/",
    }
    for url in flagged:
        assert 'class="row-flag"' in rows[url]
    known = rows[f"{BASE}/hypotheses/{mapped.known.pk}/"]
    assert html.unescape(mapped.known.statement) in html.unescape(known)
    assert '<td class="num">3</td>' in known  # 1 insight + 1 experiment counted double


def test_the_map_is_an_svg_with_a_title(pm, mapped):
    content = client_for(pm).get(f"{BASE}/assumptions/").content.decode()

    svg = content.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert '<title id="map-title">Hypotheses by importance and strength of evidence</title>' in svg
    assert svg.count('<circle cx="') == 5
    for hypothesis in vars(mapped).values():
        assert f'href="{BASE}/hypotheses/{hypothesis.pk}/"' in svg


def test_the_map_says_when_there_are_no_hypotheses(pm, stakeholder, product):
    for_pm = client_for(pm).get(f"{BASE}/assumptions/").content.decode()
    for_stakeholder = client_for(stakeholder).get(f"{BASE}/assumptions/").content.decode()

    assert "No hypotheses yet." in for_pm
    assert f"{BASE}/hypotheses/new/" in for_pm
    assert "No hypotheses yet." in for_stakeholder
    assert f"{BASE}/hypotheses/new/" not in for_stakeholder


def test_the_map_leaves_out_other_products_hypotheses(pm, mapped):
    elsewhere = HypothesisFactory(product=DataProductFactory(owner=pm), belief="will never show")

    response = client_for(pm).get(f"{BASE}/assumptions/")

    assert f"{BASE}/hypotheses/{elsewhere.pk}/" not in response.content.decode()
    assert "will never show" not in response.content.decode()


# --- queries per page (DESIGN.md §10) ----------------------------------------------------------


@pytest.mark.parametrize("links", [3, 40])
def test_the_detail_query_count_does_not_grow_with_evidence(
    django_assert_num_queries, pm, product, hypothesis, interview, links
):
    for n in range(links):
        if n % 4 == 3:
            EvidenceFactory(hypothesis=hypothesis, from_experiment=True)
        else:
            EvidenceFactory(hypothesis=hypothesis, insight=InsightFactory(interview=interview))
    client = client_for(pm)
    # session, user, the user's roles, product (owner, tech lead, domain, team flag), the
    # hypothesis with its balance (persona and mover joined), the evidence (insight, interview,
    # experiment and adder joined).
    with django_assert_num_queries(6):
        response = client.get(f"{BASE}/hypotheses/{hypothesis.pk}/")
    assert response.status_code == 200
    assert response.content.decode().count("Unlink</button>") == links


@pytest.mark.parametrize("count", [3, 60])
def test_the_map_query_count_does_not_grow_with_hypotheses(
    django_assert_num_queries, pm, product, interview, count
):
    for made in HypothesisFactory.create_batch(count, product=product):
        EvidenceFactory(hypothesis=made, insight=InsightFactory(interview=interview))
    client = client_for(pm)
    # session, user, the user's roles, product (owner, tech lead, domain, team flag), the
    # hypotheses with their balance.
    with django_assert_num_queries(5):
        response = client.get(f"{BASE}/assumptions/")
    assert response.status_code == 200
    assert len(map_rows(response)) == count


def test_the_map_costs_read_only_users_no_extra_query(
    django_assert_num_queries, stakeholder, product
):
    HypothesisFactory.create_batch(3, product=product)
    client = client_for(stakeholder)
    # As for the team: session, user, roles, product with its team flag, hypotheses.
    with django_assert_num_queries(5):
        assert client.get(f"{BASE}/assumptions/").status_code == 200


@pytest.mark.parametrize("insights", [3, 40])
def test_the_candidates_query_count_does_not_grow_with_insights(
    django_assert_num_queries, pm, product, hypothesis, interview, insights
):
    InsightFactory.create_batch(insights, interview=interview, text="Reconciles invoices.")
    ExperimentFactory.create_batch(3, product=product, hypothesis=None, concluded=True)
    client = client_for(pm)
    # session, user, roles, product, the hypothesis with its balance, the matching insights
    # (interview joined), the concluded experiments.
    with django_assert_num_queries(7):
        response = client.get(
            f"{BASE}/hypotheses/{hypothesis.pk}/evidence/candidates/", {"q": "invoices"}, **HTMX
        )
    assert len(offered_insights(response)) == min(insights, 8)
