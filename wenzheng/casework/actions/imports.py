"""Bulk import of an external board's history into the ledger: thousands of messages in one
transaction, instead of one ``do_receive_message`` (one transaction, counter update and set of
live clocks) per message.

What an imported case is, and why:
- It happened elsewhere, before it reached us: its events carry the export's moments (留言时间,
  答复时间), no actor (``actor_role`` "system") and ``{"imported": true, "source": …}``. The
  transition table has no "import" step and needs none: a message without a reply was
  *received* (one ``receive`` event, state received); a message with an official reply was
  *published* (``receive``, then ``publish`` from received to published, and a ``Reply`` row
  with status published). The steps between happened on the other platform and are not invented.
- Events are hash-chained exactly as ``recording.record`` chains them (``CaseEvent.chain_payload``
  and ``chain_digest`` themselves, the same key), so ``wenzheng audit verify`` checks them.
- Numbers come from the live per-(organisation, year) counters, one UPDATE per year, in order of
  receipt (the year in local time): gapless, continuing the live sequence. The counters stay
  locked until commit, so concurrent imports of one organisation run one after the other (the
  second then finds the first's cases), and live messages of the same organisation and year wait
  for the import to finish.
- No time-limit clocks: the history is closed, and an unanswered message's clocks start when
  intake registers it (from its time of receipt, so an old one is late at once — it is).
- Votes and the board's level-1 label have no column on ``Case``: they are kept in the receive
  event's data, and a label naming an active level-1 category sets the case's category.
- ``Reply.drafted_by`` is required and nobody here wrote the reply: imported replies are
  attributed to one inactive, password-less account (``IMPORT_ACCOUNT``); the unit is the
  organisation itself, as the export does not say which unit answered.

Idempotent: a row whose (channel, source, external reference) is already in the ledger is skipped.
Everything is validated before anything is written; one bad row rejects the whole import.
``case_event_committed`` is not sent per event (tens of thousands of historical events would be
notified and projected one by one); ``cases_imported`` is sent once after commit instead.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import F, Field, Model
from django.dispatch import Signal
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from wenzheng.accounts.models import OrgUnit
from wenzheng.casework.actions.intake import MAX_BODY, MAX_SUBJECT, MAX_TEXT, _text
from wenzheng.casework.models import Case, CaseCounter, CaseEvent, Category, Reply, ReplyStatus
from wenzheng.casework.models.case import Channel
from wenzheng.casework.recording import audit_key
from wenzheng.casework.workflow import State
from wenzheng.core import clock
from wenzheng.core.errors import InvalidInput
from wenzheng.core.hashchain import GENESIS, canonical_json, chain_digest

# Sent once per import after it commits (never for a dry run): the public board and statistics
# can refresh the imported cases in bulk. Arguments: org, source, case_ids.
cases_imported = Signal()

IMPORT_ACCOUNT = "wenzheng-import"
MAX_EXTERNAL_REF = Case._meta.get_field("external_ref").max_length or 120
MAX_SOURCE = Case._meta.get_field("source").max_length or 60
MAX_CONTACT_NAME = Case._meta.get_field("contact_name").max_length or 100
DEFAULT_BATCH_SIZE = 2000


@dataclass(frozen=True)
class ImportRow:
    """One message of an export, already parsed. ``row`` is its row number in the file."""

    row: int
    external_ref: str
    subject: str
    body: str
    received_at: datetime | None = None  # None: the export does not say; received at import time
    contact_name: str = ""
    reply: str = ""
    replied_at: datetime | None = None
    likes: int | None = None
    dislikes: int | None = None
    label: str = ""

    def message(self) -> tuple[Any, ...]:
        """What the citizen and the board wrote, and when. Two rows with one reference and the same
        message are one message even if their votes or label differ (votes change between exports,
        labels are someone's opinion): the first row's are kept."""
        return (
            self.subject,
            self.body,
            self.received_at,
            self.contact_name,
            self.reply,
            self.replied_at,
        )


@dataclass(frozen=True)
class RowError:
    row: int
    field: str  # an ImportRow attribute: the reader maps it back to its column
    message: str | Promise


@dataclass(frozen=True)
class ImportResult:
    created: int
    skipped_existing: int
    repeated: int = 0  # later rows repeating an earlier row's message (same reference)
    published: int = 0  # of the created cases, those imported with their published reply
    numbers: tuple[str, ...] = field(default=(), repr=False)


class ImportRejected(InvalidInput):
    """One or more rows cannot be imported; nothing was written. ``errors`` lists every one."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        super().__init__(rows=sorted({e.row for e in errors}))
        self.errors = list(errors)


# --- Validation --------------------------------------------------------------------------------


# The texts of a row: (attribute, label in messages, longest allowed).
TEXTS = (
    ("external_ref", _("external reference"), MAX_EXTERNAL_REF),
    ("subject", _("subject"), MAX_SUBJECT),
    ("body", _("message text"), MAX_BODY),
    ("contact_name", _("contact name"), MAX_CONTACT_NAME),
    ("reply", _("reply text"), MAX_TEXT),
)
OPTIONAL_TEXTS = frozenset({"contact_name", "reply"})


def check_import_rows(rows: Sequence[ImportRow], *, now: datetime | None = None) -> list[RowError]:
    """Every problem of every row, not just the first: the file's author fixes them all at once."""
    now = now or clock.now()
    errors: list[RowError] = []
    first_by_ref: dict[str, ImportRow] = {}

    def error(r: ImportRow, name: str, message: str | Promise) -> None:
        errors.append(RowError(r.row, name, message))

    for r in rows:
        for name, label, limit in TEXTS:
            required = name not in OPTIONAL_TEXTS or (name == "reply" and r.replied_at is not None)
            try:
                _text(getattr(r, name), name, label, required=required, limit=limit)
            except InvalidInput as exc:
                error(r, name, exc.message)
        for moment, name, label in (
            (r.received_at, "received_at", _("message time")),
            (r.replied_at, "replied_at", _("reply time")),
        ):
            if moment is not None and moment > now:
                error(r, name, _("The %(label)s lies in the future.") % {"label": label})
        if r.reply.strip() and r.replied_at is None:
            error(r, "replied_at", _("Please fill in the %(label)s.") % {"label": _("reply time")})
        if r.reply.strip() and r.received_at is None:
            error(r, "received_at", _("A reply needs the message time as well."))
        if r.received_at is not None and r.replied_at is not None and r.replied_at < r.received_at:
            error(r, "replied_at", _("The reply time is earlier than the message time."))
        for count, name in ((r.likes, "likes"), (r.dislikes, "dislikes")):
            if count is not None and count < 0:
                error(r, name, _("The input is not valid."))
        first = first_by_ref.setdefault(r.external_ref, r) if r.external_ref else r
        if first is not r and first.message() != r.message():
            message = _("Row %(row)s has the same message number with a different message.")
            error(r, "external_ref", message % {"row": first.row})
    return errors


# --- Writing -----------------------------------------------------------------------------------


def _reserve_ids(model: type[Model], count: int) -> list[int]:
    """Primary keys for ``count`` new rows, known before the insert: each event's hash covers its
    case's id, and the case row stores the hash of its last event."""
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)"
            cursor.execute(sql, [table, count])
            return [row[0] for row in cursor.fetchall()]
        # SQLite: the transaction already holds the database's write lock (BEGIN IMMEDIATE), so
        # nobody else can take these ids; AUTOINCREMENT moves past the explicit ids on insert.
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        highest = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        seq = cursor.fetchone()
        start = max(highest, seq[0] if seq else 0) + 1
    return list(range(start, start + count))


def _lock_counters(org: OrgUnit, years: set[int]) -> dict[int, int]:
    """Lock the organisation's counters of ``years`` until commit (in year order, so that two
    imports cannot deadlock) and return their values. Taken before looking for rows already
    imported, so that a concurrent import of the same file waits and then finds them."""
    new = [CaseCounter(org=org, year=year, value=0) for year in sorted(years)]
    CaseCounter.objects.bulk_create(new, ignore_conflicts=True)
    locked = CaseCounter.objects.select_for_update().filter(org=org, year__in=years).order_by("year")
    return dict(locked.values_list("year", "value"))


def _existing_refs(refs: Sequence[str], *, channel: str, source: str, batch_size: int) -> set[str]:
    """The references already in the ledger: one query per batch, on the unique index."""
    found: set[str] = set()
    for start in range(0, len(refs), batch_size):
        some = refs[start : start + batch_size]
        # external_ref != "" repeats the partial index's condition: PostgreSQL cannot prove it
        # from an IN list of more than 100 values by itself, and would not use the index.
        query = Case.objects.filter(channel=channel, source=source, external_ref__in=some)
        found.update(query.exclude(external_ref="").values_list("external_ref", flat=True))
    return found


def get_import_account() -> Any:
    """The account imported replies are attributed to: inactive, without password or roles."""
    user, created = get_user_model().objects.get_or_create(
        username=IMPORT_ACCOUNT, defaults={"is_active": False, "full_name": "外部平台导入"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


class _Table:
    """Rows of one model, written in bulk. Each row gives the same fields (the keywords of its
    first row, in that order); every other field takes its default.

    PostgreSQL gets the rows through COPY: the same table with all its indexes and constraints, at
    a fraction of the per-row cost of INSERT, streamed from a second thread so that the server
    works while Python prepares the next rows. Other databases get one prepared INSERT run over
    all rows, with values converted by the fields as the ORM converts them.
    """

    def __init__(self, model: type[Model]) -> None:
        self.model = model
        self.names: tuple[str, ...] = ()
        self.rows: list[tuple[Any, ...]] = []

    def row(self, **values: Any) -> tuple[Any, ...]:
        if not self.names:
            self.names = tuple(values)
        return tuple(values[n] for n in self.names)

    def add(self, **values: Any) -> None:
        """Keep a row for flush()."""
        self.rows.append(self.row(**values))

    def flush(self, batch_size: int) -> None:
        rows, self.rows = self.rows, []
        if rows:
            with self.writer(batch_size) as write:
                for r in rows:
                    write(r)

    def _layout(self) -> tuple[list[Field], list[Field], str]:
        by_name = {f.attname: f for f in self.model._meta.concrete_fields}
        given = [by_name[n] for n in self.names]
        rest = [f for f in by_name.values() if f.attname not in self.names and not f.primary_key]
        columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in (*given, *rest))
        return given, rest, f"{connection.ops.quote_name(self.model._meta.db_table)} ({columns})"

    @contextmanager
    def writer(self, batch_size: int) -> Iterator[Callable[[tuple[Any, ...]], None]]:
        """A function that writes one row (a tuple from row()); all are written on exit."""
        pending: list[tuple[Any, ...]] = []
        if connection.vendor != "postgresql":
            yield pending.append
            if pending:
                self._insert(pending, batch_size)
            return
        from psycopg.copy import QueuedLibpqWriter

        # The layout is known with the first row, so COPY starts with it.
        copy: Any = None
        tail: tuple[Any, ...] = ()
        json_at: list[int] = []

        def write(r: tuple[Any, ...]) -> None:
            nonlocal copy, tail, json_at
            if copy is None:
                given, rest, target = self._layout()
                tail = tuple(f.get_default() for f in rest)
                json_at = [i for i, f in enumerate(given) if f.get_internal_type() == "JSONField"]
                copy = stack.enter_context(
                    cursor.copy(f"COPY {target} FROM STDIN", writer=QueuedLibpqWriter(cursor))
                )
            if json_at:
                values = list(r)
                for i in json_at:
                    values[i] = canonical_json(values[i]).decode()
                r = tuple(values)
            copy.write_row(r + tail)

        with connection.cursor() as wrapper, ExitStack() as stack:
            cursor = wrapper.cursor
            yield write

    def _insert(self, rows: list[tuple[Any, ...]], batch_size: int) -> None:
        given, rest, target = self._layout()
        convert = [
            (i, f) for i, f in enumerate(given) if f.get_internal_type() in ("DateTimeField", "JSONField")
        ]
        tail = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)
        marks = ", ".join(["%s"] * (len(given) + len(rest)))

        def prepared(r: tuple[Any, ...]) -> tuple[Any, ...]:
            values = list(r)
            for i, f in convert:
                values[i] = f.get_db_prep_save(values[i], connection)
            return (*values, *tail)

        with connection.cursor() as cursor:
            for start in range(0, len(rows), batch_size):
                batch = [prepared(r) for r in rows[start : start + batch_size]]
                cursor.executemany(f"INSERT INTO {target} VALUES ({marks})", batch)  # noqa: S608


class _Chain:
    """Appends events as recording.record would write them, hash-chained per case."""

    class _Event:
        # What CaseEvent.chain_payload reads, without a model instance per event.
        def __init__(self, values: dict[str, Any]) -> None:
            self.__dict__.update(values)

    def __init__(self) -> None:
        self.key = audit_key()
        self.table = _Table(CaseEvent)

    def append(
        self,
        case_id: int,
        seq: int,
        kind: str,
        states: tuple[str, str],
        at: datetime,
        data: dict[str, Any],
        prev: str,
    ) -> str:
        """Returns the new event's hash, the chain's head."""
        values = {
            "case_id": case_id,
            "seq": seq,
            "kind": kind,
            "actor_id": None,
            "actor_unit_id": None,
            "actor_role": "system",
            "from_state": states[0],
            "to_state": states[1],
            "reason": "",
            "data": data,
            "is_public": True,
            "created_at": at,
            "prev_hash": prev,
        }
        # CaseEvent.chain_payload itself: the digest recording.record computes and audit recomputes.
        payload = CaseEvent.chain_payload(cast(CaseEvent, self._Event(values)))
        digest = chain_digest(self.key, prev, payload)
        self.table.add(**values, hash=digest)
        return digest


def do_import_messages(
    rows: Sequence[ImportRow],
    *,
    org: OrgUnit,
    source: str,
    channel: str = Channel.BOARD,
    batch_size: int = DEFAULT_BATCH_SIZE,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Put ``rows`` into ``org``'s ledger in one transaction; skip those already imported.

    Raises ImportRejected (nothing written) listing every bad row. ``dry_run`` does all the work,
    including the checks against the ledger, then rolls back. ``progress`` is called with the
    number of rows written after each batch.
    """
    if channel not in Channel.values:
        raise InvalidInput(_("Unknown channel."), field="channel")
    if not org.runs_ledger:
        raise InvalidInput(_("No receiving organisation was given."), field="org")
    source = _text(source, "source", _("source"), limit=MAX_SOURCE)
    batch_size = max(1, batch_size)
    now = clock.now()
    errors = check_import_rows(rows, now=now)
    if errors:
        raise ImportRejected(errors)

    # A row repeating an earlier row's message (same reference) is that message.
    unique: dict[str, ImportRow] = {}
    for r in rows:
        unique.setdefault(r.external_ref, r)
    # When each message was received (the import's moment if the export does not say), and so
    # the year of its number, in local time.
    tz = clock.local_tz()
    stamped = [(at, at.astimezone(tz).year, r) for r in unique.values() for at in [r.received_at or now]]

    with transaction.atomic():
        counters = _lock_counters(org, {year for _at, year, _r in stamped})
        existing = _existing_refs(list(unique), channel=channel, source=source, batch_size=batch_size)
        # Numbers in order of receipt; rows received at the same moment in file order.
        new = sorted(
            (item for item in stamped if item[2].external_ref not in existing),
            key=lambda item: (item[0], item[2].row),
        )
        per_year = Counter(year for _at, year, _r in new)
        for year, count in per_year.items():
            CaseCounter.objects.filter(org=org, year=year).update(value=F("value") + count)
        next_seq = {year: counters[year] + 1 for year in per_year}

        case_ids = _reserve_ids(Case, len(new))
        published = sum(1 for _at, _year, r in new if r.reply)
        reply_ids = iter(_reserve_ids(Reply, published))
        labels = {r.label for _at, _year, r in new if r.label}
        categories = dict(
            Category.objects.filter(level=1, is_active=True, name__in=labels).values_list("name", "pk")
        )
        account_id = get_import_account().pk if published else None
        number_format = settings.WENZHENG_CASE_NUMBER_FORMAT
        numbers: list[str] = []
        cases, replies, chain = _Table(Case), _Table(Reply), _Chain()
        received_states = ("", str(State.RECEIVED))
        publish_states = (str(State.RECEIVED), str(State.PUBLISHED))

        # Cases stream to the database while the next ones are prepared; their replies and
        # events follow (they point at the cases).
        with cases.writer(batch_size) as write_case:
            for start in range(0, len(new), batch_size):
                chunk = new[start : start + batch_size]
                for (at, year, r), case_id in zip(chunk, case_ids[start : start + batch_size], strict=True):
                    seq = next_seq[year]
                    next_seq[year] += 1
                    numbers.append(number_format.format(prefix=org.case_prefix, year=year, seq=seq))
                    data: dict[str, Any] = {"channel": channel, "imported": True, "source": source}
                    if r.received_at is None:
                        data["time_unknown"] = True  # the export gave no time: received when imported
                    for name in ("likes", "dislikes"):
                        if getattr(r, name) is not None:
                            data[name] = getattr(r, name)
                    if r.label:
                        data["label"] = r.label
                    head = chain.append(case_id, 1, "receive", received_states, at, data, GENESIS)
                    state, updated_at, published_at = State.RECEIVED, at, None
                    if r.reply and r.replied_at is not None:
                        reply_id = next(reply_ids)
                        replies.add(
                            id=reply_id,
                            case_id=case_id,
                            unit_id=org.pk,
                            handling_round=1,
                            body=r.reply.strip(),
                            status=str(ReplyStatus.PUBLISHED),
                            drafted_by_id=account_id,
                            drafted_at=r.replied_at,
                            published_at=r.replied_at,
                        )
                        data = {"imported": True, "source": source, "reply": reply_id, "unit": org.name}
                        head = chain.append(case_id, 2, "publish", publish_states, r.replied_at, data, head)
                        state, updated_at, published_at = State.PUBLISHED, r.replied_at, r.replied_at
                    write_case(
                        cases.row(
                            id=case_id,
                            org_id=org.pk,
                            number=numbers[-1],
                            year=year,
                            seq=seq,
                            channel=channel,
                            source=source,
                            external_ref=r.external_ref,
                            subject=r.subject.strip(),
                            body=r.body.strip(),
                            contact_name=r.contact_name.strip(),
                            is_public=True,
                            category_id=categories.get(r.label),
                            state=str(state),
                            received_at=at,
                            published_at=published_at,
                            updated_at=updated_at,
                            version=2 if published_at else 1,  # the number of events
                            last_event_hash=head,
                        )
                    )
                if progress is not None:
                    progress(len(chunk))
        replies.flush(batch_size)
        chain.table.flush(batch_size)

        if dry_run:
            transaction.set_rollback(True)
        elif case_ids:
            transaction.on_commit(
                lambda: cases_imported.send(sender=Case, org=org, source=source, case_ids=case_ids)
            )
    return ImportResult(
        created=len(new),
        skipped_existing=len(existing),
        repeated=len(rows) - len(unique),
        published=published,
        numbers=tuple(numbers),
    )
