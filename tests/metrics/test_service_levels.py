import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dpm.lib.validators import FUTURE_MESSAGE
from metrics.models import ServiceLevel, ServiceLevelCheck
from metrics.services import service_level_check_add
from metrics.views.service_levels import service_levels_context
from products.access import product_access
from tests.helpers import client_for
from tests.metrics.factories import ServiceLevelCheckFactory, ServiceLevelFactory
from tests.products.factories import DataProductFactory

pytestmark = pytest.mark.django_db

BASE = "/products/churn-radar/metrics/"


@pytest.fixture
def freshness(product):
    return ServiceLevelFactory(product=product, objective=Decimal("6"))


@pytest.fixture
def availability(product):
    return ServiceLevelFactory(
        product=product, indicator=ServiceLevel.Indicator.AVAILABILITY, objective=Decimal("99.5")
    )


def _csv(text: str, name: str = "checks.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def _ago(**kwargs) -> str:
    return (timezone.localtime() - datetime.timedelta(**kwargs)).strftime("%Y-%m-%dT%H:%M")


# --- The section on the metrics page -------------------------------------------------------------


@pytest.mark.parametrize("role", ["pm", "team_member", "other_pm", "lead", "stakeholder"])
def test_it_shows_service_levels_to_everyone_who_sees_the_product(request, role, freshness):
    ServiceLevelCheckFactory(service_level=freshness, observed=Decimal("4"))
    response = client_for(request.getfixturevalue(role)).get(BASE)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Freshness: data at most 6 hours old" in body
    assert "1 of 1 checks met" in body
    assert ("Record a check" in body) == (role in {"pm", "team_member"})


def test_it_hides_service_levels_from_outsiders(outsider, freshness):
    assert client_for(outsider).get(BASE).status_code == 404


def test_it_says_the_objective_in_words(product, freshness, availability):
    rows = service_levels_context(product_access(product.owner, product))["service_levels"]
    assert [row["objective"] for row in rows] == [
        "Availability at least 99.5 %",
        "Freshness: data at most 6 hours old",
    ]


def test_it_computes_attainment_over_the_last_30_days_only(product, freshness):
    now = timezone.now()
    today = timezone.localdate(now)

    def noon(days_ago: int) -> datetime.datetime:
        # Noon of each earlier day, so the test does not depend on the time it runs at.
        day = today - datetime.timedelta(days=days_ago)
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))

    for day in range(30):  # 27 of 30 met within the window: 90 %
        ServiceLevelCheckFactory(
            service_level=freshness,
            observed=Decimal("9") if day in (3, 10, 20) else Decimal("5"),
            checked_at=noon(day) if day else now,
        )
    for day in (31, 45):  # outside the window: missed, but not counted
        ServiceLevelCheckFactory(
            service_level=freshness,
            observed=Decimal("50"),
            checked_at=now - datetime.timedelta(days=day),
        )
    (row,) = service_levels_context(product_access(product.owner, product))["service_levels"]
    assert row["attainment"] == 90.0
    assert (row["level"].window_met, row["level"].window_checks) == (27, 30)
    assert row["latest_observed"] == "5"
    states = [cell["state"] for cell in row["strip"]["cells"]]
    assert len(states) == 30
    assert states.count("missed") == 3
    assert states[-1] == "met"  # today, the newest, is last
    assert "3 days with a missed check" in row["strip"]["summary"]


def test_it_shows_no_attainment_without_checks(product, freshness):
    (row,) = service_levels_context(product_access(product.owner, product))["service_levels"]
    assert row["attainment"] is None
    assert row["latest_observed"] is None
    assert {cell["state"] for cell in row["strip"]["cells"]} == {"none"}


def _levels_with_checks(product, levels: int, checks: int) -> None:
    indicators = ServiceLevel.Indicator.values[:levels]
    now = timezone.now()
    for indicator in indicators:
        level = ServiceLevelFactory(product=product, indicator=indicator)
        ServiceLevelCheck.objects.bulk_create(
            ServiceLevelCheck(
                service_level=level,
                observed=Decimal("1"),
                met=n % 7 != 0,
                checked_at=now - datetime.timedelta(hours=6 * n),
            )
            for n in range(checks)
        )


@pytest.mark.parametrize(("levels", "checks"), [(2, 5), (4, 100)])
def test_it_reads_the_section_in_two_queries(product, levels, checks):
    _levels_with_checks(product, levels, checks)
    access = product_access(product.owner, product)
    # 1. the levels with their 30-day counts and latest check; 2. the window's checks per day.
    with CaptureQueriesContext(connection) as queries:
        rows = service_levels_context(access)["service_levels"]
    assert len(rows) == levels
    assert len(queries) == 2


# --- Adding a service level ----------------------------------------------------------------------


def test_it_shows_the_new_service_level_form_to_the_team(team_member, product):
    response = client_for(team_member).get(f"{BASE}service-levels/new/")
    assert response.status_code == 200
    assert b'name="objective"' in response.content


def test_it_adds_a_service_level(pm, product):
    response = client_for(pm).post(
        f"{BASE}service-levels/new/",
        {"indicator": "availability", "objective": "99.5", "unit": "", "description": "API"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{BASE}#service-levels"
    level = ServiceLevel.objects.get(product=product)
    assert (level.indicator, level.objective, level.unit) == ("availability", Decimal("99.5"), "%")


def test_it_rejects_a_duplicate_indicator(pm, freshness):
    response = client_for(pm).post(
        f"{BASE}service-levels/new/", {"indicator": "freshness", "objective": "12"}
    )
    assert response.status_code == 200
    assert "already has a freshness service level" in response.content.decode()
    assert ServiceLevel.objects.count() == 1


def test_it_rejects_a_rate_above_100(pm, product):
    response = client_for(pm).post(
        f"{BASE}service-levels/new/", {"indicator": "quality_pass_rate", "objective": "101"}
    )
    assert response.status_code == 200
    assert "at most 100" in response.content.decode()
    assert not ServiceLevel.objects.exists()


def test_it_allows_freshness_above_100_hours(pm, product):
    response = client_for(pm).post(
        f"{BASE}service-levels/new/", {"indicator": "freshness", "objective": "168"}
    )
    assert response.status_code == 302
    assert ServiceLevel.objects.get().objective == Decimal("168")


@pytest.mark.parametrize("role", ["other_pm", "lead", "stakeholder"])
def test_it_rejects_new_service_levels_from_read_only_users(request, role, product):
    client = client_for(request.getfixturevalue(role))
    assert client.get(f"{BASE}service-levels/new/").status_code == 403
    response = client.post(
        f"{BASE}service-levels/new/", {"indicator": "freshness", "objective": "6"}
    )
    assert response.status_code == 403
    assert not ServiceLevel.objects.exists()


def test_it_hides_the_new_service_level_form_from_outsiders(outsider, product):
    client = client_for(outsider)
    assert client.get(f"{BASE}service-levels/new/").status_code == 404
    response = client.post(
        f"{BASE}service-levels/new/", {"indicator": "freshness", "objective": "6"}
    )
    assert response.status_code == 404
    assert not ServiceLevel.objects.exists()


# --- Recording a check ---------------------------------------------------------------------------


def test_it_records_a_check_and_redirects_without_htmx(pm, freshness):
    response = client_for(pm).post(
        f"{BASE}service-levels/{freshness.pk}/checks/", {"observed": "5.5", "met": "false"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{BASE}#service-levels"
    check = freshness.checks.get()
    assert check.observed == Decimal("5.5")
    assert check.met is True  # computed, not the posted "met"
    assert timezone.now() - check.checked_at < datetime.timedelta(minutes=1)


def test_it_returns_the_section_to_htmx(team_member, freshness):
    response = client_for(team_member).post(
        f"{BASE}service-levels/{freshness.pk}/checks/",
        {"observed": "8", "checked_at": _ago(hours=2)},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<section class="card sl-section" id="service-levels"')
    assert "<html" not in body
    assert "0 of 1 checks met" in body
    check = freshness.checks.get()
    assert check.met is False


@pytest.mark.parametrize(
    ("observed", "met"), [("5.999", True), ("6", True), ("6.000", True), ("6.001", False)]
)
def test_it_computes_met_for_freshness_as_lower_is_better(pm, freshness, observed, met):
    client_for(pm).post(f"{BASE}service-levels/{freshness.pk}/checks/", {"observed": observed})
    assert freshness.checks.get().met is met


@pytest.mark.parametrize(
    ("observed", "met"), [("99.4", False), ("99.5", True), ("99.500", True), ("100", True)]
)
def test_it_computes_met_for_a_rate_as_at_least(pm, availability, observed, met):
    client_for(pm).post(f"{BASE}service-levels/{availability.pk}/checks/", {"observed": observed})
    assert availability.checks.get().met is met


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"observed": "abc"}, "Enter a number."),
        ({"observed": "101"}, "at most 100"),
        ({"observed": "-1"}, "cannot be negative"),
        ({"observed": "99", "checked_at": "2999-01-01T00:00"}, FUTURE_MESSAGE),
    ],
)
def test_it_rejects_bad_checks_with_a_message(pm, availability, data, message):
    response = client_for(pm).post(
        f"{BASE}service-levels/{availability.pk}/checks/", data, headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not availability.checks.exists()


def test_it_shows_check_errors_on_the_full_page_without_htmx(pm, availability):
    response = client_for(pm).post(
        f"{BASE}service-levels/{availability.pk}/checks/", {"observed": "120"}
    )
    assert response.status_code == 422
    assert "<html" in response.content.decode()
    assert not availability.checks.exists()


@pytest.mark.parametrize("role", ["other_pm", "lead", "stakeholder"])
def test_it_rejects_checks_from_read_only_users(request, role, freshness):
    response = client_for(request.getfixturevalue(role)).post(
        f"{BASE}service-levels/{freshness.pk}/checks/", {"observed": "1"}
    )
    assert response.status_code == 403
    assert not freshness.checks.exists()


def test_it_hides_checks_from_outsiders(outsider, freshness):
    response = client_for(outsider).post(
        f"{BASE}service-levels/{freshness.pk}/checks/", {"observed": "1"}
    )
    assert response.status_code == 404
    assert not freshness.checks.exists()


def test_it_404s_for_a_service_level_of_another_product(pm, product):
    elsewhere = ServiceLevelFactory(product=DataProductFactory(owner=pm))
    client = client_for(pm)
    for suffix in ("checks/", "checks/import/"):
        response = client.post(f"{BASE}service-levels/{elsewhere.pk}/{suffix}", {"observed": "1"})
        assert response.status_code == 404
    assert not ServiceLevelCheck.objects.exists()


@pytest.mark.parametrize(
    "path", ["service-levels/new/", "service-levels/1/checks/", "service-levels/1/checks/import/"]
)
def test_it_sends_anonymous_users_to_log_in(client, product, path):
    response = client.post(BASE + path, {"observed": "1"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not ServiceLevel.objects.exists()


def test_it_refuses_get_on_check_endpoints(pm, freshness):
    client = client_for(pm)
    assert client.get(f"{BASE}service-levels/{freshness.pk}/checks/").status_code == 405
    assert client.get(f"{BASE}service-levels/{freshness.pk}/checks/import/").status_code == 405


# --- Importing checks ----------------------------------------------------------------------------


def _import(user, level, text: str):
    return client_for(user).post(
        f"{BASE}service-levels/{level.pk}/checks/import/", {"file": _csv(text)}
    )


def test_it_imports_a_good_file(pm, freshness):
    today = timezone.localdate()
    text = (
        "checked_at,observed\n"
        f"{today - datetime.timedelta(days=2)},4\n"
        f"{today - datetime.timedelta(days=1)}T06:30,7.25\n"
        f"{_ago(hours=1)}:00+00:00,6\n"
    )
    response = _import(pm, freshness, text)
    assert response.status_code == 302
    assert response["Location"] == f"{BASE}#service-levels"
    checks = list(freshness.checks.order_by("checked_at"))
    assert [(c.observed, c.met) for c in checks] == [
        (Decimal("4"), True),
        (Decimal("7.25"), False),
        (Decimal("6"), True),
    ]
    midnight = datetime.datetime.combine(today - datetime.timedelta(days=2), datetime.time.min)
    assert checks[0].checked_at == timezone.make_aware(midnight)


def test_it_accepts_the_columns_in_either_order_and_a_bom(team_member, availability):
    response = _import(
        team_member, availability, "\ufeffObserved,Checked_At\r\n99.9,2025-01-02\r\n"
    )
    assert response.status_code == 302
    assert availability.checks.get().met is True


def test_it_lists_every_bad_row_and_imports_nothing(pm, freshness):
    text = "checked_at,observed\nyesterday,4\n2025-01-02,four\n2025-02-30,1\n2999-01-01,1\n"
    response = _import(pm, freshness, text)
    assert response.status_code == 422
    body = response.content.decode()
    assert "Nothing was imported" in body
    assert "row 2: checked_at “yesterday” is not an ISO date or date-time" in body
    assert "row 3: observed is not a number" in body
    assert "row 4: checked_at “2025-02-30” is not an ISO date or date-time" in body
    assert f"row 5: checked_at: {FUTURE_MESSAGE}" in body
    assert not freshness.checks.exists()


def test_it_imports_nothing_from_a_mixed_file(pm, availability):
    text = "checked_at,observed\n2025-01-01,99.9\n2025-01-02,99.1\n2025-01-03,120\n"
    response = _import(pm, availability, text)
    assert response.status_code == 422
    assert "row 4: observed is a percentage: at most 100" in response.content.decode()
    assert not availability.checks.exists()


def test_it_refuses_a_file_already_imported(pm, freshness):
    text = "checked_at,observed\n2025-01-01,3\n2025-01-02,4\n"
    assert _import(pm, freshness, text).status_code == 302
    response = _import(pm, freshness, text)
    assert response.status_code == 422
    assert "row 2: a check at 2025-01-01" in response.content.decode()
    assert freshness.checks.count() == 2


def test_it_refuses_a_wrong_header(pm, freshness):
    response = _import(pm, freshness, "date,value\n2025-01-01,3\n")
    assert response.status_code == 422
    assert "The first row must be the header checked_at,observed" in response.content.decode()
    assert not freshness.checks.exists()


def test_it_refuses_an_empty_file(pm, freshness):
    response = _import(pm, freshness, "")
    assert response.status_code == 422
    assert "The submitted file is empty." in response.content.decode()
    assert not freshness.checks.exists()


def test_it_refuses_a_file_with_only_blank_lines_or_a_header(pm, freshness):
    assert "The file is empty" in _import(pm, freshness, "\n\n").content.decode()
    response = _import(pm, freshness, "checked_at,observed\n")
    assert response.status_code == 422
    assert "The file has a header but no rows." in response.content.decode()
    assert not freshness.checks.exists()


def test_it_refuses_too_many_rows(pm, freshness):
    start = datetime.datetime(2024, 1, 1)
    rows = "".join(
        f"{(start + datetime.timedelta(minutes=n)).isoformat()},1\n" for n in range(10_001)
    )
    response = _import(pm, freshness, "checked_at,observed\n" + rows)
    assert response.status_code == 422
    assert "more than 10,000 rows" in response.content.decode()
    assert not freshness.checks.exists()


def test_it_refuses_a_file_over_1_mb(pm, freshness):
    response = _import(pm, freshness, "checked_at,observed\n" + "2025-01-01,1\n" * 90_000)
    assert response.status_code == 422
    assert "The file is over 1 MB" in response.content.decode()
    assert not freshness.checks.exists()


def test_it_refuses_a_file_that_is_not_utf8(pm, freshness):
    response = client_for(pm).post(
        f"{BASE}service-levels/{freshness.pk}/checks/import/",
        {"file": SimpleUploadedFile("c.csv", b"checked_at,observed\n\xff\xfe,1\n")},
    )
    assert response.status_code == 422
    assert "not UTF-8" in response.content.decode()


@pytest.mark.parametrize("role", ["other_pm", "lead", "stakeholder"])
def test_it_rejects_imports_from_read_only_users(request, role, freshness):
    response = _import(
        request.getfixturevalue(role), freshness, "checked_at,observed\n2025-01-01,1\n"
    )
    assert response.status_code == 403
    assert not freshness.checks.exists()


def test_it_hides_imports_from_outsiders(outsider, freshness):
    response = _import(outsider, freshness, "checked_at,observed\n2025-01-01,1\n")
    assert response.status_code == 404
    assert not freshness.checks.exists()


def test_the_service_refuses_a_future_check_in_the_shared_words(pm, freshness):
    with pytest.raises(ValidationError) as refused:
        service_level_check_add(
            access=product_access(pm, freshness.product),
            service_level=freshness,
            observed=Decimal("1"),
            checked_at=timezone.now() + datetime.timedelta(days=1),
        )

    assert refused.value.message_dict == {"checked_at": [FUTURE_MESSAGE]}
