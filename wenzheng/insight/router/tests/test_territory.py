"""Tests of the territory matcher on a small synthetic tree, and on the hand-labelled real messages."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from wenzheng.insight.router.territory import Place, TerritoryMatcher, abbreviations
from wenzheng.insight.router.territory_eval import LABELS_CSV, evaluate, load_labelled, load_tree

SHARED_DATA = Path(__file__).resolve().parents[5] / "shared" / "data"
MESSAGES = SHARED_DATA / "messages_labelled.csv"

PROVINCE, QINGLAN, DONGHU, XIHU, GUIYUAN_ST, GUIYUAN_CM, XINCUN_E, MEILIN, XINCUN_W = range(1, 10)
SHIMEN, QINGSHI_TOWN, QINGSHI_VILLAGE, A3, BAILU, JIANGZHOU, JIANGBEI, CHANGLE_Q, CHANGLE_J = range(10, 19)

PLACES = [
    Place(PROVINCE, "南岭省", "province", None),
    Place(QINGLAN, "青澜市", "city", PROVINCE),
    Place(DONGHU, "东湖区", "district", QINGLAN),
    Place(XIHU, "西湖区", "district", QINGLAN),
    Place(GUIYUAN_ST, "桂园街道", "street", DONGHU),
    Place(GUIYUAN_CM, "桂园社区", "community", GUIYUAN_ST),
    Place(XINCUN_E, "新村社区", "community", GUIYUAN_ST),
    Place(MEILIN, "梅林街道", "street", XIHU),
    Place(XINCUN_W, "新村社区", "community", MEILIN),
    Place(SHIMEN, "石门县", "county", QINGLAN),
    Place(QINGSHI_TOWN, "青石镇", "township", SHIMEN),
    Place(QINGSHI_VILLAGE, "青石村", "community", QINGSHI_TOWN),
    Place(A3, "A3区", "district", QINGLAN),
    Place(BAILU, "白鹭县", "county", QINGLAN, aliases=("鹭城",)),
    Place(JIANGZHOU, "江州市", "city", PROVINCE),
    Place(JIANGBEI, "江北区", "district", JIANGZHOU),
    Place(CHANGLE_Q, "长乐区", "district", QINGLAN),
    Place(CHANGLE_J, "长乐区", "district", JIANGZHOU),
]


@pytest.fixture(scope="module")
def matcher() -> TerritoryMatcher:
    return TerritoryMatcher(PLACES)


def matched_id(m: TerritoryMatcher, text: str) -> int | None:
    found = m.match(text)
    return found.place_id if found else None


def test_automatic_abbreviations():
    assert abbreviations("东湖区") == ("东湖",)
    assert abbreviations("桂园街道") == ("桂园",)
    assert abbreviations("桂园街道办事处") == ("桂园",)
    assert abbreviations("青石村委会") == ("青石",)
    assert abbreviations("西地省") == ("西地",)
    assert abbreviations("湘西土家族苗族自治州") == ("湘西州", "湘西")
    # Too short, purely Latin/digits, numerals, generic words, development zones: no abbreviation.
    assert abbreviations("和村") == ()
    assert abbreviations("A3区") == ()
    assert abbreviations("C4市") == ()
    assert abbreviations("十八村") == ()
    assert abbreviations("新村社区") == ()
    assert abbreviations("石门县") == ()
    assert abbreviations("高新区") == ()


def test_abbreviation_matches_its_place(matcher):
    found = matcher.match("东湖的路灯坏了一个月没人修")
    assert found is not None
    assert found.place_id == DONGHU
    assert found.evidence == ("东湖",)
    assert 0.5 <= found.confidence < 0.7  # an abbreviation alone is less sure than the full name


def test_longest_match_wins(matcher):
    found = matcher.match("东湖区的路灯坏了")
    assert found is not None
    assert found.place_id == DONGHU
    assert found.evidence == ("东湖区",)
    assert found.confidence >= 0.7


def test_deepest_place_of_a_mentioned_chain(matcher):
    text = "青澜市东湖区桂园街道桂园社区门口垃圾堆积"
    found = matcher.match(text)
    assert found is not None
    assert found.place_id == GUIYUAN_CM
    assert set(found.evidence) == {"青澜市", "东湖区", "桂园街道", "桂园社区"}
    ranked = [c.place_id for c in matcher.candidates(text, limit=4)]
    assert ranked == [GUIYUAN_CM, GUIYUAN_ST, DONGHU, QINGLAN]


def test_mentioned_ancestors_raise_confidence(matcher):
    alone = matcher.match("东湖区的路灯坏了")
    with_chain = matcher.match("青澜市东湖区的路灯坏了")
    assert alone is not None
    assert with_chain is not None
    assert with_chain.place_id == alone.place_id == DONGHU
    assert with_chain.confidence > alone.confidence


def test_ancestor_disambiguates_namesakes(matcher):
    assert matched_id(matcher, "东湖区新村社区晚上广场舞噪音大") == XINCUN_E
    assert matched_id(matcher, "梅林街道新村社区的路面塌陷") == XINCUN_W
    assert matched_id(matcher, "西湖区新村社区停水三天了") == XINCUN_W
    # Also when the ancestor comes later in the body.
    assert matched_id(matcher, "新村社区停水三天\n我住在西湖区，请尽快处理") == XINCUN_W


def test_ambiguous_bare_name_returns_common_ancestor(matcher):
    text = "新村社区垃圾没人清理"
    ranked = matcher.candidates(text)
    assert {c.place_id for c in ranked[:2]} == {XINCUN_E, XINCUN_W}
    assert all(c.confidence < 0.5 for c in ranked[:2])
    found = matcher.match(text)
    assert found is not None
    assert found.place_id == QINGLAN  # both 新村社区 are in 青澜市
    assert found.evidence == ("新村社区",)


def test_ambiguous_without_useful_common_ancestor_is_none(matcher):
    # The two 长乐区 share only the root, which the text does not mention.
    assert matcher.match("长乐区的公交车太少") is None
    # Named by its city, it is no longer ambiguous.
    assert matched_id(matcher, "江州市长乐区的公交车太少") == CHANGLE_J
    assert matched_id(matcher, "长乐区的公交车太少，青澜市交通局不管") == CHANGLE_Q
    # If the text names the common ancestor, that is the answer.
    assert matched_id(matcher, "南岭省长乐区的公交车太少") == PROVINCE


def test_namesakes_in_one_line_resolve_to_the_ancestor(matcher):
    assert matched_id(matcher, "桂园这边停电了") == GUIYUAN_ST
    assert matched_id(matcher, "青石的河道被挖砂破坏") == QINGSHI_TOWN
    assert matched_id(matcher, "青石村的河道被挖砂破坏") == QINGSHI_VILLAGE


def test_alias(matcher):
    found = matcher.match("鹭城的出租车拒载")
    assert found is not None
    assert found.place_id == BAILU
    assert found.evidence == ("鹭城",)


def test_no_false_match_on_generic_words(matcher):
    for text in (
        "人民路新村小区旁边中山公园的厕所太脏",
        "单位的A3纸不够用，打印机也坏了",
        "CA3区域的服务器宕机",
        "江北的房价太高了",
        "石门口的早餐店卫生差",
        "我是一名普通教师，想咨询退休工资怎么算",
    ):
        assert matcher.match(text) is None, text
        assert matcher.candidates(text) == [], text


def test_latin_names_are_whole_tokens(matcher):
    assert matched_id(matcher, "A3区桐梓坡小区摊贩占道") == A3
    assert matched_id(matcher, "投诉人2013-7-5A3区") == A3  # digits glued before the name are fine
    assert matched_id(matcher, "Ａ３区的路灯不亮") == A3  # full-width letters and digits
    assert matcher.match("XA3区的路灯不亮") is None


def test_subject_counts_more_than_body(matcher):
    assert matched_id(matcher, "东湖区路灯不亮\n上次西湖区也有这个问题，后来修好了") == DONGHU
    assert matched_id(matcher, "西湖区路灯不亮\n东湖区上次也有这个问题") == XIHU
    # Named once each in the body: a tie, so the answer is their common ancestor.
    assert matched_id(matcher, "路灯不亮\n东湖区上次也有这个问题，西湖区的路灯不亮") == QINGLAN


def test_empty_and_placeless_text(matcher):
    assert matcher.match("") is None
    assert matcher.candidates("") == []
    assert matcher.match("   \n  ") is None
    assert matcher.candidates("物业费太贵了", limit=0) == []


def test_bad_trees():
    with pytest.raises(ValueError, match="unknown kind"):
        TerritoryMatcher([Place(1, "青澜市", "metropolis", None)])
    with pytest.raises(ValueError, match="duplicate"):
        TerritoryMatcher([Place(1, "青澜市", "city", None), Place(1, "江州市", "city", None)])
    # A parent cycle must not hang.
    looped = TerritoryMatcher([Place(1, "青澜市", "city", 2), Place(2, "东湖区", "district", 1)])
    assert matched_id(looped, "东湖区") == 2


def _random_tree(rnd: random.Random, chars: str) -> list[Place]:
    places = [Place(1, "南岭省", "province", None)]
    for kind, parent_kind, suffixes, count in (
        ("city", "province", ["市"], 10),
        ("district", "city", ["区", "县"], 100),
        ("street", "district", ["街道", "镇"], 800),
        ("community", "street", ["社区", "村"], 4000),
    ):
        pool = [p.id for p in places if p.kind == parent_kind]
        for _ in range(count):
            name = "".join(rnd.choice(chars) for _ in range(rnd.choice((2, 3)))) + rnd.choice(suffixes)
            places.append(Place(len(places) + 1, name, kind, rnd.choice(pool)))
    return places


def test_fast_enough_on_a_large_tree():
    rnd = random.Random(7)
    name_chars = (
        "东西南北中金银铜铁石山水江河湖海桂兰竹梅松柏青红白黄绿龙凤虎鹤云雨雪风月星天地花草田园林泉溪桥港湾岭"
    )
    places = _random_tree(rnd, name_chars)
    assert len(places) == 4911
    m = TerritoryMatcher(places)
    filler = "我们小区的物业公司收费不合理请领导关注并尽快处理谢谢反映问题已经多次没有回复希望相关部门调查"
    texts = []
    for _ in range(400):
        parts = ["".join(rnd.choice(filler) for _ in range(60)) for _ in range(5)]
        for k in range(1, 5):
            parts.insert(k * 2 - 1, rnd.choice(places).name)
        texts.append("".join(parts))
    start = time.perf_counter()
    found = [m.match(t) for t in texts]
    per_second = len(texts) / (time.perf_counter() - start)
    assert any(f is not None for f in found)
    assert per_second > 1000  # >2,000/s expected; generous for a loaded machine
    # Pathological text made only of name characters: every position hits; must stay bounded.
    worst = "".join(rnd.choice(name_chars) for _ in range(3000))
    start = time.perf_counter()
    m.candidates(worst)
    assert time.perf_counter() - start < 2.0


# -- real messages ------------------------------------------------------------------------------------

needs_data = pytest.mark.skipif(
    not MESSAGES.exists(), reason=f"real data not available ({MESSAGES} is absent)"
)


@needs_data
def test_labels_align_with_the_data(tmp_path):
    items = load_labelled(MESSAGES)
    assert len(items) >= 200
    golds = [g for _, g in items]
    assert sum(g is not None for g in golds) >= 180
    _, code_of = load_tree()
    assert {g for g in golds if g} <= set(code_of.values())
    # A label pointing at the wrong row is caught.
    lines = LABELS_CSV.read_text(encoding="utf-8").splitlines()
    first = next(i for i, line in enumerate(lines) if line[:1].isdigit())
    row, sha, gold = lines[first].split(",")
    lines[first] = f"{int(row) + 1},{sha},{gold}"
    bad = tmp_path / "labels.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="sha1"):
        load_labelled(MESSAGES, bad)


@needs_data
def test_precision_and_recall_on_labelled_messages():
    places, code_of = load_tree()
    matcher = TerritoryMatcher(places)
    items = load_labelled(MESSAGES)
    result = evaluate(matcher, items, code_of)
    # Measured: precision 0.915, recall 0.910 (220 messages, 201 with a gold place).
    assert result["precision"] >= 0.88, result
    assert result["recall"] >= 0.87, result
    assert result["n"] == len(items)
    county = [(t, g) for t, g in items if g is not None and g != "XD" and g[1:].isdigit()]
    county_result = evaluate(matcher, county, code_of)
    # Measured on county-level golds: precision 0.992, recall 0.984.
    assert county_result["recall"] >= 0.95, county_result
    assert county_result["precision"] >= 0.95, county_result
