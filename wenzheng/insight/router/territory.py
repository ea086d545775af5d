"""Territory from the text: which place of the organisation tree a citizen's message is about.

Pure Python, no Django. Build a :class:`TerritoryMatcher` once from the tree's places (province, city,
district, county, township, street office, community/village), then call :meth:`TerritoryMatcher.match`
or :meth:`TerritoryMatcher.candidates` per message (the caller passes ``subject + "\\n" + body``; the
first line is treated as the subject and counts a little more).

How it works
------------
* **Surface forms.** Every place is known by its official name, the aliases an administrator entered,
  and automatic abbreviations: one administrative suffix (街道办事处, 街道, 社区, 村委会, 村, 镇, 乡, 区,
  县, 市, 省, 自治州 …) is stripped when at least two characters remain (东湖区 → 东湖, 桂园街道 → 桂园).
  No abbreviation is made when the stub is a single character, purely Latin/digits (``A3区`` never
  becomes ``A3``: anonymised names are whole tokens), only numerals, or in :data:`GENERIC_STUBS`
  (新村, 城关, 中山, 人民 … words every city has), nor for names like 高新区/开发区.
* **Scanning.** Text is NFKC-normalised (full-width letters and digits become ASCII) and scanned with a
  two-character index (every surface is at least two characters long), so a message costs one dict
  lookup per character. A surface starting or ending with a Latin letter or digit must not be glued to
  the Latin token around it (``A3区`` does not match inside ``CA3区``, ``D1区`` not inside ``D10区``; a
  digit before a letter is allowed, as in ``2013-7-5B6县``).
* **Overlaps.** Longest match wins: hits are accepted longest first and a shorter hit overlapping an
  accepted one is dropped (东湖区 beats 东湖, 青澜市 beats 青澜).
* **Disambiguation.** A surface naming several places (two 新村社区) keeps the places that have the most
  *other* mentioned places in their line (ancestors or descendants); among those, official names beat
  aliases beat abbreviations. What remains is split evenly.
* **Scoring.** A hit weighs 1.0 (official name), 0.9 (alias) or 0.6 (abbreviation), times 1.3 in the
  subject; a place's own evidence is its best hit plus 0.3 of the others (capped). A place's score is
  its own evidence plus that of all its mentioned ancestors, so a mentioned chain (青澜市 … 东湖区 …
  桂园社区) ranks its deepest member first.
* **Confidence.** 0.7 for an official name (0.65 alias, 0.5 abbreviation), +0.15 when a mentioned
  ancestor below the root supports it (+0.05 for the root only), +0.05 when named in the subject, +0.05
  when named twice; then multiplied by ``1 - 0.5 * (s2 / s1) ** 2`` where ``s2`` is the best score of a
  place outside its line (an ambiguous bare name ties with its namesake and drops to half; a place named
  in the subject keeps the lead over one named once in the body).
* :meth:`TerritoryMatcher.match` returns the best candidate when its confidence reaches ``threshold``
  (0.5). Otherwise the leading, competing candidates are replaced by their deepest common ancestor if
  that ancestor is mentioned in the text or is not a root of the tree; else ``None``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "GENERIC_STUBS",
    "KINDS",
    "Place",
    "TerritoryMatch",
    "TerritoryMatcher",
    "abbreviations",
]

KINDS = frozenset({"province", "city", "district", "county", "township", "street", "community"})

#: Suffixes stripped to make abbreviations, longest first (one is stripped, never two).
SUFFIXES: tuple[str, ...] = tuple(
    sorted(
        (
            "街道办事处",
            "街道办",
            "办事处",
            "街道",
            "社区居民委员会",
            "社区居委会",
            "居民委员会",
            "村民委员会",
            "居委会",
            "村委会",
            "社区",
            "自治州",
            "自治县",
            "自治旗",
            "村",
            "镇",
            "乡",
            "区",
            "县",
            "市",
            "省",
            "州",
            "旗",
        ),
        key=len,
        reverse=True,
    )
)

#: Names with these endings get no abbreviation (高新区 → 高新 … would match everywhere).
NO_ABBREVIATION_ENDINGS = (
    "新区",
    "开发区",
    "园区",
    "工业区",
    "景区",
    "林区",
    "矿区",
    "特区",
    "管理区",
    "农场",
)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


#: Ethnic names stripped after 自治州/自治县 (湘西土家族苗族自治州 → 湘西).
_ETHNIC = _words(
    "土家族 苗族 侗族 瑶族 壮族 回族 蒙古族 藏族 维吾尔族 彝族 布依族 朝鲜族 满族 白族 哈尼族 哈萨克族 傣族 "
    "黎族 傈僳族 佤族 畲族 拉祜族 水族 东乡族 纳西族 景颇族 柯尔克孜族 土族 达斡尔族 仫佬族 羌族 布朗族 撒拉族 "
    "毛南族 仡佬族 锡伯族 阿昌族 普米族 塔吉克族 怒族 鄂温克族 德昂族 保安族 裕固族 京族 独龙族 鄂伦春族 赫哲族 "
    "门巴族 珞巴族 基诺族 各族"
)

#: Abbreviations too generic to mean one place (they name a street, a landmark or a plain word).
GENERIC_STUBS = frozenset(
    _words(
        "新村 城关 城中 城东 城西 城南 城北 东城 西城 南城 北城 新城 老城 古城 县城 城区 市区 新区 郊区 "
        "城郊 中心 中山 人民 解放 建设 和平 胜利 红旗 东风 新华 光明 幸福 前进 团结 友谊 民主 文化 花园 "
        "向阳 朝阳 东方 中央 中华 中国 全国 全省 全市 全县 全区 全镇 本市 本县 本区 本镇 本村 我市 我县 我区 "
        "我镇 我村 该村 该镇 各区 各县 社区 街道 小区 居民 农村 工业 开发 高新 经开 新街 老街 大街 南门 北门 "
        "东门 西门 河东 河西 江北 江南 江东 江西 湖南 湖北 山东 山西 河南 河北 广东 广西 桥头 新塘 新桥 "
        "新屋 新田 长安 长兴 太平 永安 永兴 兴隆 金星 金山 龙泉 白沙 清水 石门 双桥 三星 五星 红星 新民 "
        "新星 新兴 新建 新光 东升 先锋 联合 和谐 振兴 复兴 工农 农科 公园 车站 机场 学校 医院 广场 "
        "市场 政府 政务 公安 东区 西区 南区 北区 中区 一区 二区 三区 上海 北京 天津 重庆"
    )
)

_NUMERALS = set("0123456789一二三四五六七八九十百千万零〇两第")
_LATIN = re.compile(r"[0-9A-Za-z]+")

OFFICIAL, ALIAS, ABBREVIATION = 0, 1, 2
_TYPE_WEIGHT = (1.0, 0.9, 0.6)
_TYPE_BASE = (0.7, 0.65, 0.5)
SUBJECT_WEIGHT = 1.3
REPEAT_WEIGHT = 0.3
REPEAT_CAP = 1.0
CHAIN_BONUS = 0.15
ROOT_BONUS = 0.05
SUBJECT_BONUS = 0.05
REPEAT_BONUS = 0.05


@dataclass(frozen=True)
class Place:
    id: int
    name: str  # official name, e.g. "东湖区", "桂园街道", "青石村", "A3区"
    kind: str  # one of KINDS
    parent_id: int | None
    aliases: tuple[str, ...] = ()  # extra names an administrator entered, e.g. ("东湖",)


@dataclass(frozen=True)
class TerritoryMatch:
    place_id: int
    confidence: float  # 0..1
    evidence: tuple[str, ...]  # surface strings found in the text that support it (incl. ancestors)


def _norm(s: str) -> str:
    return unicodedata.normalize("NFKC", s).strip()


def _glued(left: str, right: str) -> bool:
    """Whether two adjacent characters belong to one Latin token (letters with letters, digits with digits).

    A digit before a letter is allowed: whitespace-stripped text glues dates to names (2013-7-5B6县).
    """
    if not (left.isascii() and right.isascii()):
        return False
    if left.isalpha() and right.isalnum():
        return True
    return left.isdigit() and right.isdigit()


def _strip_ethnic(stub: str) -> str:
    changed = True
    while changed:
        changed = False
        for eth in _ETHNIC:
            if stub.endswith(eth) and len(stub) - len(eth) >= 2:
                stub = stub[: -len(eth)]
                changed = True
    return stub


def _acceptable_stub(stub: str) -> bool:
    if len(stub) < 2 or stub in GENERIC_STUBS:
        return False
    if _LATIN.fullmatch(stub):
        return False
    return not all(c in _NUMERALS for c in stub)


def abbreviations(name: str) -> tuple[str, ...]:
    """Automatic short forms of an official name (may be empty)."""
    name = _norm(name)
    if name.endswith(NO_ABBREVIATION_ENDINGS):
        return ()
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            stub = name[: -len(suffix)]
            out: list[str] = []
            if suffix.startswith("自治"):
                stub = _strip_ethnic(stub)
                if _acceptable_stub(stub):
                    # 湘西土家族苗族自治州 is usually written 湘西州 or 湘西.
                    out.append(stub + suffix[-1])
            if _acceptable_stub(stub):
                out.append(stub)
            return tuple(s for s in out if s != name)
    return ()


@dataclass
class _Hit:
    start: int
    end: int
    surface: str
    entries: tuple[tuple[int, int], ...]  # (place index, surface type)
    subject: bool


class TerritoryMatcher:
    """Finds the place a message is about; build once, reuse for many messages."""

    def __init__(self, places: Iterable[Place], threshold: float = 0.5) -> None:
        self.threshold = threshold
        self._places: list[Place] = list(places)
        index_of: dict[int, int] = {}
        for i, p in enumerate(self._places):
            if p.kind not in KINDS:
                raise ValueError(f"place {p.id} ({p.name}): unknown kind {p.kind!r}")
            if p.id in index_of:
                raise ValueError(f"duplicate place id {p.id}")
            index_of[p.id] = i
        self._index_of = index_of
        n = len(self._places)
        parent: list[int | None] = [None] * n
        for i, p in enumerate(self._places):
            if p.parent_id is not None and p.parent_id in index_of and p.parent_id != p.id:
                parent[i] = index_of[p.parent_id]
        self._parent = parent
        # Ancestor chains, nearest first; a cycle is cut where it closes.
        self._ancestors: list[tuple[int, ...]] = []
        for i in range(n):
            chain: list[int] = []
            seen = {i}
            j = parent[i]
            while j is not None and j not in seen:
                chain.append(j)
                seen.add(j)
                j = parent[j]
            self._ancestors.append(tuple(chain))
        self._ancestor_sets = [frozenset(a) for a in self._ancestors]

        best: dict[str, dict[int, int]] = {}

        def add(surface: str, i: int, typ: int) -> None:
            surface = _norm(surface)
            if len(surface) < 2:
                return
            slot = best.setdefault(surface, {})
            if typ < slot.get(i, 99):
                slot[i] = typ

        for i, p in enumerate(self._places):
            add(p.name, i, OFFICIAL)
            for a in p.aliases:
                add(a, i, ALIAS)
            for s in abbreviations(p.name):
                add(s, i, ABBREVIATION)
        self._surfaces: dict[str, tuple[tuple[int, int], ...]] = {
            s: tuple(sorted(d.items())) for s, d in best.items()
        }
        lengths: dict[str, set[int]] = {}
        for s in self._surfaces:
            lengths.setdefault(s[:2], set()).add(len(s))
        self._lengths = {k: tuple(sorted(v, reverse=True)) for k, v in lengths.items()}

    # -- scanning ---------------------------------------------------------------------------------

    def _scan(self, text: str) -> list[_Hit]:
        subject_end = text.find("\n")
        if subject_end < 0:
            subject_end = len(text)
        raw: list[tuple[int, int, str]] = []
        lengths = self._lengths
        surfaces = self._surfaces
        n = len(text)
        for i in range(n - 1):
            lens = lengths.get(text[i : i + 2])
            if lens is None:
                continue
            for length in lens:
                end = i + length
                if end > n:
                    continue
                s = text[i:end]
                if s not in surfaces:
                    continue
                if i > 0 and _glued(text[i - 1], s[0]):
                    continue
                if end < n and _glued(s[-1], text[end]):
                    continue
                raw.append((i, end, s))
        if not raw:
            return []
        raw.sort(key=lambda h: (h[0] - h[1], h[0]))
        taken = bytearray(n)
        hits: list[_Hit] = []
        for start, end, s in raw:
            if any(taken[start:end]):
                continue
            taken[start:end] = b"\x01" * (end - start)
            hits.append(_Hit(start, end, s, surfaces[s], start < subject_end))
        hits.sort(key=lambda h: h.start)
        return hits

    def _related(self, i: int, j: int) -> bool:
        return i == j or j in self._ancestor_sets[i] or i in self._ancestor_sets[j]

    def _support(
        self,
        i: int,
        surface: str,
        named_by: dict[int, set[str]],
        below: dict[int, int],
        only: dict[str, list[int]],
    ) -> int:
        """Mentioned places in ``i``'s line (ancestors and descendants), not counting those named only by
        ``surface`` itself (namesakes must not vouch for each other)."""
        n = sum(1 for a in self._ancestors[i] if a in named_by and named_by[a] != {surface})
        n += below.get(i, 0)
        n -= sum(1 for j in only.get(surface, ()) if i in self._ancestor_sets[j])
        return n

    # -- scoring ----------------------------------------------------------------------------------

    def _analyse(self, text: str) -> _Ranking | None:
        """The mentioned places of ``text``, ranked (None when nothing is mentioned)."""
        text = unicodedata.normalize("NFKC", text or "")
        hits = self._scan(text)
        if not hits:
            return None
        # Which surfaces name each mentioned place, and how many mentioned places lie below each place.
        named_by: dict[int, set[str]] = {}
        for h in hits:
            for i, _ in h.entries:
                named_by.setdefault(i, set()).add(h.surface)
        below: dict[int, int] = {}
        only: dict[str, list[int]] = {}
        for i, names in named_by.items():
            for a in self._ancestors[i]:
                below[a] = below.get(a, 0) + 1
            if len(names) == 1:
                only.setdefault(next(iter(names)), []).append(i)

        contributions: dict[int, list[float]] = {}
        best_type: dict[int, int] = {}
        in_subject: set[int] = set()
        surfaces_of: dict[int, list[tuple[int, str]]] = {}
        for h in hits:
            entries = h.entries
            if len(entries) > 1:
                support = {i: self._support(i, h.surface, named_by, below, only) for i, _ in entries}
                top = max(support.values())
                entries = tuple(e for e in entries if support[e[0]] == top)
                best = min(t for _, t in entries)
                entries = tuple(e for e in entries if e[1] == best)
                # Namesakes in one line (桂园街道 and its 桂园社区, both "桂园"): the ancestor is the safe reading.
                for i, typ in entries:
                    if all(j == i or i in self._ancestor_sets[j] for j, _ in entries):
                        entries = ((i, typ),)
                        break
            share = 1.0 / len(entries)
            for i, typ in entries:
                w = _TYPE_WEIGHT[typ] * (SUBJECT_WEIGHT if h.subject else 1.0) * share
                contributions.setdefault(i, []).append(w)
                best_type[i] = min(best_type.get(i, 99), typ)
                if h.subject:
                    in_subject.add(i)
                surfaces_of.setdefault(i, []).append((h.start, h.surface))

        own: dict[int, float] = {}
        for i, ws in contributions.items():
            ws.sort(reverse=True)
            own[i] = ws[0] + min(REPEAT_CAP, REPEAT_WEIGHT * sum(ws[1:]))
        score: dict[int, float] = {}
        chain: dict[int, list[int]] = {}
        for i in own:
            mentioned = [a for a in self._ancestors[i] if a in own]
            chain[i] = mentioned
            score[i] = own[i] + sum(own[a] for a in mentioned)
        first_pos = {i: min(p for p, _ in surfaces_of[i]) for i in own}
        order = sorted(own, key=lambda i: (-score[i], -len(self._ancestors[i]), first_pos[i]))
        return _Ranking(self, order, score, chain, contributions, best_type, in_subject, surfaces_of)

    # -- API --------------------------------------------------------------------------------------

    def candidates(self, text: str, limit: int = 3) -> list[TerritoryMatch]:
        """Places the text may be about, best first (at most ``limit``)."""
        ranking = self._analyse(text)
        if ranking is None:
            return []
        return [ranking.describe(i) for i in ranking.order[: max(0, limit)]]

    def match(self, text: str) -> TerritoryMatch | None:
        """The best candidate if it is confident enough; else the common ancestor of the tied ones."""
        ranking = self._analyse(text)
        if ranking is None:
            return None
        top = ranking.order[0]
        best = ranking.describe(top)
        if best.confidence >= self.threshold:
            return best
        # Competing candidates: the leaders outside the top's line, close enough to have lowered it.
        top_score = ranking.score[top]
        tied = [top]
        for i in ranking.order[1:]:
            if ranking.score[i] < 0.6 * top_score:
                break
            if all(not self._related(i, j) for j in tied):
                tied.append(i)
        if len(tied) < 2:
            return None
        common = {tied[0], *self._ancestors[tied[0]]}
        for i in tied[1:]:
            common &= {i, *self._ancestors[i]}
        if not common:
            return None
        lca = max(common, key=lambda a: len(self._ancestors[a]))
        if lca in ranking.score:
            found = ranking.describe(lca)
            return TerritoryMatch(
                found.place_id, max(self.threshold, min(0.7, found.confidence)), found.evidence
            )
        if self._parent[lca] is None:
            return None
        evidence: list[str] = []
        for i in tied:
            evidence.extend(ranking.describe(i).evidence)
        return TerritoryMatch(self._places[lca].id, self.threshold, tuple(dict.fromkeys(evidence)))


class _Ranking:
    """Mentioned places of one text, ranked; confidence and evidence are computed on demand."""

    def __init__(
        self,
        matcher: TerritoryMatcher,
        order: list[int],
        score: dict[int, float],
        chain: dict[int, list[int]],
        contributions: dict[int, list[float]],
        best_type: dict[int, int],
        in_subject: set[int],
        surfaces_of: dict[int, list[tuple[int, str]]],
    ) -> None:
        self.matcher = matcher
        self.order = order
        self.score = score
        self.chain = chain
        self.contributions = contributions
        self.best_type = best_type
        self.in_subject = in_subject
        self.surfaces_of = surfaces_of

    def describe(self, i: int) -> TerritoryMatch:
        m = self.matcher
        chain = self.chain[i]
        conf = _TYPE_BASE[self.best_type[i]]
        if any(m._parent[a] is not None for a in chain):
            conf += CHAIN_BONUS
        elif chain:
            conf += ROOT_BONUS
        if i in self.in_subject:
            conf += SUBJECT_BONUS
        if len(self.contributions[i]) >= 2:
            conf += REPEAT_BONUS
        # The strongest place outside i's line (order is by score, so the first one found).
        rival = next((self.score[j] for j in self.order if not m._related(i, j)), 0.0)
        ratio = min(1.0, rival / self.score[i])
        conf = max(0.0, min(1.0, conf * (1.0 - 0.5 * ratio * ratio)))
        seen: list[tuple[int, str]] = []
        for j in (i, *chain):
            seen.extend(self.surfaces_of[j])
        evidence = tuple(dict.fromkeys(s for _, s in sorted(seen)))
        return TerritoryMatch(m._places[i].id, round(conf, 4), evidence)
