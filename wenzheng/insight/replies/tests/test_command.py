"""`wenzheng replies …` on small files written here, and on the real data where it is present."""

import csv
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from wenzheng.insight.replies import checks
from wenzheng.insight.replies.quality_eval import COMPLETENESS_GRID, EXPLAINABILITY_GRID, fit, load_labelled

SHARED = Path(__file__).resolve().parents[4].parent / "shared" / "data"
GOOD = (
    "您好！您反映的{s}问题收悉。经调查核实，{s}情况属实，街道已于2019年5月3日组织现场查看，共排查问题3处，"
    "已于5月10日完成整改，根据《城市管理条例》第二十条规定，将持续监督，预计5月20日前全部完成。感谢您的支持。"
)
WEAK = "您好，留言收悉，已转交处理。"
TOPICS = [
    "路灯不亮",
    "电梯故障",
    "噪音扰民",
    "垃圾清运",
    "道路破损",
    "公交班次",
    "停车收费",
    "供水中断",
    "物业收费",
    "违章建筑",
    "油烟扰民",
    "井盖缺失",
]


def _fixture(tmp_path: Path) -> Path:
    with (tmp_path / "messages_with_replies.csv").open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "答复意见", "答复时间"])
        n = 0
        for round_ in range(2):
            for i, topic in enumerate(TOPICS):
                n += 1
                good = (n % 2) == 0
                out.writerow(
                    [
                        str(n),
                        "u",
                        f"{topic}问题请求解决",
                        f"2019/{round_ * 3 + 1}/{i + 1} 9:00:00",
                        f"小区{topic}{'很久了' if round_ == 0 else '又出现了'}，请问何时解决？",
                        GOOD.format(s=topic) if good else f"您好，关于{topic}，已转交处理。",
                        f"2019/{round_ * 3 + 2}/{i + 1} 10:00:00",
                    ]
                )
    with (tmp_path / "replies_quality_labels.csv").open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["留言编号", "完整性指标", "可解释性指标"])
        for n in range(1, 2 * len(TOPICS) + 1):
            label = "1.0" if n % 2 == 0 else "0.0"
            out.writerow([str(n), label, label])
    return tmp_path


def test_it_reports_the_agreement_of_the_checks(tmp_path):
    data = _fixture(tmp_path)
    out = StringIO()
    call_command("replies", "eval-quality", "--data-dir", str(data), "--repeats", "1", "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert result["n"] == 24
    for name in ("completeness", "explainability"):
        assert result[name]["cv"]["accuracy"] == 1.0  # the fixture separates cleanly
        assert result[name]["cv"]["recall_0"] == 1.0
    assert result["handling_times"]["n"] == 24
    text = StringIO()
    call_command("replies", "eval-quality", "--data-dir", str(data), "--repeats", "1", stdout=text)
    assert "完整性指标" in text.getvalue()
    assert "kappa" in text.getvalue()


def test_it_reports_the_retrieval_hit_rate(tmp_path):
    data = _fixture(tmp_path)
    out = StringIO()
    call_command("replies", "eval-retrieval", "--data-dir", str(data), "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert result["messages"] == 24
    assert result["proxy"]["queries"] == 12
    # Each second-round message has its first-round twin among the published: same matter.
    assert result["proxy"]["hit_at_5"] >= 0.5
    assert result["hand"]["queries"] == 0


def test_it_checks_a_draft_from_files(tmp_path):
    message = tmp_path / "message.txt"
    message.write_text("小区路灯不亮\n小区门口路灯坏了一个月，请问何时修好？", encoding="utf-8")
    draft = tmp_path / "draft.txt"
    draft.write_text(WEAK, encoding="utf-8")
    out = StringIO()
    call_command("replies", "check", "--text", str(draft), "--message", str(message), "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert [c["name"] for c in result["checks"]] == list(checks.CHECK_NAMES)
    assert not next(c for c in result["checks"] if c["name"] == "completeness")["passed"]
    with pytest.raises(CommandError):
        call_command("replies", "check", "--text", str(draft))
    with pytest.raises(CommandError):
        call_command("replies", "eval-quality", "--data-dir", str(tmp_path / "nowhere"))


def test_it_rebuilds_the_indexes(world):
    out = StringIO()
    call_command("replies", "rebuild", "--org", world.city.code, stdout=out)
    assert f"{world.city.code}: 0 cases" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("replies", "rebuild", "--org", "NOPE")


@pytest.mark.skipif(
    not (SHARED / "replies_quality_labels.csv").exists(), reason="../shared/data is not beside this checkout"
)
def test_it_ships_the_parameters_chosen_on_all_hand_labels():
    import numpy as np

    from wenzheng.insight.replies.quality_eval import completeness_of, explainability_of, features_of

    items = load_labelled(SHARED)
    features = [features_of(i.message) for i in items]
    for grid, scorer, attr, shipped in (
        (COMPLETENESS_GRID, completeness_of, "completeness", checks.COMPLETENESS),
        (EXPLAINABILITY_GRID, explainability_of, "explainability", checks.EXPLAINABILITY),
    ):
        y = np.array([getattr(i, attr) for i in items])
        params, threshold = fit(features, y, grid, scorer)
        assert {k: getattr(params, k) for k in params.__dataclass_fields__ if k != "threshold"} == {
            k: getattr(shipped, k) for k in shipped.__dataclass_fields__ if k != "threshold"
        }
        assert round(threshold, 4) == shipped.threshold
