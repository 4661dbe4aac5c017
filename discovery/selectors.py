"""Reads that are more than a filter: full-text search over a product's discovery records.

Both searches take a queryset the caller has already restricted to what the user may read (the
PII rule of DESIGN.md §7 lives in the caller) and only ever narrow it, so a search can never show
an interview or insight that the list next to it would hide.

PostgreSQL gets real full-text search (stemming, websearch syntax, weighted ranking). SQLite — the
local default — gets a plain every-word `icontains` match, good enough to develop against; it
understands no operators, so "churn -excel" there looks for the literal word "-excel".

Each result is one query whatever the number of interviews or insights: the text of an
interview's insights (and their tags) reaches the interview through correlated subqueries, never
through a join that would repeat the interview once per insight.
"""

import operator
from functools import reduce

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce

from discovery.models import Hypothesis, Insight, Interview, Persona
from products.models import DataProduct

# The language of the notes: it decides stemming ("reconciling" finds "reconcile") and stop words.
SEARCH_CONFIG = "english"

# What the PM wrote about the conversation weighs most, then what was distilled into insights,
# then who was interviewed (a matching role or team is a weak sign the interview is about it).
INTERVIEW_TEXT_FIELDS = ("notes", "summary")
INTERVIEWEE_FIELDS = ("interviewee_name", "interviewee_role", "interviewee_team")

InsightTag = Insight.tags.through


# SQLite's fallback builds a few subqueries per word; past a handful of words the statement
# outgrows SQLite's parser. The first distinct words carry the meaning of a search anyway.
FALLBACK_MAX_WORDS = 6


def _words(query: str) -> list[str]:
    """The query's distinct words (case-insensitive), at most FALLBACK_MAX_WORDS of them."""
    seen: dict[str, None] = {}
    for word in query.split():
        seen.setdefault(word.lower(), None)
    return list(seen)[:FALLBACK_MAX_WORDS]


def search_interviews(
    *, product: DataProduct, query: str, interviews: QuerySet[Interview]
) -> QuerySet[Interview]:
    """The product's interviews among `interviews` that match `query`, best match first.

    Matches the notes, summary, interviewee name/role/team, and the text and tag names of the
    interview's insights. Each row is annotated with `rank` (a float, higher is better); a blank
    query returns the interviews in their own order with `rank` None.
    """
    interviews = interviews.filter(product=product)
    if not query.strip():
        return interviews.annotate(rank=Value(None, output_field=FloatField()))
    if connection.vendor == "postgresql":
        return _search_interviews_postgres(interviews, query)
    return _search_interviews_fallback(interviews, _words(query))


def search_insights(
    *, product: DataProduct, query: str, insights: QuerySet[Insight]
) -> QuerySet[Insight]:
    """The insights of the product's interviews among `insights` that match `query` in their text
    or tag names, best match first, annotated with `rank` like `search_interviews`."""
    insights = insights.filter(interview__product=product)
    if not query.strip():
        return insights.annotate(rank=Value(None, output_field=FloatField()))
    if connection.vendor == "postgresql":
        return _search_insights_postgres(insights, query)
    return _search_insights_fallback(insights, _words(query))


# PostgreSQL: the vector is computed per row at query time. A GIN index cannot serve it (part of
# it comes from other tables), but a search is always scoped to one product, whose few hundred
# interviews the product index finds first.


def _search_interviews_postgres(interviews: QuerySet[Interview], query: str) -> QuerySet:
    insight_text = (
        Insight.objects.filter(interview=OuterRef("pk"))
        .order_by()
        .values("interview")
        .annotate(joined=StringAgg("text", delimiter=" "))
        .values("joined")
    )
    tag_names = (
        InsightTag.objects.filter(insight__interview=OuterRef("pk"))
        .order_by()
        .values("insight__interview")
        .annotate(joined=StringAgg("tag__name", delimiter=" ", distinct=True))
        .values("joined")
    )
    vector = (
        SearchVector(*INTERVIEW_TEXT_FIELDS, weight="A", config=SEARCH_CONFIG)
        + SearchVector(
            Subquery(insight_text), Subquery(tag_names), weight="B", config=SEARCH_CONFIG
        )
        + SearchVector(*INTERVIEWEE_FIELDS, weight="C", config=SEARCH_CONFIG)
    )
    return _ranked(interviews, vector, query).order_by("-rank", "-held_on", "-pk")


def _search_insights_postgres(insights: QuerySet[Insight], query: str) -> QuerySet:
    tag_names = (
        InsightTag.objects.filter(insight=OuterRef("pk"))
        .order_by()
        .values("insight")
        .annotate(joined=StringAgg("tag__name", delimiter=" "))
        .values("joined")
    )
    vector = SearchVector("text", weight="A", config=SEARCH_CONFIG) + SearchVector(
        Subquery(tag_names), weight="B", config=SEARCH_CONFIG
    )
    return _ranked(insights, vector, query).order_by("-rank", "-severity", "-created_at", "-pk")


def _ranked(queryset: QuerySet, vector: SearchVector, query: str) -> QuerySet:
    # websearch accepts what people type into a search box ("churn -excel", "\"call list\"",
    # "excel or sheets") and never raises a syntax error, unlike to_tsquery.
    search_query = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
    # alias, not annotate: the vector is only matched and ranked, never worth sending back.
    return (
        queryset.alias(search_vector=vector)
        .filter(search_vector=search_query)
        .annotate(rank=SearchRank(F("search_vector"), search_query))
    )


# SQLite fallback: every word must appear somewhere; rank counts the places it appears.


def _search_interviews_fallback(interviews: QuerySet[Interview], words: list[str]) -> QuerySet:
    fields = INTERVIEW_TEXT_FIELDS + INTERVIEWEE_FIELDS
    condition = Q()
    scores = []
    for word in words:
        matching_insights = Insight.objects.filter(interview=OuterRef("pk")).filter(
            _insight_contains(word)
        )
        condition &= _any_field_contains(fields, word) | Q(Exists(matching_insights))
        scores += [_contains_score(field, word) for field in fields]
        scores.append(_count_of(matching_insights, "interview"))
    return (
        interviews.filter(condition)
        .annotate(rank=Cast(reduce(operator.add, scores), FloatField()))
        .order_by("-rank", "-held_on", "-pk")
    )


def _search_insights_fallback(insights: QuerySet[Insight], words: list[str]) -> QuerySet:
    condition = Q()
    scores = []
    for word in words:
        condition &= _insight_contains(word)
        matching_tags = InsightTag.objects.filter(insight=OuterRef("pk"), tag__name__icontains=word)
        scores += [_contains_score("text", word), _count_of(matching_tags, "insight")]
    return (
        insights.filter(condition)
        .annotate(rank=Cast(reduce(operator.add, scores), FloatField()))
        .order_by("-rank", "-severity", "-created_at", "-pk")
    )


def _insight_contains(word: str) -> Q:
    """An insight whose text or one of whose tag names contains `word` (EXISTS, so an insight
    with two matching tags is still one row)."""
    tagged = InsightTag.objects.filter(insight=OuterRef("pk"), tag__name__icontains=word)
    return Q(text__icontains=word) | Q(Exists(tagged))


def _any_field_contains(fields: tuple[str, ...], word: str) -> Q:
    return reduce(operator.or_, (Q(**{f"{field}__icontains": word}) for field in fields))


def _contains_score(field: str, word: str) -> Case:
    return Case(
        When(**{f"{field}__icontains": word}, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )


def _count_of(related: QuerySet, group_by: str) -> Coalesce:
    """How many rows of `related` (correlated to the outer row through `group_by`) there are."""
    counted = related.order_by().values(group_by).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


# An experiment is a test, not an anecdote: on the assumption map it weighs as much as two
# insights. Strength is capped where the map's axis ends.
EXPERIMENT_EVIDENCE_WEIGHT = 2
MAX_EVIDENCE_STRENGTH = 5
# "Test first": important (importance ≥ 3) and barely evidenced (strength < 2), still open.
TEST_FIRST_MIN_IMPORTANCE = 3
TEST_FIRST_MAX_STRENGTH = 2


def hypotheses_with_evidence(product, *, count_pii: bool = True) -> QuerySet:
    """The product's hypotheses annotated with their evidence balance (supporting,
    contradicting) and evidence strength, in one query whatever the number of links.

    Without `count_pii`, evidence from PII-flagged interviews is left out of the counts, so
    people outside the team see figures that match the evidence they are shown.
    """
    counted = Q() if count_pii else ~Q(evidence__insight__interview__contains_pii=True)
    return Hypothesis.objects.filter(product=product).annotate(
        supporting=Count("evidence", filter=counted & Q(evidence__stance="supports")),
        contradicting=Count("evidence", filter=counted & Q(evidence__stance="contradicts")),
        experiment_links=Count("evidence", filter=Q(evidence__experiment__isnull=False)),
    )


def evidence_strength(hypothesis) -> int:
    """How much we know, on the map's 0–5 axis: every piece of evidence, for or against, counts;
    experiments count double. Needs the annotations of `hypotheses_with_evidence`."""
    links = hypothesis.supporting + hypothesis.contradicting
    weighted = links + (EXPERIMENT_EVIDENCE_WEIGHT - 1) * hypothesis.experiment_links
    return min(weighted, MAX_EVIDENCE_STRENGTH)


def is_test_first(hypothesis) -> bool:
    return (
        hypothesis.status in ("proposed", "testing")
        and hypothesis.importance >= TEST_FIRST_MIN_IMPORTANCE
        and evidence_strength(hypothesis) < TEST_FIRST_MAX_STRENGTH
    )


def personas_with_counts(access) -> QuerySet:
    """The product's personas with how many interviews the reader may see for each: PII
    interviews count only for the team (a count would reveal that they exist)."""
    readable = Q() if access.can_read_pii else Q(interviews__contains_pii=False)
    return (
        Persona.objects.filter(product=access.product)
        .annotate(interview_count=Count("interviews", filter=readable))
        .order_by("name", "pk")  # explicit: aggregate annotations drop Meta.ordering
    )
