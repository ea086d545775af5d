"""Benchmark: group 10^5 messages into hot issues (wenzheng.insight.hotspots.engine.group).

The messages are made from the real texts of ../shared/data/messages_with_votes.csv: each synthetic
message is a real one resampled, moved to another place (its district names replaced by one of
the anonymised tree's districts and a made-up estate name put in front of subject and body) and
perturbed (about 5% of its characters dropped), so that copies of one text in different places
are different issues, as in a real city's year of messages. The same (text, place) drawn twice is
one issue told twice. Nothing is written to a database: this measures the grouping itself, which
runs the same in the ledger's rebuild job.

    .venv/bin/python bench/hotspots_bench.py --messages 100000 [--seed 7] [--json]

Prints the seconds of each stage, the total and messages per second (target: < 60 s on 2 cores).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data" / "messages_with_votes.csv"

DISTRICT = re.compile(r"[A-M]\d{1,2}[区县市]")
NAME_CHARS = (
    "金银翠绿丽华泰康宁安和顺兴隆鑫盛荣昌瑞祥福禄寿喜嘉佳美雅清秀碧云星月阳光明润泽湖江海山水林枫桂兰梅竹松柏"
)
SUFFIXES = ("小区", "花园", "家园", "苑", "新城", "公馆", "华庭", "山庄")


def place_names(rng: random.Random, count: int) -> list[str]:
    names: set[str] = set()
    while len(names) < count:
        names.add("".join(rng.choice(NAME_CHARS) for _ in range(rng.choice((2, 3)))) + rng.choice(SUFFIXES))
    return sorted(names)


def perturb(text: str, rng: random.Random, drop: float = 0.05) -> str:
    return "".join(ch for ch in text if rng.random() >= drop)


def synthesise(n: int, seed: int) -> tuple[list[str], list[str], list[tuple[int, ...]], list[int]]:
    with open(DATA, encoding="utf-8", newline="") as f:
        real = [(r["留言主题"], r["留言详情"]) for r in csv.DictReader(f)]
    rng = random.Random(seed)
    districts = [f"A{i}区" for i in range(1, 7)] + [f"{c}{i}区" for c in "BCDEFG" for i in range(1, 4)]
    estates = place_names(rng, 3000)
    subjects: list[str] = []
    bodies: list[str] = []
    paths: list[tuple[int, ...]] = []
    truth: list[int] = []
    # About 25 places per text: every real text appears ~23 times in 10^5 draws, mostly in
    # different places, sometimes (a repeated complaint) in the same one.
    variants = 25
    for _ in range(n):
        source = rng.randrange(len(real))
        variant = rng.randrange(variants)
        place_rng = random.Random(source * 1000 + variant)
        district = place_rng.randrange(len(districts))
        estate = estates[place_rng.randrange(len(estates))]
        subject, body = real[source]
        subject = DISTRICT.sub(districts[district], subject)
        body = DISTRICT.sub(districts[district], body)
        subjects.append(perturb(f"{districts[district]}{estate}{subject}", rng))
        bodies.append(perturb(f"我是{districts[district]}{estate}的居民。{body}", rng))
        paths.append((1, 2 + district))
        truth.append(source * 1000 + variant)
    return subjects, bodies, paths, truth


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not DATA.exists():
        print(f"{DATA} is missing: the benchmark resamples the real messages of ../shared/data.")
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wenzheng.settings")
    from wenzheng.insight.hotspots import engine

    started = time.perf_counter()
    subjects, bodies, paths, truth = synthesise(args.messages, args.seed)
    made = time.perf_counter() - started

    cpu0 = time.process_time()
    t0 = time.perf_counter()
    grouping = engine.group(subjects, bodies, paths)
    total = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    labels, graph = grouping.labels, grouping.graph
    times = {f"{stage}_seconds": seconds for stage, seconds in grouping.seconds.items()}

    from collections import Counter

    from wenzheng.insight.hotspots.evaluation import score

    truth_map = {str(i): str(t) for i, t in enumerate(truth)}
    found = {str(i): label for i, label in enumerate(labels)}
    quality = score(truth_map, found)
    sizes = Counter(labels)
    result = {
        "messages": args.messages,
        "synthesis_seconds": round(made, 2),
        **{k: round(v, 2) for k, v in times.items()},
        "group_seconds": round(total, 2),
        "group_cpu_seconds": round(cpu, 2),
        "messages_per_second": round(args.messages / total),
        "pairs_in_graph": len(graph.i),
        "issues": len(sizes),
        "issues_of_2_or_more": sum(1 for v in sizes.values() if v >= 2),
        "largest_issue": max(sizes.values()),
        "synthetic_purity": quality.purity,
        "synthetic_bcubed_recall": quality.bcubed_recall,
        "load_average": round(os.getloadavg()[0], 2),
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        for key, value in result.items():
            print(f"{key:28} {value}")
        print(
            f"| {args.messages} | {result['group_seconds']} s | {result['messages_per_second']} msg/s "
            f"| purity {quality.purity} | recall {quality.bcubed_recall} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
