"""The grouping on hand-written messages: same problem + same place together, different places or
problems apart; continuous assignment through stored centroids; place names."""

from __future__ import annotations

import numpy as np

from wenzheng.insight.hotspots import engine
from wenzheng.insight.hotspots.tests.texts import (
    BACKGROUND,
    OTHER_DISTRICT,
    OTHER_ESTATE,
    OTHER_PROBLEM,
    SAME,
    UNRELATED,
)

CITY = (1,)
DISTRICT_A = (1, 2)
DISTRICT_B = (1, 3)


def _group(items, paths):
    """Group ``items`` among the everyday background messages; labels of ``items`` only."""
    everything = [*items, *BACKGROUND]
    grouping = engine.group(
        [s for s, _b in everything], [b for _s, b in everything], [*paths, *[()] * len(BACKGROUND)]
    )
    grouping.labels = grouping.labels[: len(items)]
    return grouping


def test_it_groups_the_same_problem_in_the_same_place_written_by_different_people():
    items = [*SAME, OTHER_ESTATE, OTHER_DISTRICT, OTHER_PROBLEM, *UNRELATED]
    paths = [DISTRICT_A] * 3 + [DISTRICT_A, DISTRICT_B, DISTRICT_A] + [()] * len(UNRELATED)
    labels = _group(items, paths).labels
    assert labels[0] == labels[1] == labels[2]
    assert len(set(labels)) == len(items) - 2


def test_it_separates_the_same_problem_in_another_estate_or_district():
    items = [*SAME, OTHER_ESTATE, OTHER_DISTRICT]
    labels = _group(items, [DISTRICT_A] * 4 + [DISTRICT_B]).labels
    assert labels[3] != labels[0]  # another estate of the same district: its name decides
    assert labels[4] != labels[0]  # another district: the territories are incompatible


def test_it_separates_another_problem_in_the_same_estate():
    labels = _group([*SAME, OTHER_PROBLEM], [DISTRICT_A] * 4).labels
    assert labels[3] != labels[0]
    assert labels[0] == labels[1] == labels[2]


def test_it_lets_a_message_naming_only_the_city_join_an_issue_of_a_district():
    labels = _group([*SAME[:2], SAME[2]], [DISTRICT_A, DISTRICT_A, CITY]).labels
    assert len(set(labels)) == 1


def test_it_compares_territories_by_containment():
    assert engine.compatible((1, 2), (1, 2, 5))
    assert engine.compatible((), (1, 3))
    assert not engine.compatible((1, 2), (1, 3))


def test_it_assigns_a_new_message_to_the_stored_centroid_of_its_issue():
    batch = [*SAME[:2], OTHER_PROBLEM, *UNRELATED, *BACKGROUND]
    grouping = engine.group(
        [s for s, _b in batch], [b for _s, b in batch], [DISTRICT_A] * 3 + [()] * (len(batch) - 3)
    )
    issues = []
    for label, members in grouping.members().items():
        names = [n for i in members for n in engine.place_names(f"{batch[i][0]}\n{batch[i][1]}")]
        centroid = engine.Centroid.of_rows(grouping.hashed(grouping.vectors[members]), names)
        stored = engine.Centroid.from_json(centroid.to_json())  # as the database keeps it
        issues.append((label, DISTRICT_A, stored))
    row = engine.vectorise_with([SAME[2][0]], [SAME[2][1]], grouping.vocabulary)
    names = engine.place_names(f"{SAME[2][0]}\n{SAME[2][1]}")
    best = engine.best_issue(row, DISTRICT_A, issues, names=names)
    assert best is not None
    assert best[0] == grouping.labels[0]
    assert engine.best_issue(row, DISTRICT_B, issues, names=names) is None  # another district never joins
    elevator = engine.vectorise_with([OTHER_PROBLEM[0]], [OTHER_PROBLEM[1]], grouping.vocabulary)
    names = engine.place_names(f"{OTHER_PROBLEM[0]}\n{OTHER_PROBLEM[1]}")
    best = engine.best_issue(
        elevator, DISTRICT_A, issues, names=names, head=f"{OTHER_PROBLEM[0]}\n{OTHER_PROBLEM[1]}"
    )
    assert best is not None
    assert best[0] == grouping.labels[2]  # the elevator's own issue, not the noise of the same estate
    other_estate = engine.vectorise_with([OTHER_ESTATE[0]], [OTHER_ESTATE[1]], grouping.vocabulary)
    names = engine.place_names(f"{OTHER_ESTATE[0]}\n{OTHER_ESTATE[1]}")
    assert engine.best_issue(other_estate, DISTRICT_A, issues, names=names) is None
    unrelated = engine.vectorise_with(
        ["市民卡补办流程"], ["身份证丢失后市民卡如何补办？"], grouping.vocabulary
    )
    assert engine.best_issue(unrelated, (), issues) is None


def test_it_keeps_a_centroid_norm_equal_to_the_sum_of_its_members():
    grouping = _group(SAME, [DISTRICT_A] * 3)
    rows = grouping.hashed(grouping.vectors)
    whole = engine.Centroid.of_rows(rows)
    built = engine.Centroid()
    for i in range(rows.shape[0]):
        built.add(rows[i])
    # Stored centroids keep their heaviest columns only: built one by one they drift a little.
    assert np.isclose(built.norm2, whole.norm2, rtol=0.02)
    assert np.isclose(built.cosine(rows[0]), whole.cosine(rows[0]), rtol=0.02)


def test_it_reads_place_names_without_the_administrative_ones():
    assert engine.place_names("A市暮云街道丽发新城小区附近搅拌站噪音污染严重") == ["丽发新城小区", "搅拌站"]
    assert engine.estate_names("A5区劳动东路魅力之城小区一楼的夜宵摊") == frozenset({"魅力之城小区"})
    assert (
        engine.common_place(["投诉A市伊景园滨河苑捆绑销售车位", "A市伊景园滨河苑欺压百姓", "咨询公积金"])
        == "伊景园滨河苑"
    )
    assert engine.same_estate({"伊景园滨河苑"}, {"滨河苑"})
    assert not engine.same_estate({"桂园小区"}, {"青石小区"})


def test_it_reads_full_width_and_case_variants_as_the_same_text():
    a = engine.term_counts(["ＡＢＣ小区噪音"], ["１２３"])
    b = engine.term_counts(["abc小区噪音"], ["123"])
    assert (a != b).nnz == 0


def test_it_handles_an_empty_batch_and_empty_texts():
    assert engine.group([], []).labels == []
    assert len(engine.group(["", "。"], ["", ""]).labels) == 2


def _partition(labels):
    members: dict[int, set[int]] = {}
    for index, label in enumerate(labels):
        members.setdefault(label, set()).add(index)
    return sorted(sorted(m) for m in members.values())


def test_pairs_across_incompatible_territories_are_dropped_before_merging():
    # Four messages, one complaint: two in district A, one in district B, one naming only the city.
    graph = engine.Graph(
        4,
        np.array([0, 0, 0, 1, 1, 2]),
        np.array([1, 2, 3, 2, 3, 3]),
        np.array([0.9, 0.8, 0.7, 0.8, 0.7, 0.6]),
    )
    paths = [DISTRICT_A, DISTRICT_A, DISTRICT_B, CITY]
    kept = engine._within_territories(graph, paths)
    assert sorted(zip(kept.i.tolist(), kept.j.tolist(), strict=True)) == [(0, 1), (0, 3), (1, 3), (2, 3)]
    # The city message joins A (its strongest pairs); B stays apart although B–city is similar.
    assert _partition(engine.agglomerate(graph, paths, 0.2)) == [[0, 1, 3], [2]]


def test_dropping_incompatible_pairs_changes_no_grouping(monkeypatch):
    rng = np.random.default_rng(3)
    n = 300
    i = rng.integers(0, n, 3000)
    j = rng.integers(0, n, 3000)
    pairs = np.unique(np.minimum(i, j)[i != j] * n + np.maximum(i, j)[i != j])
    sims = rng.uniform(0.12, 0.9, len(pairs))
    graph = engine.Graph(n, pairs // n, pairs % n, sims)
    paths = [[(), CITY, DISTRICT_A, DISTRICT_B, (1, 2, 7)][k % 5] for k in range(n)]
    kept = engine._within_territories(graph, paths)
    assert 0 < len(kept.i) < len(graph.i)
    filtered = engine.agglomerate(graph, paths, 0.3)
    # The reference: the merge loop on the whole graph, rejecting those pairs one by one.
    monkeypatch.setattr(engine, "_within_territories", lambda graph, paths: graph)
    whole = engine.agglomerate(graph, paths, 0.3)
    assert _partition(filtered) == _partition(whole)
    assert len(_partition(whole)) < n  # it merged something
    assert all(
        engine.compatible(paths[a], paths[b])
        for members in _partition(whole)
        for a in members
        for b in members
    )


def test_place_grams_cover_the_name_and_its_edges():
    grams = engine.place_grams("甲区桂园小区噪音", ["桂园小区"])
    assert {"桂园", "园小", "小区", "桂园小", "园小区"} <= grams  # inside the name
    assert {"区桂", "甲区桂", "区桂园", "区噪", "小区噪", "区噪音"} <= grams  # across its edges
    assert "噪音" not in grams
    assert "甲区" not in grams
    assert engine.place_grams("桂园小区", ["桂园小区", "别处"]) == {
        "桂园",
        "园小",
        "小区",
        "桂园小",
        "园小区",
    }


def test_masking_columns_and_row_norms_match_the_dense_arithmetic():
    dense = np.array([[0.0, 3.0, 0.0, 4.0], [0.0, 0.0, 0.0, 0.0], [1.0, 2.0, 2.0, 0.0]])
    x = engine.sp.csr_matrix(dense)
    assert np.allclose(engine._row_norms(x), [5.0, 0.0, 3.0])
    allowed = np.array([True, False, True, True])
    assert np.array_equal(engine._masked(x, allowed).toarray(), dense * allowed)
