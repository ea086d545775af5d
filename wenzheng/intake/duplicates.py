"""Duplicate candidates at registration: "one channel, one acceptance" (集中渠道、统一受理).

The same appeal often reaches the ledger twice — a long post on the web board and, the same day, a
hotline operator's summary of a call from a neighbour or from the poster. When the intake operator
registers a case, ``find_duplicate_candidates`` lists the few earlier (or later) cases of the same
organisation that look like the same appeal, with short Chinese reasons, so the operator can merge
or link it. It proposes; it never merges by itself.

Cost model: a city may receive 10^5 messages a day, so the ledger is never scanned. Candidates come
from at most five bounded queries, each filtered on an indexed column, ordered by time and cut
with a LIMIT; all scoring happens in Python over at most ``MAX_FETCHED`` (700) rows.
"""

from __future__ import annotations

import math
import operator
import re
import unicodedata
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from wenzheng.casework.models import Case
from wenzheng.casework.workflow import State
from wenzheng.core.crypto import blind_index
from wenzheng.lib.phones import phone_key

# --- Tunables -----------------------------------------------------------------------------------

# Similarity looks at the first 2,000 characters of subject + body. The appeal itself (where, what,
# since when) is stated at the start; what follows in a 20,000-character post is background and
# attachments pasted as text, which only dilutes the bigram sets against a 200-character hotline
# summary. The cut also bounds CPU per candidate and, being done in SQL (Substr), the bytes each
# candidate row carries over the wire.
TEXT_LIMIT = 2_000

# Rows per query; their sum bounds the rows one lookup reads and scores.
PHONE_LIMIT = 50
CITIZEN_LIMIT = 50
CLASSIFIED_LIMIT = 300  # category and territory together (split between them when both are set)
RECENT_LIMIT = 300
RECENT_DAYS = 3  # hotline and web copies of one appeal usually arrive the same day or the next
MAX_FETCHED = PHONE_LIMIT + CITIZEN_LIMIT + CLASSIFIED_LIMIT + RECENT_LIMIT

# Score = content score + bonuses, capped at 1.0.
#
# The content score rescales the raw bigram cosine linearly from TEXT_FLOOR (0) to TEXT_CEILING (1).
# Raw cosines of messages from one city are compressed into a narrow band: unrelated messages share
# place names and everyday words and sit at 0.0–0.16 (0.16 for two different complaints about the
# same estate), while a web post and a hotline summary of the same appeal, reworded by different
# people at different lengths, reach only 0.3–0.4. Used raw, the bonuses would outweigh the text.
# These bounds come from a handful of hand-written messages (see the tests); once the ledger has
# history, pairs closed by "merge" are labelled duplicates to recalibrate them on.
TEXT_FLOOR = 0.10
TEXT_CEILING = 0.40
# The bonuses say "same person" or "same place and topic" and must not lift an unrelated message
# alone: territory + category + 48h = 0.15 stays under the default min_score 0.35, while the same
# phone number alone reaches it — a caller who phones in what they already posted is the commonest
# duplicate, and the phone is the one identity shared by the hotline (caller ID) and the web board
# (a phone number is required to post).
PHONE_BONUS = 0.40
CITIZEN_BONUS = 0.20  # weaker: one account files many different appeals over a month
TERRITORY_BONUS = 0.05
CATEGORY_BONUS = 0.05
RECENT_BONUS = 0.05
RECENT_BONUS_WINDOW = timedelta(hours=48)

# Content score levels named in the reasons.
CONTENT_HIGH = 0.6
CONTENT_SOME = 0.3

# What the pair score reads of each candidate, fetched as plain values (no model instance is built
# for the hundreds of rows one lookup scores): the body cut in SQL, and the phone as its blind index
# (equal exactly when the phone_key()s are equal), so no candidate's number is decrypted.
_SCORED = (
    "id",
    "subject",
    "text_head",
    "contact_phone_index",
    "citizen_id",
    "territory_id",
    "category_id",
    "received_at",
)
# What the operator's list shows of the few candidates kept.
_SHOWN = ("id", "org_id", "number", "channel", "subject", "state", "received_at", "merged_into_id")

# Formulae of citizen messages that say nothing about the appeal: greetings, addressing leaders,
# "I want to report … please solve … thank you". They are in almost every message, so they would
# lend every pair of unrelated messages a few points of similarity.
_BOILERPLATE_BIGRAMS = frozenset(
    {
        "您好",
        "你好",
        "尊敬",
        "敬的",
        "领导",
        "书记",
        "市长",
        "县长",
        "区长",
        "反映",
        "映一",
        "一下",
        "希望",
        "望能",
        "能够",
        "解决",
        "问题",
        "谢谢",
        "感谢",
        "请问",
        "相关",
        "关部",
        "部门",
        "有关",
        "我们",
        "我是",
    }
)

_NOT_WORD = re.compile(r"[\W_]+")


# --- Text similarity ----------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Fold the variations that do not change what a message says.

    NFKC turns full-width latin, digits and punctuation (ＡＢＣ１２３，) into their half-width forms,
    so the input method used does not matter; case is folded; then everything that is not a letter
    or digit goes (whitespace, Chinese and latin punctuation, emoji, stray combining marks), since
    a hotline summary and a web post punctuate the same facts differently.
    """
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text).casefold())


def bigrams(text: str) -> frozenset[str]:
    """Character bigrams of the normalised text, less the message boilerplate.

    Bigrams, not words: Chinese has no spaces, and overlapping pairs capture most two-character
    words without a segmenter and its dictionary. A one-character text is its own "bigram".
    """
    norm = normalise(text)
    if len(norm) < 2:
        return frozenset({norm}) if norm else frozenset()
    # Pairing the string with itself shifted by one is the fastest pure-Python way (this runs for
    # every candidate, up to 2,000 characters each).
    grams = set(map(operator.add, norm, norm[1:]))
    content = grams - _BOILERPLATE_BIGRAMS
    # A text made only of formulae is still compared on them rather than not at all.
    return frozenset(content or grams)


def set_cosine(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    # Iterate the smaller set: membership tests in the larger one are O(1).
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    common = sum(1 for gram in small if gram in large)
    return common / math.sqrt(len(a) * len(b))


def text_similarity(a: str, b: str) -> float:
    """Cosine (Otsuka–Ochiai) similarity of the bigram sets of two texts, in [0, 1].

    Cosine rather than Jaccard because the duplicates we look for differ in length: when a
    hotline summary's n bigrams all occur in a web post's m bigrams, Jaccard gives n/m while
    cosine gives sqrt(n/m) — 0.25 against 0.5 for a summary a quarter the length of the post.
    Both are symmetric, 1 for identical and 0 for disjoint sets. Texts are cut to ``TEXT_LIMIT``.
    """
    return set_cosine(bigrams(a[:TEXT_LIMIT]), bigrams(b[:TEXT_LIMIT]))


def content_score(similarity: float) -> float:
    """The raw cosine rescaled to the evidence it gives of one appeal (see TEXT_FLOOR), in [0, 1]."""
    return min(1.0, max(0.0, (similarity - TEXT_FLOOR) / (TEXT_CEILING - TEXT_FLOOR)))


def _similarity_text(subject: str, body_head: str) -> str:
    return f"{subject}\n{body_head}"[:TEXT_LIMIT]


# --- Candidates ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DuplicateCandidate:
    case: Case
    score: float  # 0..1
    reasons: tuple[str, ...]  # short reasons shown to the operator, translated (Chinese in the UI)


type _Scored = tuple[int, str, str, str, int | None, int | None, int | None, datetime]


def _base(case: Case, since: datetime, until: datetime) -> QuerySet[Case]:
    qs = (
        Case.objects.filter(org_id=case.org_id, received_at__gte=since, received_at__lte=until)
        .exclude(state=State.MERGED)
        .order_by("-received_at", "-id")
    )
    if case.pk is not None:
        # The case itself, and what is already merged into it (closed as MERGED, but say so anyway:
        # a merged duplicate must never be offered back to its original).
        qs = qs.exclude(pk=case.pk).exclude(merged_into_id=case.pk)
    return qs


def _candidate_querysets(case: Case, window_days: int) -> Iterable[QuerySet[Case]]:
    """The bounded queries, each served by an index on its filter column and received_at."""
    anchor = case.received_at
    # The window is centred on the case's own arrival, not on "now": registering a backlog case
    # must still see the copy that came in the day after it, and the answer must not drift with
    # the time the operator happens to look.
    window = timedelta(days=window_days)
    since, until = anchor - window, anchor + window
    if phone_key(case.contact_phone):
        # The phone is encrypted; its blind index is the HMAC of phone_key(), so every spelling of
        # one number meets on equality. Served by the (org, contact_phone_index, -received_at) index.
        index = blind_index(case.contact_phone, normalise="phone")
        yield _base(case, since, until).filter(contact_phone_index=index)[:PHONE_LIMIT]
    if case.citizen_id is not None:
        yield _base(case, since, until).filter(citizen_id=case.citizen_id)[:CITIZEN_LIMIT]
    # Two queries rather than one OR: each then walks its own (column, -received_at) index in order
    # and stops at the LIMIT, where an OR would collect both sets and sort them.
    classified = {"category_id": case.category_id, "territory_id": case.territory_id}
    classified = {field: value for field, value in classified.items() if value is not None}
    for field, value in classified.items():
        yield _base(case, since, until).filter(**{field: value})[: CLASSIFIED_LIMIT // len(classified)]
    # Same org, newest first: on PostgreSQL the (-received_at, -id) index walked backwards from
    # the window's end; an (org, -received_at, -id) index would serve it exactly.
    recent = timedelta(days=min(RECENT_DAYS, window_days))
    yield _base(case, anchor - recent, anchor + recent)[:RECENT_LIMIT]


# --- The pair score (shared by the finder and its evaluation) ----------------------------------


@dataclass(frozen=True)
class Appeal:
    """What the pair score reads of one message: a case of the ledger, or a row of an export when
    ``wenzheng duplicates eval`` measures the score. Build it with ``appeal_of`` (or ``Appeal.of``):
    the bigrams are computed once per message, not once per pair."""

    grams: frozenset[str]
    # The contact phone's identity, "" for none: its phone_key() in an export row (``Appeal.of``),
    # its blind index for a case of the ledger. Only ever compared with the same kind.
    phone: str = ""
    citizen: Hashable | None = None  # the citizen account; None when anonymous
    territory: Hashable | None = None
    category: Hashable | None = None
    received_at: datetime | None = None

    @classmethod
    def of(
        cls,
        subject: str,
        body: str,
        *,
        phone: str = "",
        citizen: Hashable | None = None,
        territory: Hashable | None = None,
        category: Hashable | None = None,
        received_at: datetime | None = None,
    ) -> Appeal:
        return cls(
            grams=bigrams(_similarity_text(subject, body[:TEXT_LIMIT])),
            phone=phone_key(phone),
            citizen=citizen,
            territory=territory,
            category=category,
            received_at=received_at,
        )


def appeal_of(case: Case) -> Appeal:
    """The case as the pair score sees it. Its phone is the blind index of its number, as the
    candidates' are (see ``_SCORED``)."""
    return Appeal(
        grams=bigrams(_similarity_text(case.subject, case.body[:TEXT_LIMIT])),
        phone=blind_index(case.contact_phone, normalise="phone"),
        citizen=case.citizen_id,
        territory=case.territory_id,
        category=case.category_id,
        received_at=case.received_at,
    )


@dataclass(frozen=True)
class PairScore:
    score: float  # content + bonuses, capped at 1.0
    content: float  # content_score() of the bigram cosine, in [0, 1]
    same_phone: bool = False
    same_citizen: bool = False
    same_territory: bool = False
    same_category: bool = False
    recent: bool = False  # received within RECENT_BONUS_WINDOW of each other

    @property
    def reasons(self) -> tuple[str, ...]:
        """Short reasons for the operator, translated, in a fixed order."""
        reasons: list[str] = []
        if self.same_phone:
            reasons.append(_("same contact phone"))
        if self.same_citizen:
            reasons.append(_("same citizen account"))
        if self.content >= CONTENT_HIGH:
            reasons.append(_("very similar content (%(score).2f)") % {"score": self.content})
        elif self.content >= CONTENT_SOME:
            reasons.append(_("similar content (%(score).2f)") % {"score": self.content})
        if self.same_territory:
            reasons.append(_("same territory"))
        if self.same_category:
            reasons.append(_("same category"))
        if self.recent:
            reasons.append(_("received within 48 hours of each other"))
        return tuple(reasons)


def score_pair(a: Appeal, b: Appeal) -> PairScore:
    """How strongly two messages look like one appeal, in [0, 1]: symmetric and pure.

    The finder ranks candidates by it and keeps those at or above ``min_score``;
    ``wenzheng duplicates eval`` measures it on labelled pairs. One function for both, so the
    figures describe what the operator is shown.
    """
    same_phone = bool(a.phone) and a.phone == b.phone
    same_citizen = a.citizen is not None and a.citizen == b.citizen
    same_territory = a.territory is not None and a.territory == b.territory
    same_category = a.category is not None and a.category == b.category
    recent = (
        a.received_at is not None
        and b.received_at is not None
        and abs(a.received_at - b.received_at) <= RECENT_BONUS_WINDOW
    )
    content = content_score(set_cosine(a.grams, b.grams))
    score = (
        content
        + PHONE_BONUS * same_phone
        + CITIZEN_BONUS * same_citizen
        + TERRITORY_BONUS * same_territory
        + CATEGORY_BONUS * same_category
        + RECENT_BONUS * recent
    )
    return PairScore(
        score=min(score, 1.0),
        content=content,
        same_phone=same_phone,
        same_citizen=same_citizen,
        same_territory=same_territory,
        same_category=same_category,
        recent=recent,
    )


def find_duplicate_candidates(
    case: Case, *, limit: int = 5, window_days: int = 30, min_score: float = 0.35
) -> list[DuplicateCandidate]:
    """Cases of the same organisation that may be the same appeal as ``case``, best first.

    Never the case itself, a merged case, or a case merged into this one. At most five queries for
    the candidates and one for the cases kept, whatever the size of the ledger; ordered by score,
    then the most recent.
    """
    if limit <= 0:
        return []
    query = appeal_of(case)
    seen: set[int] = set()
    scored: list[tuple[PairScore, int, datetime]] = []
    for queryset in _candidate_querysets(case, window_days):
        rows: Iterable[_Scored] = queryset.annotate(text_head=Substr("body", 1, TEXT_LIMIT)).values_list(
            *_SCORED
        )
        for pk, subject, text_head, phone_index, citizen, territory, category, received_at in rows:
            if pk in seen:
                continue
            seen.add(pk)
            other = Appeal(
                grams=bigrams(_similarity_text(subject, text_head)),
                phone=phone_index,
                citizen=citizen,
                territory=territory,
                category=category,
                received_at=received_at,
            )
            pair = score_pair(query, other)
            if pair.score >= min_score:
                scored.append((pair, pk, received_at))
    scored.sort(key=lambda found: (found[0].score, found[2], found[1]), reverse=True)
    kept = scored[:limit]
    shown = Case.objects.only(*_SHOWN).in_bulk([pk for _pair, pk, _at in kept])
    return [
        DuplicateCandidate(case=shown[pk], score=round(pair.score, 4), reasons=pair.reasons)
        for pair, pk, _at in kept
        if pk in shown
    ]
