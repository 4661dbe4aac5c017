"""Weekly usage: recorded by hand, corrected, removed or imported from CSV; shown as a chart
against the target and a table with the change over four weeks (DESIGN.md §4, §10)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from adoption.charts import usage_chart
from adoption.models import UsageSnapshot
from adoption.services import week_start_of
from tests.adoption.factories import UsageSnapshotFactory, monday
from tests.helpers import client_for
from tests.products.factories import DataProductFactory

pytestmark = pytest.mark.django_db

PAGE = "/products/churn-radar/adoption/"
ADD = f"{PAGE}usage/"
IMPORT = f"{PAGE}usage/import/"
READ_ONLY = [("stakeholder", 403), ("lead", 403), ("other_pm", 403), ("outsider", 404)]
DAY = datetime.timedelta(days=1)


def csv_file(text: str | bytes, name: str = "usage.csv") -> SimpleUploadedFile:
    content = text.encode() if isinstance(text, str) else text
    return SimpleUploadedFile(name, content, content_type="text/csv")


def week_data(day: datetime.date, **changes) -> dict:
    return {
        "week_of": day.isoformat(),
        "active_users": "42",
        "sessions": "130",
        "median_task_seconds": "185",
        "decisions_supported": "9",
        **changes,
    }


def rows(product) -> list[tuple]:
    return list(
        UsageSnapshot.objects.filter(product=product)
        .order_by("week_start")
        .values_list("week_start", "active_users", "sessions", "source")
    )


# --- the week ----------------------------------------------------------------------------------


@pytest.mark.parametrize("offset", range(7))
def test_any_day_of_a_week_stands_for_its_monday(offset):
    day = datetime.date(2026, 11, 16) + datetime.timedelta(days=offset)  # Monday to Sunday

    assert week_start_of(day) == datetime.date(2026, 11, 16)


def test_a_week_can_start_in_the_previous_year():
    assert week_start_of(datetime.date(2027, 1, 1)) == datetime.date(2026, 12, 28)


# --- recording a week by hand ------------------------------------------------------------------


@pytest.mark.parametrize("who", ["pm", "team_member", "admin_user"])
def test_the_team_records_a_week_stored_as_its_monday(request, product, who):
    thursday = monday(2) + 3 * DAY

    response = client_for(request.getfixturevalue(who)).post(ADD, week_data(thursday))

    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}#usage"
    snapshot = UsageSnapshot.objects.get(product=product)
    assert (snapshot.week_start, snapshot.active_users, snapshot.sessions) == (monday(2), 42, 130)
    assert (snapshot.median_task_seconds, snapshot.decisions_supported) == (185, 9)
    assert snapshot.source == UsageSnapshot.Source.MANUAL


def test_the_form_says_a_date_stands_for_its_weeks_monday(product, pm):
    content = client_for(pm).get(PAGE).content.decode()

    assert "Any day of the week: it is stored as that week&#x27;s Monday." in content


def test_only_active_users_is_required(product, pm):
    response = client_for(pm).post(ADD, {"week_of": monday(1).isoformat(), "active_users": "7"})

    assert response.status_code == 302
    assert rows(product) == [(monday(1), 7, None, "manual")]


def test_with_htmx_the_answer_is_the_usage_section_with_the_new_week(product, pm):
    response = client_for(pm).post(ADD, week_data(monday(1)), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    content = response.content.decode()
    assert "<html" not in content
    assert content.startswith('<section class="card adoption-section" id="usage"')
    assert f"Week of {monday(1).day} {monday(1):%b %Y} recorded." in content
    assert rows(product) == [(monday(1), 42, 130, "manual")]


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "fragment"])
def test_a_week_already_recorded_is_a_form_error_and_changes_nothing(product, pm, htmx):
    UsageSnapshotFactory(product=product, week_start=monday(1), active_users=30, sessions=99)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}

    response = client_for(pm).post(ADD, week_data(monday(1) + 2 * DAY), **headers)

    assert response.status_code == 422
    content = response.content.decode()
    assert ("<html" in content) is not htmx
    assert f"The week of {monday(1).day} {monday(1):%b %Y} is already recorded" in content
    assert rows(product) == [(monday(1), 30, 99, "manual")]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"active_users": "-3"}, "greater than or equal to 0"),
        ({"active_users": ""}, "This field is required"),
        ({"active_users": "many"}, "Enter a whole number"),
        ({"sessions": "2.5"}, "Enter a whole number"),
        ({"median_task_seconds": "99999999999"}, "less than or equal to 2147483647"),
        ({"week_of": "last monday"}, "Enter a valid date"),
        ({"week_of": ""}, "This field is required"),
    ],
)
def test_bad_figures_get_a_clear_message_and_write_nothing(product, pm, changes, message):
    response = client_for(pm).post(ADD, week_data(monday(1), **changes), HTTP_HX_REQUEST="true")

    assert response.status_code == 422
    assert message in response.content.decode()
    assert not UsageSnapshot.objects.exists()


def test_a_week_that_has_not_started_is_refused(product, pm):
    next_week = monday(0) + 7 * DAY

    response = client_for(pm).post(ADD, week_data(next_week))

    assert response.status_code == 422
    assert "has not started yet" in response.content.decode()
    assert not UsageSnapshot.objects.exists()


def test_the_current_week_may_be_recorded(product, pm):
    assert client_for(pm).post(ADD, week_data(monday(0))).status_code == 302
    assert rows(product)[0][0] == monday(0)


@pytest.mark.parametrize(("who", "status"), READ_ONLY)
def test_only_the_team_records_a_week(request, product, who, status):
    response = client_for(request.getfixturevalue(who)).post(ADD, week_data(monday(1)))

    assert response.status_code == status
    assert not UsageSnapshot.objects.exists()


def test_recording_a_week_needs_a_post(product, pm):
    assert client_for(pm).get(ADD).status_code == 405


# --- correcting and removing a week ------------------------------------------------------------


@pytest.fixture
def snapshot(product):
    return UsageSnapshotFactory(
        product=product, week_start=monday(3), active_users=20, source="import"
    )


def test_the_team_corrects_a_week(snapshot, team_member):
    client = client_for(team_member)
    url = f"{PAGE}usage/{snapshot.pk}/edit/"

    assert client.get(url).status_code == 200
    response = client.post(url, week_data(monday(4) + 5 * DAY, active_users="25"))

    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}#usage"
    snapshot.refresh_from_db()
    assert (snapshot.week_start, snapshot.active_users, snapshot.source) == (
        monday(4),
        25,
        "manual",
    )


def test_moving_a_week_onto_one_already_recorded_is_a_form_error(snapshot, product, pm):
    UsageSnapshotFactory(product=product, week_start=monday(5))

    response = client_for(pm).post(f"{PAGE}usage/{snapshot.pk}/edit/", week_data(monday(5)))

    assert response.status_code == 422
    assert "is already recorded" in response.content.decode()
    snapshot.refresh_from_db()
    assert (snapshot.week_start, snapshot.active_users) == (monday(3), 20)


@pytest.mark.parametrize(("who", "status"), READ_ONLY)
def test_only_the_team_corrects_or_removes_a_week(request, snapshot, who, status):
    client = client_for(request.getfixturevalue(who))
    edit = f"{PAGE}usage/{snapshot.pk}/edit/"

    assert client.get(edit).status_code == status
    assert client.post(edit, week_data(monday(3), active_users="99")).status_code == status
    assert client.post(f"{PAGE}usage/{snapshot.pk}/delete/").status_code == status
    snapshot.refresh_from_db()
    assert snapshot.active_users == 20


def test_the_team_removes_a_week(snapshot, pm):
    response = client_for(pm).post(f"{PAGE}usage/{snapshot.pk}/delete/")

    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}#usage"
    assert not UsageSnapshot.objects.exists()


def test_another_products_week_is_404(product, pm):
    other = UsageSnapshotFactory(product=DataProductFactory(owner=pm))
    client = client_for(pm)

    assert client.get(f"{PAGE}usage/{other.pk}/edit/").status_code == 404
    assert client.post(f"{PAGE}usage/{other.pk}/delete/").status_code == 404
    assert UsageSnapshot.objects.filter(pk=other.pk).exists()


# --- the chart and the table -------------------------------------------------------------------


def test_the_page_charts_active_users_against_a_dashed_target(product, stakeholder):
    product.target_users = 60
    product.save()
    for weeks_ago, users in [(6, 30), (5, 40), (1, 52)]:
        UsageSnapshotFactory(product=product, week_start=monday(weeks_ago), active_users=users)

    response = client_for(stakeholder).get(PAGE)

    chart = response.context["usage_chart"]
    assert [bar["value"] for bar in chart["bars"]] == [30, 40, 52]
    assert chart["bars"][-1]["latest"]
    # the target (60) is above every bar: a smaller y in SVG coordinates
    assert all(chart["target_y"] < bar["y"] for bar in chart["bars"])
    content = response.content.decode()
    assert 'class="target-line"' in content
    assert "target 60" in content
    assert "The table below lists every week." in content


def test_weeks_without_figures_are_gaps_not_bars():
    class Week:
        def __init__(self, week_start, active_users):
            self.week_start, self.active_users = week_start, active_users

    first = datetime.date(2026, 1, 5)
    chart = usage_chart(
        [Week(first, 10), Week(first + datetime.timedelta(weeks=3), 20)],
        first_week=first,
        weeks=4,
        target=None,
    )

    first_x, last_x = (bar["x"] for bar in chart["bars"])
    slot = (chart["right"] - chart["left"]) / 4
    assert last_x - first_x == pytest.approx(3 * slot, abs=0.2)
    assert chart["target_y"] is None
    assert usage_chart([], first_week=first, weeks=4) is None


def test_the_table_shows_each_weeks_change_over_four_weeks(product, pm):
    UsageSnapshotFactory(product=product, week_start=monday(5), active_users=40)
    UsageSnapshotFactory(product=product, week_start=monday(1), active_users=52)
    UsageSnapshotFactory(product=product, week_start=monday(2), active_users=10)
    UsageSnapshotFactory(product=product, week_start=monday(6), active_users=20)

    response = client_for(pm).get(PAGE)

    weeks = {week.week_start: week for week in response.context["usage_weeks"]}
    assert weeks[monday(1)].change["text"] == "+30 %"
    assert weeks[monday(2)].change["text"] == "−50 %"
    assert weeks[monday(2)].change["alarming"]
    assert weeks[monday(5)].change is None  # nothing recorded four weeks before
    content = response.content.decode()
    assert "+30 % over 4 weeks" in content
    assert "change-down alarming" in content


def test_the_table_shows_every_figure_of_a_week(product, pm):
    UsageSnapshotFactory(
        product=product,
        week_start=monday(1),
        active_users=52,
        sessions=177,
        median_task_seconds=170,
        decisions_supported=5,
        source="import",
    )

    content = client_for(pm).get(PAGE).content.decode()

    for text in ("177", "2 min 50 s", ">5<", "Import", f"{monday(1).day} {monday(1):%b %Y}"):
        assert text in content


def test_usage_older_than_the_chart_is_mentioned_not_charted(product, pm):
    UsageSnapshotFactory(product=product, week_start=monday(40), active_users=12)

    response = client_for(pm).get(PAGE)

    assert response.context["usage_chart"] is None
    assert "No usage recorded in the last 26 weeks" in response.content.decode()
    assert f"{monday(40):%b %Y}" in response.content.decode()


# --- CSV import --------------------------------------------------------------------------------

HEADER = "week_start,active_users,sessions,median_task_seconds,decisions_supported"


def post_csv(client, text, **extra):
    return client.post(IMPORT, {"file": csv_file(text)}, **extra)


def test_a_good_file_imports_every_week(product, pm):
    text = f"{HEADER}\n{monday(3)},31,120,200,4\n{monday(2)},35,,,\n"

    client = client_for(pm)

    response = post_csv(client, text)

    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}#usage"
    assert rows(product) == [(monday(3), 31, 120, "import"), (monday(2), 35, None, "import")]
    page = client.get(PAGE).content.decode()
    assert "Imported 2 weeks: 2 added, 0 updated." in page


def test_only_week_start_and_active_users_are_required_in_any_order_and_case(product, pm):
    response = post_csv(client_for(pm), f"Active_Users,WEEK_START\n12,{monday(1)}\n")

    assert response.status_code == 302
    assert rows(product) == [(monday(1), 12, None, "import")]


def test_a_date_in_the_week_is_stored_as_its_monday(product, pm):
    sunday = monday(2) + 6 * DAY

    assert post_csv(client_for(pm), f"week_start,active_users\n{sunday},9\n").status_code == 302

    assert rows(product) == [(monday(2), 9, None, "import")]


def test_weeks_already_recorded_are_updated_and_the_message_says_how_many(product, pm):
    UsageSnapshotFactory(
        product=product, week_start=monday(2), active_users=10, sessions=50, source="manual"
    )
    client = client_for(pm)

    response = post_csv(client, f"week_start,active_users\n{monday(2) + DAY},14\n{monday(1)},16\n")

    assert response.status_code == 302
    # sessions is not in the file: the recorded figure stays
    assert rows(product) == [(monday(2), 14, 50, "import"), (monday(1), 16, None, "import")]
    assert "Imported 2 weeks: 1 added, 1 updated." in client.get(PAGE).content.decode()


def test_an_empty_cell_of_a_column_in_the_file_clears_the_recorded_figure(product, pm):
    UsageSnapshotFactory(product=product, week_start=monday(2), active_users=10, sessions=50)

    post_csv(client_for(pm), f"week_start,active_users,sessions\n{monday(2)},11,\n")

    assert rows(product) == [(monday(2), 11, None, "import")]


@pytest.mark.parametrize(
    ("text", "errors"),
    [
        pytest.param(
            "when,users\n2026-01-05,3\n",
            ["The first row must be the header week_start,active_users,sessions,"
             "median_task_seconds,decisions_supported (found: when,users)."],
            id="bad-header",
        ),
        pytest.param(
            "week_start\n2026-01-05\n",
            ["The first row must be the header"],
            id="missing-column",
        ),
        pytest.param("\n\n", ["The file is empty"], id="blank-lines-only"),
        pytest.param("week_start,active_users\n", ["The file has a header but no rows."],
                     id="header-only"),
    ],
)  # fmt: skip
def test_a_file_of_the_wrong_shape_imports_nothing_and_says_why(product, pm, text, errors):
    response = post_csv(client_for(pm), text)

    assert response.status_code == 422
    content = response.content.decode()
    assert "Nothing was imported" in content
    for error in errors:
        assert error in content
    assert not UsageSnapshot.objects.exists()


def test_every_bad_value_is_named_by_its_line(product, pm):
    text = (
        f"{HEADER}\n"
        f"{monday(6)},10,,,\n"  # line 2: fine
        f"{monday(5)},-4,,,\n"  # line 3
        f"{monday(4)},2.5,x,,\n"  # line 4
        "16/11/2026,3,,,\n"  # line 5
        f"{monday(3)},,,,\n"  # line 6
        "2026-02-30,3,,,\n"  # line 7
        f"{monday(0) + 7 * DAY},3,,,\n"  # line 8
    )

    response = post_csv(client_for(pm), text)

    assert response.status_code == 422
    errors = response.context["import_errors"]
    assert errors == [
        "line 3: active_users must be a whole number ≥ 0 (found “-4”)",
        "line 4: active_users must be a whole number ≥ 0 (found “2.5”); "
        "sessions must be a whole number ≥ 0 (found “x”)",
        "line 5: week_start “16/11/2026” is not a date like 2026-11-16",
        "line 6: active_users is required",
        "line 7: week_start “2026-02-30” is not a date like 2026-11-16",
        f"line 8: week_start {monday(0) + 7 * DAY} is in a week that has not started yet",
    ]
    assert "line 3: active_users must be a whole number ≥ 0" in response.content.decode()
    assert not UsageSnapshot.objects.exists()


def test_two_rows_in_the_same_week_name_both_lines(product, pm):
    text = f"week_start,active_users\n{monday(3)},10\n{monday(2)},11\n{monday(3) + 4 * DAY},12\n"

    response = post_csv(client_for(pm), text)

    assert response.status_code == 422
    assert response.context["import_errors"] == [
        f"line 4: week_start {monday(3) + 4 * DAY} falls in the week of {monday(3)}, as line 2 does"
    ]
    assert not UsageSnapshot.objects.exists()


def test_one_bad_row_and_nothing_is_written_not_even_updates(product, pm):
    UsageSnapshotFactory(product=product, week_start=monday(2), active_users=10, sessions=50)
    text = f"week_start,active_users\n{monday(3)},31\n{monday(2)},33\n{monday(1)},lots\n"

    response = post_csv(client_for(pm), text)

    assert response.status_code == 422
    assert "line 4: active_users must be a whole number ≥ 0" in response.content.decode()
    assert rows(product) == [(monday(2), 10, 50, "manual")]


def test_a_figure_too_large_for_the_database_is_a_line_error(product, pm):
    response = post_csv(client_for(pm), f"week_start,active_users\n{monday(1)},3000000000\n")

    assert response.status_code == 422
    assert response.context["import_errors"] == [
        "line 2: active_users is too large (at most 2,147,483,647)"
    ]
    assert not UsageSnapshot.objects.exists()


def test_an_empty_file_imports_nothing_and_says_so(product, pm):
    response = post_csv(client_for(pm), "")

    assert response.status_code == 422
    assert "The submitted file is empty." in response.content.decode()
    assert not UsageSnapshot.objects.exists()


def test_a_file_that_is_not_utf8_imports_nothing(product, pm):
    text = f"week_start,active_users\n{monday(1)},3\n".encode("utf-16")

    response = post_csv(client_for(pm), text)

    assert response.status_code == 422
    assert "The file is not UTF-8 text" in response.content.decode()
    assert not UsageSnapshot.objects.exists()


def test_a_utf8_file_with_a_byte_order_mark_imports(product, pm):
    text = f"week_start,active_users\n{monday(1)},3\n".encode("utf-8-sig")

    assert post_csv(client_for(pm), text).status_code == 302
    assert rows(product) == [(monday(1), 3, None, "import")]


def test_an_import_without_a_file_is_a_form_error(product, pm):
    response = client_for(pm).post(IMPORT, {})

    assert response.status_code == 422
    assert "This field is required" in response.content.decode()


@pytest.mark.parametrize(("who", "status"), READ_ONLY)
def test_only_the_team_imports(request, product, who, status):
    response = post_csv(
        client_for(request.getfixturevalue(who)), f"week_start,active_users\n{monday(1)},3\n"
    )

    assert response.status_code == status
    assert not UsageSnapshot.objects.exists()


# --- health is recomputed after usage changes --------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_recorded_week_asks_for_its_products_recompute(product, pm, recomputes):
    client_for(pm).post(ADD, week_data(monday(1)))

    assert recomputes() == [product.pk]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_import_asks_for_one_recompute_however_many_weeks(product, pm, recomputes):
    post_csv(client_for(pm), f"week_start,active_users\n{monday(2)},4\n{monday(1)},5\n")

    assert recomputes() == [product.pk]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_refused_import_asks_for_no_recompute(product, pm, recomputes):
    post_csv(client_for(pm), "week_start,active_users\n2026-01-05,lots\n")

    assert recomputes() == []
