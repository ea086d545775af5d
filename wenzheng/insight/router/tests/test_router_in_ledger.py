"""The router inside the ledger: suggestions at receipt, corrections, warnings, versions, commands."""

from __future__ import annotations

import csv
import io
import json
import random
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from wenzheng.casework import actions
from wenzheng.casework.models import Case, Category
from wenzheng.casework.models.case import Channel, Grade
from wenzheng.insight.router import services
from wenzheng.insight.router.engine import (
    Example,
    label_at,
    rank_units,
    scores,
    stratified_folds,
    train_bundle,
)
from wenzheng.insight.router.models import Alert, RouterModel, SensitiveTerm, Suggestion
from wenzheng.testing.personas import World

Committed = Callable[[], AbstractContextManager[Any]]

HOUSING = ["小区电梯又坏了", "物业不作为乱收费", "楼道灯不亮物业不管", "物业费上涨不公示", "电梯困人物业推诿"]
ENVIRONMENT = ["饭店油烟直排扰民", "工厂夜间偷排污水", "河道发黑发臭", "烧烤油烟熏人", "工地扬尘严重污染"]
TAILS = ["希望尽快处理。", "已经反映多次。", "请相关部门核查。", "影响居民生活。", "谢谢！"]


def synthetic(n: int, seed: int = 1) -> list[Example]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        housing = i % 2 == 0
        topic = rng.choice(HOUSING if housing else ENVIRONMENT)
        label = "城乡建设/住房保障/物业管理" if housing else "环境保护/大气污染"
        rows.append(Example(topic, topic + "，" + rng.choice(TAILS) + rng.choice(TAILS), label))
    return rows


@pytest.fixture
def categories(world: World) -> Category:
    root = Category.objects.create(name="环境保护")
    return Category.objects.create(name="大气污染", parent=root)


@pytest.fixture
def trained(world: World, categories: Category) -> RouterModel:
    result = train_bundle(synthetic(120))
    return services.store_version(
        result.bundle,
        source="test",
        examples=result.examples,
        evaluation=result.evaluation,
        train_seconds=result.train_seconds,
    )


def receive(world: World, subject: str, body: str) -> Case:
    return actions.do_receive_message(
        channel=Channel.WEB, org=world.city, subject=subject, body=body, citizen=world.citizen
    ).case


# --- engine -------------------------------------------------------------------------------------


def test_scores_match_a_hand_count() -> None:
    gold = ["a", "a", "b", "b", "c"]
    predicted = ["a", "b", "b", "b", "a"]
    result = scores(gold, predicted)
    # a: P 1/2 R 1/2 F1 .5; b: P 2/3 R 1 F1 .8; c: P 0 R 0 F1 0 → macro .4333
    assert result["per_class"]["a"]["f1"] == 0.5
    assert result["per_class"]["b"]["f1"] == 0.8
    assert result["macro_f1"] == pytest.approx(0.4333, abs=1e-4)
    assert result["accuracy"] == 0.6


def test_stratified_folds_spread_each_label() -> None:
    labels = ["x"] * 10 + ["y"] * 5
    folds = stratified_folds(labels, 5)
    assert sorted(i for fold in folds for i in fold) == list(range(15))
    assert all(sum(1 for i in fold if labels[i] == "x") == 2 for fold in folds)
    assert all(sum(1 for i in fold if labels[i] == "y") == 1 for fold in folds)


def test_label_at_cuts_the_path() -> None:
    assert label_at("城乡建设/住房保障/物业管理", 1) == "城乡建设"
    assert label_at("城乡建设/住房保障/物业管理", 2) == "城乡建设/住房保障"
    assert label_at("城乡建设", 2) == ""


def test_unit_memory_overrules_the_catalogue_after_repeated_returns() -> None:
    events = [("c", 5, 10, "return")] * 3 + [("c", 5, 11, "claim")] * 2
    memory = train_bundle(synthetic(120), unit_events=events).bundle.unit_memory
    ranked = rank_units(memory, "c", [1, 5], catalogue_unit=10)
    # catalogue 3 - 3 returns × 2 = -3 (dropped); unit 11: 2 claims
    assert ranked == [(11, 1.0)]
    # Without memory for this place, the catalogue alone speaks.
    assert rank_units(memory, "c", [1, 6], catalogue_unit=10) == [(10, 1.0)]


# --- suggestions at receipt ---------------------------------------------------------------------


def test_a_new_message_gets_a_suggestion_with_category_territory_and_unit(
    world: World, trained: RouterModel, committed: Committed
) -> None:
    with committed():
        case = receive(world, "甲一街道小区电梯又坏了", "甲区甲一街道幸福小区电梯坏了，物业不作为。")
    suggestion = Suggestion.objects.get(case=case)
    assert suggestion.model_version == trained.version
    assert suggestion.category == world.leaf  # the deepest level that agrees with level 1
    assert 0.5 < suggestion.confidence <= 1
    assert next(a["label"] for a in suggestion.alternatives) == "城乡建设"
    assert suggestion.words
    assert suggestion.territory == world.street_a1
    # The catalogue: 住房保障 in 甲区 (and below) → 甲区
    assert suggestion.unit == world.district_a
    assert suggestion.grade == Grade.GENERAL
    assert not Alert.objects.exists()


def test_without_a_model_territory_and_warning_still_work(world: World, committed: Committed) -> None:
    with committed():
        case = receive(world, "乙区有人扬言跳楼", "乙区某工地农民工讨薪无果，扬言要跳楼。")
    suggestion = Suggestion.objects.get(case=case)
    assert suggestion.model_version is None
    assert suggestion.category is None
    assert suggestion.territory == world.district_b
    assert suggestion.grade == Grade.MAJOR


def test_a_major_sensitive_message_warns_the_supervisors_once(
    world: World, trained: RouterModel, committed: Committed
) -> None:
    world.supervisor.email = "supervisor@example.gov.cn"
    world.supervisor.save()
    world.intake.email = "intake@example.gov.cn"
    world.intake.save()
    with committed():
        case = receive(world, "有人扬言要跳楼", "甲区某工地老板拖欠工资，工人扬言要跳楼自杀。")
    alert = Alert.objects.get(case=case)
    assert "self_harm" in alert.kinds
    assert alert.hits
    assert [m.to for m in mail.outbox] == [["supervisor@example.gov.cn"]]
    assert case.number in mail.outbox[0].subject
    # Suggesting again (a repeated job) raises nothing new.
    services.suggest_for_case(case)
    assert Alert.objects.count() == 1
    assert len(mail.outbox) == 1


def test_an_ordinary_mention_is_not_a_warning(world: World, committed: Committed) -> None:
    with committed():
        receive(world, "消防通道被占用", "小区消防通道长期被车辆占用，希望物业清理。")
    assert not Alert.objects.exists()


def test_an_edited_lexicon_applies_at_once(world: World, committed: Committed) -> None:
    SensitiveTerm.objects.create(term="黑色星期五", kind="violence", weight=2.0)
    with committed():
        case = receive(world, "黑色星期五", "有人在网上说要搞黑色星期五。")
    assert Alert.objects.filter(case=case).exists()


# --- decisions and corrections -----------------------------------------------------------------


def test_registration_and_claim_are_noted_beside_the_suggestion(
    world: World, trained: RouterModel, categories: Category, committed: Committed
) -> None:
    with committed():
        case = receive(world, "甲区小区电梯又坏了", "甲区幸福小区电梯坏了，物业不作为。")
        actions.do_register(case, acting_user=world.intake, category=categories, territory=world.district_a)
    suggestion = Suggestion.objects.get(case=case)
    assert suggestion.final_category == categories
    assert suggestion.category_corrected is True
    assert services.acceptance()["category_rate"] == 0.0
    assert services.corrections_since(trained.version) == 1


def test_the_ledger_trains_on_corrected_categories(
    world: World, trained: RouterModel, categories: Category, committed: Committed
) -> None:
    with committed():
        for i in range(30):
            case = receive(world, f"饭店油烟直排扰民{i}", "饭店油烟直排，熏得没法开窗。")
            actions.do_register(case, acting_user=world.intake, category=categories)
            case = receive(world, f"物业乱收费{i}", "物业乱收费，电梯坏了也不修。")
            actions.do_register(case, acting_user=world.intake, category=world.leaf)
    examples = services.examples_from_ledger(world.city)
    assert len(examples) == 60
    assert {e.label for e in examples} == {categories.full_name, world.leaf.full_name}
    version = services.train_from_ledger(world.city)
    assert version.is_active
    assert version.version == trained.version + 1
    assert RouterModel.objects.filter(is_active=True).count() == 1
    assert services.active_bundle()[0] == version.version  # type: ignore[index]


def test_activating_an_older_version_rolls_back(world: World, trained: RouterModel) -> None:
    newer = train_bundle(synthetic(60, seed=2))
    second = services.store_version(
        newer.bundle, source="t2", examples=60, evaluation={}, train_seconds=newer.train_seconds
    )
    assert services.active_bundle()[0] == second.version  # type: ignore[index]
    services.activate(trained)
    assert services.active_bundle()[0] == trained.version  # type: ignore[index]
    assert list(RouterModel.objects.filter(is_active=True).values_list("version", flat=True)) == [1]


# --- commands ----------------------------------------------------------------------------------


def write_export(path: Path, examples: list[Example]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "一级标签"])
        for i, e in enumerate(examples):
            writer.writerow([i + 1, "", e.subject, "", e.body, label_at(e.label, 1)])
    return path


def test_eval_prints_one_json_object(tmp_path: Path, db: None) -> None:
    train = write_export(tmp_path / "a.csv", synthetic(100, seed=3))
    test = write_export(tmp_path / "b.csv", synthetic(40, seed=4))
    out = io.StringIO()
    call_command("router", "eval", "--train", str(train), "--test", str(test), "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert set(result) >= {"macro_f1", "accuracy", "per_class", "train_seconds", "predict_per_second"}
    assert set(result["per_class"]) == {"城乡建设", "环境保护"}
    assert result["n_test"] == 40
    assert result["macro_f1"] > 0.9


def test_train_from_csv_stores_an_active_version(tmp_path: Path, db: None) -> None:
    path = write_export(tmp_path / "a.csv", synthetic(150, seed=5))
    out = io.StringIO()
    call_command("router", "train", "--from-csv", str(path), stdout=out)
    version = RouterModel.objects.get()
    assert version.is_active
    assert version.examples == 150
    assert "Router v1 (active): 150 examples" in out.getvalue()
    assert version.evaluation["level1_holdout"]["n_test"] == 30


def test_bad_inputs_are_clear_errors(tmp_path: Path, db: None) -> None:
    with pytest.raises(CommandError, match="No such file"):
        call_command("router", "eval", "--train", str(tmp_path / "x.csv"), "--test", str(tmp_path / "y.csv"))
    one = write_export(tmp_path / "one.csv", [e for e in synthetic(40) if e.label.startswith("环境")])
    with pytest.raises(CommandError, match="two first-level categories"):
        call_command("router", "train", "--from-csv", str(one))
    assert not RouterModel.objects.exists()
    with pytest.raises(CommandError, match="No router version 9"):
        call_command("router", "activate", "9")


def test_background_training_runs_as_a_job(world: World, categories: Category) -> None:
    for i in range(30):
        case = receive(world, f"饭店油烟直排扰民{i}", "饭店油烟直排")
        actions.do_register(case, acting_user=world.intake, category=categories)
        case = receive(world, f"物业乱收费{i}", "物业乱收费")
        actions.do_register(case, acting_user=world.intake, category=world.leaf)
    out = io.StringIO()
    call_command("router", "train", "--background", stdout=out)  # jobs run at once in tests
    assert "queued" in out.getvalue()
    version = RouterModel.objects.get()
    assert version.note == "command"
    assert version.is_active
