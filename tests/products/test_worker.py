"""A real Celery worker (and beat) against Redis and PostgreSQL: the trigger → broker → worker →
database path, duplicate deliveries, overlapping sweeps, a worker killed mid-recompute, and Redis
going away and coming back (DESIGN.md §6, issue 7).

The worker runs as a subprocess on the test database, so these tests commit their data
(transactional_db) and wait for the worker's effects by polling the database and its log.
"""

import datetime
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.utils import timezone

from dpm.celery import app
from dpm.lib.outage import REDIS
from products.models import Alert, DataProduct, TaskRun
from products.recompute import (
    PENDING_GRACE_SECONDS,
    debounce_key,
    enqueue_recompute,
    portfolio_recompute,
)
from products.staleness import alerts_sync
from products.tasks import check_staleness, recompute_scores
from roadmaps.models import ScoreChange
from tests.helpers import client_for
from tests.metrics.factories import KPIFactory
from tests.products.factories import DataProductFactory
from tests.roadmaps.factories import RoadmapItemFactory

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BASE_DIR = Path(__file__).resolve().parents[2]
REDIS_SERVER = "/usr/bin/redis-server"


def wait_for(predicate, *, timeout: float = 30, what: str = "the worker"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def _database_url() -> str:
    db = connection.settings_dict
    user = db["USER"] or "postgres"
    return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """`celery worker` (optionally with beat) in a subprocess, its output in a log file."""

    def __init__(
        self,
        tmp_path: Path,
        *,
        redis_url: str,
        cache_url: str,
        beat: bool,
        concurrency: int = 1,
        **env: str,
    ):
        self.log = tmp_path / f"worker-{uuid.uuid4().hex[:6]}.log"
        self.env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "REDIS_URL": redis_url,
            "DPM_CACHE_URL": cache_url,
            "DPM_VAR_DIR": str(tmp_path / "var"),
            "DPM_RECOMPUTE_DEBOUNCE": "1",
            # A lost task comes back after 30 s: above the (shortened) hard time limit, as
            # settings require.
            "DPM_TASK_SOFT_TIME_LIMIT": "20",
            "DPM_TASK_TIME_LIMIT": "25",
            "DPM_BROKER_VISIBILITY_TIMEOUT": "30",
            **env,
        }
        self.args = [
            *(sys.executable, "-m", "celery", "-A", "dpm", "worker"),
            *("--pool", "prefork", "--concurrency", str(concurrency)),
            *("--without-mingle", "--without-gossip", "--loglevel", "INFO"),
            *("--hostname", f"test-{uuid.uuid4().hex[:6]}@%h"),
            *(["--beat", "--schedule", str(tmp_path / "beat-schedule")] if beat else []),
        ]
        self.proc: subprocess.Popen | None = None

    def start(self) -> "Worker":
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(
                self.args, cwd=BASE_DIR, env=self.env, stdout=out, stderr=subprocess.STDOUT
            )
        wait_for(lambda: " ready." in self.text(), timeout=60, what="the worker to start")
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def succeeded(self, task_id: str) -> int:
        return self.text().count(f"[{task_id}] succeeded")

    def children(self) -> list[int]:
        path = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return [int(pid) for pid in path.read_text().split()]


@pytest.fixture
def redis_broker(redis_url, on_postgres, settings):
    """The CI Redis, emptied of earlier messages and cache entries; edits debounce for 1 s."""
    settings.DPM_RECOMPUTE_DEBOUNCE = 1
    app.control.purge()
    cache.clear()
    return redis_url


@pytest.fixture
def worker(redis_broker, tmp_path):
    running = Worker(
        tmp_path,
        redis_url=redis_broker,
        cache_url=django_settings.CACHES["default"]["LOCATION"],
        beat=False,
        concurrency=2,
    ).start()
    yield running
    running.stop()


def _clean_run_changes_nothing(product_ids=None) -> None:
    """The state equals a clean run's: recomputing and sweeping again change nothing."""
    assert portfolio_recompute(product_ids=product_ids) == 0
    assert alerts_sync() == {"opened": 0, "updated": 0, "resolved": 0, "notified": 0}


def test_an_edit_reaches_the_worker_and_recomputes_the_product(worker, product, pm):
    kpi = KPIFactory(product=product, name="Calls", baseline=20, target=60)
    response = client_for(pm).post(
        f"/products/{product.slug}/metrics/kpis/{kpi.pk}/measurements/",
        {"value": "40", "observed_at": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302

    def computed():
        fresh = DataProduct.objects.get(pk=product.pk)
        return fresh if fresh.scores_computed_at else None

    fresh = wait_for(computed, what="the recompute of the edited product")
    outcomes = fresh.health_breakdown["components"][0]
    assert (outcomes["key"], outcomes["value"]) == ("outcomes", 50.0)
    assert "succeeded" in worker.text()
    _clean_run_changes_nothing([product.pk])


def test_a_duplicate_delivery_leaves_the_same_state(worker, product):
    RoadmapItemFactory(product=product, impact=4)
    DataProduct.objects.filter(pk=product.pk).update(
        last_reviewed_at=timezone.now() - datetime.timedelta(days=200)
    )
    for task, kwargs in ((recompute_scores, {"product_ids": [product.pk]}), (check_staleness, {})):
        task_id = f"dup-{uuid.uuid4().hex[:8]}"
        task.apply_async(kwargs=kwargs, task_id=task_id)
        task.apply_async(kwargs=kwargs, task_id=task_id)  # the same message, delivered twice
        wait_for(lambda task_id=task_id: worker.succeeded(task_id) == 2, what="both deliveries")

    assert ScoreChange.objects.count() == 1
    assert product.score_history.count() == 1
    assert Alert.objects.count() == 1
    _clean_run_changes_nothing()


def test_two_overlapping_sweeps_open_no_duplicate_alert(worker):
    first = DataProductFactory()
    DataProduct.objects.bulk_create(
        DataProductFactory.build(
            owner=first.owner,
            domain=first.domain,
            last_reviewed_at=timezone.now() - datetime.timedelta(days=120),
        )
        for _ in range(300)
    )
    ids = [f"sweep-{n}-{uuid.uuid4().hex[:6]}" for n in range(2)]
    for task_id in ids:
        check_staleness.apply_async(task_id=task_id)
    wait_for(lambda: all(worker.succeeded(task_id) == 1 for task_id in ids), what="both sweeps")

    duplicates = (
        Alert.objects.open()
        .values("kind", "subject_type", "subject_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert list(duplicates) == []
    assert Alert.objects.open().count() == 300  # the first product was added just now
    assert alerts_sync() == {"opened": 0, "updated": 0, "resolved": 0, "notified": 0}


def _waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            # Any backend of this database waiting for a lock: the statement's text is cut at
            # 1 kB in pg_stat_activity, before the table's name of a long UPDATE … FROM VALUES.
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND datname = current_database() AND pid <> pg_backend_pid()",
        )
        return cursor.fetchone()[0] > 0


def test_a_worker_killed_mid_recompute_is_redelivered_and_ends_clean(worker):
    products = [DataProductFactory(last_reviewed_at=timezone.now()) for _ in range(3)]
    for product in products:
        RoadmapItemFactory(product=product, impact=3)
    locked = products[1]

    # Hold the product's row so the worker's recompute stops in the middle, inside its
    # transaction for the products, after it has already rescored (and committed) the items.
    blocker = psycopg.connect(_database_url().replace("postgres://", "postgresql://"))
    blocker.execute("SELECT 1 FROM products_dataproduct WHERE id = %s FOR UPDATE", [locked.pk])
    task_id = f"killed-{uuid.uuid4().hex[:8]}"
    try:
        recompute_scores.apply_async(task_id=task_id)
        wait_for(lambda: _waiting_on_a_lock(), what="the recompute to block")
        (child,) = [pid for pid in worker.children() if Path(f"/proc/{pid}").exists()][:1]
        os.kill(child, signal.SIGKILL)
        wait_for(lambda: "signal 9" in worker.text(), what="the worker to notice its loss")
    finally:
        blocker.rollback()
        blocker.close()

    wait_for(lambda: worker.succeeded(task_id) >= 1, timeout=60, what="the redelivered task")
    assert TaskRun.objects.filter(name="recompute_scores").exists()
    # Each item scored once: the killed run's committed item scores are not scored again, and
    # its uncommitted product figures left nothing.
    assert ScoreChange.objects.count() == 3
    for product in DataProduct.objects.filter(pk__in=[p.pk for p in products]):
        assert product.health_score == 100.0
        assert product.score_history.count() == 1
    _clean_run_changes_nothing()


# --- Redis goes away and comes back ---------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivateRedis:
    """A redis-server of our own, so stopping it disturbs nothing else."""

    def __init__(self, tmp_path: Path):
        self.port = _free_port()
        self.dir = tmp_path
        self.proc = None

    def start(self) -> "PrivateRedis":
        self.proc = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--save", "", "--appendonly", "no"],
            cwd=self.dir,
            stdout=subprocess.DEVNULL,
        )
        wait_for(self._answers, timeout=10, what="redis-server to start")
        return self

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), 0.5):
                return True
        except OSError:
            return False

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"


def _point_app_at(broker_url: str) -> None:
    app.conf.broker_url = broker_url
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def private_redis(on_postgres, tmp_path, settings):
    if not Path(REDIS_SERVER).exists():
        pytest.fail(f"{REDIS_SERVER} is needed to stop and restart a Redis of the test's own")
    server = PrivateRedis(tmp_path).start()
    previous = app.conf.broker_url
    settings.CACHES = {
        "default": {
            **django_settings.CACHES["default"],
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": server.url(1),
        }
    }
    settings.DPM_RECOMPUTE_DEBOUNCE = 1
    _point_app_at(server.url(0))
    yield server
    _point_app_at(previous)
    if server.proc.poll() is None:
        server.stop()


def test_with_redis_stopped_edits_are_saved_and_the_next_periodic_run_catches_up(
    private_redis, tmp_path, pm, product, caplog
):
    worker = Worker(
        tmp_path,
        redis_url=private_redis.url(0),
        cache_url=private_redis.url(1),
        beat=True,
        DPM_RECOMPUTE_INTERVAL="10",
        DPM_STALENESS_INTERVAL="10",
    ).start()
    try:
        DataProduct.objects.filter(pk=product.pk).update(
            last_reviewed_at=timezone.now() - datetime.timedelta(days=100)
        )
        kpi = KPIFactory(product=product, name="Calls", baseline=20, target=60)
        # A starting beat queues both periodic tasks at once rather than an interval later.
        wait_for(lambda: TaskRun.objects.count() == 2, what="the runs queued at beat's start")

        private_redis.stop()
        started = time.monotonic()
        response = client_for(pm).post(
            f"/products/{product.slug}/metrics/kpis/{kpi.pk}/measurements/",
            {"value": "40", "observed_at": timezone.localdate().isoformat()},
        )
        took = time.monotonic() - started
        assert response.status_code == 302
        assert kpi.measurements.count() == 1
        assert took < 10
        assert "the periodic recompute will catch up" in caplog.text
        # Not counted yet: nothing could reach the worker.
        stored = DataProduct.objects.get(pk=product.pk).health_breakdown["components"][0]
        assert (stored["key"], stored["value"]) == ("outcomes", None)

        private_redis.start()
        back = timezone.now()

        def caught_up():
            runs = TaskRun.objects.filter(last_success_at__gt=back)
            return runs.count() == 2

        wait_for(caught_up, timeout=90, what="beat's next runs after Redis returned")
    finally:
        worker.stop()

    fresh = DataProduct.objects.get(pk=product.pk)
    assert fresh.health_breakdown["components"][0]["value"] == 50.0  # the edit was counted
    assert Alert.objects.open().filter(kind=Alert.Kind.PRODUCT_NOT_REVIEWED).count() == 1
    _clean_run_changes_nothing()


def test_with_redis_hung_an_edit_answers_within_seconds_and_leaves_no_debounce_mark(
    private_redis, pm, product, caplog
):
    """A Redis that accepts connections but never answers (stopped with SIGSTOP) held every
    write and login for 10 s or more (issue 12). Cache and broker calls now time out after
    DPM_REDIS_TIMEOUT seconds; the edit is saved and answered, and once Redis answers again the
    next edit queues its recompute."""
    kpi = KPIFactory(product=product, name="Calls", baseline=20, target=60)
    answers = {}

    def edit():
        started = time.monotonic()
        answers["response"] = client_for(pm).post(
            f"/products/{product.slug}/metrics/kpis/{kpi.pk}/measurements/",
            {"value": "40", "observed_at": timezone.localdate().isoformat()},
        )
        answers["took"] = time.monotonic() - started
        connection.close()

    def log_in():
        started = time.monotonic()
        answers["login"] = Client().post(
            "/accounts/login/", {"username": pm.username, "password": "wrong"}
        )
        answers["login took"] = time.monotonic() - started
        connection.close()

    os.kill(private_redis.proc.pid, signal.SIGSTOP)
    try:
        for work in (edit, log_in):
            running = threading.Thread(target=work, daemon=True)
            running.start()
            running.join(timeout=20)
            assert not running.is_alive(), f"{work.__name__} hung on a hung Redis"
    finally:
        os.kill(private_redis.proc.pid, signal.SIGCONT)
    assert answers["response"].status_code == 302
    assert answers["took"] < 3 * django_settings.REDIS_TIMEOUT + 2
    assert kpi.measurements.count() == 1
    # The edit found Redis hung: the login that follows does not wait for it again.
    assert answers["login"].status_code == 200
    assert answers["login took"] < 1
    assert "the periodic recompute will catch up" in caplog.text
    # The mark of a queued recompute expires even when it was set just before Redis hung; once
    # the pause after the outage ends, edits queue their recompute again.
    REDIS.clear()
    assert enqueue_recompute(product.pk) is True
    ttl = cache._cache.get_client(debounce_key(product.pk)).ttl(
        cache.make_and_validate_key(debounce_key(product.pk))
    )
    assert 0 < ttl <= django_settings.DPM_RECOMPUTE_DEBOUNCE + PENDING_GRACE_SECONDS


def test_a_database_that_never_answers_makes_healthz_answer_503_within_seconds(on_postgres):
    """A server that accepts TCP and says nothing: the connection attempt gives up after
    DPM_DB_CONNECT_TIMEOUT and /healthz answers 503, instead of hanging until it is killed."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    port = silent.getsockname()[1]
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{port}/dpm",
        "DPM_DB_CONNECT_TIMEOUT": "2",
    }
    script = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(r.status_code, r.content.decode())"
    )
    started = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-c", script],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
        )
    finally:
        silent.close()
    assert time.monotonic() - started < 20
    assert done.stdout.startswith("503"), done.stdout + done.stderr
    assert '"database": "unavailable"' in done.stdout
