"""Benchmark of the main pages at portfolio scale, on PostgreSQL (issue 13's first step).

    make bench-pages                        # 100 and 10,000 products × 10 items
    .venv/bin/python scripts/bench_pages.py --sizes 100 1000

For each size it seeds `seed_portfolio` products into a scratch database (DPM_BENCH_DATABASE_URL,
default postgres://postgres@127.0.0.1:5432/dpm_bench, dropped and created by the script), runs
the recompute and the sweep once (so pages show figures and alerts), and then requests each main
page as a lead through the whole middleware stack, in this process with Django's test client.
It prints, per page, the median CPU time of this process per request (the database's work is
not in it), the queries and the HTML size, and the page's throughput as a share of **F1**'s: a
bare logged-in view that renders a ten-row table through the same settings, measured in the
same run. Compare shares and ratios within one run, not times across machines.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.bench_recompute import DEFAULT_URL, ITEMS_PER_PRODUCT, _manage, _recreate  # noqa: E402

ROUNDS = 15


def f1_view(request):
    """F1: the floor. Logged in (the same middleware: session, user, CSP …), ten rows through
    the template engine and base layout-free HTML, no query of its own."""
    from django.template import engines

    template = engines["django"].from_string(
        "<!doctype html><title>F1</title><table>{% for row in rows %}<tr><td>{{ row.0 }}</td>"
        "<td>{{ row.1 }}</td><td>{{ row.2 }}</td></tr>{% endfor %}</table>"
    )
    from django.http import HttpResponse

    rows = [(n, f"Product {n}", n * 1.5) for n in range(10)]
    return HttpResponse(template.render({"rows": rows}, request))


def pages() -> list[tuple[str, str]]:
    from products.models import DataProduct

    product = DataProduct.objects.order_by("pk").values_list("slug", flat=True).first()
    return [
        ("F1 (floor)", "/bench/f1/"),
        ("/", "/"),
        ("/roadmap/", "/roadmap/"),
        ("/roadmap/?view=matrix", "/roadmap/?view=matrix"),
        ("/alerts/", "/alerts/"),
        ("product overview", f"/products/{product}/"),
        ("health page", f"/products/{product}/health/"),
        ("metrics page", f"/products/{product}/metrics/"),
        ("discovery page", f"/products/{product}/discovery/"),
    ]


def measure(size: int) -> list[tuple]:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import path

    import dpm.urls
    from products import roles

    # F1 beside the app's own routes, for this process only.
    patterns = [path("bench/f1/", f1_view), *dpm.urls.urlpatterns]
    urlconf = type("BenchURLs", (), {"urlpatterns": patterns})
    lead, _ = get_user_model().objects.get_or_create(username="bench_lead")
    lead.groups.add(Group.objects.get_or_create(name=roles.LEAD)[0])
    client = Client(SERVER_NAME="localhost")
    client.force_login(lead)
    rows = []
    with override_settings(ROOT_URLCONF=urlconf, ALLOWED_HOSTS=["localhost"], DEBUG=False):
        for name, url in pages():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            queries: list[str] = []

            def count(execute, sql, *call, queries=queries):
                queries.append(sql)
                return execute(sql, *call)

            with connection.execute_wrapper(count):
                client.get(url)
            cpu = []
            for _ in range(ROUNDS):
                started = time.process_time()
                client.get(url)
                cpu.append(time.process_time() - started)
            rows.append((name, statistics.median(cpu), len(queries), len(response.content)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 10000])
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        rows = measure(args.measure)
        floor = rows[0][1]
        print(f"\n{args.measure:,} products × {ITEMS_PER_PRODUCT} items")
        print(f"{'page':<24} {'CPU ms':>8} {'share of F1':>12} {'queries':>8} {'HTML kB':>8}")
        for name, cpu, queries, size in rows:
            print(
                f"{name:<24} {cpu * 1000:>8.1f} {floor / cpu:>11.1%} {queries:>8} "
                f"{size / 1000:>8.1f}"
            )
        return
    url = os.environ.get("DPM_BENCH_DATABASE_URL", DEFAULT_URL)
    _recreate(url)
    _manage(url, "migrate", "--noinput", "-v", "0")
    seeded = 0
    for size in sorted(args.sizes):
        _manage(url, "seed_portfolio", "--products", str(size - seeded), "--items",
                str(ITEMS_PER_PRODUCT), "--seed", "1")  # fmt: skip
        seeded = size
        _manage(url, "recompute_scores")
        _manage(url, "check_staleness")
        env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "dpm.settings",
               "DPM_VAR_DIR": str(ROOT / "var" / "bench")}  # fmt: skip
        import subprocess

        done = subprocess.run(
            [sys.executable, __file__, "--measure", str(size)], cwd=ROOT, env=env, text=True,
            capture_output=True,
        )  # fmt: skip
        if done.returncode:
            sys.exit(done.stdout + done.stderr)
        print(done.stdout, end="")


if __name__ == "__main__":
    main()
