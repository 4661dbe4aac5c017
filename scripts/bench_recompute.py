"""Benchmark of the background work at portfolio scale, on PostgreSQL (issue 12).

    make bench-recompute                    # 1,000, 5,000 and 10,000 products × 10 items
    .venv/bin/python scripts/bench_recompute.py --sizes 100 1000

For each size it seeds `seed_portfolio` products into a scratch database (DPM_BENCH_DATABASE_URL,
default postgres://postgres@127.0.0.1:5432/dpm_bench, dropped and created by the script), then
measures, each in a fresh process so that peak memory is the run's own:

- R0, the floor: one hand-written SQL statement that recomputes every item's iec score (§5) with
  the default scoring model, run in a transaction that is rolled back;
- the recompute (`portfolio_recompute`) when every item's score changes (scores cleared first),
  and again when nothing changed;
- the staleness sweep (`alerts_sync`) opening every alert, and again when nothing changed.

It prints seconds, SQL statements and peak memory (RSS) per case, and the recompute's ratio to R0.
Wall-clock times vary by machine: compare ratios within one run, not across machines.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/dpm_bench"
ITEMS_PER_PRODUCT = 10

# R0: every open or closed item's iec score with the default model (DESIGN.md §5): confidence
# from the override, else the mean of the linked hypotheses' weights, else 0.5; T-shirt points;
# cost points from build + yearly run cost by bands (no cost entered → 1). The same figures as
# roadmaps.scoring: the script checks that R0 and the app agree on every item.
R0_SQL = """
WITH confidence AS (
    SELECT link.roadmapitem_id AS item_id,
           AVG(CASE h.status WHEN 'validated' THEN 1.0 WHEN 'testing' THEN 0.7
                             WHEN 'invalidated' THEN 0.1 ELSE 0.5 END) AS derived
    FROM roadmaps_roadmapitem_hypotheses AS link
    JOIN discovery_hypothesis AS h ON h.id = link.hypothesis_id
    GROUP BY link.roadmapitem_id
), computed AS (
    SELECT i.id,
           ROUND(100 * i.impact * COALESCE(i.confidence_override, c.derived, 0.5)
                 / ((CASE i.effort WHEN 'XS' THEN 1 WHEN 'S' THEN 2 WHEN 'M' THEN 3
                                   WHEN 'L' THEN 5 WHEN 'XL' THEN 8 ELSE 13 END)
                    + (CASE WHEN i.build_cost IS NULL AND i.run_cost_yearly IS NULL THEN 1
                            ELSE (SELECT CASE WHEN t < 10000 THEN 1 WHEN t < 50000 THEN 2
                                              WHEN t < 150000 THEN 3 WHEN t < 500000 THEN 5
                                              ELSE 8 END
                                  FROM (SELECT COALESCE(i.build_cost, 0)
                                               + COALESCE(i.run_cost_yearly, 0) AS t) AS total)
                       END)), 1)::float8 AS score
    FROM roadmaps_roadmapitem AS i
    LEFT JOIN confidence AS c ON c.item_id = i.id
)
UPDATE roadmaps_roadmapitem AS t SET score = computed.score
FROM computed WHERE t.id = computed.id AND t.score IS DISTINCT FROM computed.score
"""


def _env(url: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "dpm.settings",
        "DPM_VAR_DIR": str(ROOT / "var" / "bench"),
        # The worker's limits, since these are the worker's statements.
        "DPM_DB_STATEMENT_TIMEOUT_MS": "0",
        "DPM_DB_LOCK_TIMEOUT_MS": "0",
    }


def _run(url: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=_env(url), capture_output=True, text=True
    )
    if done.returncode:
        sys.exit(f"failed: {' '.join(args)}\n{done.stdout}\n{done.stderr}")
    return done.stdout


def _manage(url: str, *args: str) -> str:
    return _run(url, "manage.py", *args)


def _measure(url: str, case: str) -> dict:
    return json.loads(_run(url, __file__, "--measure", case).strip().splitlines()[-1])


def _recreate(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres", scheme="postgresql").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def measure(case: str) -> dict:
    """One case, in this process (called by the parent through --measure)."""
    import django

    django.setup()
    from django.db import connection, transaction

    from products.recompute import portfolio_recompute
    from products.staleness import alerts_sync

    if case == "reset":  # every item's score and every product's figures cleared: not measured
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE roadmaps_roadmapitem SET score = NULL, score_breakdown = '{}', "
                "scored_at = NULL"
            )
            cursor.execute(
                "UPDATE products_dataproduct SET health_score = NULL, opportunity_score = NULL, "
                "scores_computed_at = NULL"
            )
            cursor.execute("DELETE FROM roadmaps_scorechange")
            cursor.execute("DELETE FROM products_scoresnapshot")
            cursor.execute("DELETE FROM products_alert")
            cursor.execute("VACUUM ANALYZE")
        return {}

    def r0():
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(R0_SQL)
                changed = cursor.rowcount
            transaction.set_rollback(True)
        return changed

    def agree():
        """Items whose stored score differs from R0's: must be 0 after a recompute."""
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(R0_SQL)
                differing = cursor.rowcount
            transaction.set_rollback(True)
        return differing

    work = {
        "r0": r0,
        "recompute": lambda: portfolio_recompute(),
        "sweep": lambda: sum(alerts_sync().values()),
        "agree": agree,
    }[case]
    statements = []

    def count(execute, sql, params, many, context):
        statements.append(1)
        return execute(sql, params, many, context)

    # Counted by an execute wrapper: CaptureQueriesContext would format every statement's
    # parameters into its text, which costs more than some of the statements.
    started = time.perf_counter()
    with connection.execute_wrapper(count):
        result = work()
    seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 3),
        "statements": len(statements),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "result": result,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 10000])
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return

    url = os.environ.get("DPM_BENCH_DATABASE_URL", DEFAULT_URL)
    _recreate(url)
    _manage(url, "migrate", "--noinput", "-v", "0")
    rows = []
    seeded = 0
    for size in sorted(args.sizes):
        _manage(url, "seed_portfolio", "--products", str(size - seeded), "--items",
                str(ITEMS_PER_PRODUCT), "--seed", "1")  # fmt: skip
        seeded = size
        _measure(url, "reset")
        r0 = _measure(url, "r0")
        first = _measure(url, "recompute")
        again = _measure(url, "recompute")
        differing = _measure(url, "agree")["result"]
        sweep = _measure(url, "sweep")
        sweep_again = _measure(url, "sweep")
        rows.append((size, r0, first, again, sweep, sweep_again, differing))
        print(f"measured {size:,} products", file=sys.stderr)

    head = (
        f"{'products':>8} {'items':>7} | {'R0 s':>6} | {'recompute s':>11} {'stmts':>5} "
        f"{'MB':>4} {'÷R0':>5} | {'unchanged s':>11} {'stmts':>5} {'MB':>4} | "
        f"{'sweep s':>7} {'stmts':>5} {'again s':>7} | {'≠R0':>4}"
    )
    print(head)
    print("-" * len(head))
    for size, r0, first, again, sweep, sweep_again, differing in rows:
        print(
            f"{size:>8,} {size * ITEMS_PER_PRODUCT:>7,} | {r0['seconds']:>6.2f} | "
            f"{first['seconds']:>11.2f} {first['statements']:>5} {first['peak_mb']:>4} "
            f"{first['seconds'] / r0['seconds']:>5.1f} | {again['seconds']:>11.2f} "
            f"{again['statements']:>5} {again['peak_mb']:>4} | {sweep['seconds']:>7.2f} "
            f"{sweep['statements']:>5} {sweep_again['seconds']:>7.2f} | {differing:>4}"
        )


if __name__ == "__main__":
    main()
