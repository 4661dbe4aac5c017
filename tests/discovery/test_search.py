import datetime

import pytest

from discovery.models import Insight, Interview
from discovery.selectors import search_insights, search_interviews
from tests.discovery.factories import InsightFactory, InterviewFactory, TagFactory
from tests.products.factories import DataProductFactory

pytestmark = pytest.mark.django_db

PLAIN_NOTES = "Talked about the weekly planning meeting and the budget spreadsheet."


def interview(product, **fields):
    fields.setdefault("notes", PLAIN_NOTES)
    fields.setdefault("summary", "Plans the week ahead.")
    return InterviewFactory(product=product, persona=None, **fields)


def found(product, query, interviews=None):
    if interviews is None:
        interviews = Interview.objects.all()
    return list(search_interviews(product=product, query=query, interviews=interviews))


def found_insights(product, query, insights=None):
    if insights is None:
        insights = Insight.objects.all()
    return list(search_insights(product=product, query=query, insights=insights))


# Interviews


def test_it_finds_a_word_from_the_notes(product):
    match = interview(product, notes="The churn list arrives too late for the review.")
    interview(product)

    assert found(product, "churn") == [match]


def test_it_needs_every_word_of_the_query(product):
    both = interview(product, notes="The churn list arrives after the Monday review.")
    interview(product, notes="The churn list is fine.")

    assert found(product, "churn Monday") == [both]


def test_it_finds_a_word_only_in_an_insight(product):
    match = interview(product)
    InsightFactory(interview=match, text="Reconciles invoices by hand every month.")
    interview(product)

    results = found(product, "invoices")

    assert results == [match]
    assert results[0].rank > 0


def test_it_finds_a_word_only_in_an_insight_tag(product):
    match = interview(product)
    InsightFactory(interview=match, tags=[TagFactory(name="forecasting")])
    interview(product)

    assert found(product, "forecasting") == [match]


def test_it_finds_by_interviewee_name(product):
    match = interview(product, interviewee_name="Ingrid Halvorsen")
    interview(product, interviewee_name="Tomasz Nowak")

    assert found(product, "Halvorsen") == [match]


def test_it_leaves_out_interviews_the_caller_filtered_away(product):
    visible = interview(product, notes="The churn list is late.")
    interview(
        product, notes="The churn list is late; Jane Doe's phone is 555-0100.", contains_pii=True
    )

    results = found(product, "churn", Interview.objects.filter(contains_pii=False))

    assert results == [visible]


def test_it_leaves_out_other_products_interviews(product):
    match = interview(product, notes="The churn list is late.")
    interview(DataProductFactory(), notes="The churn list is late.")

    assert found(product, "churn") == [match]


def test_it_returns_an_interview_once_when_several_insights_match(product):
    match = interview(product)
    tag = TagFactory(name="invoices")
    for text in ("Invoices arrive late.", "Invoices are checked twice.", "Invoices go missing."):
        InsightFactory(interview=match, text=text, tags=[tag])

    assert found(product, "invoices") == [match]


def test_it_returns_every_interview_for_a_blank_query(product):
    interviews = [interview(product), interview(product)]

    assert set(found(product, "")) == set(interviews)
    assert set(found(product, "   ")) == set(interviews)


def test_it_ranks_more_matches_first(product):
    once = interview(product, notes="The churn list is late.")
    often = interview(
        product,
        notes="The churn list is late, churn is counted by hand.",
        summary="Churn is the only number the review looks at.",
        held_on=once.held_on - datetime.timedelta(days=30),
    )

    results = found(product, "churn")

    assert results == [often, once]
    assert results[0].rank > results[1].rank


def test_it_breaks_ties_by_newest_interview(product):
    older = interview(product, notes="The churn list is late.", held_on=datetime.date(2024, 1, 5))
    newer = interview(product, notes="The churn list is late.", held_on=datetime.date(2024, 3, 5))

    assert found(product, "churn") == [newer, older]


@pytest.mark.parametrize("size", [5, 200])
def test_it_searches_interviews_in_one_query(product, size, django_assert_num_queries):
    tag = TagFactory(name="churn")
    for number, row in enumerate(
        InterviewFactory.create_batch(size, product=product, persona=None)
    ):
        if number % 3 == 0:
            InsightFactory(interview=row, text="The churn list is late.", tags=[tag])
    results = search_interviews(
        product=product, query="churn list", interviews=Interview.objects.all()
    )

    # 1. the interviews, their insight text and tag names aggregated in subqueries
    with django_assert_num_queries(1):
        rows = list(results)

    assert len(rows) == size


# Insights


def test_it_finds_insights_by_text_and_by_tag(product):
    source = interview(product)
    by_text = InsightFactory(interview=source, text="Reconciles invoices by hand.")
    by_tag = InsightFactory(
        interview=source, text="Works late on Fridays.", tags=[TagFactory(name="invoices")]
    )
    InsightFactory(interview=source, text="Likes the new dashboard.")

    assert set(found_insights(product, "invoices")) == {by_text, by_tag}


def test_it_returns_an_insight_once_when_several_tags_match(product):
    insight = InsightFactory(
        interview=interview(product),
        text="Works late on Fridays.",
        tags=[TagFactory(name="invoices"), TagFactory(name="invoices-overdue")],
    )

    assert found_insights(product, "invoices") == [insight]


def test_it_leaves_out_insights_the_caller_filtered_away(product):
    visible = InsightFactory(interview=interview(product), text="Invoices arrive late.")
    InsightFactory(interview=interview(product, contains_pii=True), text="Invoices arrive late.")
    InsightFactory(interview=interview(DataProductFactory()), text="Invoices arrive late.")

    results = found_insights(
        product, "invoices", Insight.objects.filter(interview__contains_pii=False)
    )

    assert results == [visible]


def test_it_returns_every_insight_for_a_blank_query(product):
    insights = InsightFactory.create_batch(2, interview=interview(product))

    assert set(found_insights(product, " ")) == set(insights)


@pytest.mark.parametrize("size", [5, 200])
def test_it_searches_insights_in_one_query(product, size, django_assert_num_queries):
    source = interview(product)
    tag = TagFactory(name="invoices")
    InsightFactory.create_batch(size, interview=source, text="Invoices arrive late.", tags=[tag])
    results = search_insights(product=product, query="invoices", insights=Insight.objects.all())

    # 1. the insights, their tag names aggregated in a subquery
    with django_assert_num_queries(1):
        rows = list(results)

    assert len(rows) == size


# PostgreSQL full-text search


def test_it_ranks_many_mentions_in_notes_above_one_in_an_insight(product, on_postgres):
    in_insight = interview(product)
    InsightFactory(interview=in_insight, text="Has to reconcile the ledger once a quarter.")
    in_notes = interview(
        product,
        notes="Reconcile the ledger, reconcile the bank feed, then reconcile the invoices.",
        summary="Every week starts with a reconcile.",
        held_on=in_insight.held_on - datetime.timedelta(days=30),
    )

    results = found(product, "reconcile")

    assert results == [in_notes, in_insight]
    assert results[0].rank > results[1].rank


def test_it_stems_the_query_on_postgres(product, on_postgres):
    match = interview(product, notes="We reconcile the ledger by hand.")
    interview(product)

    assert found(product, "reconciling") == [match]


def test_it_understands_websearch_syntax_on_postgres(product, on_postgres):
    without_excel = interview(product, notes="The churn list arrives as a PDF.")
    interview(product, notes="Exports the churn list to Excel every Monday.")
    interview(product)

    assert found(product, "churn -excel") == [without_excel]


def test_it_stems_insight_searches_on_postgres(product, on_postgres):
    insight = InsightFactory(interview=interview(product), text="Reconciled the ledger twice.")
    InsightFactory(interview=interview(product), text="Likes the new dashboard.")

    assert found_insights(product, "reconciling") == [insight]


def test_a_sentence_long_search_works_on_every_database(django_user_model):
    interview = InterviewFactory(notes="We reconcile churn by hand every Monday morning")
    sentence = " ".join(["we", "reconcile", "churn", "by", "hand", "every"] * 10 + ["monday"])
    found = search_interviews(
        product=interview.product, query=sentence, interviews=Interview.objects.all()
    )
    assert list(found) == [interview]
