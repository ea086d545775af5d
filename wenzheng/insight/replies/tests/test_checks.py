"""Each quality check on a good and a weak draft (written here, not taken from the data)."""

from wenzheng.insight.replies import checks
from wenzheng.insight.replies.text import key_terms, requests_of

SUBJECT = "景蓉华苑小区电梯故障何时修好？"
BODY = (
    "A2区景蓉华苑小区3栋电梯已经停运两周，老人上下楼非常困难。请问电梯什么时候能修好？"
    "物业公司收了维修基金为什么不维修？希望有关部门督促物业尽快维修。"
)
GOOD = (
    "您好！您反映的景蓉华苑小区3栋电梯故障问题收悉。经调查核实，该电梯于2019年5月3日因主板损坏停运，"
    "物业公司已于5月10日联系厂家更换主板，预计5月20日前恢复运行。关于维修基金的使用，根据《住宅专项维修资金"
    "管理办法》第二十二条规定，电梯主要部件更换可申请使用维修基金，街道已督促物业公司在5月15日前公示费用。"
    "区住建局将对维修进度跟踪督办，共检查小区电梯12台。感谢您对我们工作的关心和支持。"
)
WEAK = "您好，您的留言已收悉。已转相关部门处理。"


def test_it_finds_the_places_and_objects_of_a_message():
    words = [t.word for t in key_terms(SUBJECT + BODY)]
    assert any("景蓉华苑" in w for w in words)
    assert "电梯" in words


def test_it_splits_a_message_into_its_questions_and_requests():
    requests = requests_of(SUBJECT, BODY)
    assert len(requests) >= 3
    assert any("什么时候" in r for r in requests)
    assert any("为什么" in r for r in requests)


def test_it_scores_relevance_by_the_message_terms_the_draft_takes_up():
    good = checks.check_relevance(SUBJECT, BODY, GOOD)
    weak = checks.check_relevance(SUBJECT, BODY, "您好，关于公交线路调整的建议已收悉，谢谢。")
    assert good.passed
    assert good.score > 0.6
    assert not weak.passed
    assert weak.score < 0.2
    assert weak.missing
    assert "未提及" in weak.missing[0]


def test_it_flags_an_incomplete_reply_and_names_the_open_requests():
    good = checks.check_completeness(SUBJECT, BODY, GOOD)
    weak = checks.check_completeness(SUBJECT, BODY, WEAK)
    assert good.passed
    assert not weak.passed
    assert any(point.startswith("未回应") for point in weak.missing)
    assert any("过于简略" in point for point in weak.missing)


def test_it_wants_facts_and_a_policy_basis_for_explainability():
    good = checks.check_explainability(GOOD)
    weak = checks.check_explainability(WEAK)
    assert good.passed
    assert good.score > weak.score
    assert any("《住宅专项维修资金管理办法》" in r for r in good.reasons)
    assert not weak.passed
    assert any("处理依据" in point for point in weak.missing)
    assert any("事实" in point for point in weak.missing)


def test_it_recognises_the_basis_and_the_facts_separately():
    parts = checks.explainability_parts(
        "按照《物业管理条例》第三十条规定，经现场核查，2019年5月3日已维修3台。"
    )
    assert parts["policy_document"] == ["《物业管理条例》"]
    assert parts["policy_article"] == ["第三十条"]
    assert checks.basis_strength(parts) == 1.0
    assert checks.facts_count(parts) >= 3
    assert checks.basis_strength(checks.explainability_parts("已处理。")) == 0.0


def test_it_wants_courtesy_and_no_blame_in_the_tone():
    good = checks.check_tone(GOOD)
    rude = checks.check_tone("此事与我单位无关，请你自己找物业解决，不要再反映。")
    refusal = checks.check_tone("您好！不予受理。谢谢。")
    explained = checks.check_tone("您好！因该事项已进入诉讼程序，依法不予受理。谢谢您的理解。")
    assert good.passed
    assert good.score == 1.0
    assert not rude.passed
    assert any("指责或推诿" in point for point in rude.missing)
    assert not refusal.passed
    assert any("未说明理由" in point for point in refusal.missing)
    assert explained.passed


def test_it_measures_timeliness_against_the_limit():
    on_time = checks.check_timeliness(3, 5)
    late = checks.check_timeliness(8, 5)
    unknown = checks.check_timeliness(None, None)
    assert on_time.passed
    assert on_time.score == 1.0
    assert not late.passed
    assert 0 < late.score < 1
    assert any("超过办理时限" in point for point in late.missing)
    assert not unknown.applicable


def test_it_gives_every_check_and_an_overall_score():
    result = checks.check_reply(SUBJECT, BODY, GOOD, used_days=2, limit_days=5)
    weak = checks.check_reply(SUBJECT, BODY, WEAK, used_days=9, limit_days=5)
    assert [c.name for c in result.checks] == list(checks.CHECK_NAMES)
    assert result.overall > weak.overall
    assert all(0.0 <= c.score <= 1.0 for c in result.checks + weak.checks)
    assert len(weak.missing) > len(result.missing)
    assert result.as_dict()["checks"][0]["label"] == "针对性"
