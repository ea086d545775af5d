"""Tests for wenzheng.lib.masking.

Expected values are written out by hand from the rules in the module docstring. Every table
row is also checked for idempotence, because values get masked at more than one layer.
"""

from __future__ import annotations

import re
import time

import pytest

from wenzheng.lib.masking import (
    mask_address,
    mask_email,
    mask_id_number,
    mask_name,
    mask_phone,
    mask_plate,
    mask_text,
)

ALL_FIELD_FUNCTIONS = [mask_name, mask_phone, mask_id_number, mask_plate, mask_email, mask_address, mask_text]

# (free text, expected masked text)
TEXT_TABLE: list[tuple[str, str]] = [
    # names, phones and door numbers together
    (
        "我叫王小明，电话13912345678，住在岳麓区麓山南路932号3栋2单元501室",
        "我叫王**，电话139****5678，住在岳麓区麓山南路***号*栋*单元***室",
    ),
    (
        "我叫李娜，身份证430102199003071234，手机13812345678",
        "我叫李*，身份证4****************4，手机138****5678",
    ),
    ("我叫欧阳娜娜，今年30岁", "我叫欧阳**，今年30岁"),
    ("姓名：欧阳娜娜", "姓名：欧阳**"),
    ("联系人：李四 电话：84567890", "联系人：李* 电话：845***90"),
    ("姓名：Wang Wei，国籍中国", "姓名：W***，国籍中国"),
    ("本人王小明，男，家住河西", "本人王**，男，家住河西"),
    ("网民王小明反映小区停水", "网民王**反映小区停水"),
    ("网民hunan2026反映噪音", "网民h***反映噪音"),
    # cues that are not followed by a name, and names that are already anonymous
    ("本人认为处理不公", "本人认为处理不公"),
    ("本人于今年3月向社区反映", "本人于今年3月向社区反映"),
    ("本人车辆在小区被刮", "本人车辆在小区被刮"),
    ("网民普遍反映路灯不亮", "网民普遍反映路灯不亮"),
    ("网民陆续反映此事", "网民陆续反映此事"),
    ("要密切联系人民群众", "要密切联系人民群众"),
    ("联系人：王先生", "联系人：王先生"),
    ("网民王某反映", "网民王某反映"),
    # plates
    ("车牌湘A12345的车", "车牌湘A***45的车"),
    ("新能源车湘AD12345乱停", "新能源车湘AD***45乱停"),
    ("湘A·12345号车主", "湘A·***45号车主"),
    # ID numbers win over phones
    ("身份证号430102199003071234", "身份证号4****************4"),
    ("身份证43010219900307123X丢失", "身份证4****************X丢失"),
    ("旧身份证430102900307123已作废", "旧身份证4*************3已作废"),
    # phones
    ("座机0731-84567890", "座机0731-******90"),
    ("联系电话：0731 84567890", "联系电话：0731 ******90"),
    ("座机（0731）8456789", "座机（0731）*****89"),
    ("Tel:0731-84567890", "Tel:0731-******90"),
    ("手机138 1234 5678，请回电", "手机138 **** 5678，请回电"),
    ("电话+86 138-1234-5678", "电话+86 138-****-5678"),
    ("全角电话１３８１２３４５６７８", "全角电话１３８****５６７８"),
    ("13812345678", "138****5678"),
    # emails and bank cards
    ("邮箱wang.xm@example.com", "邮箱w***@example.com"),
    ("QQ邮箱13812345678@qq.com", "QQ邮箱1***@qq.com"),
    ("发邮件到admin@gov.cn即可", "发邮件到a***@gov.cn即可"),
    ("工资卡号6222 0212 3456 7890未到账", "工资卡号**** **** **** 7890未到账"),
    # door-level address numbers
    ("住址：长沙市开福区湘江中路B2-1203室", "住址：长沙市开福区湘江中路B*-****室"),
    ("地址：望城区某村5组", "地址：望城区某村*组"),
    ("2号楼下水道堵塞", "*号楼下水道堵塞"),
    ("3栋楼都没有电梯", "*栋楼都没有电梯"),
    ("回复：经查，麓山南路932号门前路灯已修复。", "回复：经查，麓山南路***号门前路灯已修复。"),
    # ordinary numbers stay as they are
    ("2026年3月5日缴纳物业费5000元", "2026年3月5日缴纳物业费5000元"),
    ("3月5号上午十点停水", "3月5号上午十点停水"),
    ("每月15号发工资", "每月15号发工资"),
    ("根据湘政办发〔2023〕12号文件精神", "根据湘政办发〔2023〕12号文件精神"),
    ("依照第5号令执行", "依照第5号令执行"),
    ("地铁2号线施工噪音扰民", "地铁2号线施工噪音扰民"),
    ("小区3室2厅的房子漏水", "小区3室2厅的房子漏水"),
    ("把人员分成3组巡查", "把人员分成3组巡查"),
    ("共有120户居民，投资1200000元", "共有120户居民，投资1200000元"),
    ("2026年投诉量为3928件，办结率99.2%", "2026年投诉量为3928件，办结率99.2%"),
    ("请拨打12345热线", "请拨打12345热线"),
]


@pytest.mark.parametrize(("text", "expected"), TEXT_TABLE)
def test_it_masks_free_text_exactly(text: str, expected: str) -> None:
    assert mask_text(text) == expected


@pytest.mark.parametrize(("text", "expected"), TEXT_TABLE)
def test_it_leaves_masked_free_text_unchanged(text: str, expected: str) -> None:
    assert mask_text(expected) == expected


def test_it_has_a_table_of_at_least_forty_realistic_rows() -> None:
    assert len(TEXT_TABLE) >= 40
    assert sum(1 for text, expected in TEXT_TABLE if text != expected) >= 25


# A mobile whose middle four digits (0000) occur nowhere else in the surrounding text, so any
# surviving "0" means a middle digit leaked.
MIDDLE_FOUR_CASES = [
    "13800009999",
    "138 0000 9999",
    "138-0000-9999",
    "+86 13800009999",
    "+86-138-0000-9999",
    "8613800009999",
    "１３８００００９９９９",
    "请联系我13800009999谢谢",
    "手机：138 0000 9999。",
    "电话13800009999/13900009999",
]


@pytest.mark.parametrize("value", MIDDLE_FOUR_CASES)
def test_it_lets_no_digit_of_a_mobiles_middle_four_survive(value: str) -> None:
    for masked in (mask_text(value), mask_phone(value)):
        assert "0" not in masked
        assert "０" not in masked
        assert masked.count("*") >= 4


def test_it_masks_a_20000_character_body_quickly_and_exactly() -> None:
    segment = "2026年3月5日，小区3栋住户反映，投诉电话13812345678，物业费5000元，共计120户。"
    masked_segment = "2026年3月5日，小区*栋住户反映，投诉电话138****5678，物业费5000元，共计120户。"
    repeats = 20_000 // len(segment) + 1
    body = segment * repeats
    assert len(body) >= 20_000
    started = time.perf_counter()
    result = mask_text(body)
    elapsed = time.perf_counter() - started
    assert result == masked_segment * repeats
    assert elapsed < 2.0


@pytest.mark.parametrize(
    "body",
    [
        "1" * 20_000,
        "a" * 20_000,
        "1-" * 10_000,
        "a@" * 10_000,
        "本人" * 10_000,
        "网民王" * 7_000,
        "湘A1" * 7_000,
        "我叫" * 10_000,
    ],
)
def test_it_stays_linear_on_pathological_bodies(body: str) -> None:
    started = time.perf_counter()
    mask_text(body)
    assert time.perf_counter() - started < 2.0


def test_it_masks_long_digit_runs_but_keeps_the_last_four() -> None:
    assert mask_text("卡号6222021234567890123") == "卡号***************0123"


def test_it_does_not_read_an_id_number_as_a_phone() -> None:
    masked = mask_text("身份证11010519491231002X，电话13912345678")
    assert masked == "身份证1****************X，电话139****5678"
    assert not re.search(r"\d{3}\*{4}\d{4}", masked.split("，")[0])


# -- field functions -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("张三", "张*"),
        ("王小明", "王**"),
        ("欧阳娜娜", "欧阳**"),
        ("司马光", "司马*"),
        ("歐陽娜娜", "歐陽**"),
        ("欧阳", "欧*"),
        ("张", "*"),
        (" 张 三 ", "张*"),
        ("John Smith", "J***"),
        ("amy", "a***"),
        ("买买提·艾力", "买*****"),
        ("", ""),
        (None, ""),
    ],
)
def test_it_masks_names_keeping_the_surname(value: str | None, expected: str) -> None:
    assert mask_name(value) == expected
    assert mask_name(expected) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("13812345678", "138****5678"),
        ("138 1234 5678", "138 **** 5678"),
        ("138-1234-5678", "138-****-5678"),
        ("+86 13812345678", "+86 138****5678"),
        ("+86 138 1234 5678", "+86 138 **** 5678"),
        ("8613812345678", "86138****5678"),
        ("008613812345678", "0086138****5678"),
        ("0731-84567890", "0731-******90"),
        ("073184567890", "0731******90"),
        ("(0731)8456789", "(0731)*****89"),
        ("010-62345678", "010-******78"),
        ("+86 731 84567890", "+86 731 ******90"),
        ("84567890", "845***90"),
        ("400-800-1234", "400-***-**34"),
        ("13812345678、0731-84567890", "138****5678、0731-******90"),
        ("12345", "12345"),
        ("  13812345678  ", "138****5678"),
        ("不详", "不详"),
        ("", ""),
        (None, ""),
    ],
)
def test_it_masks_phone_fields(value: str | None, expected: str) -> None:
    assert mask_phone(value) == expected
    assert mask_phone(expected) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("430102199003071234", "4****************4"),
        ("43010219900307123x", "4****************x"),
        ("430102900307123", "4*************3"),
        ("430102 19900307 1234", "4****************4"),
        ("E12345678", "E*******8"),
        ("12", "**"),
        ("", ""),
        (None, ""),
    ],
)
def test_it_keeps_only_the_first_and_last_character_of_id_numbers(value: str | None, expected: str) -> None:
    assert mask_id_number(value) == expected
    assert mask_id_number(expected) == expected


def test_it_hides_birthplace_birth_date_and_sex_in_id_numbers() -> None:
    masked = mask_id_number("430102199003071234")
    assert len(masked) == 18
    assert "430102" not in masked
    assert "19900307" not in masked
    assert masked[16] == "*"  # the 17th digit gives the sex


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("湘A12345", "湘A***45"),
        ("湘AD12345", "湘AD***45"),
        ("湘A12345D", "湘A1***5D"),
        ("湘a12345", "湘a***45"),
        ("湘A·12345", "湘A·***45"),
        ("湘A1234学", "湘A***4学"),
        ("WJ1234", "WJ**34"),
        ("湘A", "湘*"),
        ("", ""),
        (None, ""),
    ],
)
def test_it_masks_plates(value: str | None, expected: str) -> None:
    assert mask_plate(value) == expected
    assert mask_plate(expected) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("zhangsan@example.com", "z***@example.com"),
        ("13812345678@qq.com", "1***@qq.com"),
        ("a@b.cn", "a***@b.cn"),
        ("@example.com", "***@example.com"),
        ("no-at-sign", "n***"),
        ("", ""),
        (None, ""),
    ],
)
def test_it_masks_emails(value: str | None, expected: str) -> None:
    assert mask_email(value) == expected
    assert mask_email(expected) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("长沙市岳麓区麓山南路932号3栋2单元501室", "长沙市岳麓区麓山南路***号*栋*单元***室"),
        ("长沙市芙蓉区五一大道5号院2号楼", "长沙市芙蓉区五一大道*号院*号楼"),
        ("望城区白箬铺镇某村12组", "望城区白箬铺镇某村**组"),
        ("雨花区某小区5-2-301", "雨花区某小区*-*-***"),
        ("岳麓区麓山南路932", "岳麓区麓山南路***"),
        ("G107国道旁某加油站", "G107国道旁某加油站"),
        ("长沙市岳麓区", "长沙市岳麓区"),
        ("", ""),
        (None, ""),
    ],
)
def test_it_masks_door_level_address_detail(value: str | None, expected: str) -> None:
    assert mask_address(value) == expected
    assert mask_address(expected) == expected


@pytest.mark.parametrize("function", ALL_FIELD_FUNCTIONS)
@pytest.mark.parametrize(
    "odd",
    [
        "\x00\x07",
        "*",
        "****",
        "😀😀",
        "１",
        "@",
        "-",
        "()",
        "湘",
        "号",
        "12345678901234567890123",
        12345,
        3.5,
    ],
)
def test_it_never_raises_and_is_idempotent_on_odd_input(function, odd: object) -> None:
    once = function(odd)
    assert isinstance(once, str)
    assert function(once) == once
