"""Masking of citizens' personal data for public pages and exports.

The Personal Information Protection Law (个人信息保护法, arts. 28 and 51) treats ID numbers,
whereabouts and contact details as personal (partly sensitive) information that may only be
disclosed to the extent necessary. A published reply, an exported ledger or a printed list needs
none of it in clear, so everything shown outside the handling roles goes through this module.
It is plain Python (no Django) so views, exports and management commands can share it.

Common contract
    Every function returns ``str``. ``None`` and ``""`` give ``""``; other non-strings are
    converted with ``str()``. No function raises on odd input: a value that does not look like
    what the field should hold is masked by a coarser fallback rule rather than shown in clear.
    Every function is idempotent (masking masked output changes nothing), because values are
    masked at several layers (stored digests, views, exports) and double masking must be
    harmless. Field functions (all but ``mask_text``) strip surrounding whitespace.
    Detection treats full-width forms (１３８…, ＠, （）, ：) like their ASCII forms, because
    Chinese input methods produce them, but output keeps the original characters.

``mask_name``
    Chinese names keep the surname and replace every other character with "*": 张三 → 张*,
    王小明 → 王**, 欧阳娜娜 → 欧阳** (two-character compound surnames are recognised when the
    name has at least three characters). A one-character name becomes "*". A name without CJK
    characters keeps its first letter followed by a fixed "***" (John Smith → J***), so the
    length of the name is not revealed either. A surname alone says little about a person;
    the given name, together with a district, often identifies them.

``mask_phone``
    Separators and prefixes stay where they are; only digits become "*".
    Mainland mobiles (1[3-9] + 9 digits, optionally with +86 / 0086 / 86) keep the first 3 and
    last 4 digits: 13812345678 → 138****5678, +86 138-1234-5678 → +86 138-****-5678. That is the
    convention people recognise from bank and courier apps.
    Landlines keep the area code and the last 2 digits: 0731-84567890 → 0731-******90,
    (0731)8456789 → (0731)*****89. The area code only names a city.
    Any other number of at least 7 digits keeps its first 3 and last 2 digits; shorter numbers
    (extensions, service numbers such as 12345) are left as they are. A field holding several
    numbers ("13812345678、0731-84567890") has each one masked.

``mask_id_number``
    Keep the first and the last character only: 430102199003071234 → 4****************4,
    15-digit 430102900307123 → 4*************3. Rationale: digits 1-6 name the registering
    district, 7-14 are the birth date and the 17th gives the sex, so the usual "first 6 / last 4"
    display leaks place of origin and sex, and "first 3 / last 4" still leaks the sex. The first
    digit names only a large region (e.g. 4 = central south) and the 18th is a checksum, so the
    two kept characters show the length (new or old format) and let staff tell two records apart
    without revealing anything about the person. Separators inside the value are dropped.
    Other document numbers (passports, a mistyped ID) are masked by the same rule.

``mask_plate``
    Keep the province, the issuing-office letter and the last 2 characters; the 3 characters
    before those become "*": 湘A12345 → 湘A***45, new-energy 湘AD12345 → 湘AD***45. Plates are
    matched against vehicle registrations, so the full plate identifies the owner. A value that
    is not a recognised plate keeps its first 2 and last 2 characters.

``mask_email``
    Keep the first character of the local part and the domain, replace the rest of the local
    part with a fixed "***": zhangsan@example.com → z***@example.com.

``mask_address``
    Keep the address down to road / community level and replace each digit of door-level
    tokens with "*": a number (optionally with a leading letter or written as 3-2-501) followed
    by 号 号楼 号院 栋 幢 单元 楼 室 组, hyphenated chains (5-2-301) and a bare number at the end:
    长沙市岳麓区麓山南路932号3栋2单元501室 → 长沙市岳麓区麓山南路***号*栋*单元***室. The road tells
    the handling unit where the problem is; the door tells a stranger where the citizen lives.

``mask_text``
    Finds and masks, inside free text (subjects, bodies, replies): email addresses; 18- and
    15-digit ID numbers with a plausible birth date (matched before phone numbers, so an ID is
    never masked as a phone); runs of 16 or more digits (bank cards; all but the last 4 digits
    masked), also written in groups of four; mobiles (also written 138 1234 5678 or
    138-1234-5678); landlines with area code; a 7-8 digit local number right after 电话 / 座机 /
    固话 / 手机 / Tel; plates (province + letter + 5 or 6 characters with at least 2 digits);
    door-level address numbers as in ``mask_address``; and names introduced by a cue: 我叫X,
    我的名字是X, 姓名：X, 联系人：X (and 反映人 投诉人 举报人 留言人 申请人 当事人 with a colon),
    本人X, 联系人X (without colon) and 网民X反映. After a colon or 我叫 anything name-like is
    masked; after the weaker cues (本人, no colon, 网民) only a known surname followed by
    punctuation or a word such as 反映 / 家住 / 电话 counts, so "本人认为" or "网民普遍反映" stay.
    "王先生", "李女士" and "王某" are left alone: they already hide the person.
    Ordinary numbers are not touched: dates (2026年3月5日, 3月5号), amounts (5000元), years,
    counts, document numbers (湘政发〔2026〕12号, 第5号), metro lines (2号线), layouts (3室2厅).
    Door-level rules are lexical, so a count written like a door number ("3栋楼都没有电梯") is
    masked too; privacy wins over readability there. "15号发工资" without 月 is read as a door
    number unless followed by a time word (上午, 当天, 之前, ...).
    All patterns are precompiled, anchored on character-class boundaries and bounded, so the
    scan is linear in the length of the text (20,000-character bodies take milliseconds).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

__all__ = [
    "mask_address",
    "mask_email",
    "mask_id_number",
    "mask_name",
    "mask_phone",
    "mask_plate",
    "mask_text",
]

_STAR = "*"

# Full-width ASCII (U+FF01-U+FF5E) and the ideographic space map one-to-one onto ASCII, so
# detection can run on a translated copy while indices still line up with the original text.
# So does every other decimal digit (Arabic-Indic, mathematical bold 𝟏𝟑𝟗 …): fuzzing found
# "1391234567𝟖" left unmasked, and a number in fancy digits is still the citizen's number.
_OTHER_DIGITS = {
    cp: 0x30 + unicodedata.decimal(chr(cp)) for cp in range(0x80, 0x20000) if chr(cp).isdecimal()
}
_FULLWIDTH = str.maketrans({**_OTHER_DIGITS, **{0xFF01 + i: 0x21 + i for i in range(94)}, 0x3000: 0x20})

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAS_CJK_RE = re.compile(f"[{_CJK}]")

COMPOUND_SURNAMES: frozenset[str] = frozenset(
    (
        "欧阳",
        "司马",
        "上官",
        "诸葛",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "令狐",
        "长孙",
        "宇文",
        "司徒",
        "夏侯",
        "轩辕",
        "端木",
        "独孤",
        "南宫",
        "西门",
        "百里",
        "呼延",
        "万俟",
        "澹台",
        "公冶",
        "太史",
        "申屠",
        "钟离",
        "闾丘",
        "宗政",
        "赫连",
        "拓跋",
        # Traditional forms, because some source texts (and citizens) write traditional characters.
        "歐陽",
        "司馬",
        "諸葛",
        "尉遲",
        "公孫",
        "長孫",
        "軒轅",
        "獨孤",
        "南宮",
        "西門",
        "東方",
        "鍾離",
        "閭丘",
    )
)

# Common single-character surnames (roughly the 150 most frequent). Only used for the weak
# name cues (本人X, 网民X反映, 联系人X without colon), where the character after the cue must
# look like the start of a name. Characters that mostly occur as ordinary words right after
# such cues (来 强 普 都 和 时 平 ...) are left out on purpose.
_SURNAMES: frozenset[str] = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马胡朱郭何罗高林郑梁谢唐许冯宋韩邓彭曹曾田肖萧潘袁蔡蒋余于杜叶程魏"
    "苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付傅方邹熊白孟秦邱侯江尹薛闫阎段雷龙黎史陶贺毛郝顾"
    "龚邵万覃武钱戴严欧莫孔向常汤康易乔赖文施牛樊葛邢齐伍庞颜倪庄聂章鲁岳翟殷詹耿兰焦俞左柳甘祝"
    "包舒阮柯纪梅童凌毕裴霍涂苗谷盛曲翁冉骆蓝游辛靳柴蒙鲍喻祁蒲滕屈饶牟艾尤穆卓岑褚娄窦戚晏"
    "卫瞿佟臧闵邬卞栾隋甄虞敖巩佘邝谌鄢粟冼蔺阚"
    # traditional forms of the most frequent ones
    "張劉陳楊黃趙吳孫馬鄭謝韓鄧葉蔣蘇呂盧鍾譚陸賈韋鄒錢龔嚴喬賴聶顧龍"
)

# A name never ends with one of these characters; they are function words, time words and
# address words that follow a name in running text (王明住在..., 于今年..., 马上...).
_NAME_STOP = frozenset(
    "在是有的了和与及向对就也都已被把将于从因为所等这那个们说想要请去到住现曾多次再又还并但而且或"
    "地得着过上下里内外后前时年月日今号电话手机反映联系身份证区市县镇乡村路街楼栋室家男女岁续烈遍"
)

# Words that look like "surname + given name" right after a cue but are not names.
_NOT_NAMES = (
    "陆续",
    "强烈",
    "普遍",
    "马上",
    "常年",
    "常常",
    "田地",
    "房屋",
    "房子",
    "孙子",
    "高度",
    "江边",
    "文件",
    "方面",
    "金额",
    "石头",
    "白天",
)

# After a strong cue (我叫, 姓名：) the next characters are a name unless they start one of these.
_NOT_NAME_STARTS = (
    "电话",
    "手机",
    "地址",
    "身份",
    "联系",
    "邮箱",
    "微信",
    "信息",
    "性别",
    "不详",
    "未知",
    "匿名",
    "保密",
    "民",
    "不",
    "及",
    "和",
    "与",
    "等",
    "的",
)

# Surname + one of these is how a reply addresses someone without naming them.
_HONORIFICS = ("先生", "女士", "小姐", "同学", "师傅", "老师", "大爷", "大妈", "阿姨", "同志", "某")

# What may follow a name in running text: punctuation, digits, end of text or a typical next word.
_NAME_END_RE = re.compile(
    f"(?:$|[^{_CJK}]|反映|来信|留言|男|女|现|家住|住|身份证|电话|手机|联系|系|今年|同志)"
)

# -- patterns for free text (run on the full-width-normalised copy) -------------------------------

_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_AREA = r"(?:10|2[0-9]|[3-9][0-9]{2})"  # area code without its leading 0
_DAY = r"(?:0[1-9]|[12][0-9]|3[01])"
_MONTH = r"(?:0[1-9]|1[0-2])"
_DOOR_UNITS = r"号楼|号院|号|栋|幢|单元|楼|室|组"
# A number right after "*" is the kept tail of something already masked (湘A***45号), so it is
# never read as a door number: masking must be idempotent.
_DOOR = rf"(?P<door>(?<![0-9A-Za-z*])[A-Za-z]?[0-9]{{1,5}}(?:-[0-9]{{1,5}}){{0,2}})(?P<unit>{_DOOR_UNITS})"
_NAME_CUES = "姓名|联系人|反映人|投诉人|举报人|留言人|申请人|当事人"
_CJK_CHUNK = f"[{_CJK}]{{2,5}}"

_TEXT_RE = re.compile(
    "|".join(
        [
            # Emails first: "13812345678@qq.com" is an email, not a phone number.
            r"(?P<email>(?<![A-Za-z0-9._%+\-*])[A-Za-z0-9._%+\-*]{1,64}@"
            r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+)",
            # ID numbers before phones so that no part of an ID is ever read as a phone.
            rf"(?P<id>(?<![0-9])[1-9][0-9]{{5}}[ -]?(?:18|19|20)[0-9]{{2}}{_MONTH}{_DAY}[ -]?[0-9]{{3}}[0-9Xx]"
            rf"(?![0-9A-Za-z])|(?<![0-9])[1-9][0-9]{{7}}{_MONTH}{_DAY}[0-9]{{3}}(?![0-9A-Za-z]))",
            r"(?P<long>(?<![0-9])(?:[0-9]{16,}|[0-9]{4}(?:[ -][0-9]{4}){3}(?:[ -][0-9]{1,4})?)(?![0-9]))",
            r"(?P<mobile>(?<![0-9])(?:(?:\+|00)?86[ -]?)?1[3-9][0-9][ -]?[0-9]{4}[ -]?[0-9]{4}(?![0-9]))",
            rf"(?P<landline>(?<![0-9])(?:(?:\+|00)86[ -]?{_AREA}[ -]?|\(0{_AREA}\)[ -]?|0{_AREA}[ -]?)"
            r"[2-9][0-9]{6,7}(?![0-9]))",
            r"(?P<pcue>(?:联系电话|电话|座机|固话|手机|[Tt][Ee][Ll])(?:号码|号)?[ :]{0,3})(?P<pnum>[2-9][0-9]{6,7})(?![0-9])",
            rf"(?P<plate>[{_PROVINCES}][A-Za-z][·• -]?[A-Za-z0-9]{{4,5}}[A-Za-z0-9挂学警港澳](?![A-Za-z0-9]))",
            _DOOR,
            # Names: the cue is matched, the candidate name only looked at, so that the scan
            # resumes right after however many characters turn out to be the name.
            rf"(?P<scue>(?:我叫|我的名字[是叫]|(?:{_NAME_CUES})[ \t]*:[ \t]*))"
            rf"(?=(?P<sname>{_CJK_CHUNK}|[A-Za-z]{{2,20}}(?: [A-Za-z]{{2,20}}){{0,2}}))",
            rf"(?P<wcue>本人(?:叫|是|姓名)?|(?:{_NAME_CUES})[是为]?)(?=(?P<wname>{_CJK_CHUNK}))",
            rf"(?P<ncue>网民)(?=(?P<nname>[{_CJK}]{{2,5}}?|[A-Za-z0-9_]{{2,20}})反映)",
        ]
    )
)

_ADDRESS_RE = re.compile(
    "|".join(
        [
            _DOOR,
            r"(?P<chain>(?<![0-9A-Za-z*])[A-Za-z]?[0-9]{1,5}(?:-[0-9]{1,5}){1,3}(?![0-9]))",
            r"(?P<tail>(?<![0-9A-Za-z*])[A-Za-z]?[0-9]{1,6}[A-Za-z]?)[ \t]*$",
        ]
    )
)

# 号 after these is part of a date or a document number, not a door number.
_DOC_BEFORE_HAO = frozenset("第〕])】")  # 湘政发〔2026〕12号, 第5号令
_NOT_DOOR_AFTER_ANY_HAO = frozenset("线文令字")  # 2号线, 5号文, 5号字
_DATE_BEFORE_HAO = frozenset("月年")  # 3月5号
_DATE_AFTER_HAO = re.compile(
    "上午|下午|晚上|早上|早晨|凌晨|中午|傍晚|夜里|夜间|当天|那天|当日|之前|之后|以前|以后|开始|起|至|到|左右"
)
_LAYOUT_AFTER_ROOM = re.compile("[0-9一二两三四五六七八九十]厅")  # 3室2厅 is a flat layout
_VILLAGE_BEFORE_GROUP = frozenset("村队区社屯庄")  # 某某村3组 is an address, 分成3组 is not

_PHONE_RUN_RE = re.compile(r"\+?\(?[0-9*](?:[ \-()]{0,2}[0-9*])*")
_PHONE_SYMBOLS = frozenset("0123456789*")
_PLATE_RE = re.compile(rf"[{_PROVINCES}][A-Za-z][·• -]?(?P<tail>[A-Za-z0-9*]{{4,5}}[A-Za-z0-9*挂学警港澳])")


def _as_text(value: object) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def _star(original: str, positions: Iterable[int]) -> str:
    chars = list(original)
    for i in positions:
        chars[i] = _STAR
    return "".join(chars)


def _star_digits(original: str, normalised: str, upto: int | None = None) -> str:
    end = len(normalised) if upto is None else upto
    return _star(original, (i for i in range(end) if "0" <= normalised[i] <= "9"))


# -- phones -----------------------------------------------------------------------------------------


def _phone_mask_range(symbols: str) -> range:
    """Indices into ``symbols`` (digits and "*") to mask.

    Only kept positions (country code, first digits, area code) are inspected, so masked
    output is classified exactly like its original and masking is idempotent.
    """
    n = len(symbols)
    offsets = [0]
    if symbols.startswith("0086"):
        offsets.insert(0, 4)
    elif symbols.startswith("86"):
        offsets.insert(0, 2)
    for off in offsets:
        national = symbols[off:]
        if len(national) == 11 and national[:3].isdigit() and national[0] == "1" and national[1] in "3456789":
            return range(off + 3, off + 7)
        if national[:1] == "0":
            area = 3 if national[1:2] in ("1", "2") else 4
        elif off:
            area = 2 if national[:1] in ("1", "2") else 3
        else:
            continue
        local = national[area:]
        if national[:area].isdigit() and len(local) in (7, 8) and local[0] in "23456789*":
            return range(off + area, n - 2)
    if n >= 7:
        return range(3, n - 2)
    return range(0)


def _mask_phone_segment(original: str, normalised: str) -> str:
    where = [i for i, ch in enumerate(normalised) if ch in _PHONE_SYMBOLS]
    symbols = "".join(normalised[i] for i in where)
    return _star(original, (where[k] for k in _phone_mask_range(symbols)))


# -- names --------------------------------------------------------------------------------------------


def _surname_length(candidate: str) -> int:
    return 2 if len(candidate) >= 3 and candidate[:2] in COMPOUND_SURNAMES else 1


def _name_length(candidate: str, following: str, *, strong: bool) -> int:
    """How many characters of ``candidate`` (a run of CJK after a cue) form a name; 0 for none."""
    if following.startswith(_STAR):
        return 0  # "欧阳**": the run stops at our own mask, so this is already masked
    surname = _surname_length(candidate)
    if strong and candidate.startswith(_NOT_NAME_STARTS):
        return 0
    if not strong and ((surname == 1 and candidate[0] not in _SURNAMES) or candidate.startswith(_NOT_NAMES)):
        return 0
    if candidate[surname:].startswith(_HONORIFICS):
        return 0
    for n in range(min(len(candidate), surname + 2), surname, -1):
        if candidate[n - 1] not in _NAME_STOP and _NAME_END_RE.match(candidate[n:] + following):
            return n
    if not strong:
        return 0
    # After 我叫 / 姓名：, a name without a clear end still gets masked: surname plus one given
    # character, plus a second one unless it reads as the next word.
    n = min(len(candidate), surname + 1)
    if len(candidate) > n and candidate[n] not in _NAME_STOP:
        n += 1
    return n


# -- plates and doors ----------------------------------------------------------------------------------


def _mask_plate_segment(original: str, normalised: str) -> str:
    m = _PLATE_RE.fullmatch(normalised)
    if m is None:
        return original
    tail_end = m.end("tail")
    return _star(original, range(tail_end - 5, tail_end - 2))


def _door_is_ordinary_number(norm: str, start: int, end: int, number: str, unit: str) -> bool:
    """Whether a number + door unit in running text is really a date, a document number etc."""
    before = norm[start - 1] if start else ""
    after = norm[end : end + 4]
    if unit == "号":
        if before in _DOC_BEFORE_HAO or after[:1] in _NOT_DOOR_AFTER_ANY_HAO:
            return True
        # Only a number that can be a day of the month can be a date (3月5号, 5号上午).
        could_be_day = number.isdigit() and 1 <= int(number) <= 31
        return could_be_day and (before in _DATE_BEFORE_HAO or bool(_DATE_AFTER_HAO.match(after)))
    if unit == "室":
        return bool(_LAYOUT_AFTER_ROOM.match(after))
    if unit == "组":
        return before not in _VILLAGE_BEFORE_GROUP
    return False


def _mask_door_match(m: re.Match[str], text: str, norm: str, *, in_address: bool) -> str:
    start, end = m.span()
    number_end = m.end("door")
    original = text[start:end]
    if not in_address and _door_is_ordinary_number(norm, start, end, m.group("door"), m.group("unit")):
        return original
    return _star_digits(original, norm[start:end], number_end - start)


# -- public API ---------------------------------------------------------------------------------------


def mask_name(name: str | None) -> str:
    """Mask a person's name: 张三 → 张*, 欧阳娜娜 → 欧阳**, John Smith → J***."""
    text = _as_text(name).strip()
    if not text or set(text) == {_STAR}:
        return text
    if _HAS_CJK_RE.search(text):
        compact = "".join(text.split())
        if len(compact) == 1:
            return _STAR
        surname = _surname_length(compact)
        return compact[:surname] + _STAR * (len(compact) - surname)
    first = text[0]
    return (first if first.isalpha() else "") + _STAR * 3


def mask_phone(phone: str | None) -> str:
    """Mask every phone-like number in a contact field: 13812345678 → 138****5678."""
    text = _as_text(phone).strip()
    if not text:
        return ""
    norm = text.translate(_FULLWIDTH)
    parts: list[str] = []
    pos = 0
    for m in _PHONE_RUN_RE.finditer(norm):
        start, end = m.span()
        parts.append(text[pos:start])
        parts.append(_mask_phone_segment(text[start:end], norm[start:end]))
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def mask_id_number(value: str | None) -> str:
    """Mask an ID number, keeping its first and last character: 4****************4."""
    text = "".join(_as_text(value).split()).replace("-", "")
    if len(text) <= 2:
        return _STAR * len(text)
    return text[0] + _STAR * (len(text) - 2) + text[-1]


def mask_plate(value: str | None) -> str:
    """Mask a licence plate: 湘A12345 → 湘A***45, 湘AD12345 → 湘AD***45."""
    text = _as_text(value).strip()
    if not text:
        return ""
    norm = text.translate(_FULLWIDTH)
    if _PLATE_RE.fullmatch(norm):
        return _mask_plate_segment(text, norm)
    # Not a recognisable plate (foreign, military, mistyped): still never shown in full.
    if len(text) <= 4:
        return text[0] + _STAR * (len(text) - 1)
    return text[:2] + _STAR * (len(text) - 4) + text[-2:]


def _mask_email_parts(original: str, normalised: str) -> str:
    at = normalised.rfind("@")
    local = original if at < 0 else original[:at]
    domain = "" if at < 0 else original[at:]
    first = local[:1] if local[:1] not in ("", _STAR) else ""
    return first + _STAR * 3 + domain


def mask_email(value: str | None) -> str:
    """Mask an email address: zhangsan@example.com → z***@example.com."""
    text = _as_text(value).strip()
    if not text:
        return ""
    return _mask_email_parts(text, text.translate(_FULLWIDTH))


def mask_address(value: str | None) -> str:
    """Mask door-level detail: ...麓山南路932号3栋2单元501室 → ...麓山南路***号*栋*单元***室."""
    text = _as_text(value).strip()
    if not text:
        return ""
    norm = text.translate(_FULLWIDTH)
    parts: list[str] = []
    pos = 0
    for m in _ADDRESS_RE.finditer(norm):
        start, end = m.span()
        parts.append(text[pos:start])
        if m.group("door") is not None:
            parts.append(_mask_door_match(m, text, norm, in_address=True))
        else:
            parts.append(_star_digits(text[start:end], norm[start:end]))
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def _mask_text_match(m: re.Match[str], text: str, norm: str) -> tuple[str, int]:
    """The replacement for one match and the index where scanning resumes."""
    start, end = m.span()
    original, normalised = text[start:end], norm[start:end]
    if m.group("email") is not None:
        return _mask_email_parts(original, normalised), end
    if m.group("id") is not None:
        where = [i for i, ch in enumerate(normalised) if ch not in " -"]
        return _star(original, where[1:-1]), end
    if m.group("long") is not None:
        where = [i for i, ch in enumerate(normalised) if ch.isdigit()]
        return _star(original, where[:-4]), end
    if m.group("mobile") is not None or m.group("landline") is not None:
        return _mask_phone_segment(original, normalised), end
    if m.group("pcue") is not None:
        cut = m.end("pcue") - start
        return original[:cut] + _mask_phone_segment(original[cut:], normalised[cut:]), end
    if m.group("plate") is not None:
        tail = m.group("plate")[2:].lstrip("·• -")
        if sum(ch.isdigit() for ch in tail) < 2:
            return original, end
        return _mask_plate_segment(original, normalised), end
    if m.group("door") is not None:
        return _mask_door_match(m, text, norm, in_address=False), end
    for cue, name, strong in (("scue", "sname", True), ("wcue", "wname", False), ("ncue", "nname", False)):
        if m.group(cue) is None:
            continue
        candidate = m.group(name)
        name_start = m.end(cue)
        if not _HAS_CJK_RE.match(candidate):  # Latin name or user name
            length = len(candidate)
        else:
            following = norm[name_start + len(candidate) : name_start + len(candidate) + 4]
            length = _name_length(candidate, following, strong=strong)
        if length == 0:
            return original, end
        return original + mask_name(text[name_start : name_start + length]), name_start + length
    return original, end  # pragma: no cover - every alternative is handled above


def mask_text(text: str | None) -> str:
    """Mask personal data inside free text (subject, body, reply); everything else is kept."""
    source = _as_text(text)
    if not source:
        return ""
    norm = source.translate(_FULLWIDTH)
    parts: list[str] = []
    emitted = 0
    m = _TEXT_RE.search(norm)
    while m is not None:
        replacement, resume = _mask_text_match(m, source, norm)
        parts.append(source[emitted : m.start()])
        parts.append(replacement)
        emitted = resume
        # ``search`` from a position still sees the characters before it, so the lookbehind
        # boundaries keep working across matches.
        m = _TEXT_RE.search(norm, resume)
    parts.append(source[emitted:])
    return "".join(parts)
