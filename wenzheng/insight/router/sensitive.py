"""Screen citizen messages for "major-sensitive" content that needs an immediate special report (专报).

Pure Python, no Django. A :class:`SensitiveScreen` is built from a lexicon of :class:`Term` rows (the shipped
one is ``data/sensitive_terms.csv``, see :func:`default_terms`) and scores one message at a time.

Term syntax (the ``term`` column of the lexicon)
------------------------------------------------
* ``跳楼`` — a plain word or phrase; it matches anywhere in the subject or body.
* ``农民工+堵路`` — every part joined by ``+`` must occur in the same sentence (text between 。！？；!?;
  or line breaks). Any number of parts is allowed: ``工人+工资+堵``.
* Exceptions: a plain term hides every shorter plain term of the same kind lying inside it, so a longer
  term with weight ``0`` — ``跳楼价,self_harm,0`` — stops "跳楼价甩卖" counting as a threat. A negative
  weight also subtracts from its kind.

Scoring
-------
Text is NFKC-normalised and lower-cased, then cut into sentences and, inside them, clauses (at commas).
An occurrence does not count when its clause holds an anti-cue anywhere (演练, 安全生产, 检查, 宣传, 培训,
疫苗, 接种, 咨询 …) or, up to 8 characters before it, a negation (没有, 未, 防止, 避免, 杜绝 …); for the
event kinds safety, public_health and mass_incident also when the clause before it holds a hypothetical,
consequence or past cue (如果, 一旦, 万一, 极易, 可能, 引发, 导致, 以前, 曾经 …), when 隐患/风险/危险/可能
follows it, or when its sentence is a question. Each term counts once however often it occurs, with its weight times
:data:`SUBJECT_FACTOR` when it counts in the subject. A shorter plain term lying inside a counted longer
term of the same kind is not counted again. Per kind, the counted weights add up; the message's score is
the best kind's score, and it is flagged major when that reaches the threshold.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

KINDS = ("mass_incident", "safety", "public_health", "self_harm", "violence")

SUBJECT_FACTOR = 1.5
CUE_WINDOW = 8  # characters before a hit, inside its clause, searched for negation / hypothetical cues
HIT_CONTEXT = 60

# Negation: the event did not / must not happen. Applies to every kind.
NEGATION_CUES: tuple[str, ...] = (
    "没有", "没发生", "未", "无人", "无一", "并非", "不是", "不会", "不存在", "杜绝", "防止", "避免", "预防", "防范",
    "以防", "以免", "谨防", "严防", "防患", "消除", "禁止", "严禁", "不准", "不得", "不能", "谣言", "谣传",
)  # fmt: skip
# Hypothetical, consequence-warning or past cues, anywhere in the clause before the hit: apply to the event
# kinds only (a threat of self-harm or violence is usually conditional — "如果再不解决我就跳楼" — and must
# still count). A hit in a sentence ending with a question mark is hypothetical too ("压死人怎么办？").
HYPOTHETICAL_CUES: tuple[str, ...] = (
    "如果", "假如", "万一", "一旦", "倘若", "如若", "若是", "要是", "是否", "会不会", "可能", "容易", "极易",
    "恐怕", "担心", "害怕", "隐患", "引发", "引起", "导致", "造成", "酿成", "激化", "演变", "以前", "曾经",
    "过去", "历史", "多年前", "当年", "发生过", "应对", "处置",
)  # fmt: skip
# The same, written right after the hit ("火灾隐患", "有倒塌风险").
POST_CUES: tuple[str, ...] = ("隐患", "风险", "危险", "可能", "之虞", "的话")
POST_WINDOW = 4
HYPOTHETICAL_KINDS = frozenset({"safety", "public_health", "mass_incident"})
# Anti-cues: the clause is about prevention, drills, inspections, publicity or routine services.
ANTI_CUES: tuple[str, ...] = (
    "演练", "演习", "培训", "宣传", "讲座", "知识", "安全生产", "预案", "排查", "检查", "督查", "消防通道",
    "疫苗", "接种", "咨询", "防控", "防疫", "体检", "保险", "理赔", "电视剧", "电影", "游戏", "小说",
)  # fmt: skip

_SENTENCE_END = re.compile(r"[。！？；!?;\n\r\t]+")
_CLAUSE_END = re.compile(r"[，,、：:]+")


@dataclass(frozen=True)
class Term:
    """One lexicon row: a word or ``A+B`` pattern, the kind it signals and its weight."""

    term: str
    kind: str
    weight: float = 1.0


@dataclass(frozen=True)
class Flag:
    is_major: bool
    score: float
    kinds: tuple[str, ...]  # kinds that reached the threshold, strongest first
    hits: tuple[tuple[str, str, str], ...]  # (term, kind, clause where it was found, ≤ 60 chars)


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


@dataclass
class _Part:
    """One normalised text (subject or body) with its sentence and clause boundaries."""

    text: str
    sent_starts: list[int]
    sent_ends: list[int]
    clause_starts: list[int]
    clause_ends: list[int]

    @classmethod
    def of(cls, text: str) -> _Part:
        sent_starts, sent_ends = _spans(text, _SENTENCE_END, 0, len(text))
        clause_starts: list[int] = []
        clause_ends: list[int] = []
        for s, e in zip(sent_starts, sent_ends, strict=True):
            cs, ce = _spans(text, _CLAUSE_END, s, e)
            clause_starts += cs
            clause_ends += ce
        return cls(text, sent_starts, sent_ends, clause_starts, clause_ends)

    def sentence(self, pos: int) -> int:
        return bisect_right(self.sent_starts, pos) - 1

    def is_question(self, pos: int) -> bool:
        end = self.sent_ends[self.sentence(pos)]
        return self.text[end : end + 1] in ("?", "？")

    def clause(self, pos: int) -> tuple[int, int]:
        i = bisect_right(self.clause_starts, pos) - 1
        return self.clause_starts[i], self.clause_ends[i]


def _spans(text: str, sep: re.Pattern[str], start: int, end: int) -> tuple[list[int], list[int]]:
    """Start/end offsets of the pieces of text[start:end] between separators (separators belong to no piece,
    but a piece's range runs up to the next separator so that every offset maps to a piece)."""
    starts = [start]
    ends: list[int] = []
    for m in sep.finditer(text, start, end):
        ends.append(m.start())
        starts.append(m.end())
    ends.append(end)
    return starts, ends


@dataclass(frozen=True)
class _Compiled:
    term: Term
    atoms: tuple[str, ...]
    is_combo: bool


def _trim(text: str, start: int, end: int, center: int) -> str:
    piece = text[start:end].strip()
    if len(piece) <= HIT_CONTEXT:
        return piece
    lo = max(start, min(center - HIT_CONTEXT // 2, end - HIT_CONTEXT))
    return text[lo : lo + HIT_CONTEXT].strip()


class SensitiveScreen:
    """Score messages against a lexicon; see the module docstring for the rules."""

    def __init__(
        self,
        terms: Iterable[Term],
        threshold: float = 1.0,
        *,
        subject_factor: float = SUBJECT_FACTOR,
        negation_cues: Iterable[str] = NEGATION_CUES,
        hypothetical_cues: Iterable[str] = HYPOTHETICAL_CUES,
        anti_cues: Iterable[str] = ANTI_CUES,
    ) -> None:
        self.threshold = threshold
        self.subject_factor = subject_factor
        compiled: list[_Compiled] = []
        for t in terms:
            if t.kind not in KINDS:
                raise ValueError(f"unknown kind {t.kind!r} for term {t.term!r}; expected one of {KINDS}")
            atoms = tuple(a for a in (normalise(p).strip() for p in t.term.split("+")) if a)
            if not atoms:
                raise ValueError(f"empty term {t.term!r}")
            compiled.append(_Compiled(t, atoms, len(atoms) > 1))
        # Longest plain terms first, so a shorter term inside an already counted longer one is skipped.
        compiled.sort(key=lambda c: (c.is_combo, -len(c.atoms[0])))
        self._terms = compiled
        self._atoms = sorted({a for c in compiled for a in c.atoms})
        # Atoms grouped by first character: a text is only searched for atoms whose first character it holds.
        self._atoms_by_char: dict[str, list[str]] = {}
        for a in self._atoms:
            self._atoms_by_char.setdefault(a[0], []).append(a)
        self._first_chars = frozenset(self._atoms_by_char)
        self._terms_of_atom: dict[str, list[int]] = {}
        for i, c in enumerate(compiled):
            for a in c.atoms:
                self._terms_of_atom.setdefault(a, []).append(i)
        self._negation = tuple(normalise(c) for c in negation_cues)
        self._hypothetical = tuple(normalise(c) for c in hypothetical_cues)
        self._anti = tuple(normalise(c) for c in anti_cues)

    # -- occurrences -------------------------------------------------------------------------------------------
    def _blocked(self, part: _Part, pos: int, end: int, kind: str) -> bool:
        cs, ce = part.clause(pos)
        clause = part.text[cs:ce]
        if any(a in clause for a in self._anti):
            return True
        before = part.text[max(cs, pos - CUE_WINDOW) : pos]
        if any(c in before for c in self._negation):
            return True
        if kind not in HYPOTHETICAL_KINDS:
            return False
        prefix = part.text[cs:pos]
        if any(c in prefix for c in self._hypothetical):
            return True
        after = part.text[end : min(ce, end + POST_WINDOW)]
        if any(c in after for c in POST_CUES):
            return True
        return part.is_question(pos)

    def _occurrences(self, text: str) -> dict[str, list[int]]:
        found: dict[str, list[int]] = {}
        for ch in self._first_chars.intersection(text):
            for atom in self._atoms_by_char[ch]:
                i = text.find(atom)
                if i < 0:
                    continue
                positions = []
                while i >= 0:
                    positions.append(i)
                    i = text.find(atom, i + 1)
                found[atom] = positions
        return found

    # -- scoring -----------------------------------------------------------------------------------------------
    def screen(self, subject: str, body: str) -> Flag:
        texts = (normalise(subject), normalise(body))
        occ = [self._occurrences(t) for t in texts]
        if not any(occ):
            return Flag(False, 0.0, (), ())
        parts = [(_Part.of(texts[0]), self.subject_factor), (_Part.of(texts[1]), 1.0)]
        candidates = sorted({i for o in occ for a in o for i in self._terms_of_atom[a]})

        scores: dict[str, float] = {}
        hits: list[tuple[float, tuple[str, str, str]]] = []
        # Spans of counted plain terms, per (part index, kind): a shorter term inside one is not counted again.
        covered: dict[tuple[int, str], list[tuple[int, int]]] = {}

        for ci in candidates:
            c = self._terms[ci]
            kind = c.term.kind
            best: tuple[float, str] | None = None
            if not c.is_combo:
                atom = c.atoms[0]
                for pi, (part, factor) in enumerate(parts):
                    if atom not in occ[pi]:
                        continue
                    spans = covered.setdefault((pi, kind), [])
                    for pos in occ[pi][atom]:
                        end = pos + len(atom)
                        if any(s <= pos and end <= e for s, e in spans):
                            continue
                        if self._blocked(part, pos, end, kind):
                            continue
                        spans.append((pos, end))
                        if best is None or factor > best[0]:
                            cs, ce = part.clause(pos)
                            best = (factor, _trim(part.text, cs, ce, pos))
            else:
                for pi, (part, factor) in enumerate(parts):
                    if best is not None and factor <= best[0]:
                        continue
                    if not all(a in occ[pi] for a in c.atoms):
                        continue
                    sentences: dict[int, int] = {}  # sentence -> atoms with an unblocked occurrence there
                    first_pos: dict[int, int] = {}
                    for a in c.atoms:
                        seen: set[int] = set()
                        for pos in occ[pi][a]:
                            si = part.sentence(pos)
                            if si in seen or self._blocked(part, pos, pos + len(a), kind):
                                continue
                            seen.add(si)
                            first_pos.setdefault(si, pos)
                        for si in seen:
                            sentences[si] = sentences.get(si, 0) + 1
                    complete = [si for si, n in sentences.items() if n == len(c.atoms)]
                    if complete:
                        si = min(complete)
                        s, e = part.sent_starts[si], part.sent_ends[si]
                        best = (factor, _trim(part.text, s, e, first_pos[si]))
            if best is None:
                continue
            value = c.term.weight * best[0]
            if value == 0:
                continue
            scores[kind] = scores.get(kind, 0.0) + value
            hits.append((value, (c.term.term, kind, best[1])))

        ranked = sorted(((s, k) for k, s in scores.items()), key=lambda x: (-x[0], KINDS.index(x[1])))
        score = max(0.0, ranked[0][0]) if ranked else 0.0
        kinds = tuple(k for s, k in ranked if s >= self.threshold)
        hits.sort(key=lambda h: -h[0])
        return Flag(bool(kinds), round(score, 4), kinds, tuple(h for _, h in hits))


def load_terms(path: str | Path) -> list[Term]:
    """Read a lexicon CSV with the header ``term,kind,weight`` (weight optional, default 1.0).

    Blank rows and rows whose term starts with ``#`` are skipped."""
    terms: list[Term] = []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = {"term", "kind"} - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path}: missing column(s) {sorted(missing)}; expected term,kind,weight")
        for lineno, row in enumerate(reader, start=2):
            term = (row.get("term") or "").strip()
            if not term or term.startswith("#"):
                continue
            kind = (row.get("kind") or "").strip()
            if kind not in KINDS:
                raise ValueError(f"{path}:{lineno}: unknown kind {kind!r}; expected one of {KINDS}")
            raw = (row.get("weight") or "").strip()
            try:
                weight = float(raw) if raw else 1.0
            except ValueError:
                raise ValueError(f"{path}:{lineno}: weight {raw!r} is not a number") from None
            terms.append(Term(term, kind, weight))
    return terms


DEFAULT_TERMS_PATH = Path(__file__).resolve().parent / "data" / "sensitive_terms.csv"


def default_terms() -> list[Term]:
    """The shipped lexicon, ``wenzheng/insight/router/data/sensitive_terms.csv``."""
    return load_terms(DEFAULT_TERMS_PATH)
