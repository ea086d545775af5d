"""How well does the duplicate finder's score separate one appeal sent twice from two appeals?

``wenzheng duplicates eval`` builds a labelled set of message pairs from the real exports in
``../shared/data`` and scores every pair with ``duplicates.score_pair`` — the function the finder
ranks its candidates with — then reports precision, recall and F1 at a threshold (the finder's
``min_score``) and over a table of thresholds. docs/duplicates.md explains the construction, its
limits and the figures.

The set is rebuilt from the CSV files on every run by the rules below and a fixed random seed, so
the same files always give the same pairs; no text of the data is stored in the project.

Rows and copies. The three exports overlap: one post can appear in two files (user ids are
anonymised per file, so they differ) or twice in one. Rows with the same normalised subject and
body are one post when their times agree or one of them has no time (most rows of
messages_labelled.csv have none); they are collapsed before any pair is formed, otherwise a post
and its own copy would count as a found duplicate.

Positive pairs (the same appeal):
  same_text        two distinct posts with the same normalised body (at least 30 characters):
                   re-posted under another subject or at another time, or the same text posted
                   by two accounts.
  same_subject     two posts of one account (same file and 留言用户) whose subjects are nearly the
                   same (bigram cosine >= 0.8): the citizen asking again, often reworded.
  hotline_summary  synthetic: a real post and an operator-style summary of it — its first
                   sentence, cut to 60 characters, with other punctuation, "来电人反映：" before it
                   and a formula after it, received two hours later, with no account.
Negative pairs (different appeals):
  same_account     two posts of one account that name different districts or counties, or that
                   the labelled file puts under different first-level categories, with subjects
                   sharing little (cosine < 0.3), not linked by any positive pair; at most five
                   pairs per account. (Dissimilar subjects alone are no evidence: a citizen who
                   asks again often rewrites the subject completely — see the hand check.)
  same_place       two posts of different (or unknown) accounts naming the same place (the most
                   specific district, county or city they name; in the labelled file also of the
                   same first-level category), subjects sharing little, not linked.
  summary_other    a synthetic summary against another post of its original's place (and
                   category), subjects sharing little, not linked.
Pairs with known times further apart than the finder's window (30 days) are left out: the
finder never compares them. Real negatives are sampled at three per real positive, half from one
account and half from one place; each summary gets up to three.
"""

from __future__ import annotations

import csv
import random
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from itertools import combinations
from pathlib import Path
from typing import Any

from django.utils import timezone

from wenzheng.core import clock
from wenzheng.intake.duplicates import Appeal, bigrams, normalise, score_pair, set_cosine

FILES = ("messages_labelled.csv", "messages_with_votes.csv", "messages_with_replies.csv")
DEFAULT_THRESHOLD = 0.35  # find_duplicate_candidates(min_score=...)
THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8)
DEFAULT_SYNTHETIC = 500
DEFAULT_SEED = 2020
WINDOW = timedelta(days=30)  # find_duplicate_candidates(window_days=...)
MIN_SAME_TEXT = 30
SAME_SUBJECT = 0.8
OTHER_SUBJECT = 0.3
NEGATIVES_PER_POSITIVE = 3
MAX_PER_ACCOUNT = 5  # same_account negatives drawn from one account
SUMMARY_DELAY = timedelta(hours=2)
SUMMARY_LENGTH = 60
MIN_SUMMARY_SOURCE = 100  # characters of body a post needs to be summarised

POSITIVE_FAMILIES = ("same_text", "same_subject", "hotline_summary")
NEGATIVE_FAMILIES = ("same_account", "same_place", "summary_other")

_TIME_FORMATS = ("%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M")
# The most specific anonymised place a post names: "A3区", "K4县" before "A市".
_PLACE = re.compile(r"[A-Z]\d{0,2}[区县市]")
_SENTENCE = re.compile(r"[。！？!?；;\n]+")
_GREETING = re.compile(r"^\W*(尊敬的[^，,：:！!。]{0,12}[，,：:！!]?)?\W*([您你]好[，,：:！!]?)?")
# Courtesies an operator leaves out of a summary: they say nothing about the appeal.
_COURTESY = re.compile(r"百忙|打扰|感谢|谢谢|敬佩|冒昧|您辛苦|为民做主|为民作主")
_PUNCTUATION = str.maketrans(
    {"，": " ", "、": " ", "“": "", "”": "", "《": "", "》": "", "（": "(", "）": ")"}
)


# --- Rows ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    key: str  # "votes:17": file and row number, stable for a given export
    file: str
    user: str  # 留言用户, anonymised per file ("" when missing)
    subject: str
    body: str
    time: datetime | None
    category: str  # 一级标签 (labelled file only)
    norm_subject: str = ""
    norm_body: str = ""
    place: str = ""


def _parse_time(value: str) -> datetime | None:
    value = value.strip()
    for pattern in _TIME_FORMATS:
        try:
            return timezone.make_aware(datetime.strptime(value, pattern), clock.local_tz())
        except ValueError:
            continue
    return None


def place_of(subject: str, body: str) -> str:
    names = _PLACE.findall(subject + " " + body[:300])
    local = [name for name in names if name[-1] in "区县"]
    return (local or names or [""])[0]


def read_rows(data_dir: Path) -> list[Row]:
    rows: list[Row] = []
    for name in FILES:
        short = name.removesuffix(".csv").split("_")[-1]
        with (data_dir / name).open(encoding="utf-8-sig", newline="") as handle:
            for number, record in enumerate(csv.DictReader(handle), start=2):
                subject = (record.get("留言主题") or "").strip()
                body = (record.get("留言详情") or "").strip()
                rows.append(
                    Row(
                        key=f"{short}:{number}",
                        file=short,
                        user=(record.get("留言用户") or "").strip(),
                        subject=subject,
                        body=body,
                        time=_parse_time(record.get("留言时间") or ""),
                        category=(record.get("一级标签") or "").strip(),
                        norm_subject=normalise(subject),
                        norm_body=normalise(body),
                        place=place_of(subject, body),
                    )
                )
    return rows


def collapse_copies(rows: Sequence[Row]) -> list[Row]:
    """One row per post: same normalised subject and body, and the same time or no time on one
    side. A timed row is kept in preference to an untimed copy."""
    kept: list[Row] = []
    by_text: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for row in sorted(rows, key=lambda r: r.time is None):  # timed rows first; sort is stable
        same = by_text[(row.norm_subject, row.norm_body)]
        if any(row.time is None or other.time is None or other.time == row.time for other in same):
            continue
        same.append(row)
        kept.append(row)
    order = {row.key: index for index, row in enumerate(rows)}
    return sorted(kept, key=lambda r: order[r.key])


# --- Pairs -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Side:
    key: str
    subject: str
    body: str
    citizen: str | None = None
    received_at: datetime | None = None


@dataclass(frozen=True)
class LabelledPair:
    a: Side
    b: Side
    duplicate: bool
    family: str


def side_of(row: Row) -> Side:
    return Side(row.key, row.subject, row.body, f"{row.file}:{row.user}" if row.user else None, row.time)


def _elsewhere(a: Row, b: Row) -> bool:
    """Two posts that are surely about different things: they name different districts or
    counties, or the labelled file files them under different first-level categories. A citizen
    who asks again often rewrites the subject completely, so dissimilar subjects alone do not
    make two appeals (see docs/duplicates.md, hand check)."""
    districts = a.place[-1:] in ("区", "县") and b.place[-1:] in ("区", "县") and a.place != b.place
    return districts or bool(a.category and b.category and a.category != b.category)


def _within_window(a: datetime | None, b: datetime | None) -> bool:
    return a is None or b is None or abs(a - b) <= WINDOW


class _Clusters:
    """Union-find over row keys: rows linked by any positive pair are one appeal."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, key: str) -> str:
        self.parent.setdefault(key, key)
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def join(self, a: str, b: str) -> None:
        self.parent[self.find(a)] = self.find(b)

    def same(self, a: str, b: str) -> bool:
        return self.find(a) == self.find(b)


def hotline_summary(row: Row) -> tuple[str, str]:
    """(subject, body) of what an operator might type for a call about ``row``: its first
    sentence that says something (15 characters or more, no greeting or courtesy), cut and
    punctuated differently."""
    sentences = [s for s in (_GREETING.sub("", part).strip() for part in _SENTENCE.split(row.body)) if s]
    useful = (s for s in sentences if len(normalise(s)) >= 15 and not _COURTESY.search(s))
    first = next(useful, sentences[0] if sentences else row.subject)
    clause = first[:SUMMARY_LENGTH].translate(_PUNCTUATION).strip()
    return clause[:20], f"来电人反映：{clause}。诉求：请相关部门核实处理。"


@dataclass
class _Builder:
    rows: list[Row]
    rng: random.Random
    clusters: _Clusters = field(default_factory=_Clusters)
    subject_grams: dict[str, frozenset[str]] = field(default_factory=dict)

    def subject_similarity(self, a: Row, b: Row) -> float:
        for row in (a, b):
            if row.key not in self.subject_grams:
                self.subject_grams[row.key] = bigrams(row.subject)
        return set_cosine(self.subject_grams[a.key], self.subject_grams[b.key])

    def by(self, key: Any) -> list[list[Row]]:
        groups: dict[Any, list[Row]] = defaultdict(list)
        for row in self.rows:
            group = key(row)
            if group:
                groups[group].append(row)
        return [groups[group] for group in sorted(groups) if len(groups[group]) > 1]

    def positive(self, a: Row, b: Row, family: str) -> LabelledPair:
        self.clusters.join(a.key, b.key)
        return LabelledPair(side_of(a), side_of(b), True, family)

    def same_text(self) -> list[LabelledPair]:
        pairs = []
        for group in self.by(lambda r: r.norm_body if len(r.norm_body) >= MIN_SAME_TEXT else None):
            pairs += [
                self.positive(a, b, "same_text")
                for a, b in combinations(group, 2)
                if _within_window(a.time, b.time)
            ]
        return pairs

    def same_account(self) -> tuple[list[LabelledPair], list[tuple[Row, Row]]]:
        positives: list[LabelledPair] = []
        others: list[tuple[Row, Row]] = []
        for group in self.by(lambda r: (r.file, r.user) if r.user else None):
            mine = []
            for a, b in combinations(group, 2):
                if a.norm_body == b.norm_body or not _within_window(a.time, b.time):
                    continue  # same_text has it already, or the finder never compares them
                similarity = self.subject_similarity(a, b)
                if similarity >= SAME_SUBJECT:
                    positives.append(self.positive(a, b, "same_subject"))
                elif similarity < OTHER_SUBJECT and _elsewhere(a, b):
                    mine.append((a, b))
            # One prolific account (a serial petitioner with a template) must not make up the class.
            others += self.rng.sample(mine, min(MAX_PER_ACCOUNT, len(mine)))
        return positives, others

    def unlinked(self, a: Row, b: Row) -> bool:
        return not self.clusters.same(a.key, b.key) and self.subject_similarity(a, b) < OTHER_SUBJECT

    def same_place(self, count: int) -> list[LabelledPair]:
        groups = self.by(lambda r: (r.place, r.category) if r.place else None)
        pairs: list[LabelledPair] = []
        seen: set[tuple[str, str]] = set()
        attempts = 0
        while len(pairs) < count and groups and attempts < count * 50:
            attempts += 1
            a, b = self.rng.sample(self.rng.choice(groups), 2)
            if (a.key, b.key) in seen or (b.key, a.key) in seen:
                continue
            seen.add((a.key, b.key))
            if a.user and (a.file, a.user) == (b.file, b.user):
                continue  # same_account's business
            if self.unlinked(a, b) and _within_window(a.time, b.time):
                pairs.append(LabelledPair(side_of(a), side_of(b), False, "same_place"))
        return pairs

    def summaries(self, count: int) -> list[LabelledPair]:
        places: dict[str, list[Row]] = defaultdict(list)
        for row in self.rows:
            if row.place:
                places[row.place].append(row)
        sources = [
            r for r in self.rows if len(r.norm_body) >= MIN_SUMMARY_SOURCE and len(places[r.place]) > 1
        ]
        pairs: list[LabelledPair] = []
        for row in self.rng.sample(sources, min(count, len(sources))):
            subject, body = hotline_summary(row)
            received = row.time + SUMMARY_DELAY if row.time else None
            summary = Side(f"summary:{row.key}", subject, body, None, received)
            pairs.append(LabelledPair(summary, side_of(row), True, "hotline_summary"))
            candidates = [
                other
                for other in places[row.place]
                if other.key != row.key
                and (not row.category or other.category == row.category)
                and _within_window(received, other.time)
                and self.unlinked(row, other)
            ]
            for other in self.rng.sample(candidates, min(NEGATIVES_PER_POSITIVE, len(candidates))):
                pairs.append(LabelledPair(summary, side_of(other), False, "summary_other"))
        return pairs


def _capped(pairs: list[LabelledPair], limit: int | None, rng: random.Random) -> list[LabelledPair]:
    return pairs if limit is None or len(pairs) <= limit else rng.sample(pairs, limit)


def build_labelled_set(
    rows: Sequence[Row],
    *,
    synthetic: int = DEFAULT_SYNTHETIC,
    limit: int | None = None,
    seed: int = DEFAULT_SEED,
) -> list[LabelledPair]:
    """The labelled pairs (rules in the module docstring). ``limit`` caps each positive family
    (negatives follow at three per positive); the same rows and seed give the same set."""
    rng = random.Random(seed)
    builder = _Builder(collapse_copies(rows), rng)
    same_text = _capped(builder.same_text(), limit, rng)
    same_subject, account_others = builder.same_account()
    same_subject = _capped(same_subject, limit, rng)
    wanted = NEGATIVES_PER_POSITIVE * (len(same_text) + len(same_subject))
    # Half of the real negatives from one account (the citizen bonus applies), half from one place.
    account_others = [(a, b) for a, b in account_others if not builder.clusters.same(a.key, b.key)]
    chosen = rng.sample(account_others, min(wanted // 2, len(account_others)))
    same_account = [LabelledPair(side_of(a), side_of(b), False, "same_account") for a, b in chosen]
    same_place = builder.same_place(wanted - len(same_account))
    summaries = builder.summaries(synthetic if limit is None else min(synthetic, limit))
    return same_text + same_subject + same_account + same_place + summaries


# --- Scores and metrics ------------------------------------------------------------------------------


def appeal_of_side(side: Side, *, text_only: bool = False) -> Appeal:
    if text_only:
        return Appeal.of(side.subject, side.body)
    return Appeal.of(side.subject, side.body, citizen=side.citizen, received_at=side.received_at)


def score_pairs(pairs: Iterable[LabelledPair], *, text_only: bool = False) -> list[tuple[float, bool]]:
    """(score, is duplicate) for each pair, with the finder's own pair score."""
    appeals: dict[str, Appeal] = {}

    def appeal(side: Side) -> Appeal:
        if side.key not in appeals:
            appeals[side.key] = appeal_of_side(side, text_only=text_only)
        return appeals[side.key]

    return [(score_pair(appeal(p.a), appeal(p.b)).score, p.duplicate) for p in pairs]


@dataclass(frozen=True)
class Metrics:
    threshold: float
    tp: int
    fp: int
    fn: int
    tn: int
    precision: float  # tp / (tp + fp); 0 when nothing is flagged
    recall: float  # tp / (tp + fn); 0 when there is no duplicate
    f1: float
    false_positive_rate: float  # fp / (fp + tn): independent of how many negatives were sampled


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 0.0


def compute_metrics(scored: Iterable[tuple[float, bool]], threshold: float) -> Metrics:
    """A pair is flagged when its score is at or above the threshold, as the finder's min_score."""
    tp = fp = fn = tn = 0
    for score, duplicate in scored:
        flagged = score >= threshold
        tp += flagged and duplicate
        fp += flagged and not duplicate
        fn += not flagged and duplicate
        tn += not flagged and not duplicate
    precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    f1 = _ratio(2 * tp, 2 * tp + fp + fn)  # = 2PR / (P + R)
    return Metrics(threshold, tp, fp, fn, tn, precision, recall, f1, _ratio(fp, fp + tn))


@dataclass(frozen=True)
class FamilyFigures:
    family: str
    duplicate: bool
    pairs: int
    flagged: int  # at the threshold: found (positives) or wrongly proposed (negatives)
    mean_score: float


@dataclass(frozen=True)
class Evaluation:
    data_dir: str
    rows: int
    posts: int  # after collapsing copies
    threshold: float
    text_only: bool
    pairs: int
    duplicates: int
    at_threshold: Metrics
    table: list[Metrics]
    families: list[FamilyFigures]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def evaluate_pairs(
    pairs: Sequence[LabelledPair],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    thresholds: Sequence[float] = THRESHOLDS,
    text_only: bool = False,
) -> tuple[Metrics, list[Metrics], list[FamilyFigures]]:
    scored = score_pairs(pairs, text_only=text_only)
    families = []
    for family in POSITIVE_FAMILIES + NEGATIVE_FAMILIES:
        mine = [score for (score, _dup), pair in zip(scored, pairs, strict=True) if pair.family == family]
        if mine:
            families.append(
                FamilyFigures(
                    family=family,
                    duplicate=family in POSITIVE_FAMILIES,
                    pairs=len(mine),
                    flagged=sum(score >= threshold for score in mine),
                    mean_score=round(sum(mine) / len(mine), 4),
                )
            )
    table = [compute_metrics(scored, t) for t in sorted(set(thresholds) | {threshold})]
    return compute_metrics(scored, threshold), table, families


def evaluate(
    data_dir: Path,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    limit: int | None = None,
    synthetic: int = DEFAULT_SYNTHETIC,
    seed: int = DEFAULT_SEED,
    text_only: bool = False,
) -> Evaluation:
    rows = read_rows(data_dir)
    pairs = build_labelled_set(rows, synthetic=synthetic, limit=limit, seed=seed)
    at_threshold, table, families = evaluate_pairs(pairs, threshold=threshold, text_only=text_only)
    return Evaluation(
        data_dir=str(data_dir),
        rows=len(rows),
        posts=len(collapse_copies(rows)),
        threshold=threshold,
        text_only=text_only,
        pairs=len(pairs),
        duplicates=sum(p.duplicate for p in pairs),
        at_threshold=at_threshold,
        table=table,
        families=families,
    )
