"""Router predictions per second: the trained bundle the product serves, one message at a time
(as each message arrives) and in batches (retraining, evaluation).

    .venv/bin/python bench/router_speed.py [--data DIR] [--messages 2000]

Trains the router's bundle (``wenzheng.insight.router.engine.train_bundle``, what ``wenzheng router
train --from-csv`` runs) on ../shared/data/messages_labelled.csv, then times on held-back messages
of the same file:

- ``single``: ``Bundle.predict_levels`` plus ``major_probability`` for one message — the model's
  part of the advice given for each new message (territory, unit ranking and the sensitive-word
  screen are dictionary look-ups on top);
- ``batch``: ``TextModel.predict_labels`` of the level-1 model over all of them at once.

No database is needed. Skips with a message when the data folder is absent. Prints JSON and a
markdown row.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import emit, load_average

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--messages", type=int, default=2000, help="messages held back and predicted")
    args = parser.parse_args()

    path = args.data / "messages_labelled.csv"
    if not path.exists():
        print(f"skipped: {path} not found (the labelled messages live in ../shared/data)")
        return 0
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wenzheng.settings")
    import django

    django.setup()
    from wenzheng.insight.router.engine import train_bundle
    from wenzheng.insight.router.services import examples_from_file

    examples, _left_out = examples_from_file(path)
    held = examples[-args.messages :]
    train = examples[: -args.messages]
    trained = train_bundle(train, holdout=0)
    bundle = trained.bundle

    started = time.perf_counter()
    for e in held:
        bundle.predict_levels(e.subject, e.body)
        bundle.major_probability(e.subject, e.body)
    single_seconds = time.perf_counter() - started
    level1 = bundle.levels[min(bundle.levels)]
    started = time.perf_counter()
    level1.predict_labels([e.subject for e in held], [e.body for e in held])
    batch_seconds = time.perf_counter() - started

    result = {
        "bench": "router_speed",
        "trained_on": len(train),
        "train_seconds": round(trained.train_seconds, 1),
        "levels": sorted(bundle.levels),
        "messages": len(held),
        "single_per_s": round(len(held) / single_seconds, 1),
        "single_ms_mean": round(single_seconds / len(held) * 1000, 2),
        "batch_per_s": round(len(held) / batch_seconds, 1),
        "load_average": load_average(),
    }
    emit(
        result,
        ["trained on", "train s", "one at a time /s", "batch /s", "load"],
        [
            len(train),
            result["train_seconds"],
            result["single_per_s"],
            result["batch_per_s"],
            result["load_average"],
        ],
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
