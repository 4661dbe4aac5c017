import datetime
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from metrics.models import KPI, Experiment
from tests.e2e.conftest import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_pm_defines_a_kpi_measures_it_and_reads_an_ab_result(browser_page, live_server):
    call_command("seed_demo", force=True, verbosity=0)
    page = browser_page
    base = f"{live_server.url}/products/customer-health-api/metrics"
    today = timezone.localdate()
    log_in(page, live_server, "pm")
    page.wait_for_url(f"{live_server.url}/")

    # A KPI with a baseline and a target.
    page.goto(f"{base}/")
    page.get_by_role("link", name="Add a KPI").click()
    page.get_by_label("Name").fill("CSM prep minutes per call")
    page.get_by_label("Category").select_option("outcome")
    page.get_by_label("Unit").fill("minutes")
    page.get_by_label("Direction").select_option("decrease")
    page.get_by_label("Baseline", exact=True).fill("12")
    page.get_by_label("Baseline date").fill(str(today - datetime.timedelta(days=30)))
    page.get_by_label("Target", exact=True).fill("4")
    page.get_by_label("Target date").fill(str(today + datetime.timedelta(days=30)))
    page.get_by_role("button", name="Add KPI").click()
    page.wait_for_url(re.compile(r"/metrics/kpis/\d+/$"))
    kpi = KPI.objects.get(name="CSM prep minutes per call")

    # Two measurements; the progress follows the latest.
    for days_ago, value in ((10, "10"), (1, "8")):
        moment = timezone.localtime() - datetime.timedelta(days=days_ago)
        page.get_by_role("spinbutton", name="Value").fill(value)
        page.get_by_label("Observed on").fill(moment.strftime("%Y-%m-%dT%H:%M"))
        with page.expect_response(lambda response: "/measurements/" in response.url):
            page.get_by_role("button", name="Record").click()
    assert kpi.measurements.count() == 2
    # (12 − 8) / (12 − 4) = 50 % of the way at half the time: on track
    progress = page.locator("#progress-h").locator("xpath=..")
    progress.get_by_text("50 % of the way").wait_for()
    assert "On track" in progress.inner_text()

    # An A/B result, read as one sentence.
    page.goto(f"{base}/experiments/new/")
    page.locator("#id_name").fill("Top-3 reasons widget vs plain score")
    page.locator("#id_kind").select_option("ab_test")
    page.get_by_label("Metric name").fill("Calls opened with a reason")
    page.get_by_label("Metric kind").select_option("proportion")
    page.get_by_label("Control n").fill("900")
    page.get_by_label("Control conversions").fill("270")
    page.get_by_label("Variant n").fill("900")
    page.get_by_label("Variant conversions").fill("360")
    page.get_by_role("button", name="Add").click()
    page.wait_for_url(re.compile(r"/metrics/experiments/\d+/$"))
    sentence = page.get_by_test_id("readout-sentence").inner_text()
    assert sentence.startswith("Variant raised calls opened with a reason from 30.0 % to 40.0 %")
    assert Experiment.objects.get(name__startswith="Top-3").readout["sentence"] == sentence
