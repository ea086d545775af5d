"""Search on the public board: Chinese word segmentation (jieba's dictionary), whole-token matching.

Documents and queries are cut by the same ``tokenize``, and an entry matches when every query
token occurs as a whole token in its ``search_text`` (" t1 t2 … "), so "电梯" finds "小区电梯坏了"
and "电梯 噪音" needs both words. Only masked texts are indexed: a phone number or a name that
the board does not show cannot be found either.

Segmentation is rjieba, the Python binding of jieba-rs: jieba's own dictionary and cutting, about
fourteen times faster than the pure-Python jieba (the board's projection of a bulk import cuts
every message and reply), with the same tokens. It runs without jieba's HMM guesser for unknown words. The HMM joins characters
differently depending on their neighbours ("楼道灯坏了" → 灯坏), so a word typed on its own would
not match the word inside a sentence; the dictionary alone cuts unknown runs into single
characters the same way in both places.

Matching is ``LIKE '% token %'``, a scan of the board table: fine for the tens of thousands of
entries a city publishes in years. PostgreSQL could add a trigram or full-text index on
``search_text`` without changing this interface.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import rjieba
from django.db.models import Q, QuerySet

from wenzheng.accounts.models import OrgUnit
from wenzheng.casework.models import Category
from wenzheng.core.dbrouter import read_alias
from wenzheng.portal.models import PublicEntry

# Board dates are the citizens' calendar days, whatever zone the server runs in.
LOCAL_ZONE = ZoneInfo("Asia/Shanghai")

# Function words that would make nearly every entry match a query that contains them.
STOP_WORDS = frozenset("的了是在我和与及也就都着吗呢吧啊呀之")


@lru_cache(maxsize=1 << 16)
def _is_word(token: str) -> bool:
    # Letters (L*), marks (M*) and digits (N*) make a word; punctuation, symbols such as the
    # mask's "*", emoji, spaces and control or direction marks do not.
    return token not in STOP_WORDS and any(unicodedata.category(ch)[0] in "LMN" for ch in token)


def tokenize(text: str) -> list[str]:
    """The search tokens of ``text``, lowercased, in order, without duplicates."""
    if not text or not text.strip():
        return []
    # Each distinct token is judged once: a message repeats most of its words.
    cut = dict.fromkeys(rjieba.cut_for_search(text, hmm=False))
    tokens = dict.fromkeys(token for raw in cut for token in raw.lower().split())
    return [token for token in tokens if _is_word(token)]


def search_text(*texts: str) -> str:
    """The ``search_text`` of an entry: its tokens between single spaces, with a space at either
    end so that ``contains(" token ")`` matches whole tokens only."""
    tokens: dict[str, None] = {}
    for text in texts:
        for token in tokenize(text):
            tokens.setdefault(token, None)
    return f" {' '.join(tokens)} " if tokens else ""


def _local_day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LOCAL_ZONE)


def board_entries(
    *,
    q: str = "",
    unit: OrgUnit | None = None,
    category: Category | None = None,
    territory: OrgUnit | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[PublicEntry]:
    """The board, newest publication first, narrowed by every filter given.

    ``unit`` and ``territory`` include their whole subtree, ``category`` its subcategories;
    ``date_from`` and ``date_to`` are inclusive local days. A query with no searchable token
    (only punctuation or stop words) does not narrow the board.
    """
    # The busiest public read; a replica's second of lag is invisible on the board.
    entries = PublicEntry.objects.using(read_alias())
    for token in tokenize(q):
        entries = entries.filter(search_text__contains=f" {token} ")
    if unit is not None:
        entries = entries.filter(lead_unit__path__startswith=unit.path)
    if category is not None:
        # "城乡建设" must not also match a sibling named "城乡建设规划".
        entries = entries.filter(
            Q(category_path=category.full_name) | Q(category_path__startswith=f"{category.full_name}/")
        )
    if territory is not None:
        # Paths end with "/", so a prefix is exactly the subtree.
        entries = entries.filter(territory_path__startswith=territory.path)
    if date_from is not None:
        entries = entries.filter(published_at__gte=_local_day_start(date_from))
    if date_to is not None:
        entries = entries.filter(published_at__lt=_local_day_start(date_to + timedelta(days=1)))
    return entries.order_by("-published_at", "-id")
