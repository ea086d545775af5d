"""The demo content is pure data: these tests need no database and no Django settings."""

from __future__ import annotations

import csv
import re
import string
from collections import Counter

import pytest

from wenzheng.demo import content
from wenzheng.demo.content import (
    CATEGORY_CSV_PATH,
    CHANNELS,
    DEMO_USERS,
    GRADES,
    MAILBOXES,
    ORG_KINDS,
    ORG_TREE,
    REPLY_OUTCOMES,
    ROLES,
    GeneratedMessage,
    generate_messages,
    iter_units,
    load_categories,
    place_refs,
    template_counts,
)

PHONE = re.compile(r"^1[35789]\d{9}$")
CODE = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$")


@pytest.fixture(scope="module")
def messages() -> list[GeneratedMessage]:
    return generate_messages(500, seed=1, place_names=place_refs())


def _csv_rows() -> tuple[list[str], list[tuple[str, ...]]]:
    with CATEGORY_CSV_PATH.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        return header, [tuple(row) for row in reader]


# ---- organisation ---------------------------------------------------------------------------


def test_it_gives_every_unit_a_unique_ascii_code() -> None:
    codes = [unit.code for unit, _ in iter_units()]
    assert len(codes) == len(set(codes))
    assert all(CODE.match(code) and len(code) <= 40 for code in codes), codes


def test_it_uses_only_known_unit_kinds() -> None:
    kinds = {unit.kind for unit, _ in iter_units()}
    assert kinds <= set(ORG_KINDS)
    assert {"province", "city", "district", "county", "township", "street", "community"} <= kinds


def test_it_builds_the_described_tree() -> None:
    assert (ORG_TREE.code, ORG_TREE.name, ORG_TREE.kind) == ("JC", "江川省", "province")
    (city,) = ORG_TREE.children
    assert (city.code, city.name, city.kind) == ("QL", "青澜市", "city")
    by_kind = Counter(child.kind for child in city.children)
    assert by_kind["district"] == 3
    assert by_kind["county"] == 1
    assert 10 <= by_kind["department"] <= 12
    assert {"市委办公室", "市政府办公室", "市网络问政受理中心", "市委督查室"} <= {
        child.short_name for child in city.children if child.kind == "office"
    }
    for district in (c for c in city.children if c.kind in ("district", "county")):
        kinds = Counter(child.kind for child in district.children)
        assert kinds["office"] == 1
        assert 3 <= kinds["department"] <= 4
        assert kinds["street"] + kinds["township"] == 3
        for street in (c for c in district.children if c.kind in ("street", "township")):
            assert [c.kind for c in street.children] == ["community", "community"]


def test_it_keeps_children_codes_under_their_parent_code() -> None:
    for unit, parent in iter_units():
        if parent is not None and parent.kind not in ("province",):
            assert unit.code.startswith(parent.code + "-") or parent.code == "QL"


def test_it_gives_districts_and_streets_the_short_forms_citizens_write() -> None:
    names = {unit.name: unit for unit, _ in iter_units()}
    assert "东湖" in names["东湖区"].aliases
    assert "青澜" in names["青澜市"].aliases
    assert {"桂花街", "桂花"} <= set(names["桂花街道"].aliases)
    aliases = [alias for unit, _ in iter_units() for alias in unit.aliases]
    assert len(aliases) == len(set(aliases)), "an alias must point at one unit only"


# ---- mailboxes and users --------------------------------------------------------------------


def test_it_routes_every_mailbox_to_an_existing_office() -> None:
    units = {unit.code: unit for unit, _ in iter_units()}
    assert len({mailbox.code for mailbox in MAILBOXES}) == len(MAILBOXES)
    for mailbox in MAILBOXES:
        assert units[mailbox.office_code].kind == "office"
    names = {mailbox.name for mailbox in MAILBOXES}
    assert {"市委书记信箱", "市长信箱", "临江县县长信箱"} <= names
    assert sum(name.endswith("区长信箱") for name in names) == 3


def test_it_places_every_demo_user_in_an_existing_unit_with_a_known_role() -> None:
    units = {unit.code for unit, _ in iter_units()}
    assert len({user.username for user in DEMO_USERS}) == len(DEMO_USERS)
    for user in DEMO_USERS:
        assert user.unit_code in units
        assert user.role in ROLES
        assert set(user.username) <= set(string.ascii_lowercase + string.digits + "_")
        assert 2 <= len(user.full_name) <= 4
    assert {user.role for user in DEMO_USERS} == set(ROLES)


def test_it_gives_districts_a_and_b_their_own_unit_staff() -> None:
    staff = {(user.unit_code, user.role) for user in DEMO_USERS}
    for office in ("QL-DH-BGS", "QL-XC-BGS", "QL-ZJ"):
        for role in ("liaison", "handler", "unit_leader"):
            assert (office, role) in staff
    handlers = {user.unit_code for user in DEMO_USERS if user.role == "handler"}
    assert {"QL-DH-BGS", "QL-XC-BGS", "QL-GX-BGS", "QL-LJ-BGS"} <= handlers


# ---- categories -----------------------------------------------------------------------------


def test_it_ships_a_category_csv_in_the_board_export_format() -> None:
    header, rows = _csv_rows()
    assert header == ["一级分类", "二级分类", "三级分类"]
    assert all(len(row) == 3 and all(cell and cell == cell.strip() for cell in row) for row in rows)
    assert len(rows) == len(set(rows))
    assert 150 <= len(rows) <= 250
    assert len({row[0] for row in rows}) >= 10
    assert tuple(rows) == load_categories()


def test_it_keeps_level2_and_level3_counts_in_range() -> None:
    level2: dict[str, set[str]] = {}
    level3 = Counter((row[0], row[1]) for row in load_categories())
    for l1, l2, _ in load_categories():
        level2.setdefault(l1, set()).add(l2)
    assert all(2 <= len(children) <= 5 for children in level2.values()), level2
    assert all(1 <= count <= 4 for count in level3.values())


# ---- templates ------------------------------------------------------------------------------


def test_it_has_at_least_four_templates_for_every_template_category() -> None:
    counts = template_counts()
    assert set(counts) == {row[0] for row in load_categories()}
    assert all(count >= 4 for count in counts.values()), counts


def test_it_files_every_template_under_a_leaf_of_the_csv() -> None:
    leaves = set(load_categories())
    for template in content._TEMPLATES:
        assert template.triple in leaves, template.category


def test_it_renders_every_template_text_with_the_slots() -> None:
    import random

    rng = random.Random(0)
    for ref in [None, *place_refs()]:
        slots = content._slots(rng, ref, content._district_names(place_refs()))
        for template in content._TEMPLATES:
            texts = [*template.subjects, *template.bodies, *template.asks, template.topic]
            texts += [template.resolved, template.progress, template.explained]
            for text in texts:
                rendered = text.format_map(slots)
                assert "{" not in rendered
                assert "}" not in rendered
            for subject in template.subjects:
                assert 8 <= len(subject.format_map(slots)) <= 30, subject


def test_it_names_the_place_in_every_located_template() -> None:
    for template in content._TEMPLATES:
        if template.setting != "none":
            assert all("{place}" in body for body in template.bodies), template.category


def test_it_has_major_templates_for_wages_gas_and_food_poisoning() -> None:
    majors = {template.triple for template in content._TEMPLATES if template.major}
    assert ("劳动和社会保障", "劳动关系", "拖欠工资") in majors
    assert ("城市管理", "公用事业", "燃气安全") in majors
    assert ("市场监管", "食品安全", "校园食品安全") in majors


# ---- generator ------------------------------------------------------------------------------


def test_it_generates_the_requested_number(messages: list[GeneratedMessage]) -> None:
    assert len(messages) == 500
    assert generate_messages(0, seed=1, place_names=place_refs()) == []


def test_it_is_deterministic_for_a_seed(messages: list[GeneratedMessage]) -> None:
    assert generate_messages(500, seed=1, place_names=place_refs()) == messages
    other = generate_messages(500, seed=2, place_names=place_refs())
    assert other != messages
    assert sum(a == b for a, b in zip(other, messages, strict=True)) < 10


def test_it_does_not_touch_the_global_random_state() -> None:
    import random

    random.seed(123)
    expected = random.random()
    random.seed(123)
    generate_messages(50, seed=9, place_names=place_refs())
    assert random.random() == expected


def test_it_only_uses_leaf_categories_and_covers_every_level1(messages: list[GeneratedMessage]) -> None:
    leaves = set(load_categories())
    assert all((m.level1, m.level2, m.level3) in leaves for m in messages)
    assert {m.level1 for m in messages} == {row[0] for row in leaves}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_it_keeps_texts_within_length_bounds(seed: int) -> None:
    for m in generate_messages(500, seed=seed, place_names=place_refs()):
        assert 8 <= len(m.subject) <= 30, m.subject
        assert 60 <= len(m.body) <= 400, m.body
        assert 80 <= len(m.reply_body) <= 400, m.reply_body


def test_it_writes_valid_contacts(messages: list[GeneratedMessage]) -> None:
    assert all(PHONE.match(m.contact_phone) for m in messages)
    assert all(2 <= len(m.contact_name) <= 3 for m in messages)
    emails = [m.contact_email for m in messages]
    assert 0 < emails.count("") < len(emails)
    assert all(e == "" or re.match(r"^[a-z]+\d+@example\.(com|net|org)$", e) for e in emails)
    public = sum(m.is_public for m in messages) / len(messages)
    assert 0.7 <= public <= 0.9


def test_it_grades_roughly_as_specified(messages: list[GeneratedMessage]) -> None:
    grades = Counter(m.grade for m in messages)
    assert set(grades) <= set(GRADES)
    assert 0.01 <= grades["major"] / 500 <= 0.06
    assert 0.08 <= grades["important"] / 500 <= 0.25
    assert grades["general"] > grades["important"] + grades["major"]


def test_it_writes_major_messages_about_sensitive_matters(messages: list[GeneratedMessage]) -> None:
    majors = [m for m in messages if m.grade == "major"]
    sensitive = {(t.triple, t.bodies[0][:6]) for t in content._TEMPLATES if t.major}
    assert majors
    for m in majors:
        assert any((m.level1, m.level2, m.level3) == triple for triple, _ in sensitive)
        assert m.reply_outcome in ("resolved", "in_progress")


def test_it_sets_a_mailbox_exactly_for_mailbox_messages(messages: list[GeneratedMessage]) -> None:
    mailbox_codes = {mailbox.code for mailbox in MAILBOXES}
    assert {m.channel for m in messages} == set(CHANNELS)
    for m in messages:
        if m.channel == "mailbox":
            assert m.mailbox_code in mailbox_codes
        else:
            assert m.mailbox_code is None


def test_it_writes_no_duplicate_messages(messages: list[GeneratedMessage]) -> None:
    pairs = {(m.subject, m.body) for m in messages}
    assert len(pairs) == len(messages)


def test_it_places_messages_in_known_places(messages: list[GeneratedMessage]) -> None:
    places = {ref.unit_code: ref for ref in place_refs()}
    located = [m for m in messages if m.place_code is not None]
    assert len(located) > len(messages) / 2
    for m in located:
        assert m.place_code in places
        ref = places[m.place_code]
        assert ref.name in m.body or ref.name in m.subject or ref.name in m.reply_body


def test_it_builds_place_refs_for_streets_townships_and_communities() -> None:
    refs = place_refs()
    kinds = {unit.code: unit.kind for unit, _ in iter_units()}
    assert {kinds[ref.unit_code] for ref in refs} == {"street", "township", "community"}
    assert all(ref.district_code in kinds for ref in refs)
    assert next(ref for ref in refs if ref.name == "沙湾村").district_code == "QL-LJ"


def test_it_generates_without_places() -> None:
    result = generate_messages(40, seed=5, place_names=[])
    assert len(result) == 40
    assert all(m.place_code is None for m in result)


def test_it_answers_in_an_official_voice_consistent_with_the_outcome(
    messages: list[GeneratedMessage],
) -> None:
    assert {m.reply_outcome for m in messages} == set(REPLY_OUTCOMES)
    for m in messages:
        assert "您好" in m.reply_body
        assert "收悉" in m.reply_body
        if m.reply_outcome == "not_competent":
            assert "不属于我单位职责范围" in m.reply_body
    outcomes = Counter(m.reply_outcome for m in messages)
    assert outcomes["resolved"] > outcomes["not_competent"]
