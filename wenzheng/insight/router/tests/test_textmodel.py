"""The router's text model on a tiny synthetic set of our own sentences (no database, no data files)."""

from __future__ import annotations

import itertools

import pytest

from wenzheng.insight.router.textmodel import Prediction, TextModel, normalize

# Our own sentences: (subject, body, label), four topics with their own vocabulary.
TOPICS = {
    "交通运输": (
        ["公交车", "地铁", "出租车", "红绿灯", "高速公路"],
        ["晚点严重", "线路太少", "乱收费用", "经常拥堵"],
        "每天上班坐车很不方便,希望交通部门调整班次,增加站点,改善道路通行。",
    ),
    "教育文体": (
        ["学校", "幼儿园", "老师", "招生考试", "学生课本"],
        ["乱收补课费", "划片不合理", "作业太多", "食堂卫生差"],
        "孩子读书的事情让家长很着急,请教育局核查学校和老师的做法,保障学生权益。",
    ),
    "环境保护": (
        ["工厂废气", "噪音", "污水排放", "垃圾焚烧", "河道污染"],
        ["臭味熏天", "深夜扰民", "鱼虾死亡", "黑烟滚滚"],
        "附近居民深受污染之苦,空气和水质越来越差,请环保部门尽快检测并查处排污企业。",
    ),
    "卫生计生": (
        ["医院", "医生", "疫苗接种", "药店", "社区诊所"],
        ["看病排队太久", "收费不透明", "态度恶劣", "药价过高"],
        "病人就医体验很差,挂号难看病贵,请卫健委加强对医院和医生的管理。",
    ),
}


def dataset() -> tuple[list[str], list[str], list[str]]:
    subjects, bodies, labels = [], [], []
    for label, (things, problems, body) in TOPICS.items():
        for thing, problem in itertools.product(things, problems):
            subjects.append(f"{thing}{problem}")
            bodies.append(f"关于{thing}的问题:{problem}。{body}" if len(subjects) % 3 else "")
            labels.append(label)
    return subjects, bodies, labels


@pytest.fixture(scope="module")
def model() -> TextModel:
    subjects, bodies, labels = dataset()
    return TextModel.fit(subjects, bodies, labels, seed=0)


NEW = [
    ("反映地铁晚点的问题", "早上的地铁总是晚点,站点拥堵,希望增加班次。", "交通运输"),
    ("幼儿园收费太高", "孩子上幼儿园每个月学费太贵,老师还要求额外补课。", "教育文体"),
    ("化工厂排放废气", "工厂晚上偷偷排放废气,臭味很大,河道里也有污水。", "环境保护"),
    ("社区医院看病难", "去医院看病排队三个小时,医生态度也不好。", "卫生计生"),
]
KEYWORDS = {
    "交通运输": ("地铁", "晚点", "班次", "站点", "拥堵", "交通"),
    "教育文体": ("幼儿", "儿园", "老师", "补课", "学费", "孩子"),
    "环境保护": ("废气", "排放", "臭味", "污水", "河道", "工厂"),
    "卫生计生": ("医院", "看病", "医生", "排队", "态度"),
}


def test_obvious_labels(model: TextModel) -> None:
    got = model.predict_labels([s for s, _, _ in NEW], [b for _, b, _ in NEW])
    assert got == [label for _, _, label in NEW]
    assert sorted(model.labels) == sorted(TOPICS)


def test_predictions_are_calibrated_and_explained(model: TextModel) -> None:
    predictions = model.predict([s for s, _, _ in NEW], [b for _, b, _ in NEW])
    assert len(predictions) == len(NEW)
    for prediction, (subject, body, label) in zip(predictions, NEW, strict=True):
        assert isinstance(prediction, Prediction)
        assert prediction.label == label
        assert 0.0 <= prediction.confidence <= 1.0
        assert len(prediction.alternatives) == 3
        assert prediction.alternatives[0] == (prediction.label, prediction.confidence)
        probabilities = [p for _, p in prediction.alternatives]
        assert probabilities == sorted(probabilities, reverse=True)
        assert all(0.0 <= p <= 1.0 for p in probabilities)
        assert sum(probabilities) <= 1.0 + 1e-6
        assert len({name for name, _ in prediction.alternatives}) == 3
        # The confident class is clearly ahead of the runner-up on such plain messages.
        assert prediction.confidence > prediction.alternatives[1][1]
        assert 0 < len(prediction.words) <= 8
        contributions = [c for _, c in prediction.words]
        assert contributions == sorted(contributions, reverse=True)
        assert all(c > 0 for c in contributions)
        terms = [t for t, _ in prediction.words]
        assert any(t in KEYWORDS[label] for t in terms[:4]), (label, terms)
        # Terms are text of the message itself.
        assert all(t in normalize(subject) + normalize(body) for t in terms)


def test_predict_labels_agrees_with_predict(model: TextModel) -> None:
    subjects, bodies, _ = dataset()
    assert model.predict_labels(subjects, bodies) == [p.label for p in model.predict(subjects, bodies)]


def test_round_trip_gives_identical_predictions(model: TextModel) -> None:
    data = model.dumps()
    assert isinstance(data, bytes)
    assert len(data) < 1_000_000
    loaded = TextModel.loads(data)
    assert loaded.labels == model.labels
    subjects = [s for s, _, _ in NEW] + ["", "随便说说"]
    bodies = [b for _, b, _ in NEW] + ["", ""]
    assert loaded.predict(subjects, bodies) == model.predict(subjects, bodies)
    assert loaded.dumps() == data


def test_loads_rejects_other_bytes() -> None:
    with pytest.raises(Exception):  # noqa: B017, PT011 - lzma, numpy or our own error
        TextModel.loads(b"not a model")


def test_empty_and_missing_inputs(model: TextModel) -> None:
    assert model.predict([], []) == []
    assert model.predict_labels([], []) == []
    predictions = model.predict(["", None, "   ", "地铁"], [None, "", "\t\n", None])
    assert len(predictions) == 4
    for prediction in predictions:
        assert prediction.label in model.labels
        assert 0.0 <= prediction.confidence <= 1.0
    assert predictions[0].words == []
    assert predictions[3].label == "交通运输"
    with pytest.raises(ValueError, match="same length"):
        model.predict(["a"], [])


def test_normalisation_full_width_case_whitespace() -> None:
    assert normalize("ＡＢＣ　１２３\tＸ\n") == "abc123x"
    assert normalize(None) == ""
    assert normalize("  地铁  晚点 ") == "地铁晚点"


def test_full_width_input_predicts_like_half_width(model: TextModel) -> None:
    half = model.predict(["地铁abc晚点123"], ["地铁 晚点"])[0]
    full = model.predict(["地铁ＡＢＣ晚点１２３"], ["地铁　晚点"])[0]
    assert half == full


def test_two_classes_and_bad_input() -> None:
    subjects, bodies, labels = dataset()
    binary = ["环境" if label == "环境保护" else "其他" for label in labels]
    model = TextModel.fit(subjects, bodies, binary)
    assert sorted(model.labels) == ["其他", "环境"]
    prediction = model.predict(["工厂废气臭味"], ["工厂排放废气"])[0]
    assert prediction.label == "环境"
    assert len(prediction.alternatives) == 2
    assert sum(p for _, p in prediction.alternatives) == pytest.approx(1.0, abs=1e-3)
    with pytest.raises(ValueError, match="two distinct labels"):
        TextModel.fit(subjects[:3], bodies[:3], ["同一"] * 3)
    with pytest.raises(ValueError, match="same length"):
        TextModel.fit(subjects, bodies, labels[:-1])


def test_many_classes_use_one_temperature() -> None:
    # 32 made-up classes, each with its own pair of characters (beyond the full-calibration limit).
    chars = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥金木水火土日月星风云雷电山川"
    subjects, bodies, labels = [], [], []
    for k in range(32):
        a, b = chars[k], chars[k + 1]
        for j in range(4):
            subjects.append(f"{a}{b}事项{j}")
            bodies.append(f"关于{a}{b}的留言第{j}条")
            labels.append(f"类{k:02d}")
    model = TextModel.fit(subjects, bodies, labels)
    assert len(model.labels) == 32
    predictions = model.predict(subjects[::4], bodies[::4])
    assert [p.label for p in predictions] == labels[::4]
    assert all(0.0 <= p.confidence <= 1.0 for p in predictions)
    assert TextModel.loads(model.dumps()).predict_labels(subjects, bodies) == model.predict_labels(
        subjects, bodies
    )
