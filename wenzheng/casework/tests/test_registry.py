"""Categories, the dispatch catalogue, leader mailboxes and what a received message carries."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from wenzheng.casework import actions
from wenzheng.casework.categories import do_load_categories
from wenzheng.casework.models import Attachment, Category, DispatchRule
from wenzheng.casework.selectors import get_dispatch_proposal
from wenzheng.core.errors import InvalidInput
from wenzheng.testing.chain import new_case

SHARED_TREE = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "category_tree.csv"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "tree.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.skipif(not SHARED_TREE.exists(), reason="../shared/data is not beside this checkout")
def test_it_loads_the_platform_category_tree_and_is_idempotent(db):
    import csv

    with SHARED_TREE.open(encoding="utf-8-sig") as handle:
        rows = [tuple(c.strip() for c in row[:3]) for row in list(csv.reader(handle))[1:] if any(row)]
    # A name is one category per parent: the same level-2 name under two level-1s is two categories.
    expected = [len({r[:depth] for r in rows if len(r) >= depth and r[depth - 1]}) for depth in (1, 2, 3)]
    first = do_load_categories(SHARED_TREE)
    counts = [Category.objects.filter(level=level).count() for level in (1, 2, 3)]
    assert counts == expected
    assert counts[0] == 15
    assert first.created == sum(counts)
    second = do_load_categories(SHARED_TREE)
    assert second.created == 0
    assert Category.objects.count() == sum(counts)


def test_it_refuses_a_bad_file_and_writes_nothing(db, tmp_path):
    path = write(tmp_path, "一级分类,二级分类,三级分类\n城乡建设,住房,物业\n,缺一级,x\n")
    with pytest.raises(InvalidInput) as excinfo:
        do_load_categories(path)
    assert excinfo.value.details["line"] == 3
    assert Category.objects.count() == 0
    with pytest.raises(CommandError, match="表头"):
        call_command("categories", "load", str(write(tmp_path, "a,b,c\nx,y,z\n")))
    assert Category.objects.count() == 0


def test_it_loads_a_tree_saved_as_gbk_and_refuses_undecodable_bytes(db, tmp_path):
    path = tmp_path / "tree.csv"
    path.write_bytes("一级分类,二级分类,三级分类\r\n城乡建设,住房保障,公租房\r\n".encode("gbk"))
    assert do_load_categories(path).created == 3
    assert list(Category.objects.order_by("level").values_list("name", flat=True)) == [
        "城乡建设",
        "住房保障",
        "公租房",
    ]
    path.write_bytes("一级分类,二级分类,三级分类\n".encode() + b"\x80\xff\n")
    with pytest.raises(CommandError, match="GB18030"):
        call_command("categories", "load", str(path))
    assert Category.objects.count() == 3


def test_it_proposes_the_most_specific_dispatch_rule(world):
    mid = world.leaf.parent
    # Rules in the world: root → housing everywhere; mid in district A → district A.
    assert get_dispatch_proposal(world.city, world.leaf, world.street_a1).lead_unit == world.district_a
    assert get_dispatch_proposal(world.city, world.leaf, world.district_b).lead_unit == world.housing
    assert get_dispatch_proposal(world.city, world.leaf, None).lead_unit == world.housing
    DispatchRule.objects.create(org=world.city, category=world.leaf, lead_unit=world.district_b)
    assert get_dispatch_proposal(world.city, world.leaf, world.street_a1).lead_unit == world.district_b
    assert get_dispatch_proposal(world.city, mid, world.street_a1).lead_unit == world.district_a
    other = Category.objects.create(name="另一类")
    assert get_dispatch_proposal(world.city, other, world.street_a1) is None


def test_it_fills_the_proposed_unit_from_the_catalogue_at_registration(world):
    case = new_case(world)
    actions.do_register(case, acting_user=world.intake, category=world.leaf, territory=world.street_a1)
    case.refresh_from_db()
    assert case.proposed_unit == world.district_a
    assert case.registered_at is not None


def test_it_routes_a_leader_mailbox_to_its_organisation_and_office(world):
    receipt = actions.do_receive_message(
        channel="mailbox", mailbox=world.mayor_mailbox, subject="致市长", body="建议增设公交线路"
    )
    case = receipt.case
    assert case.org == world.city
    assert case.number.startswith("WZ-")
    other = Category.objects.create(name="无规则的分类")
    actions.do_register(case, acting_user=world.intake, category=other)
    case.refresh_from_db()
    assert case.proposed_unit == world.gov_office


def test_it_keeps_attachments_with_their_digest(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    photo = SimpleUploadedFile("现场照片.jpg", b"\xff\xd8\xff" + b"0" * 100, content_type="image/jpeg")
    case = new_case(world, attachments=[photo])
    stored = Attachment.objects.get(case=case)
    assert stored.original_name == "现场照片.jpg"
    assert stored.size == 103
    assert len(stored.sha256) == 64
    assert (tmp_path / stored.file.name).exists()


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("subject", {"subject": "  ", "body": "内容"}),
        ("body", {"subject": "标题", "body": ""}),
        ("subject", {"subject": "长" * 201, "body": "内容"}),
        ("channel", {"subject": "标题", "body": "内容", "channel": "fax"}),
    ],
)
def test_it_refuses_bad_messages_with_the_field_named(world, field, kwargs):
    from wenzheng.casework.models import Case

    kwargs.setdefault("channel", "web")
    with pytest.raises(InvalidInput) as excinfo:
        actions.do_receive_message(org=world.city, **kwargs)
    assert excinfo.value.details["field"] == field
    assert Case.objects.count() == 0


def test_it_returns_the_existing_case_for_a_known_external_reference(world):
    first = actions.do_receive_message(
        channel="board", source="rmw", external_ref="7", org=world.city, subject="a", body="b"
    )
    again = actions.do_receive_message(
        channel="board", source="rmw", external_ref="7", org=world.city, subject="a", body="b"
    )
    assert first.created
    assert not again.created
    assert again.case.pk == first.case.pk
