"""The interview loop: the workspace, logging an interview, autosaved notes, insights."""

import re

import pytest
from django.test import Client

from discovery.models import Insight, Interview
from tests.discovery.factories import InsightFactory, InterviewFactory, PersonaFactory, TagFactory
from tests.helpers import client_for

pytestmark = pytest.mark.django_db

BASE = "/products/churn-radar/discovery"
READERS = ["lead"]  # reads notes, changes nothing
EDITORS = ["pm", "team_member"]


@pytest.fixture
def interview(product):
    return InterviewFactory(
        product=product,
        interviewee_name="Sofia Lindqvist",
        notes="Rebuilds churn in Excel every Monday.",
    )


@pytest.fixture
def pii_interview(product):
    return InterviewFactory(
        product=product,
        interviewee_name="Private Person",
        notes="Her phone number is 0170 1234567.",
        contains_pii=True,
    )


def notes_url(interview) -> str:
    return f"{BASE}/interviews/{interview.pk}/notes/"


# --- the workspace -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", [*EDITORS, *READERS])
def test_the_workspace_lists_interviews_insights_hypotheses_and_personas(request, interview, who):
    InsightFactory(interview=interview, text="Does not trust the weekly churn number")
    response = client_for(request.getfixturevalue(who)).get(f"{BASE}/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Sofia Lindqvist" in content
    assert "Does not trust the weekly churn number" in content
    assert interview.persona.name in content


@pytest.mark.parametrize("who", ["stakeholder", "other_pm"])
def test_stakeholders_and_other_pms_see_insights_but_no_interviews(request, interview, who):
    InsightFactory(interview=interview, text="Does not trust the weekly churn number")
    response = client_for(request.getfixturevalue(who)).get(f"{BASE}/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "Does not trust the weekly churn number" in content
    assert "Sofia Lindqvist" not in content
    assert "Rebuilds churn in Excel" not in content
    assert response.context["page"] is None


def test_pii_interviews_and_their_insights_stay_inside_the_team(pii_interview, pm, lead):
    InsightFactory(interview=pii_interview, text="Calls her at home on Sundays")
    assert b"Private Person" in client_for(pm).get(f"{BASE}/").content
    content = client_for(lead).get(f"{BASE}/").content
    assert b"Private Person" not in content
    assert b"Calls her at home" not in content


def test_the_workspace_is_404_for_outsiders_and_login_for_anonymous(product, outsider):
    assert client_for(outsider).get(f"{BASE}/").status_code == 404
    response = Client().get(f"{BASE}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_workspace_filters_by_persona_interviewer_and_dates(product, pm, other_pm):
    persona = PersonaFactory(product=product, name="CFO")
    InterviewFactory(product=product, interviewee_name="Old one", held_on="2026-01-05")
    InterviewFactory(
        product=product, interviewee_name="The CFO", persona=persona, held_on="2026-03-02"
    )
    InterviewFactory(
        product=product, interviewee_name="Someone else's", conducted_by=other_pm,
        held_on="2026-03-03",
    )  # fmt: skip
    client = client_for(pm)

    def names(query: str) -> list[str]:
        page = client.get(f"{BASE}/?{query}").context["page"]
        return [i.interviewee_name for i in page]

    assert names(f"persona={persona.pk}") == ["The CFO"]
    assert names(f"interviewer={other_pm.pk}") == ["Someone else's"]
    assert names("held_from=2026-03-01&held_to=2026-03-02") == ["The CFO"]
    assert names("") == ["Someone else's", "The CFO", "Old one"]


def test_the_workspace_filters_insights_by_kind_and_tag(interview, pm):
    trust = TagFactory(name="trust")
    InsightFactory(interview=interview, kind="pain", text="Pain with tag", tags=[trust])
    InsightFactory(interview=interview, kind="quote", text="A quote")
    client = client_for(pm)
    assert [i.text for i in client.get(f"{BASE}/?tag=trust").context["insights"]] == [
        "Pain with tag"
    ]
    assert [i.text for i in client.get(f"{BASE}/?kind=quote").context["insights"]] == ["A quote"]


def test_search_finds_words_from_notes_and_insights(product, pm):
    InterviewFactory(product=product, interviewee_name="Notes match", notes="We reconcile by hand")
    insight_match = InterviewFactory(product=product, interviewee_name="Insight match", notes="")
    InsightFactory(interview=insight_match, text="Has to reconcile two systems")
    InterviewFactory(product=product, interviewee_name="No match", notes="Likes the dashboard")

    response = client_for(pm).get(f"{BASE}/?q=reconcile")

    names = {i.interviewee_name for i in response.context["page"]}
    assert names == {"Notes match", "Insight match"}
    assert [i.text for i in response.context["insights"]] == ["Has to reconcile two systems"]


def test_bad_filter_values_are_not_an_error(interview, pm):
    response = client_for(pm).get(f"{BASE}/?persona=abc&held_from=yesterday&page=99")
    assert response.status_code == 200


# --- logging an interview ----------------------------------------------------------------------


@pytest.mark.parametrize("who", EDITORS)
def test_the_team_logs_an_interview_and_lands_in_its_notes(request, product, who):
    user = request.getfixturevalue(who)
    client = client_for(user)
    assert client.get(f"{BASE}/interviews/new/").status_code == 200
    response = client.post(
        f"{BASE}/interviews/new/",
        {"interviewee_name": "Aisha Bello", "held_on": "2026-11-20", "channel": "video",
         "conducted_by": user.pk},
    )  # fmt: skip
    interview = Interview.objects.get(interviewee_name="Aisha Bello")
    assert response.status_code == 302
    assert response["Location"] == f"{BASE}/interviews/{interview.pk}/"
    assert (interview.product, interview.conducted_by, interview.version) == (product, user, 1)


def test_logging_an_interview_with_bad_input_shows_errors(product, pm):
    response = client_for(pm).post(
        f"{BASE}/interviews/new/", {"interviewee_name": "", "held_on": "soon", "channel": "fax"}
    )
    assert response.status_code == 200
    assert b"This field is required" in response.content
    assert not Interview.objects.exists()


def test_a_persona_of_another_product_is_refused(product, pm):
    foreign = PersonaFactory()
    response = client_for(pm).post(
        f"{BASE}/interviews/new/",
        {"interviewee_name": "X", "held_on": "2026-11-20", "channel": "video",
         "persona": foreign.pk},
    )  # fmt: skip
    assert response.status_code == 200
    assert b"Select a valid choice" in response.content
    assert not Interview.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"), [("other_pm", 403), ("lead", 403), ("stakeholder", 403), ("outsider", 404)]
)
def test_only_the_team_logs_and_edits_interviews(request, interview, who, status):
    client = client_for(request.getfixturevalue(who))
    assert client.get(f"{BASE}/interviews/new/").status_code == status
    response = client.post(
        f"{BASE}/interviews/new/",
        {"interviewee_name": "Sneaky", "held_on": "2026-11-20", "channel": "video"},
    )
    assert response.status_code == status
    assert client.get(f"{BASE}/interviews/{interview.pk}/edit/").status_code == status
    assert Interview.objects.count() == 1


def test_the_team_edits_the_details(interview, team_member):
    response = client_for(team_member).post(
        f"{BASE}/interviews/{interview.pk}/edit/",
        {"interviewee_name": "Sofia L.", "held_on": "2026-11-01", "channel": "phone",
         "contains_pii": "on", "summary": "Short"},
    )  # fmt: skip
    assert response.status_code == 302
    interview.refresh_from_db()
    assert (interview.interviewee_name, interview.channel, interview.contains_pii) == (
        "Sofia L.",
        "phone",
        True,
    )
    assert interview.notes == "Rebuilds churn in Excel every Monday."  # untouched


# --- reading an interview ----------------------------------------------------------------------


@pytest.mark.parametrize(("who", "editor"), [("pm", True), ("team_member", True),
                                             ("lead", False)])  # fmt: skip
def test_the_interview_page_shows_an_editor_to_the_team_and_notes_to_readers(
    request, interview, who, editor
):
    response = client_for(request.getfixturevalue(who)).get(f"{BASE}/interviews/{interview.pk}/")
    assert response.status_code == 200
    assert b"Rebuilds churn in Excel every Monday." in response.content
    assert (b'id="id_notes"' in response.content) is editor
    assert (b'action="' + f"{BASE}/interviews/{interview.pk}/insights/".encode() in
            response.content) is editor  # fmt: skip


@pytest.mark.parametrize("who", ["stakeholder", "other_pm", "outsider"])
def test_stakeholders_other_pms_and_outsiders_never_read_notes(request, interview, who):
    response = client_for(request.getfixturevalue(who)).get(f"{BASE}/interviews/{interview.pk}/")
    assert response.status_code == 404


@pytest.mark.parametrize(("who", "status"), [("pm", 200), ("team_member", 200),
                                             ("other_pm", 404), ("lead", 404)])  # fmt: skip
def test_a_pii_interview_is_for_the_team_only(request, pii_interview, who, status):
    response = client_for(request.getfixturevalue(who)).get(
        f"{BASE}/interviews/{pii_interview.pk}/"
    )
    assert response.status_code == status


def test_an_interview_of_another_product_is_404(product, pm):
    other = InterviewFactory()
    assert client_for(pm).get(f"{BASE}/interviews/{other.pk}/").status_code == 404


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert('x')</script>",
        "<img src=x onerror=alert(1)>",
        "[click me](javascript:alert(1))",
        '<a href="javascript:alert(1)" onclick="alert(2)">x</a>',
    ],
)
def test_xss_in_notes_and_insights_renders_inert(interview, lead, payload):
    Interview.objects.filter(pk=interview.pk).update(notes=f"Before\n\n{payload}\n\nAfter")
    InsightFactory(interview=interview, text=f"Insight {payload}")

    notes_page = client_for(lead).get(f"{BASE}/interviews/{interview.pk}/").content.decode()
    assert "<p>Before</p>" in notes_page
    assert "<p>After</p>" in notes_page
    for url in (f"{BASE}/interviews/{interview.pk}/", f"{BASE}/"):
        content = client_for(lead).get(url).content.decode().lower()
        body = content[content.index("<main") :]
        assert "insight" in body  # the insight is shown, only inert
        assert "<script>alert" not in body
        assert "<img" not in body
        assert not re.search(r"<[^>]*\son\w+\s*=", body)  # no event handler inside a tag
        assert not re.search(r"<a[^>]*href=\"?javascript:", body)


# --- autosaved notes and conflicts -------------------------------------------------------------


def test_autosave_saves_and_hands_back_the_next_version(interview, pm):
    response = client_for(pm).post(
        notes_url(interview), {"notes": "Typed so far", "version": 1}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b"Saved" in response.content
    assert b'id="notes-version" value="2" hx-swap-oob="true"' in response.content
    interview.refresh_from_db()
    assert (interview.notes, interview.version) == ("Typed so far", 2)


def test_a_plain_save_redirects_back_to_the_interview(interview, team_member):
    response = client_for(team_member).post(notes_url(interview), {"notes": "Saved", "version": 1})
    assert response.status_code == 302
    assert response["Location"] == f"{BASE}/interviews/{interview.pk}/"
    interview.refresh_from_db()
    assert interview.notes == "Saved"


def test_a_stale_autosave_is_a_409_with_both_texts_and_nothing_lost(interview, pm, team_member):
    client_for(team_member).post(notes_url(interview), {"notes": "Their words", "version": 1})

    response = client_for(pm).post(
        notes_url(interview), {"notes": "My words", "version": 1}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 409
    assert response["HX-Retarget"] == "#notes-editor"
    assert b"<html" not in response.content
    assert b"Their words" in response.content
    assert b"My words" in response.content
    assert b'name="version" value="2"' in response.content  # the merge saves on their version
    interview.refresh_from_db()
    assert (interview.notes, interview.version) == ("Their words", 2)


def test_a_stale_plain_save_shows_the_conflict_on_the_full_page(interview, pm, team_member):
    client_for(team_member).post(notes_url(interview), {"notes": "Their words", "version": 1})
    response = client_for(pm).post(notes_url(interview), {"notes": "My words", "version": 1})
    assert response.status_code == 409
    assert b"<html" in response.content
    assert b"Their words" in response.content
    assert b"My words" in response.content
    interview.refresh_from_db()
    assert interview.notes == "Their words"


def test_the_merged_notes_save_and_the_page_reloads(interview, pm, team_member):
    client_for(team_member).post(notes_url(interview), {"notes": "Their words", "version": 1})
    client = client_for(pm)

    response = client.post(
        notes_url(interview),
        {"notes": "Their words\nMy words", "version": 2, "merged": "1"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert response["HX-Refresh"] == "true"
    interview.refresh_from_db()
    assert (interview.notes, interview.version) == ("Their words\nMy words", 3)


@pytest.mark.parametrize("data", [{"notes": "x"}, {"notes": "x", "version": "abc"},
                                  {"notes": "x", "version": "0"}])  # fmt: skip
def test_a_save_without_a_valid_version_is_refused(interview, pm, data):
    response = client_for(pm).post(notes_url(interview), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert b"Not saved" in response.content
    interview.refresh_from_db()
    assert interview.version == 1


@pytest.mark.parametrize(
    ("who", "status"), [("other_pm", 403), ("lead", 403), ("stakeholder", 403), ("outsider", 404)]
)
def test_only_the_team_saves_notes(request, interview, who, status):
    response = client_for(request.getfixturevalue(who)).post(
        notes_url(interview), {"notes": "Vandalised", "version": 1}
    )
    assert response.status_code == status
    interview.refresh_from_db()
    assert interview.notes == "Rebuilds churn in Excel every Monday."


def test_anonymous_saves_go_to_login(interview):
    response = Client().post(notes_url(interview), {"notes": "x", "version": 1})
    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.version == 1


# --- insights ----------------------------------------------------------------------------------


def test_an_insight_is_added_with_normalised_tags(interview, pm):
    TagFactory(name="trust")
    response = client_for(pm).post(
        f"{BASE}/interviews/{interview.pk}/insights/",
        {"kind": "quote", "text": " I spend the first hour proving my number ", "severity": 4,
         "tags": "Trust, manual work,trust,  "},
    )  # fmt: skip
    assert response.status_code == 302
    insight = Insight.objects.get()
    assert (insight.kind, insight.text, insight.severity) == (
        "quote",
        "I spend the first hour proving my number",
        4,
    )
    assert sorted(insight.tags.values_list("name", flat=True)) == ["manual work", "trust"]


def test_an_htmx_insight_returns_the_insights_fragment_with_an_empty_form(interview, pm):
    response = client_for(pm).post(
        f"{BASE}/interviews/{interview.pk}/insights/",
        {"kind": "pain", "text": "Waits 40 s for the drill-down", "severity": 3},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b'id="insights"' in response.content
    assert b"Waits 40 s for the drill-down" in response.content
    assert response.context["insight_form"].is_bound is False


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "pain", "text": "x", "severity": 9},
        {"kind": "rumour", "text": "x", "severity": 3},
        {"kind": "pain", "text": "", "severity": 3},
    ],
)
def test_a_bad_insight_gets_form_errors_and_nothing_is_written(interview, pm, data):
    response = client_for(pm).post(
        f"{BASE}/interviews/{interview.pk}/insights/", data, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422
    assert b'class="error"' in response.content
    assert not Insight.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"), [("other_pm", 403), ("lead", 403), ("stakeholder", 403), ("outsider", 404)]
)
def test_only_the_team_adds_insights(request, interview, who, status):
    response = client_for(request.getfixturevalue(who)).post(
        f"{BASE}/interviews/{interview.pk}/insights/",
        {"kind": "pain", "text": "x", "severity": 3},
    )
    assert response.status_code == status
    assert not Insight.objects.exists()


def test_tag_suggestions_complete_the_last_term_from_this_products_tags(interview, pm, other_pm):
    for name in ("trust", "timeliness", "excel"):
        InsightFactory(interview=interview, tags=[TagFactory(name=name)])
    InsightFactory(tags=[TagFactory(name="takeover-rumours")])  # another product's
    response = client_for(pm).get(f"{BASE}/tags/?tags=excel, t", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.context["options"] == ["excel, timeliness", "excel, trust"]
    assert client_for(other_pm).get(f"{BASE}/tags/?tags=t").status_code == 403


def test_tag_suggestions_leave_out_tags_only_on_pii_interviews_for_nobody_else(pii_interview, pm):
    InsightFactory(interview=pii_interview, tags=[TagFactory(name="tom-at-acme")])
    response = client_for(pm).get(f"{BASE}/tags/?tags=tom")
    assert response.context["options"] == ["tom-at-acme"]  # the team may see its own PII


def test_tag_suggestions_survive_odd_input(interview, pm):
    # A NUL is refused before any view, by the one rule for every field (tests/test_nul.py).
    response = client_for(pm).get(f"{BASE}/tags/?tags=%00abc")
    assert response.status_code == 400


# --- query counts ------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [5, 200])
def test_the_workspace_query_count_does_not_grow(django_assert_num_queries, product, pm, size):
    for n in range(size):
        interview = InterviewFactory(product=product, persona=None)
        if n % 10 == 0:
            InsightFactory(interview=interview, tags=[TagFactory(name=f"tag{n % 3}")])
    client = client_for(pm)
    # session, user, product with access, roles, interviewers and personas for the filters,
    # count and page of interviews, insights and their tags, hypotheses, personas.
    with django_assert_num_queries(12):
        assert client.get(f"{BASE}/").status_code == 200


@pytest.mark.parametrize("size", [5, 100])
def test_the_interview_page_query_count_does_not_grow(
    django_assert_num_queries, interview, pm, size
):
    tag = TagFactory(name="trust")
    for _ in range(size):
        InsightFactory(interview=interview, tags=[tag])
    client = client_for(pm)
    # session, user, product with access, roles, interview, insights, their tags.
    with django_assert_num_queries(7):
        assert client.get(f"{BASE}/interviews/{interview.pk}/").status_code == 200


def test_notes_beyond_the_limit_are_refused_with_a_reason(interview, pm):
    response = client_for(pm).post(
        notes_url(interview), {"notes": "x" * 100_001, "version": 1}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422
    assert b"limited to 100,000 characters" in response.content
    interview.refresh_from_db()
    assert interview.version == 1


def test_an_insight_added_by_mistake_is_removed(interview, pm):
    insight = InsightFactory(interview=interview, text="Oops")
    url = f"{BASE}/interviews/{interview.pk}/insights/{insight.pk}/delete/"
    response = client_for(pm).post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b"Oops" not in response.content
    assert not Insight.objects.exists()


def test_removing_an_insight_without_javascript_redirects(interview, team_member):
    insight = InsightFactory(interview=interview)
    url = f"{BASE}/interviews/{interview.pk}/insights/{insight.pk}/delete/"
    response = client_for(team_member).post(url)
    assert response.status_code == 302
    assert not Insight.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"), [("other_pm", 403), ("lead", 403), ("stakeholder", 403), ("outsider", 404)]
)
def test_only_the_team_removes_insights(request, interview, who, status):
    insight = InsightFactory(interview=interview)
    url = f"{BASE}/interviews/{interview.pk}/insights/{insight.pk}/delete/"
    assert client_for(request.getfixturevalue(who)).post(url).status_code == status
    assert Insight.objects.filter(pk=insight.pk).exists()


def test_an_insight_of_another_interview_is_404(interview, pm):
    elsewhere = InsightFactory(interview=InterviewFactory(product=interview.product))
    url = f"{BASE}/interviews/{interview.pk}/insights/{elsewhere.pk}/delete/"
    assert client_for(pm).post(url).status_code == 404
    assert Insight.objects.filter(pk=elsewhere.pk).exists()
