"""A lead at work during a recompute, on PostgreSQL at portfolio scale (issue 12's "done when").

    make trial-concurrency                 # 2,000 products × 10 items
    .venv/bin/python scripts/trial_concurrency.py --products 500

Seeds a scratch database (DPM_BENCH_DATABASE_URL, default .../dpm_bench, dropped and created),
clears every score so that the periodic recompute has every item to write, and starts it. While
it runs, a lead saves a new scoring model through the settings page and two leads move cards of
one product at the same moment, 30 times, through the board's move endpoint. Then the follow-up
runs that the save and the skipped run asked for are run, as the worker would. It prints every
answer's status and checks that none was a 500 and that every item's stored score is the score
of its inputs under the saved model.
"""

import argparse
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.bench_recompute import DEFAULT_URL, _manage, _recreate  # noqa: E402


def trial(products: int) -> int:
    import django

    django.setup()
    from collections import Counter, defaultdict
    from unittest import mock

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from products import roles
    from products.tasks import recompute_scores
    from roadmaps.models import RoadmapItem, ScoringModel
    from roadmaps.scoring import ItemInputs, ScoringConfig, score_item
    from roadmaps.services import SCORE_INPUT_FIELDS

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE roadmaps_roadmapitem SET score = NULL, score_breakdown = '{}', scored_at = NULL"
        )
    leads = []
    for name in ("trial_lead_1", "trial_lead_2"):
        user, _ = get_user_model().objects.get_or_create(username=name)
        user.groups.add(Group.objects.get_or_create(name=roles.LEAD)[0])
        client = Client(SERVER_NAME="localhost")
        client.force_login(user)
        leads.append(client)
    product_id = RoadmapItem.objects.values_list("product_id", flat=True).first()
    cards = list(RoadmapItem.objects.filter(product_id=product_id).values_list("pk", flat=True))
    statuses: Counter = Counter()
    queued = []

    outcome = {}

    def periodic():
        outcome["periodic run"] = recompute_scores.apply(kwargs={}).get()
        connection.close()

    def save_model():
        data = {
            "framework": "iec",
            **{f"points_{s}": p for s, p in {"XS": 1, "S": 2, "M": 5, "L": 8, "XL": 13,
                                             "XXL": 21}.items()},
            "band_1_below": "10000", "band_1_points": 1, "band_2_below": "50000",
            "band_2_points": 2, "band_3_below": "150000", "band_3_points": 3,
            "band_4_below": "500000", "band_4_points": 5, "cost_top_points": 8,
            "weight_impact": 3, "weight_confidence": 2, "weight_reach": 1, "weight_effort": 2,
            "weight_cost": 2, "reach_cap": 1000,
        }  # fmt: skip
        statuses[("save model", leads[0].post("/roadmap/scoring/", data).status_code)] += 1
        connection.close()

    def move(client, pk, horizon):
        answer = client.post(f"/roadmap/items/{pk}/move/", {"horizon": horizon})
        statuses[("move card", answer.status_code)] += 1
        connection.close()

    cache.clear()  # no lock left by an earlier, interrupted trial
    started = time.monotonic()
    with (
        mock.patch("products.recompute.enqueue_recompute", side_effect=queued.append),
        mock.patch("products.tasks._queue_again", side_effect=lambda task: queued.append(None)),
    ):
        running = threading.Thread(target=periodic)
        running.start()
        time.sleep(0.5)
        save_model()
        for round_ in range(30):
            horizon = ("now", "next", "later")[round_ % 3]
            pair = [
                threading.Thread(target=move, args=(leads[n], cards[n], horizon)) for n in (0, 1)
            ]
            for thread in pair:
                thread.start()
            for thread in pair:
                thread.join()
        running.join()
    print(f"the periodic run and the lead's work took {time.monotonic() - started:.1f} s")
    print(f"the periodic run: {outcome['periodic run']}")
    # What the worker would run: the debounce gives one run per product, and every portfolio-wide
    # request (the saved model, the skipped periodic run) comes down to one run after the others.
    products_asked = sorted({pk for pk in queued if pk is not None})
    print(f"follow-ups asked for: {len(queued)} (products {products_asked}, and the portfolio)")
    for pk in products_asked:
        recompute_scores.apply(kwargs={"product_ids": [pk]}).get()
    if None in queued:
        recompute_scores.apply(kwargs={}).get()

    config = ScoringConfig.from_model(ScoringModel.objects.get(is_active=True))
    links = defaultdict(list)
    for item_id, status in RoadmapItem.hypotheses.through.objects.values_list(
        "roadmapitem_id", "hypothesis__status"
    ):
        links[item_id].append(status)
    wrong = 0
    for row in RoadmapItem.objects.values_list("pk", *SCORE_INPUT_FIELDS, "score"):
        given = dict(zip(SCORE_INPUT_FIELDS, row[1:-1], strict=True))
        given["confidence_reason"] = given["confidence_reason"] or ""
        inputs = ItemInputs(**given, hypothesis_statuses=tuple(sorted(links[row[0]])))
        wrong += score_item(inputs, config).value != row[-1]
    for (what, status), count in sorted(statuses.items()):
        print(f"{what}: {count} × {status}")
    print(f"items whose score is not their inputs' under the saved model: {wrong}")
    failed = wrong or any(status >= 500 for _, status in statuses)
    print("FAILED" if failed else "OK: no 500, and every score right in the end")
    return 1 if failed else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--trial", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.trial:
        sys.exit(trial(args.products))
    url = os.environ.get("DPM_BENCH_DATABASE_URL", DEFAULT_URL)
    _recreate(url)
    _manage(url, "migrate", "--noinput", "-v", "0")
    _manage(url, "seed_portfolio", "--products", str(args.products), "--items", "10")
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "dpm.settings",
           "DPM_VAR_DIR": str(ROOT / "var" / "bench"), "DPM_RECOMPUTE_DEBOUNCE": "0"}  # fmt: skip
    os.execve(sys.executable, [sys.executable, __file__, "--trial", "--products",
                               str(args.products)], env)  # fmt: skip


if __name__ == "__main__":
    main()
