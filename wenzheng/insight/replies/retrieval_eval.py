"""How often a relevant past reply is among the five retrieved, on ``messages_with_replies.csv``.

Time-ordered: messages are taken in the order they were written. The index's vocabulary and idf
are learned on the first half (the "history" a deployment starts with); every message of the
second half is a query, and its candidates are the messages whose reply was published *before*
the query was written (what a handler could have seen), itself and identical texts excluded.

"Relevant" is judged from the official replies, which the retrieval never sees (it compares the
citizens' messages only), so the judgement is not circular:

- **proxy (every query)**: the two replies deal with the same matter — cosine similarity of their
  word TF-IDF vectors (jieba words; courtesy formulas, place codes and one-off words removed) of
  at least ``TOPIC_MIN``. A stricter variant also asks for the same responding agency: the same
  kind of agency (``AGENCY_KINDS``: 教育局, 公安/交警, 住建, 城管, 街道 …) in the same territory
  (the anonymised codes A3区, A7县, A市 …).
- **by hand (100 queries)**: ``data/retrieval_judgements.csv`` (IDs only) holds, for a random
  sample of 100 queries, a reading of each of the five retrieved past replies: 1 when it answers
  the same kind of problem, so that its facts, policy basis or procedure would help the handler,
  wherever the place. The command prints the hand-judged hit rate and the proxy's agreement with
  the hand, which is how ``TOPIC_MIN`` was chosen (the territory variant agrees worse: the file
  covers a whole province, and a useful precedent is mostly from another city).
"""

from __future__ import annotations

import csv
import re
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import rjieba
from sklearn.feature_extraction.text import TfidfVectorizer

from wenzheng.insight.replies.index import TextIndex, document
from wenzheng.insight.replies.quality_eval import Message, load_messages

K = 5
TOPIC_MIN = 0.15
JUDGEMENTS = Path(__file__).resolve().parent / "data" / "retrieval_judgements.csv"
AGENCY_KINDS: dict[str, re.Pattern[str]] = {
    kind: re.compile(pattern)
    for kind, pattern in {
        "education": r"教育局|教育部门|教育和体育局|教体局|学校|幼儿园",
        "police": r"公安|派出所|交警|警方|刑侦|治安",
        "housing": r"住建|住房和城乡建设|房屋交易|房产|物业主管|不动产",
        "urban_management": r"城管|城市管理|行政执法",
        "transport": r"交通运输|公交|运管|道路运输|地铁|轨道",
        "land_planning": r"自然资源|国土|规划",
        "environment": r"环保|生态环境|环境保护",
        "human_resources": r"人社|人力资源和社会保障|社保|劳动监察|劳动保障",
        "health": r"卫健|卫计|卫生健康|卫生局|医院|疾控|医保",
        "market": r"市场监督|市场监管|工商|质监|食药",
        "civil_affairs": r"民政",
        "finance": r"财政",
        "water": r"水利|水务|供水|自来水",
        "agriculture": r"农业农村|农业局|农委|畜牧|林业",
        "power_gas": r"供电|电力|燃气|天然气",
        "tax": r"税务",
        "street": r"街道|社区|居委会",
        "township": r"[\u4e00-\u9fff]{2}镇|[\u4e00-\u9fff]{2}乡|村委",
        "development": r"发改|发展和改革|物价",
        "culture": r"文旅|文化和旅游|文体|广电",
    }.items()
}
TERRITORY = re.compile(r"[a-z]\d+[区县市]")
CITY = re.compile(r"(?<![a-z\d])[a-z]市")
FORMULA_WORDS = frozenset(
    [
        "网友",
        "您好",
        "你好",
        "留言",
        "收悉",
        "回复",
        "答复",
        "如下",
        "感谢",
        "谢谢",
        "支持",
        "理解",
        "关心",
        "监督",
        "工作",
        "反映",
        "问题",
        "情况",
        "有关",
        "相关",
        "部门",
        "我们",
        "您",
        "你",
        "现",
        "将",
        "已",
        "的",
        "了",
        "和",
        "与",
        "对",
        "在",
        "是",
        "为",
        "及",
        "等",
        "该",
        "此",
        "特此",
        "来信",
        "平台",
        "栏目",
        "问政",
        "西地省",
        "书记",
        "市长",
        "信任",
        "再次",
        "首先",
        "高度重视",
        "立即",
        "组织",
        "精干",
        "力量",
        "调查",
        "处理",
        "核实",
        "经",
        "现将",
        "具体",
        "内容",
        "同志",
        "市民",
        "年",
        "月",
        "日",
    ]
)


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


def agencies(reply: str, message: str = "") -> set[tuple[str, str]]:
    """(territory, agency kind) pairs the reply names. The territory is the most specific code
    the reply (or, failing that, the message) names; city-level when none."""
    text = _norm(reply)
    places = TERRITORY.findall(text) or TERRITORY.findall(_norm(message))
    territory = places[0] if places else (CITY.findall(text) or CITY.findall(_norm(message)) or ["city"])[0]
    return {(territory, kind) for kind, pattern in AGENCY_KINDS.items() if pattern.search(text)}


def _topic_tokens(reply: str) -> list[str]:
    text = TERRITORY.sub(" ", _norm(reply))
    return [
        w
        for w in rjieba.cut(text, hmm=False)
        if len(w) >= 2 and w not in FORMULA_WORDS and any("\u4e00" <= ch <= "\u9fff" for ch in w)
    ]


@dataclass
class Judge:
    """The proxy: agencies and topic vectors of every reply of the file."""

    agencies: list[set[tuple[str, str]]]
    topics: Any  # (n, V) sparse, L2-normalised rows

    @classmethod
    def of(cls, messages: Sequence[Message]) -> Judge:
        vectorizer = TfidfVectorizer(
            analyzer=_topic_tokens, sublinear_tf=True, min_df=2, max_df=0.2, dtype=np.float32
        )
        topics = vectorizer.fit_transform([m.reply for m in messages])
        return cls([agencies(m.reply, m.subject + m.body) for m in messages], topics.tocsr())

    def topic(self, a: int, b: int) -> float:
        return float(self.topics[a].multiply(self.topics[b]).sum())

    def same_agency(self, a: int, b: int) -> bool:
        return bool(self.agencies[a] & self.agencies[b])

    def relevant(self, a: int, b: int) -> bool:
        return self.topic(a, b) >= TOPIC_MIN

    def strictly_relevant(self, a: int, b: int) -> bool:
        return self.same_agency(a, b) and self.topic(a, b) >= TOPIC_MIN


def ordered(messages: Sequence[Message]) -> list[Message]:
    usable = [m for m in messages if m.received is not None and m.replied is not None and m.id]
    return sorted(usable, key=lambda m: (m.received, m.id))


@dataclass(frozen=True)
class Retrieved:
    query: int  # position in the ordered list
    hits: list[tuple[int, float]]  # (position, similarity), best first


def retrieve_all(messages: Sequence[Message], *, k: int = K) -> tuple[list[Retrieved], dict[str, Any]]:
    """Queries of the second half, each against what was published before it was written."""
    n = len(messages)
    half = n // 2
    texts = [document(m.subject, m.body) for m in messages]
    started = time.perf_counter()
    index = TextIndex.fit(list(range(half)), texts[:half]).extended(list(range(half, n)), texts[half:])
    build = time.perf_counter() - started
    published = np.array([m.replied.timestamp() for m in messages if m.replied is not None])
    seen: dict[str, int] = {}
    duplicate_of = []
    for i, text in enumerate(texts):
        duplicate_of.append(seen.setdefault(text, i))
    out: list[Retrieved] = []
    started = time.perf_counter()
    for q in range(half, n):
        received = messages[q].received
        assert received is not None
        among = published < received.timestamp()
        same = [i for i in range(n) if duplicate_of[i] == duplicate_of[q]] if duplicate_of[q] != q else [q]
        hits = index.search(texts[q], limit=k, exclude=[q, *same], among=among)
        out.append(Retrieved(q, [(h.key, h.score) for h in hits]))
    per_query = (time.perf_counter() - started) / max(1, len(out))
    return out, {"build_seconds": round(build, 2), "query_ms": round(per_query * 1000, 2)}


def hit_rate(results: Sequence[Retrieved], judge: Judge, *, k: int = K) -> dict[str, Any]:
    answerable = [r for r in results if r.hits]
    hits = sum(any(judge.relevant(r.query, p) for p, _ in r.hits[:k]) for r in results)
    precision = [sum(judge.relevant(r.query, p) for p, _ in r.hits[:k]) / len(r.hits[:k]) for r in answerable]
    top1 = sum(bool(r.hits) and judge.relevant(r.query, r.hits[0][0]) for r in results)
    strict = sum(any(judge.strictly_relevant(r.query, p) for p, _ in r.hits[:k]) for r in results)
    return {
        "queries": len(results),
        "strict_hit_at_5": round(strict / len(results), 4) if results else 0.0,
        "hit_at_5": round(hits / len(results), 4) if results else 0.0,
        "hit_at_1": round(top1 / len(results), 4) if results else 0.0,
        "precision_at_5": round(sum(precision) / len(precision), 4) if precision else 0.0,
    }


def baseline(
    messages: Sequence[Message], results: Sequence[Retrieved], judge: Judge, *, seed: int = 0
) -> float:
    """Hit rate of five random past replies (what the proxy gives by chance)."""
    rng = np.random.default_rng(seed)
    published = np.array([m.replied.timestamp() for m in messages if m.replied is not None])
    hits = 0
    for r in results:
        received = messages[r.query].received
        assert received is not None
        pool = np.flatnonzero(published < received.timestamp())
        pool = pool[pool != r.query]
        picks: list[int] = (
            rng.choice(pool, size=min(K, len(pool)), replace=False).tolist() if len(pool) else []
        )
        hits += any(judge.relevant(r.query, int(p)) for p in picks)
    return round(hits / len(results), 4) if results else 0.0


# --- hand judgements ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Judgement:
    query_id: str
    past_id: str
    relevant: bool


def load_judgements(path: Path = JUDGEMENTS) -> list[Judgement]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        rows = [line for line in handle if not line.startswith("#")]
    return [
        Judgement(row["query_id"], row["past_id"], row["relevant"].strip() == "1")
        for row in csv.DictReader(rows)
    ]


def hand_figures(
    messages: Sequence[Message], results: Sequence[Retrieved], judge: Judge, judgements: Sequence[Judgement]
) -> dict[str, Any]:
    """The hand-judged hit rate on the judged queries, and the proxy's agreement with the hand."""
    retrieved = {messages[r.query].id: [messages[p].id for p, _ in r.hits] for r in results}
    judgements = [j for j in judgements if j.query_id in retrieved]  # other files: nothing judged
    if not judgements:
        return {"queries": 0}
    position = {m.id: i for i, m in enumerate(messages)}
    by_query: dict[str, list[Judgement]] = {}
    for j in judgements:
        by_query.setdefault(j.query_id, []).append(j)
    hits = judged = 0
    stale = 0
    agree = both = hand_only = proxy_only = 0
    for query_id, rows in by_query.items():
        top = retrieved.get(query_id, [])
        marks = {j.past_id: j.relevant for j in rows}
        if any(p not in marks for p in top):
            stale += 1  # the retrieval changed since these were judged
        judged += 1
        hits += any(marks.get(p, False) for p in top)
        for j in rows:
            if j.query_id not in position or j.past_id not in position:
                continue
            proxy = judge.relevant(position[j.query_id], position[j.past_id])
            agree += proxy == j.relevant
            both += proxy and j.relevant
            hand_only += j.relevant and not proxy
            proxy_only += proxy and not j.relevant
    pairs = len(judgements)
    return {
        "queries": judged,
        "hit_at_5": round(hits / judged, 4) if judged else 0.0,
        "pairs": pairs,
        "pairs_relevant": sum(j.relevant for j in judgements),
        "proxy_agreement": round(agree / pairs, 4) if pairs else 0.0,
        "proxy_precision": round(both / (both + proxy_only), 4) if both + proxy_only else 0.0,
        "proxy_recall": round(both / (both + hand_only), 4) if both + hand_only else 0.0,
        "queries_retrieved_differently": stale,
    }


def evaluate_retrieval(data_dir: Path, *, judgements_path: Path = JUDGEMENTS) -> dict[str, Any]:
    messages = ordered(load_messages(data_dir / "messages_with_replies.csv"))
    results, timing = retrieve_all(messages)
    judge = Judge.of(messages)
    out = {
        "messages": len(messages),
        "proxy": hit_rate(results, judge),
        "random_baseline_hit_at_5": baseline(messages, results, judge),
        **timing,
    }
    out["hand"] = hand_figures(messages, results, judge, load_judgements(judgements_path))
    return out
