"""Fuzz targets for the importers and text parsers (property tests and ``bench/fuzz.py``).

Each target takes what hypothesis generates and feeds it to one parser. A parser may answer with a
result or with its documented error (``InvalidInput`` for board files, ``UnreadableEmail``,
``BadJson`` / ``InvalidPayload`` for webhooks, ``Open311Error``); anything else escaping is a bug,
and the target lets it propagate so hypothesis shrinks it to a minimal input. Targets also check a
few properties of the result (masking leaves no mobile number, the spreadsheet escape leaves no
formula trigger, encryption round-trips …).

The strategies mix structure with noise: a board file with the real column headers and random
cells finds more than random bytes, which the CSV reader would reject at the first line.
"""

from __future__ import annotations

import contextlib
import email.utils
import io
import json
import re
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

# Text with what citizens and bridges really send: CJK, full-width forms, emoji, controls, bidi marks.
ALPHABET = st.characters(codec="utf-8", exclude_categories=["Cs"])
TEXT = st.text(ALPHABET, max_size=300)
PHONE_LIKE = st.from_regex(r"(\+?86|0086)?[ -]?1[3-9]\d[ -]?\d{4}[ -]?\d{4}", fullmatch=True)
CJK_NOISE = st.text(
    st.sampled_from(
        list(
            "甲区东湖街道社区小区电梯楼道坏了请尽快维修号栋单元室先生女士电话手机身份证１２３４５６７８９０@.-_ \n"
        )
    ),
    max_size=80,
)
MIXED = st.one_of(TEXT, CJK_NOISE, st.builds(lambda a, p, b: f"{a}{p}{b}", CJK_NOISE, PHONE_LIKE, CJK_NOISE))


@dataclass(frozen=True)
class Target:
    name: str
    strategy: st.SearchStrategy[Any]
    run: Callable[[Any], None]
    needs_db: bool = False


# --- board imports (CSV and XLSX) ---------------------------------------------------------------

BOARD_HEADERS = [
    "留言编号",
    "留言用户",
    "留言主题",
    "留言时间",
    "留言详情",
    "答复意见",
    "答复时间",
    "点赞数",
    "反对数",
    "一级分类",
]
CELL = st.one_of(
    st.none(),
    MIXED,
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1)),
    st.sampled_from(
        ["2019年4月25日", "2026/11/05 09:30", "24.0", "-1", "1e9", "２０２６-１１-０５", "", " "]
    ),
)
HEADER = st.one_of(
    st.permutations(BOARD_HEADERS).map(list),
    st.lists(st.one_of(st.sampled_from(BOARD_HEADERS), TEXT), max_size=12),
)
BOARD = st.tuples(HEADER, st.lists(st.lists(CELL, max_size=12), max_size=8))


def _check_board(path: Path) -> None:
    from wenzheng.casework.actions.imports import check_import_rows
    from wenzheng.core.errors import InvalidInput
    from wenzheng.intake.channels.boards.reader import read_board_file

    try:
        board = read_board_file(path)
    except InvalidInput:
        return
    check_import_rows(board.rows, now=datetime(2030, 1, 1, tzinfo=UTC))
    for row in board.rows:
        assert isinstance(row.subject, str)
        assert isinstance(row.body, str)
        assert row.row >= 2  # spreadsheet row numbers: the header is row 1


def board_csv(data: tuple[list[str], list[list[Any]]]) -> None:
    import csv

    header, rows = data
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if cell is None else cell for cell in row])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "board.csv"
        path.write_text(buffer.getvalue(), encoding="utf-8", errors="surrogatepass")
        _check_board(path)


def board_xlsx(data: tuple[list[str], list[list[Any]]]) -> None:
    from openpyxl import Workbook
    from openpyxl.utils.exceptions import IllegalCharacterError

    header, rows = data
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    try:
        sheet.append(header)
        for row in rows:
            sheet.append(row)
    except (IllegalCharacterError, ValueError, TypeError):
        return  # openpyxl cannot write this cell at all: no such workbook can reach us
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "board.xlsx"
        try:
            book.save(path)
        except (IllegalCharacterError, ValueError, TypeError):
            return
        _check_board(path)


def board_bytes(data: bytes) -> None:
    for suffix in (".csv", ".xlsx"):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"board{suffix}"
            path.write_bytes(data)
            _check_board(path)


# --- e-mail -------------------------------------------------------------------------------------

HEADER_VALUE = st.one_of(
    MIXED,
    st.sampled_from(
        [
            "=?utf-8?b?5L2g5aW9?=",
            "=?gb2312?B?xOO6ww==?=",
            "=?utf-8?q?=E4=BD=A0=E5=A5=BD?=",
            "=?bogus?x?!!?=",
            "回复：[WZ-2026-000123] 电梯",
            "<a@b>",
            "王小明 <wang@example.com>",
            '"\\" <@>',
        ]
    ),
)
EMAIL_PARTS = st.fixed_dictionaries(
    {
        "From": HEADER_VALUE,
        "Subject": HEADER_VALUE,
        "Message-ID": HEADER_VALUE,
        "Date": st.one_of(HEADER_VALUE, st.just(email.utils.formatdate())),
        "In-Reply-To": HEADER_VALUE,
        "Content-Type": st.sampled_from(
            [
                "text/plain; charset=utf-8",
                "text/plain; charset=gb18030",
                "text/html; charset=big5",
                "multipart/mixed; boundary=XX",
                "multipart/alternative",
                'application/pdf; name="结果.pdf"',
                "text/plain; charset=nonexistent",
            ]
        ),
        "Content-Transfer-Encoding": st.sampled_from(
            ["7bit", "8bit", "base64", "quoted-printable", "x-bogus"]
        ),
    }
)
EMAIL = st.tuples(EMAIL_PARTS, st.binary(max_size=400), st.booleans())


def email_message(data: tuple[dict[str, str], bytes, bool]) -> None:
    from wenzheng.intake.channels.email.parse import UnreadableEmail, parse_email

    headers, body, multipart = data
    lines = [f"{name}: {value}".replace("\r", " ").replace("\n", " ") for name, value in headers.items()]
    raw = "\r\n".join(lines).encode("utf-8", errors="surrogatepass") + b"\r\n\r\n"
    if multipart:
        raw += (
            b"--XX\r\nContent-Type: text/plain\r\n\r\n"
            + body
            + b'\r\n--XX\r\nContent-Disposition: attachment; filename="a.png"\r\n\r\n'
            + body[:50]
            + b"\r\n--XX--\r\n"
        )
    else:
        raw += body
    try:
        parsed = parse_email(raw)
    except UnreadableEmail:
        return
    assert isinstance(parsed.subject, str)
    assert isinstance(parsed.text, str)
    assert parsed.received_at.tzinfo is not None


def email_bytes(raw: bytes) -> None:
    from wenzheng.intake.channels.email.parse import UnreadableEmail, parse_email

    try:
        parse_email(raw)
    except UnreadableEmail:
        return


# --- webhook payloads ---------------------------------------------------------------------------

JSON_LEAF = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), MIXED)
JSON_ANY = st.recursive(
    JSON_LEAF,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)
WEBHOOK_KEYS = ["id", "text", "title", "author", "created_at", "reply_to", "public", "attachments"]
WEBHOOK = st.dictionaries(
    st.sampled_from(WEBHOOK_KEYS),
    st.one_of(
        JSON_ANY,
        st.fixed_dictionaries({"name": JSON_ANY, "phone": st.one_of(PHONE_LIKE, JSON_ANY)}),
        st.lists(
            st.fixed_dictionaries(
                {"name": JSON_ANY, "type": JSON_ANY, "data": st.one_of(TEXT, st.just("iVBORw0KGgo="))}
            ),
            max_size=3,
        ),
        st.sampled_from(["2026-11-05T09:30:00+08:00", "2026-13-45T99:99:99", "1700000000", "WZ-2026-000001"]),
    ),
    max_size=8,
)


def webhook_payload(data: dict[str, Any]) -> None:
    from wenzheng.intake.channels.webhook.payload import InvalidPayload, parse_message

    try:
        message = parse_message(data, now=datetime(2026, 11, 5, tzinfo=UTC))
    except InvalidPayload:
        return
    assert message.text.strip()
    submission = message.to_submission(channel="weibo", source="webhook:fuzz")
    assert submission.subject


def webhook_bytes(raw: bytes) -> None:
    from wenzheng.intake.channels.webhook.payload import BadJson, InvalidPayload, decode_json, parse_message

    try:
        parse_message(decode_json(raw), now=datetime(2026, 11, 5, tzinfo=UTC))
    except (BadJson, InvalidPayload):
        return


# --- Open311 --------------------------------------------------------------------------------------

OPEN311_KEYS = [
    "service_code",
    "lat",
    "long",
    "address_string",
    "address_id",
    "email",
    "device_id",
    "account_id",
    "first_name",
    "last_name",
    "phone",
    "description",
    "media_url",
    "service_request_id",
    "start_date",
    "end_date",
    "status",
    "page",
    "page_size",
]
OPEN311 = st.dictionaries(
    st.sampled_from(OPEN311_KEYS),
    st.one_of(
        MIXED,
        st.sampled_from(
            [
                "1",
                "0",
                "-1",
                "999999999999999999999",
                "30.5",
                "nan",
                "inf",
                "1e400",
                "open,closed",
                "2026-11-05T09:30:00+08:00",
                "2026-02-30",
                "http://example.com/a.png",
                "javascript:x",
            ]
        ),
    ),
    max_size=10,
)


def open311_params(params: dict[str, str]) -> None:
    from wenzheng.intake.channels.open311.errors import Open311Error
    from wenzheng.intake.channels.open311.forms import parse_new_request, parse_request_filter

    for parse in (parse_new_request, parse_request_filter):
        with contextlib.suppress(Open311Error):
            parse(params)


# --- text helpers ---------------------------------------------------------------------------------

# A mainland mobile number as masking sees it: ASCII digits after NFKC (full-width digits count;
# Arabic-Indic and other scripts' digits are not phone numbers here).
_MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")


def masking(text: str) -> None:
    from wenzheng.lib.masking import mask_email, mask_id_number, mask_name, mask_phone, mask_text

    masked = mask_text(text)
    assert isinstance(masked, str)
    assert mask_text(masked) == mask_text(masked)  # deterministic
    shown = unicodedata.normalize("NFKC", masked)
    for number in _MOBILE.findall(unicodedata.normalize("NFKC", text)):
        assert number not in shown, number
    for helper in (mask_phone, mask_name, mask_email, mask_id_number):
        assert isinstance(helper(text), str)


def phones(text: str) -> None:
    from wenzheng.core.crypto import blind_index
    from wenzheng.lib.phones import phone_key

    key = phone_key(text)
    assert key == phone_key(key)  # normalising twice changes nothing
    assert key.isascii()
    assert key == "" or key.isdigit()
    assert blind_index(text, normalise="phone") == blind_index(key, normalise="phone")


def duplicates_text(pair: tuple[str, str]) -> None:
    from wenzheng.intake.duplicates import bigrams, normalise, text_similarity

    a, b = pair
    assert normalise(normalise(a)) == normalise(a)
    similarity = text_similarity(a, b)
    assert 0.0 <= similarity <= 1.0 + 1e-9
    assert abs(similarity - text_similarity(b, a)) < 1e-9
    assert isinstance(bigrams(a), frozenset)


def spreadsheet_cell(value: Any) -> None:
    from wenzheng.lib.spreadsheet import FORMULA_TRIGGERS, Sheet, safe_cell, write_csv, write_xlsx

    cell = safe_cell(value)
    if isinstance(cell, str):
        assert not cell.startswith(FORMULA_TRIGGERS)
    write_csv(["h"], [[value]])
    write_xlsx([Sheet("s", ["h"], [[value]])])


_TERRITORY: Any = None


def territory(text: str) -> None:
    global _TERRITORY
    from wenzheng.insight.router.territory import Place, TerritoryMatcher

    if _TERRITORY is None:
        _TERRITORY = TerritoryMatcher(
            [
                Place(1, "南岭省", "province", None),
                Place(2, "青澜市", "city", 1),
                Place(3, "东湖区", "district", 2, aliases=("东湖",)),
                Place(4, "桂园街道", "street", 3),
                Place(5, "新村社区", "community", 4),
                Place(6, "石门县", "county", 2),
                Place(7, "A3区", "district", 2),
            ]
        )
    _TERRITORY.match(text)
    assert len(_TERRITORY.candidates(text)) <= 3


_SCREEN: Any = None


def sensitive(pair: tuple[str, str]) -> None:
    global _SCREEN
    from wenzheng.insight.router.sensitive import SensitiveScreen, default_terms

    if _SCREEN is None:
        _SCREEN = SensitiveScreen(default_terms())
    flag = _SCREEN.screen(*pair)
    assert flag is not None


def encryption(text: str) -> None:
    from wenzheng.core import crypto

    sealed = crypto.encrypt(text, context="fuzz.model.field")
    assert crypto.decrypt(sealed, context="fuzz.model.field") == text
    assert len(text) < 8 or text not in sealed  # a short text may turn up in base64 by chance


TARGETS: list[Target] = [
    Target("board-csv", BOARD, board_csv),
    Target("board-xlsx", BOARD, board_xlsx),
    Target("board-bytes", st.binary(max_size=600), board_bytes),
    Target("email", EMAIL, email_message),
    Target("email-bytes", st.binary(max_size=600), email_bytes),
    Target("webhook-payload", WEBHOOK, webhook_payload),
    Target(
        "webhook-bytes",
        st.one_of(st.binary(max_size=300), JSON_ANY.map(lambda v: json.dumps(v).encode())),
        webhook_bytes,
    ),
    Target("open311-params", OPEN311, open311_params, needs_db=True),
    Target("masking", MIXED, masking),
    Target("phones", st.one_of(PHONE_LIKE, TEXT), phones),
    Target("duplicates", st.tuples(MIXED, MIXED), duplicates_text),
    Target("spreadsheet", CELL, spreadsheet_cell),
    Target("territory", MIXED, territory),
    Target("sensitive", st.tuples(MIXED, MIXED), sensitive),
    Target("encryption", TEXT, encryption),
]
