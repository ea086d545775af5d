"""Text helpers of the reply checks: sentences, the citizen's questions and requests, key terms.

Pure Python, no Django. Words come from rjieba (jieba's dictionary and part-of-speech tags, the
same cutting the portal's search uses); a word's weight is its inverse document frequency from the
table jieba ships (``jieba/analyse/idf.txt``, 270,000 words from a general Chinese corpus), so
"电梯" weighs more than "问题" without any table learned from our own data.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import rjieba

# Parts of speech that name things a reply must talk about: nouns, places, organisations, other
# proper nouns, verbal nouns and English/alphanumeric tokens (place codes such as "A3区").
KEY_TAGS = frozenset({"n", "nr", "ns", "nt", "nz", "nl", "ng", "vn", "an", "eng", "j", "l", "i"})
# Words every message and every reply use: they carry no point of their own.
GENERIC = frozenset(
    [
        "问题",
        "情况",
        "领导",
        "书记",
        "市长",
        "县长",
        "区长",
        "政府",
        "部门",
        "有关部门",
        "相关部门",
        "单位",
        "工作",
        "群众",
        "百姓",
        "老百姓",
        "市民",
        "居民",
        "网友",
        "我们",
        "你们",
        "他们",
        "大家",
        "自己",
        "现在",
        "目前",
        "时候",
        "时间",
        "事情",
        "办法",
        "方面",
        "方式",
        "地方",
        "东西",
        "原因",
        "结果",
        "希望",
        "请求",
        "要求",
        "建议",
        "谢谢",
        "感谢",
        "您好",
        "你好",
        "尊敬",
        "留言",
        "来信",
        "回复",
        "答复",
        "反映",
        "关注",
        "支持",
        "理解",
        "监督",
        "平台",
        "栏目",
        "问政",
        "信箱",
        "书记信箱",
        "市长信箱",
        "今天",
        "明天",
        "昨天",
        "每天",
        "今年",
        "去年",
        "明年",
        "一下",
        "一些",
        "一直",
        "已经",
        "还是",
        "但是",
        "因为",
        "所以",
        "如果",
        "这个",
        "那个",
        "这些",
        "那些",
        "有人",
        "人员",
        "人们",
        "孩子",
        "家里",
        "家庭",
        "生活",
        "影响",
        "处理",
        "解决",
        "落实",
        "调查",
        "核实",
        "具体",
        "相关",
        "有关",
        "关于",
        "以上",
        "以下",
        "如下",
        "同志",
        "先生",
        "女士",
        "小区居民",
        "业主们",
        "帮忙",
        "麻烦",
        "真的",
        "严重",
        "非常",
        "特别",
        "很多",
        "许多",
        "多次",
        "长期",
        "一年",
        "两年",
        "几年",
        "个人",
        "本人",
    ]
)
SENTENCE_END = re.compile(r"(?<=[。！？!?；;\n])")
CLAUSE_END = re.compile(r"(?<=[，,：:。！？!?；;\n])")
# What marks a clause as a question or a request (completeness counts each such clause).
QUESTION_MARKERS = re.compile(
    r"[？?]|是否|能否|可否|能不能|可不可以|会不会|有没有|是不是|何时|什么时候|多久|多长时间|怎么|怎样|如何|"
    r"为什么|为何|凭什么|哪里|哪儿|哪个|哪些|多少|谁来|请问|请求|恳请|恳求|希望|盼望|期待|期望|建议|要求|呼吁|"
    r"请(?:有关|相关|领导|政府|尽快|帮|予以|给予|督促|查处|解决|落实|核实|调查|处理|答复|回复|关注|重视)|"
    r"尽快|早日|督促|查处|整改|取缔"
)
PLACE = re.compile(
    r"[A-Za-z]\d*[市区县镇乡]|[\u4e00-\u9fff]{2,8}?(?:小区|花园|苑|新村|社区|村|街道|大道|路口|路|街|巷|桥|广场|"
    r"公园|学校|小学|中学|幼儿园|医院|市场|镇|乡|园区|大厦|公寓|家园|新城|项目|工地)"
)
_NFKC_SPACE = re.compile(r"\s+")


def normalize(text: str | None) -> str:
    """NFKC (full-width → half-width for letters, digits and ASCII punctuation), lower case,
    whitespace runs to one space. None → ""."""
    if not text:
        return ""
    return _NFKC_SPACE.sub(" ", unicodedata.normalize("NFKC", str(text))).strip().lower()


@lru_cache(maxsize=1)
def idf_table() -> dict[str, float]:
    """jieba's IDF table (word → idf), read once per process."""
    table: dict[str, float] = {}
    with resources.files("jieba.analyse").joinpath("idf.txt").open(encoding="utf-8") as handle:
        for line in handle:
            word, _, value = line.rstrip("\n").rpartition(" ")
            if word:
                table[word] = float(value)
    return table


@lru_cache(maxsize=1)
def default_idf() -> float:
    """The idf of a word the table lacks: its median (rare, but not the rarest)."""
    values = sorted(idf_table().values())
    return values[len(values) // 2] if values else 10.0


def word_weight(word: str) -> float:
    return idf_table().get(word, default_idf())


def sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END.split(text or "") if s.strip()]


def clauses(text: str) -> list[str]:
    return [c.strip() for c in CLAUSE_END.split(text or "") if c.strip()]


@dataclass(frozen=True)
class Term:
    word: str
    weight: float
    is_place: bool = False


def _is_key(word: str, tag: str) -> bool:
    if word in GENERIC or len(word) < 2:
        return False
    if tag == "eng":
        return len(word) <= 20
    return tag in KEY_TAGS and any("\u4e00" <= ch <= "\u9fff" for ch in word)


def places(text: str) -> list[str]:
    """Place-like names (A3区, 潇楚南路, 景蓉华苑小区 …), longest first, without repeats."""
    found = dict.fromkeys(m.group(0) for m in PLACE.finditer(normalize(text)))
    return sorted(found, key=len, reverse=True)


def key_terms(text: str, limit: int = 12) -> list[Term]:
    """The words a reply to ``text`` should take up: places first, then nouns by weight (idf,
    counted once however often they occur)."""
    norm = normalize(text)
    chosen: dict[str, Term] = {}
    for place in places(norm)[:4]:
        if place not in GENERIC:
            chosen[place] = Term(place, word_weight(place) + 2.0, is_place=True)
    scored: dict[str, float] = {}
    for word, tag in rjieba.tag(norm, hmm=False):
        word = word.strip()
        if _is_key(word, tag) and word not in chosen:
            scored[word] = word_weight(word)
    ranked = sorted(scored.items(), key=lambda item: (-item[1], item[0]))
    for word, weight in ranked:
        if len(chosen) >= limit:
            break
        # A word inside a place already chosen adds nothing.
        if any(word in place for place in chosen):
            continue
        chosen[word] = Term(word, weight)
    return list(chosen.values())[:limit]


def covers(reply: str, term: str) -> bool:
    """Whether the reply takes the term up: the word itself, or (for a longer name) its core —
    "景蓉华苑小区" is answered by "景蓉华苑", "潇楚南路" by "潇楚南"."""
    if term in reply:
        return True
    if len(term) >= 4:
        core = term[:-2] if len(term) > 4 else term[:3]
        return core in reply
    return False


def requests_of(subject: str, body: str) -> list[str]:
    """The citizen's questions and requests: clauses with a question or request marker, merged
    when they repeat the same words. The subject counts as one when the body asks nothing."""
    found: list[str] = []
    seen: set[str] = set()
    for clause in clauses(normalize(body)):
        if not QUESTION_MARKERS.search(clause):
            continue
        words = frozenset(t.word for t in key_terms(clause, limit=4))
        key = "".join(sorted(words)) or clause
        if not words or key in seen:
            continue
        seen.add(key)
        found.append(clause)
    if not found and normalize(subject):
        found.append(normalize(subject))
    return found
