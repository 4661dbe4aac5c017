"""The Celery tasks called directly, their triggers, the operators' commands and /healthz.

The tasks' run through a real broker and worker is in test_worker.py.
"""

import datetime
import logging
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from dpm.celery import app
from products.models import Alert, DataProduct, TaskRun
from products.recompute import debounce_key, enqueue_recompute
from products.tasks import check_staleness, periodic_lock, recompute_scores
from tests.helpers import client_for
from tests.metrics.factories import KPIFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def stale(product):
    DataProduct.objects.filter(pk=product.pk).update(
        last_reviewed_at=timezone.now() - datetime.timedelta(days=100)
    )
    return product


def test_recompute_scores_computes_the_portfolio_and_records_its_success(product):
    DataProduct.objects.filter(pk=product.pk).update(last_reviewed_at=timezone.now())
    assert recompute_scores() == {"changed": 1}
    product.refresh_from_db()
    assert product.health_score == 100.0
    run = TaskRun.objects.get(name="recompute_scores")
    assert run.last_result == {"changed": 1}
    assert timezone.now() - run.last_success_at < datetime.timedelta(seconds=5)


def test_a_triggered_recompute_clears_its_debounce_mark(product):
    cache.set(debounce_key(product.pk), 1)
    recompute_scores(product_ids=[product.pk])
    assert cache.get(debounce_key(product.pk)) is None
    assert not TaskRun.objects.exists()  # only the periodic run reports to /healthz


def test_check_staleness_opens_alerts_and_records_its_success(stale):
    result = check_staleness()
    assert result["opened"] == 1
    assert Alert.objects.open().get().kind == Alert.Kind.PRODUCT_NOT_REVIEWED
    assert TaskRun.objects.get(name="check_staleness").last_result == result


@pytest.mark.parametrize(("task", "name"), [(check_staleness, "check_staleness")])
def test_a_periodic_run_skips_while_another_holds_the_lock(stale, task, name):
    with periodic_lock(name, owner="another-run") as acquired:
        assert acquired
        assert task() == {"skipped": True}
    assert not Alert.objects.exists()
    assert task()["opened"] == 1


def test_a_redelivered_run_takes_over_its_own_lock(stale):
    """A worker killed mid-run leaves its lock; the same task, delivered again, carries on."""
    cache.add("dpm:lock:check_staleness", "task-1", timeout=300)
    with periodic_lock("check_staleness", owner="task-1") as acquired:
        assert acquired
    with periodic_lock("check_staleness", owner="task-2") as acquired:
        assert acquired  # released by task-1's run above


def test_the_tasks_are_declared_safe_to_redeliver():
    for task in (recompute_scores, check_staleness):
        assert task.acks_late is True
        assert task.reject_on_worker_lost is True
        assert task.max_retries == 5
        assert all(issubclass(e, Exception) for e in task.autoretry_for)
    assert app.conf.task_soft_time_limit < app.conf.task_time_limit


def test_the_beat_schedule_runs_both_tasks():
    schedule = app.conf.beat_schedule
    assert {entry["task"] for entry in schedule.values()} == {
        "products.tasks.recompute_scores",
        "products.tasks.check_staleness",
        "dpm.tasks.clear_expired_sessions",
        "dpm.tasks.purge_history",
    }
    assert schedule["recompute-scores"]["schedule"] == 15 * 60
    assert schedule["check-staleness"]["schedule"] == 60 * 60


# --- triggers ----------------------------------------------------------------------------------


def test_a_burst_of_edits_queues_one_recompute(product):
    assert enqueue_recompute(product.pk) is True
    assert enqueue_recompute(product.pk) is False
    assert enqueue_recompute(product.pk) is False
    assert cache.get(debounce_key(product.pk)) == 1


def test_an_edit_queues_its_product_s_recompute_after_commit(
    product, pm, django_capture_on_commit_callbacks
):
    kpi = KPIFactory(product=product)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client_for(pm).post(
            f"/products/{product.slug}/metrics/kpis/{kpi.pk}/measurements/",
            {"value": "33", "observed_at": timezone.localdate().isoformat()},
        )
    assert response.status_code == 302
    assert kpi.measurements.get().value == Decimal("33")
    assert len(callbacks) == 1  # the product's recompute, queued once
    assert cache.get(debounce_key(product.pk)) == 1


@pytest.fixture
def broker_down():
    """The broker's address points at a port nobody listens on: a real connection failure."""
    previous = app.conf.broker_url
    _reconnect(app, "redis://127.0.0.1:1/0")
    yield
    _reconnect(app, previous)


def _reconnect(celery_app, broker_url: str) -> None:
    """Point the app at another broker: drop its connection and producer pools."""
    celery_app.conf.broker_url = broker_url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def test_with_the_broker_down_an_edit_is_saved_and_answered(
    product, pm, broker_down, caplog, django_capture_on_commit_callbacks
):
    kpi = KPIFactory(product=product)
    caplog.set_level(logging.ERROR, logger="products.recompute")
    started = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(pm).post(
            f"/products/{product.slug}/metrics/kpis/{kpi.pk}/measurements/",
            {"value": "33", "observed_at": timezone.localdate().isoformat()},
        )
    assert response.status_code == 302
    assert kpi.measurements.get().value == Decimal("33")
    assert timezone.now() - started < datetime.timedelta(seconds=10)
    assert "the periodic recompute will catch up" in caplog.text
    # The mark is gone, so the next edit tries again rather than waiting on a lost task.
    assert cache.get(debounce_key(product.pk)) is None


# --- operators ---------------------------------------------------------------------------------


def test_the_commands_run_the_services(stale, capsys):
    call_command("recompute_scores")
    call_command("check_staleness")
    out = capsys.readouterr().out
    assert "Recomputed the portfolio: 1 products' figures changed." in out
    assert "Staleness sweep: 1 opened, 0 updated, 0 resolved" in out
    stale.refresh_from_db()
    # Review 53.3 (100 days ago) is all it knows: 10 of the 100 weights, too few for a status.
    assert (stale.health_score, stale.health_status) == (53.3, "not_enough_data")


def test_the_commands_run_with_the_worker_s_database_limits(on_postgres, product):
    """By hand they do the worker's work: the web's 30 s statement limit would cut a
    portfolio-wide recompute short."""
    from django.db import connection

    for command in ("recompute_scores", "check_staleness"):
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = '30s'")
        call_command(command)
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            assert cursor.fetchone()[0] == "4min", command
            cursor.execute("SHOW lock_timeout")
            assert cursor.fetchone()[0] == "1min", command


def test_healthz_says_when_each_periodic_task_last_succeeded(product):
    body = Client().get("/healthz").json()
    assert body["tasks"]["recompute_scores"] == {
        "last_success": None,
        "age_seconds": None,
        "late": True,
    }
    recompute_scores()
    check_staleness()
    body = Client().get("/healthz").json()
    for name in ("recompute_scores", "check_staleness"):
        assert body["tasks"][name]["late"] is False
        assert body["tasks"][name]["age_seconds"] <= 5


def test_healthz_reports_a_stuck_worker_as_late(product):
    TaskRun.objects.create(
        name="check_staleness",
        last_success_at=timezone.now() - datetime.timedelta(hours=4),  # 3 intervals of 1 h
    )
    body = Client().get("/healthz").json()
    assert body["status"] == "ok"
    assert body["tasks"]["check_staleness"]["late"] is True
    assert body["tasks"]["check_staleness"]["age_seconds"] >= 4 * 3600
