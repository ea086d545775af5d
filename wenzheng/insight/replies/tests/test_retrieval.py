"""Similar past cases: only published replies, the user's scope, never the case itself or its
merged duplicates; the stored index plus what was published since."""

from wenzheng.casework import actions
from wenzheng.casework.models import ReplyTemplate
from wenzheng.insight.replies import retrieval, tasks
from wenzheng.insight.replies.index import TextIndex, document
from wenzheng.insight.replies.models import ReplyIndex
from wenzheng.insight.replies.selectors import get_reply_templates, reply_template_queryset, time_used
from wenzheng.insight.replies.tests.helpers import handled_case
from wenzheng.testing.chain import new_case

ELEVATOR = ("景蓉华苑小区电梯坏了两周没人修", "景蓉华苑小区3栋电梯停运两周，物业不维修，老人上下楼困难。")
ELEVATOR_AGAIN = ("景蓉华苑小区电梯又坏了", "景蓉华苑3栋电梯再次停运，物业一直不维修，请督促尽快修好。")
BUS = ("建议增开261路公交车班次", "下班高峰期261路公交车等半小时以上，建议增加班次。")


def test_it_ranks_by_similarity_and_keeps_what_it_stores():
    texts = [document(*ELEVATOR), document(*BUS), document("路灯不亮", "小区门口路灯坏了一个月")]
    index = TextIndex.fit([10, 20, 30], texts)
    hits = index.search(document(*ELEVATOR_AGAIN), limit=2)
    assert hits[0].key == 10
    assert hits[0].score > (hits[1].score if len(hits) > 1 else 0)
    loaded = TextIndex.loads(index.dumps())
    assert [h.key for h in loaded.search(document(*ELEVATOR_AGAIN), limit=3)] == [
        h.key for h in index.search(document(*ELEVATOR_AGAIN), limit=3)
    ]
    assert index.search(document(*ELEVATOR_AGAIN), exclude=[10], limit=1)[0].key != 10


def test_it_finds_the_similar_published_case_and_leaves_out_unpublished_ones(world):
    published = handled_case(world, *ELEVATOR)
    handled_case(world, *BUS)
    drafted = handled_case(world, "景蓉华苑小区电梯停运", "景蓉华苑3栋电梯停运，物业不维修。", publish=False)
    current = new_case(world, subject=ELEVATOR_AGAIN[0], body=ELEVATOR_AGAIN[1])
    found = retrieval.similar_cases(current, world.a_handler)
    numbers = [s.case.number for s in found]
    assert numbers[0] == published.number
    assert drafted.number not in numbers
    assert current.number not in numbers
    first = found[0]
    assert first.score > 0.1
    assert "经调查核实" in first.reply_excerpt
    assert first.published_at is not None


def test_it_shows_only_cases_in_the_users_scope(world):
    in_b = handled_case(world, *ELEVATOR, district="b")
    in_a = handled_case(world, "景蓉华苑电梯维修", "景蓉华苑小区电梯停运，物业不维修。")
    current = new_case(world, subject=ELEVATOR_AGAIN[0], body=ELEVATOR_AGAIN[1])
    for_a = [s.case.number for s in retrieval.similar_cases(current, world.a_handler)]
    for_b = [s.case.number for s in retrieval.similar_cases(current, world.b_handler)]
    for_dispatcher = [s.case.number for s in retrieval.similar_cases(current, world.dispatcher)]
    assert in_a.number in for_a
    assert in_b.number not in for_a
    assert in_b.number in for_b
    assert in_a.number not in for_b
    assert {in_a.number, in_b.number} <= set(for_dispatcher)
    assert retrieval.similar_cases(current, world.other_dispatcher) == []


def test_it_leaves_out_the_cases_merged_with_this_one(world):
    target = handled_case(world, *ELEVATOR)
    other = handled_case(world, "景蓉华苑电梯停运", "景蓉华苑小区3栋电梯停运两周，物业不维修。")
    duplicate = new_case(world, subject=ELEVATOR_AGAIN[0], body=ELEVATOR_AGAIN[1])
    actions.do_merge(duplicate, into=target, acting_user=world.intake)
    duplicate.refresh_from_db()
    numbers = [s.case.number for s in retrieval.similar_cases(duplicate, world.dispatcher)]
    assert target.number not in numbers
    assert other.number in numbers


def test_it_rebuilds_the_stored_index_and_adds_later_publications_at_query_time(world):
    first = handled_case(world, *ELEVATOR)
    assert tasks.refresh_index.call_local(world.city.pk) is True
    stored = ReplyIndex.objects.get(org=world.city)
    assert stored.cases == 1
    assert tasks.refresh_index.call_local(world.city.pk) is False  # nothing waiting
    later = handled_case(world, "景蓉华苑电梯停运", "景蓉华苑小区电梯停运，物业不修。")
    assert retrieval.waiting(world.city) == 1
    current = new_case(world, subject=ELEVATOR_AGAIN[0], body=ELEVATOR_AGAIN[1])
    numbers = {s.case.number for s in retrieval.similar_cases(current, world.dispatcher)}
    assert {first.number, later.number} <= numbers
    retrieval.do_rebuild_index(world.city)
    assert ReplyIndex.objects.get(org=world.city).cases == 2


def test_it_refreshes_the_index_when_a_reply_is_published(world, committed):
    with committed():
        handled_case(world, *ELEVATOR)
    assert ReplyIndex.objects.filter(org=world.city, cases=1).exists()


def test_it_offers_the_templates_of_the_category_and_outcome_first(world):
    org = world.city
    general = ReplyTemplate.objects.create(org=org, outcome="resolved", title="通用·已解决", body="…")
    root = ReplyTemplate.objects.create(
        org=org, category=world.category, outcome="explained", title="城建·解释", body="…"
    )
    leaf = ReplyTemplate.objects.create(
        org=org, category=world.leaf, outcome="resolved", title="物业·已解决", body="…"
    )
    leaf_explained = ReplyTemplate.objects.create(
        org=org, category=world.leaf, outcome="explained", title="物业·解释", body="…"
    )
    from wenzheng.casework.models import Category

    other = Category.objects.create(name="教育")
    ReplyTemplate.objects.create(org=org, category=other, outcome="resolved", title="教育·已解决", body="…")
    ReplyTemplate.objects.create(org=org, outcome="resolved", title="停用", body="…", is_active=False)
    case = handled_case(world, *ELEVATOR, publish=False)
    assert get_reply_templates(case) == [leaf_explained, leaf, root, general]
    assert get_reply_templates(case, "explained") == [leaf_explained, root, leaf, general]
    assert list(reply_template_queryset(case, "resolved")) == [leaf, general, leaf_explained, root]


def test_it_measures_the_working_days_a_case_has_used(world):
    case = handled_case(world, *ELEVATOR, publish=False)
    used, limit = time_used(case)
    assert limit is not None
    assert limit > 0
    assert used is not None
    assert used >= 0
    assert time_used(new_case(world)) == (None, None)


def test_it_loads_the_demo_templates_once_for_the_categories_present(world):
    from wenzheng.casework.models import Category
    from wenzheng.insight.replies.demo import do_load_demo_templates

    Category.objects.create(name="物业管理", parent=world.category)  # 城乡建设/物业管理
    assert do_load_demo_templates(world.city) == 2
    assert do_load_demo_templates(world.city) == 0
    outcomes = set(ReplyTemplate.objects.filter(org=world.city).values_list("outcome", flat=True))
    assert outcomes == {"resolved", "explained"}
