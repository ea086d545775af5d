"""The major-sensitive screen (专报 flags): kinds, negation and anti-cues, A+B terms, weighting, threshold,
the shipped lexicon, and precision/recall on the hand-labelled real messages (held-out test split)."""

from __future__ import annotations

import csv
import time
from pathlib import Path

import pytest

from wenzheng.insight.router import sensitive_eval as se
from wenzheng.insight.router.sensitive import (
    DEFAULT_TERMS_PATH,
    KINDS,
    SensitiveScreen,
    Term,
    default_terms,
    load_terms,
)

DATA_DIR = Path(__file__).resolve().parents[5] / "shared" / "data"
LABELS = Path(__file__).resolve().parents[1] / "data" / "sensitive_labels.csv"
needs_data = pytest.mark.skipif(
    not (DATA_DIR / "messages_labelled.csv").exists(),
    reason=f"real data folder {DATA_DIR} is absent (it lives outside the repository)",
)


@pytest.fixture(scope="module")
def screen() -> SensitiveScreen:
    return SensitiveScreen(default_terms())


# -- each kind is caught ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("subject", "body", "kind"),
    [
        (
            "工地老板拖欠工资",
            "今天上午一百多名农民工在县政府门口拉横幅讨薪，还堵路不让车辆通过。",
            "mass_incident",
        ),
        ("全体职工准备集体上访", "厂里三年没发工资，大家商量下周一起去省政府静坐。", "mass_incident"),
        ("小区燃气泄漏", "3栋二单元楼道里燃气泄漏，味道很重，物业到现在都没人来处理。", "safety"),
        ("镇上一栋民房倒塌", "昨晚大雨后老街一栋民房倒塌，有两人被埋，目前还在搜救。", "safety"),
        (
            "学校多名学生食物中毒",
            "昨天中午在食堂吃饭后，二十多名学生出现呕吐腹泻，送医院诊断为食物中毒。",
            "safety",
        ),
        (
            "村里出现霍乱病例",
            "我们村这几天连续有人上吐下泻，卫生院说可能是霍乱，请疾控部门赶快来。",
            "public_health",
        ),
        ("工厂排污导致孩子血铅超标", "附近小学体检，三十多个孩子血铅严重超标。", "public_health"),
        ("再不发工资我就跳楼", "老板欠我两年工资，我已经走投无路。", "self_harm"),
        ("求助", "我实在不想活了，家里的钱全被骗光了。", "self_harm"),
        ("举报邻居", "邻居因为宅基地纠纷，扬言杀我全家，昨天还持刀在我家门口转。", "violence"),
        ("反映问题", "他说政府再不管，他就去报复社会，和他们同归于尽。", "violence"),
    ],
)
def test_each_kind_is_flagged(screen: SensitiveScreen, subject: str, body: str, kind: str) -> None:
    flag = screen.screen(subject, body)
    assert flag.is_major
    assert flag.kinds[0] == kind
    assert flag.score >= 1.0
    assert any(h[1] == kind for h in flag.hits)


# -- ordinary complaints that merely mention a word -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("subject", "body"),
    [
        ("小区消防通道被占", "消防通道长期被私家车占用，一旦发生火灾后果不堪设想。"),
        ("工地存在安全隐患", "工地围挡破损，存在安全隐患，请有关部门督促整改。"),
        ("疫苗接种咨询", "请问二类疫苗接种需要预约吗？社区卫生服务中心几点上班？"),
        ("办证难", "我和几个邻居一起去办事，跑了三趟都没办成。"),
        ("社区开展消防演练", "上周社区组织了消防演练，模拟发生火灾时如何疏散，效果很好。"),
        ("企业安全生产检查", "建议加大安全生产检查力度，防止出现爆炸等重大事故。"),
        ("物业费问题", "物业乱收费，我们希望政府做好工作，防止出现群体性事件。"),
        ("关于老旧小区", "小区从来没有发生火灾，但是电线老化，请安排改造。"),
        ("商场促销扰民", "楼下服装店天天喇叭喊跳楼价大甩卖，吵得睡不着。"),
        ("电梯老旧", "电梯经常困人，万一哪天坠落压死人怎么办？"),
        ("垃圾站臭味", "天天闻臭味，这简直是在慢性自杀。"),
        ("咨询工伤", "我在厂里打工，手被机器压伤了，工伤怎么认定？"),
    ],
)
def test_ordinary_complaints_are_not_flagged(screen: SensitiveScreen, subject: str, body: str) -> None:
    flag = screen.screen(subject, body)
    assert not flag.is_major, flag.hits
    assert flag.kinds == ()


def test_negation_and_anti_cues_block_only_their_clause() -> None:
    scr = SensitiveScreen([Term("火灾", "safety", 1.0)])
    assert not scr.screen("", "这栋楼没有发生火灾。").is_major
    assert not scr.screen("", "社区举办火灾逃生演练。").is_major
    # A negation in another clause does not reach the hit.
    assert scr.screen("", "物业没有人值班，昨晚3楼发生火灾。").is_major


def test_hypothetical_cues_spare_threats_of_self_harm_and_violence() -> None:
    scr = SensitiveScreen([Term("跳楼", "self_harm", 1.0), Term("倒塌", "safety", 1.0)])
    assert scr.screen("", "如果再不解决我就跳楼").is_major
    assert scr.screen("", "要是拿不到钱，我就跳楼！").is_major
    assert not scr.screen("", "如果房子倒塌谁负责").is_major
    assert not scr.screen("", "房子随时倒塌怎么办？").is_major
    assert scr.screen("", "昨天房子倒塌了。").is_major


def test_combined_term_needs_both_parts_in_one_sentence() -> None:
    scr = SensitiveScreen([Term("农民工+堵路", "mass_incident", 1.0)])
    assert scr.screen("", "几十个农民工今天去工地门口堵路讨薪。").is_major
    assert not scr.screen("", "农民工工资发了。今天早上学校门口堵路很严重。").is_major
    assert not scr.screen("", "今天早上学校门口堵路很严重。").is_major
    flag = scr.screen("", "几十个农民工今天去工地门口堵路讨薪。")
    assert flag.hits == (("农民工+堵路", "mass_incident", "几十个农民工今天去工地门口堵路讨薪"),)


def test_combined_term_part_can_be_negated() -> None:
    scr = SensitiveScreen([Term("农民工+堵路", "mass_incident", 1.0)])
    assert not scr.screen("", "农民工们表示不会堵路").is_major


def test_subject_hits_weigh_more() -> None:
    scr = SensitiveScreen([Term("罢工", "mass_incident", 0.7)])
    in_body = scr.screen("反映问题", "公交司机准备罢工。")
    in_subject = scr.screen("公交司机准备罢工", "请领导关注。")
    assert not in_body.is_major
    assert in_body.score == pytest.approx(0.7)
    assert in_subject.is_major
    assert in_subject.score == pytest.approx(1.05)


def test_repeated_term_counts_once_and_independent_terms_add_up() -> None:
    scr = SensitiveScreen([Term("上访", "mass_incident", 0.5), Term("静坐", "mass_incident", 0.5)])
    repeated = scr.screen("", "上访。又上访。还要上访。")
    assert repeated.score == pytest.approx(0.5)
    assert not repeated.is_major
    both = scr.screen("", "上访不成，大家准备去静坐。")
    assert both.score == pytest.approx(1.0)
    assert both.is_major
    assert both.kinds == ("mass_incident",)


def test_shorter_term_inside_a_counted_longer_term_is_not_counted_again() -> None:
    scr = SensitiveScreen([Term("燃气泄漏", "safety", 1.0), Term("泄漏", "safety", 0.5)])
    assert scr.screen("", "楼道里燃气泄漏了").score == pytest.approx(1.0)
    assert scr.screen("", "楼道里燃气泄漏了，水管也泄漏了").score == pytest.approx(1.5)


def test_threshold() -> None:
    terms = [Term("跳楼", "self_harm", 1.0), Term("轻生", "self_harm", 0.8)]
    text = ("求助", "我想跳楼，已经有了轻生的念头。")
    assert SensitiveScreen(terms, threshold=1.0).screen(*text).is_major
    assert SensitiveScreen(terms, threshold=1.8).screen(*text).is_major
    high = SensitiveScreen(terms, threshold=2.0).screen(*text)
    assert not high.is_major
    assert high.score == pytest.approx(1.8)
    assert high.kinds == ()


def test_kinds_strongest_first_and_hits_trimmed() -> None:
    scr = SensitiveScreen(
        [Term("跳楼", "self_harm", 1.0), Term("爆炸", "safety", 1.0), Term("身亡", "safety", 1.0)]
    )
    long_clause = "前面是很长的一段话" * 10 + "工厂昨天发生爆炸" + "后面也是很长的一段话" * 10
    flag = scr.screen("", f"{long_clause}。一人身亡。工人扬言要跳楼。")
    assert flag.kinds == ("safety", "self_harm")
    assert flag.score == pytest.approx(2.0)
    assert all(len(h[2]) <= 60 for h in flag.hits)
    assert any("爆炸" in h[2] for h in flag.hits if h[0] == "爆炸")


def test_unknown_kind_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        SensitiveScreen([Term("火灾", "fire")])


def test_load_terms(tmp_path: Path) -> None:
    path = tmp_path / "terms.csv"
    path.write_text(
        "term,kind,weight\n# a comment row,,\n火灾,safety,0.6\n农民工+堵路,mass_incident,\n\n跳楼价,self_harm,0\n",
        encoding="utf-8",
    )
    assert load_terms(path) == [
        Term("火灾", "safety", 0.6),
        Term("农民工+堵路", "mass_incident", 1.0),
        Term("跳楼价", "self_harm", 0.0),
    ]
    path.write_text("term,kind,weight\n火灾,fire,1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown kind"):
        load_terms(path)
    path.write_text("term,kind,weight\n火灾,safety,heavy\n", encoding="utf-8")
    with pytest.raises(ValueError, match="not a number"):
        load_terms(path)
    path.write_text("word,weight\n火灾,1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="missing column"):
        load_terms(path)


def test_shipped_lexicon_covers_every_kind() -> None:
    terms = default_terms()
    assert 80 <= len(terms) <= 300
    assert {t.kind for t in terms} == set(KINDS)
    with open(DEFAULT_TERMS_PATH, encoding="utf-8") as fh:
        assert fh.readline().strip() == "term,kind,weight"
    assert len({t.term for t in terms}) == len(terms), "duplicate terms in the lexicon"


def test_speed(screen: SensitiveScreen) -> None:
    body = (
        "尊敬的领导：我们小区物业管理混乱，电梯经常故障，消防通道被占，垃圾无人清理，业主多次反映都没有结果。"
        "开发商承诺的配套至今没有兑现，房屋外墙渗水，地下车库积水，请有关部门督促整改，还我们一个安全的家。"
    ) * 2
    messages = [(f"A{i}区某小区物业问题", body + str(i)) for i in range(2000)]
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        for subject, text in messages:
            screen.screen(subject, text)
        best = min(best, time.perf_counter() - t0)
    assert len(messages) / best >= 2000


# -- evaluation helpers ----------------------------------------------------------------------------------------------
def _item(stratum: str, major: bool, text: str, kind: str = "") -> se.LabelledItem:
    return se.LabelledItem("f.csv", 1, "", text, stratum, major, kind, "test")


def test_evaluate_weights_strata_by_population() -> None:
    scr = SensitiveScreen([Term("跳楼", "self_harm", 1.0)])
    items = [
        _item("strong", True, "我要跳楼", "self_harm"),  # TP, weight 100/2 = 50
        _item("strong", False, "我要跳楼"),  # FP, weight 50
        _item("rest", True, "活着没意思", "self_harm"),  # FN, weight 1000/2 = 500
        _item("rest", False, "路灯坏了"),  # TN
    ]
    r = se.evaluate(scr, items, population={"strong": 100, "rest": 1000})
    assert (r["n"], r["positives"], r["tp"], r["fp"], r["fn"]) == (4, 2, 1, 1, 1)
    assert r["precision"] == pytest.approx(0.5)
    assert r["recall"] == pytest.approx(0.5)
    assert r["per_kind_recall"] == {"self_harm": 0.5}
    assert r["population"]["precision"] == pytest.approx(50 / 100)
    assert r["population"]["recall"] == pytest.approx(50 / 550)
    assert r["population"]["est_major_messages"] == pytest.approx(550)
    assert r["population"]["est_major_rate"] == pytest.approx(550 / 1100)
    assert len(r["errors"]) == 2  # the false positive and the false negative


def test_load_labelled_checks_subject_hash(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    with open(data / "m.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["留言编号", "留言主题", "留言详情"])
        w.writerow(["1", "小区燃气泄漏", "楼道里燃气泄漏"])
        w.writerow(["2", "路灯不亮", ""])
    labels = tmp_path / "labels.csv"
    header = "file,row,subject_sha1,stratum,major,kind,split\n"
    good = f"m.csv,1,{se.subject_sha1('小区燃气泄漏')},strong,1,safety,dev\nm.csv,2,{se.subject_sha1('路灯不亮')},rest,0,,test\n"
    labels.write_text(header + good, encoding="utf-8")
    items = se.load_labelled(data, labels)
    assert [(i.row, i.subject, i.major, i.kind, i.split) for i in items] == [
        (1, "小区燃气泄漏", True, "safety", "dev"),
        (2, "路灯不亮", False, "", "test"),
    ]
    labels.write_text(header + "m.csv,2,000000000000,rest,0,,test\n", encoding="utf-8")
    with pytest.raises(ValueError, match="sha1"):
        se.load_labelled(data, labels)
    labels.write_text(header + f"m.csv,3,{se.subject_sha1('x')},rest,0,,test\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no data row"):
        se.load_labelled(data, labels)


def test_split_is_stable_and_balanced() -> None:
    splits = [se.split_of("messages_labelled.csv", r) for r in range(1, 2001)]
    assert splits == [se.split_of("messages_labelled.csv", r) for r in range(1, 2001)]
    assert 900 < splits.count("dev") < 1100


# -- real labelled messages --------------------------------------------------------------------------------------
@needs_data
def test_label_file_matches_the_data_and_the_sampling() -> None:
    items = se.load_labelled(DATA_DIR, LABELS)  # raises on any subject-hash mismatch
    first, second = items[:520], items[520:]
    assert se.count_strata(DATA_DIR) == se.STRATUM_POPULATION
    drawn = se.sample_rows(DATA_DIR)
    assert [(i.file, i.row, i.stratum) for i in first] == [(f, r, s) for f, r, s, _ in drawn]
    assert all(i.split == se.split_of(i.file, i.row) for i in first)
    assert sum(i.major for i in first) >= 25
    # The second round: its own draw from the rows the first left, all of it a fresh test set.
    redrawn = se.second_sample(DATA_DIR)
    assert [(i.file, i.row, i.stratum) for i in second] == [(f, r, s) for f, r, s, _ in redrawn]
    assert {(i.file, i.row) for i in first}.isdisjoint((i.file, i.row) for i in second)
    assert {i.split for i in second} == {"test2"}


@needs_data
def test_precision_and_recall_on_held_out_test_split(screen: SensitiveScreen) -> None:
    items = [i for i in se.load_labelled(DATA_DIR, LABELS) if i.split == "test"]
    r = se.evaluate(screen, items)
    # Measured when the lexicon was frozen: precision 0.77 (10/13), recall 0.59 (10/17); the same on the
    # population-weighted estimate (every test positive and false positive lies in the "strong" stratum).
    assert r["positives"] == 17
    assert r["precision"] >= 0.70
    assert r["recall"] >= 0.50
    assert r["population"]["precision"] >= 0.70
    assert r["population"]["recall"] >= 0.50


@needs_data
def test_precision_and_recall_on_the_second_test_set(screen: SensitiveScreen) -> None:
    items = [i for i in se.load_labelled(DATA_DIR, LABELS) if i.split == "test2"]
    r = se.evaluate(screen, items)
    # Drawn, labelled by a second reader and evaluated once after the lexicon was frozen (2026-11-22):
    # precision 0.41 (12/29), recall 0.43 (12/28) — far below the first test split; see
    # docs/router-sensitive.md. The floor guards against the screen getting worse still.
    assert (r["n"], r["positives"]) == (360, 28)
    assert r["tp"] >= 12
    assert r["precision"] >= 0.40
    assert r["recall"] >= 0.40


@needs_data
def test_dev_split_figures(screen: SensitiveScreen) -> None:
    items = [i for i in se.load_labelled(DATA_DIR, LABELS) if i.split == "dev"]
    r = se.evaluate(screen, items)
    # Tuned on this split: precision 0.71 (12/17), recall 0.92 (12/13).
    assert r["precision"] >= 0.65
    assert r["recall"] >= 0.85
