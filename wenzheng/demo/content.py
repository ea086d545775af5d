"""Demo content: a fictional organisation, demo users, a category tree and a message generator.

Everything here is invented for demonstrations, seeding and tests. The province 江川省, the city 青澜市,
its districts, streets, estates, companies and people do not exist; the texts were written for this
module and are not taken from any real message board.

The module is pure data plus pure functions (no Django imports), so seeding commands, fixtures and
benchmarks can all share it. The generator is deterministic for a given seed.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final, Literal

# --------------------------------------------------------------------------------------------
# Vocabularies
# --------------------------------------------------------------------------------------------

ORG_KINDS: Final[tuple[str, ...]] = (
    "province",
    "city",
    "district",
    "county",
    "township",
    "street",
    "community",
    "department",
    "office",
)
ROLES: Final[tuple[str, ...]] = (
    "intake_operator",
    "dispatcher",
    "liaison",
    "handler",
    "unit_leader",
    "reviewer",
    "supervisor",
    "analyst",
    "administrator",
)
GRADES: Final[tuple[str, ...]] = ("general", "important", "major")
CHANNELS: Final[tuple[str, ...]] = ("web", "mailbox", "hotline", "email", "wechat", "weibo")
REPLY_OUTCOMES: Final[tuple[str, ...]] = ("resolved", "explained", "in_progress", "not_competent")

CATEGORY_CSV_PATH: Final[Path] = Path(__file__).resolve().parent / "categories.csv"
CATEGORY_CSV_HEADER: Final[tuple[str, str, str]] = ("一级分类", "二级分类", "三级分类")


# --------------------------------------------------------------------------------------------
# Specs
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrgSpec:
    code: str
    name: str
    kind: str
    short_name: str = ""
    aliases: tuple[str, ...] = ()
    children: tuple[OrgSpec, ...] = ()


@dataclass(frozen=True)
class MailboxSpec:
    code: str
    name: str
    office_code: str


@dataclass(frozen=True)
class UserSpec:
    username: str
    full_name: str
    role: str
    unit_code: str


@dataclass(frozen=True)
class PlaceRef:
    unit_code: str
    name: str
    district_code: str | None


@dataclass(frozen=True)
class GeneratedMessage:
    subject: str
    body: str
    level1: str
    level2: str
    level3: str
    place_code: str | None
    grade: str
    contact_name: str
    contact_phone: str
    contact_email: str
    is_public: bool
    channel: str
    mailbox_code: str | None
    reply_outcome: str
    reply_body: str


# --------------------------------------------------------------------------------------------
# Organisation tree
# --------------------------------------------------------------------------------------------

_DeptDraft = tuple[str, str, str]  # (code suffix, full-name suffix, short-name suffix)
_CommunityDraft = tuple[str, tuple[str, ...]]  # (name, aliases)
_StreetDraft = tuple[str, tuple[str, ...], tuple[_CommunityDraft, ...]]  # (name, aliases, communities)

_DISTRICT_DEPARTMENTS: Final[tuple[_DeptDraft, ...]] = (
    ("ZJ", "住房和城乡建设局", "住建局"),
    ("CG", "城市管理局", "城管局"),
    ("JY", "教育局", "教育局"),
    ("WJ", "卫生健康局", "卫健局"),
)


def _street(code: str, draft: _StreetDraft) -> OrgSpec:
    name, aliases, communities = draft
    kind = "street" if name.endswith("街道") else "township"
    children = []
    for index, (community_name, community_aliases) in enumerate(communities, start=1):
        letter = "V" if community_name.endswith("村") else "C"
        children.append(
            OrgSpec(
                code=f"{code}-{letter}{index}",
                name=community_name,
                kind="community",
                aliases=community_aliases,
            )
        )
    return OrgSpec(code=code, name=name, kind=kind, aliases=aliases, children=tuple(children))


def _district(
    code: str,
    name: str,
    kind: str,
    aliases: tuple[str, ...],
    office_name: str,
    streets: tuple[_StreetDraft, ...],
    departments: tuple[_DeptDraft, ...] = _DISTRICT_DEPARTMENTS,
) -> OrgSpec:
    office = OrgSpec(
        code=f"{code}-BGS",
        name=office_name,
        kind="office",
        short_name=f"{name}政府办",
        aliases=(f"{name[:-1]}政府办",),
    )
    department_units = tuple(
        OrgSpec(
            code=f"{code}-{suffix}",
            name=f"{name}{full}",
            kind="department",
            short_name=f"{name}{short}",
            aliases=(f"{name[:-1]}{short}",),
        )
        for suffix, full, short in departments
    )
    street_units = []
    for index, draft in enumerate(streets, start=1):
        letter = "S" if draft[0].endswith("街道") else "T"
        street_units.append(_street(f"{code}-{letter}{index}", draft))
    return OrgSpec(
        code=code,
        name=name,
        kind=kind,
        aliases=aliases,
        children=(office, *department_units, *street_units),
    )


def _city_department(suffix: str, full: str, short: str) -> OrgSpec:
    return OrgSpec(
        code=f"QL-{suffix}",
        name=f"青澜市{full}",
        kind="department",
        short_name=f"市{short}",
        aliases=(f"青澜市{short}", f"青澜{short}"),
    )


ORG_TREE: Final[OrgSpec] = OrgSpec(
    code="JC",
    name="江川省",
    kind="province",
    aliases=("江川",),
    children=(
        OrgSpec(
            code="QL",
            name="青澜市",
            kind="city",
            aliases=("青澜",),
            children=(
                OrgSpec("QL-SWB", "中共青澜市委办公室", "office", "市委办公室", ("市委办",)),
                OrgSpec("QL-ZFB", "青澜市人民政府办公室", "office", "市政府办公室", ("市政府办",)),
                OrgSpec(
                    "QL-SLZX",
                    "青澜市网络问政受理中心",
                    "office",
                    "市网络问政受理中心",
                    ("受理中心", "问政中心"),
                ),
                OrgSpec("QL-DCS", "中共青澜市委督查室", "office", "市委督查室", ("督查室",)),
                _city_department("ZJ", "住房和城乡建设局", "住建局"),
                _city_department("JT", "交通运输局", "交通局"),
                _city_department("JY", "教育局", "教育局"),
                _city_department("WJ", "卫生健康委员会", "卫健委"),
                _city_department("RS", "人力资源和社会保障局", "人社局"),
                _city_department("HB", "生态环境局", "环保局"),
                _city_department("CG", "城市管理局", "城管局"),
                _city_department("SJ", "市场监督管理局", "市场监管局"),
                _city_department("GA", "公安局", "公安局"),
                _city_department("ZR", "自然资源和规划局", "自然资源局"),
                _city_department("SW", "水务局", "水务局"),
                _city_department("NY", "农业农村局", "农业农村局"),
                _district(
                    "QL-DH",
                    "东湖区",
                    "district",
                    ("东湖",),
                    "东湖区人民政府办公室",
                    (
                        ("桂花街道", ("桂花街", "桂花"), (("金桂社区", ("金桂",)), ("丹桂社区", ("丹桂",)))),
                        ("湖滨街道", ("湖滨街", "湖滨"), (("望湖社区", ("望湖",)), ("柳岸社区", ("柳岸",)))),
                        ("水门街道", ("水门街", "水门"), (("文昌社区", ("文昌",)), ("大井社区", ("大井",)))),
                    ),
                ),
                _district(
                    "QL-XC",
                    "西城区",
                    "district",
                    ("西城",),
                    "西城区人民政府办公室",
                    (
                        ("西关街道", ("西关街", "西关"), (("钟楼社区", ("钟楼",)), ("锦坊社区", ("锦坊",)))),
                        ("石桥街道", ("石桥街", "石桥"), (("枫林社区", ("枫林",)), ("板桥社区", ("板桥",)))),
                        ("梅岭街道", ("梅岭街", "梅岭"), (("翠屏社区", ("翠屏",)), ("松涛社区", ("松涛",)))),
                    ),
                ),
                _district(
                    "QL-GX",
                    "高新区",
                    "district",
                    ("高新", "青澜高新区", "高新技术产业开发区"),
                    "高新区管委会办公室",
                    (
                        ("云谷街道", ("云谷街", "云谷"), (("创新社区", ("创新",)), ("云溪社区", ("云溪",)))),
                        ("麓山街道", ("麓山街", "麓山"), (("青桐社区", ("青桐",)), ("书院社区", ("书院",)))),
                        ("新港街道", ("新港街", "新港"), (("港湾社区", ("港湾",)), ("滨江社区", ("滨江",)))),
                    ),
                ),
                _district(
                    "QL-LJ",
                    "临江县",
                    "county",
                    ("临江",),
                    "临江县人民政府办公室",
                    (
                        ("城关镇", ("城关",), (("南门社区", ("南门",)), ("北街社区", ("北街",)))),
                        ("白沙镇", ("白沙",), (("沙湾村", ("沙湾",)), ("竹园村", ("竹园",)))),
                        ("岭下乡", ("岭下",), (("茶坪村", ("茶坪",)), ("枫树村", ("枫树",)))),
                    ),
                    departments=(
                        ("ZJ", "住房和城乡建设局", "住建局"),
                        ("JY", "教育局", "教育局"),
                        ("WJ", "卫生健康局", "卫健局"),
                        ("NY", "农业农村局", "农业农村局"),
                    ),
                ),
            ),
        ),
    ),
)


def iter_units(root: OrgSpec = ORG_TREE) -> Iterator[tuple[OrgSpec, OrgSpec | None]]:
    """Yield every unit with its parent, depth first, parents before children."""
    stack: list[tuple[OrgSpec, OrgSpec | None]] = [(root, None)]
    while stack:
        unit, parent = stack.pop()
        yield unit, parent
        stack.extend((child, unit) for child in reversed(unit.children))


@cache
def _unit_index() -> dict[str, tuple[OrgSpec, OrgSpec | None]]:
    return {unit.code: (unit, parent) for unit, parent in iter_units()}


def get_unit(code: str) -> OrgSpec:
    return _unit_index()[code][0]


def _district_of(code: str) -> OrgSpec | None:
    index = _unit_index()
    current: str | None = code
    while current is not None and current in index:
        unit, parent = index[current]
        if unit.kind in ("district", "county"):
            return unit
        current = parent.code if parent else None
    return None


def place_refs() -> list[PlaceRef]:
    """Streets, townships, communities and villages of ORG_TREE as places messages can be about."""
    refs = []
    for unit, _parent in iter_units():
        if unit.kind in ("street", "township", "community"):
            district = _district_of(unit.code)
            refs.append(PlaceRef(unit.code, unit.name, district.code if district else None))
    return refs


# --------------------------------------------------------------------------------------------
# Mailboxes and users
# --------------------------------------------------------------------------------------------

MAILBOXES: Final[list[MailboxSpec]] = [
    MailboxSpec("MB-QL-SJ", "市委书记信箱", "QL-SWB"),
    MailboxSpec("MB-QL-SZ", "市长信箱", "QL-ZFB"),
    MailboxSpec("MB-DH-QZ", "东湖区区长信箱", "QL-DH-BGS"),
    MailboxSpec("MB-XC-QZ", "西城区区长信箱", "QL-XC-BGS"),
    MailboxSpec("MB-GX-QZ", "高新区区长信箱", "QL-GX-BGS"),
    MailboxSpec("MB-LJ-XZ", "临江县县长信箱", "QL-LJ-BGS"),
]

DEMO_USERS: Final[list[UserSpec]] = [
    UserSpec("intake", "周晓琳", "intake_operator", "QL-SLZX"),
    UserSpec("hotline", "陈嘉怡", "intake_operator", "QL-SLZX"),
    UserSpec("dispatcher", "罗志远", "dispatcher", "QL-ZFB"),
    UserSpec("reviewer", "郑秋明", "reviewer", "QL-ZFB"),
    UserSpec("supervisor", "许文涛", "supervisor", "QL-DCS"),
    UserSpec("analyst", "韩雪婷", "analyst", "QL-SLZX"),
    UserSpec("admin", "宋立新", "administrator", "QL"),
    UserSpec("donghu_liaison", "刘思雨", "liaison", "QL-DH-BGS"),
    UserSpec("donghu_handler", "王浩然", "handler", "QL-DH-BGS"),
    UserSpec("donghu_leader", "杨建华", "unit_leader", "QL-DH-BGS"),
    UserSpec("xicheng_liaison", "何婉清", "liaison", "QL-XC-BGS"),
    UserSpec("xicheng_handler", "孙宇航", "handler", "QL-XC-BGS"),
    UserSpec("xicheng_leader", "唐国平", "unit_leader", "QL-XC-BGS"),
    UserSpec("gaoxin_liaison", "冯晓燕", "liaison", "QL-GX-BGS"),
    UserSpec("gaoxin_handler", "邓子健", "handler", "QL-GX-BGS"),
    UserSpec("linjiang_liaison", "曾春梅", "liaison", "QL-LJ-BGS"),
    UserSpec("linjiang_handler", "彭永刚", "handler", "QL-LJ-BGS"),
    UserSpec("zjj_liaison", "谢敏", "liaison", "QL-ZJ"),
    UserSpec("zjj_handler", "蒋伟东", "handler", "QL-ZJ"),
    UserSpec("zjj_leader", "贺振华", "unit_leader", "QL-ZJ"),
]


# --------------------------------------------------------------------------------------------
# Categories
# --------------------------------------------------------------------------------------------


@cache
def load_categories() -> tuple[tuple[str, str, str], ...]:
    """The (level1, level2, level3) leaves of categories.csv, in file order."""
    with CATEGORY_CSV_PATH.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        if tuple(header) != CATEGORY_CSV_HEADER:
            raise ValueError(f"unexpected category header: {header!r}")
        return tuple((row[0], row[1], row[2]) for row in reader if row)


# --------------------------------------------------------------------------------------------
# Message templates
# --------------------------------------------------------------------------------------------

_Setting = Literal["urban", "rural", "none"]


@dataclass(frozen=True)
class _Template:
    """One kind of problem. Texts are str.format templates over the slots built in _slots()."""

    category: str  # "level1/level2/level3"
    setting: _Setting
    subjects: tuple[str, ...]
    bodies: tuple[str, ...]
    asks: tuple[str, ...]
    topic: str
    resolved: str
    progress: str
    explained: str = ""
    other: str = ""  # the competent authority named in a "not competent" reply
    major: bool = False

    @property
    def triple(self) -> tuple[str, str, str]:
        level1, level2, level3 = self.category.split("/")
        return level1, level2, level3

    def outcomes(self) -> tuple[str, ...]:
        available = ["resolved", "in_progress"]
        if self.explained:
            available.append("explained")
        if self.other:
            available.append("not_competent")
        return tuple(available)


_TEMPLATES: Final[tuple[_Template, ...]] = (
    # ---- 城乡建设 ------------------------------------------------------------------------
    _Template(
        category="城乡建设/物业管理/电梯运行维护",
        setting="urban",
        subjects=("{estate}{bldg}电梯停运{dur}无人维修", "恳请督促{estate}尽快修复电梯"),
        bodies=(
            "我家住在{place}{estate}{bldg}{floor}楼。这栋楼的电梯从{dur}前开始停运，门口贴了张“维修中”的纸条就再没人管了。"
            "楼里有不少七八十岁的老人，上下楼只能靠家人背，买菜、看病都成了难题。我们找过{property}好几次，"
            "对方一会儿说等配件，一会儿说维修资金批不下来。",
            "{place}{estate}{bldg}的电梯这{dur}里坏了不下{n}次，最严重的一次把人关在轿厢里将近半小时。我们住在{floor}楼，"
            "家里有孕妇和小孩，现在坐电梯提心吊胆，不坐又爬不动。{property}每次都是简单重启一下就算修好了。",
        ),
        asks=(
            "希望主管部门督促物业尽快彻底维修，并请专业机构对电梯做一次安全检测。",
            "请有关部门过问一下，给我们一个明确的修复时间。",
        ),
        topic="{estate}{bldg}电梯故障",
        resolved="{estate}{bldg}电梯因主板老化、曳引钢丝绳磨损导致频繁故障。我们已约谈{property}，督促其委托维保单位更换了相关部件，"
        "电梯已于近日经检验机构检测合格并恢复运行，同时要求物业每半月公示一次维保记录。",
        explained="该电梯已使用超过十五年，需要整体更新，费用按规定从专项维修资金中列支，须经业主表决同意。目前表决票数尚未达到规定比例，"
        "社区和物业正在逐户上门沟通，恳请您和其他业主理解支持、积极参与表决。",
        progress="该电梯需更换主机，配件采购周期约二十天。我们已要求{property}在维修期间安排专人为行动不便的老人提供帮扶，"
        "并将持续跟踪，确保配件到货后一周内完成安装和检测。",
        other="市场监督管理部门（特种设备安全监察机构）",
    ),
    _Template(
        category="城乡建设/物业管理/物业收费",
        setting="urban",
        subjects=("{estate}物业费上涨不合理", "质疑{property}擅自上调物业费"),
        bodies=(
            "{place}{estate}的{property}最近贴出通知，从下个月起物业费由每平方米{fee}元涨到{fee2}元，还要另收每月{money}元的地面停车费。"
            "涨价前没有开业主大会，也没有公示服务成本。这几年小区绿化没人打理，门禁坏了{dur}都没修，服务没变好，价格倒先涨了。",
        ),
        asks=(
            "请相关部门核查这次涨价是否合规，督促物业公开收支账目。",
            "希望有关部门出面规范，让物业先把服务做好再谈涨价。",
        ),
        topic="{estate}物业费调整",
        resolved="{property}在未召开业主大会、未履行公示程序的情况下调整物业服务费标准，不符合相关规定。我们已责令其暂停执行新标准，"
        "并在小区公示栏公开上一年度物业服务收支情况，损坏的门禁系统也已修复。",
        explained="该小区物业服务费属市场调节价，调整须由业主大会与物业服务企业协商确定。目前{property}仅发布了征求意见通知，新标准尚未生效。"
        "社区将组织业主代表座谈会，届时您可以当面提出意见。",
        progress="社区已牵头组织业主代表、{property}和街道房管员召开协调会，物业同意暂缓调价，并将在三十日内公示近两年服务成本明细，"
        "我们将跟进后续协商结果。",
        other="价格主管部门",
    ),
    _Template(
        category="城乡建设/建筑施工/施工扰民",
        setting="urban",
        subjects=("{estate}旁工地夜间施工扰民", "{road}工地天天施工到{time}"),
        bodies=(
            "{place}{estate}旁边的在建工地最近{dur}几乎每天施工到{time}，打桩机、混凝土泵车轰鸣不断，整栋楼的窗户都在震。"
            "小区里很多上班族和学生，整晚睡不好觉。打电话问过，工地说办了夜间施工许可，但我们从没看到公示。",
            "我住在{place}{road}边的{estate}，对面工地{dur}来一直夜间施工，渣土车{time}还在进进出出，喇叭声、倒车提示音吵得人根本睡不着。"
            "家里老人有心脏病，这段时间血压一直降不下来。",
        ),
        asks=("请核查该工地是否真有夜间施工许可，晚上十点后依法停工。", "恳请管一管，还居民一个安静的夜晚。"),
        topic="{estate}旁工地夜间施工",
        resolved="该工地确有超时施工情况，其夜间施工许可只核准了连续浇筑作业，并不包括打桩等高噪声工序。我们已对施工单位依法立案处理，"
        "要求其严格按许可时段作业并在工地门口公示许可信息。近几日夜间巡查未再发现违规施工。",
        explained="该工地因混凝土底板须连续浇筑，已依法办理了为期三天的夜间施工许可，并在工地出入口进行了公示。浇筑结束后将不再安排夜间作业，"
        "给您带来不便，敬请谅解。",
        progress="我们已向施工单位下达整改通知，要求晚上十点后停止高噪声作业，并安排执法人员近期开展夜间突击检查，如再发现违规施工将依法从重处罚。",
        other="生态环境部门",
    ),
    _Template(
        category="城乡建设/征收拆迁/征收补偿",
        setting="urban",
        subjects=("{road}片区征收补偿款迟迟未到位", "房屋被征收{dur}补偿款仍未付清"),
        bodies=(
            "我是{place}{road}片区的被征收户，按协议房子在{dur}前就交了钥匙，当时说三个月内付清补偿款，到现在只拿到一半，还差{amount}。"
            "过渡费也停发了两个月，一家老小在外租房，压力很大。找过征收指挥部，每次都说在走程序。",
        ),
        asks=(
            "请领导督促相关单位按协议尽快兑付补偿款和过渡费。",
            "希望给我们一个准确的付款时间，不要再拖了。",
        ),
        topic="{road}片区征收补偿款兑付",
        resolved="您所在片区的征收补偿资金因拨付流程调整出现延迟。经协调，剩余补偿款已于本月拨付到位，征收指挥部已电话通知您办理领取手续，"
        "停发的过渡费也已一并补发。",
        explained="根据您签订的征收补偿协议，剩余补偿款在安置房交付后结算，目前安置房正在竣工验收，预计年内交付。前两个月过渡费因银行账户信息有误未能到账，"
        "更正后已补发。",
        progress="我们已协调财政部门加快资金拨付，征收指挥部承诺在本月底前完成第一批剩余补偿款的兑付，您在第一批名单内，如有变化工作人员将当面向您说明。",
        other="征收项目所在区人民政府",
    ),
    _Template(
        category="城乡建设/住房保障/老旧小区改造",
        setting="urban",
        subjects=("{estate}老旧小区改造施工拖沓", "{estate}改造工程进度慢、路面没回填"),
        bodies=(
            "{place}{estate}是九十年代的老小区，今年列入了老旧小区改造。可工程开工{dur}了，外墙刷了一半就停工，挖开的路面没回填，"
            "雨天全是泥，管线也乱拉在外面。施工队说要等下一批资金，居民出行很不方便。",
        ),
        asks=("希望督促施工单位加快进度、保证质量，先把挖开的路面恢复。",),
        topic="{estate}老旧小区改造",
        resolved="经核查，{estate}改造项目因雨水管线设计变更一度停工。目前变更已完成审批，施工单位已增派人员复工，挖开的路面已临时回填硬化，"
        "外墙和楼道粉刷将在一个月内完工，社区将组织居民代表参与验收。",
        explained="{estate}改造项目分两期实施，一期为管网和路面，二期为外墙和楼道。一期因地下管线复杂进度有所延后，二期资金已经落实。"
        "施工期间给您带来的不便，敬请谅解。",
        progress="我们已约谈施工单位，要求三日内复工并先行回填挖开的路面，同时由监理单位每周向社区通报进度，我们将持续督办直至完工。",
        other="所在区老旧小区改造工作专班",
    ),
    _Template(
        category="城市管理/公用事业/供水",
        setting="urban",
        subjects=("{estate}经常无故停水", "{estate}频繁停水且无通知"),
        bodies=(
            "{place}{estate}这{dur}已经停水{n}次了，每次都没有提前通知，有一次从早上停到{time}才来水。家里有老人小孩，做饭、洗澡都成问题。"
            "打供水公司热线，只说是管网维修。",
        ),
        asks=("希望供水部门查明原因，停水前提前通知，尽快解决频繁停水的问题。",),
        topic="{estate}停水",
        resolved="该片区停水系{road}供水主管老化爆管所致。供水企业已完成约三百米老旧管道的更换，近两周供水稳定。今后计划停水将至少提前二十四小时"
        "在小区张贴通知并短信告知。",
        explained="近期停水是因为{road}道路改造需迁移供水管线，属于计划停水，供水企业已在小区张贴公告，但部分楼栋公告被覆盖，致使您未能及时知晓。"
        "今后将同时通过社区微信群发布通知。",
        progress="供水企业已对该区域管网进行检测，确定需更换一段老旧主管，工程预计下月初开工、半个月完工，施工期间将安排送水车保障居民基本用水。",
        other="供水企业",
    ),
    _Template(
        category="城乡建设/建筑施工/工程质量安全",
        setting="urban",
        major=True,
        subjects=("工地基坑开挖致{estate}楼房开裂", "紧急！{estate}{bldg}墙体开裂地面下沉"),
        bodies=(
            "紧急求助！{place}{estate}旁边的工地开挖深基坑后，我们{bldg}从前天开始墙体出现多条裂缝，最宽的能塞进手指，楼道地面明显下沉，"
            "晚上能听到咔咔的响声。楼里住着{households}多户人，大家都不敢回家，有的睡在车里。施工方只说会找人来看，到现在也没人来。",
            "{place}{estate}{bldg}的住户紧急求助：隔壁工地打桩以来，我们楼的外墙和楼梯间出现了大量裂缝，今天早上{unit}有一块阳台板掉了下来，"
            "差点砸到人。居民多次找施工方，对方只派人拿水泥抹了抹。现在大家晚上都不敢在家住。",
        ),
        asks=("恳请领导立即派专业人员鉴定，叫停施工，先把居民安置好！",),
        topic="{estate}{bldg}房屋开裂",
        resolved="接到反映后，我们会同住建、应急部门和街道连夜赶赴现场，责令工地立即停工并采取应急加固措施，组织居民临时转移安置。第三方检测机构已完成安全鉴定，"
        "房屋主体结构稳定，裂缝已修复，居民已陆续返回，相关损失由建设单位依法承担。",
        progress="我们已责令工地全面停工并采取应急加固措施，并安排居民到附近酒店过渡。房屋安全鉴定正在进行，结论出来后将第一时间向居民公开，"
        "并督促建设单位制定维修和赔偿方案。",
    ),
    # ---- 交通运输 ------------------------------------------------------------------------
    _Template(
        category="交通运输/公共交通/公交线路设置",
        setting="urban",
        subjects=("建议在{estate}附近增设公交线路", "{estate}居民出行难，盼开通公交"),
        bodies=(
            "{place}{estate}入住已经{years}年了，小区有{households}多户居民，最近的公交站要走二十多分钟。早上送孩子上学、老人去医院都很不方便，"
            "只能打车或坐黑摩的。{road}已经修通，完全具备通公交的条件。",
        ),
        asks=(
            "建议把{bus}延伸到{estate}，或者新开一条社区微循环公交。",
            "希望交通部门实地看看，早日解决我们的出行问题。",
        ),
        topic="{estate}附近公交线路",
        resolved="经实地踏勘和客流调查，公交企业已将{bus}延伸至{estate}，在小区东门新设站点，自下周一起正式运行，首末班时间保持不变。",
        explained="我们对{road}沿线进行了实地勘察，该路段尚未完成人行道和港湾式停靠站建设，暂不具备公交安全停靠条件。待配套设施完工后，"
        "将优先考虑延伸{bus}。",
        progress="公交企业已将该需求纳入今年线网优化方案，正在组织客流调查和线路论证，预计两个月内确定方案并向社会公示。",
        other="区交通运输主管部门",
    ),
    _Template(
        category="交通运输/道路建设养护/道路破损",
        setting="urban",
        subjects=("{road}路面坑洼多处急需修补", "{road}破损严重，雨天积水"),
        bodies=(
            "{place}附近的{road}，从{road2}路口往北这一段，路面坑洼已经{dur}了，最大的坑有脸盆那么大，下雨天积满水根本看不出来。{date}我亲眼看到一个骑电动车的人摔在坑里。"
            "这条路车流量很大，晚上路灯又暗，非常危险。",
        ),
        asks=("请养护部门尽快修补，修好之前先设置警示标志。",),
        topic="{road}路面破损",
        resolved="养护单位已对{road}（{road2}路口以北段）的坑槽进行了全面修补，共修补路面约一百二十平方米，并疏通了周边排水口，"
        "该路段已列入重点巡查路段。",
        explained="{road}已列入今年道路大修计划，将对全段路面铣刨重铺。大修开工前，养护单位会对影响安全的坑槽进行临时修补，但难以从根本上解决问题，请您谅解。",
        progress="养护单位已在坑槽处设置警示标志，因近期连续降雨无法进行沥青摊铺，计划在天气转晴后三个工作日内完成修补。",
        other="道路产权单位（该路段由开发企业代建，尚未移交）",
    ),
    _Template(
        category="交通运输/交通管理/交通信号灯",
        setting="urban",
        subjects=("{road}与{road2}路口信号灯时长不合理", "建议优化{road}路口红绿灯配时"),
        bodies=(
            "我住在{place}，{road}与{road2}交叉口是我上下班的必经之路，但东西向绿灯只有十几秒，车辆经常排出几百米；行人过街的绿灯更短，老人走到一半就变灯了。"
            "路口附近就是{school}，放学时孩子过马路非常危险。",
        ),
        asks=("建议重新优化信号配时，并在上下学时段安排交警或志愿者疏导。",),
        topic="{road}与{road2}交叉口信号灯",
        resolved="交警部门对该路口进行了流量调查，已将东西向绿灯时长由十八秒延长至三十五秒，行人过街绿灯延长至三十秒，并在上下学时段设置了护学岗。",
        explained="该路口信号配时是综合四个方向车流量设定的，单独延长某一方向会造成其他方向严重拥堵。该路口已接入智能信号控制系统，"
        "系统会根据实时车流自动调整配时。",
        progress="我们已安排技术人员连续一周采集该路口的车流和人流数据，将据此重新制定信号配时方案，预计本月内完成调整。",
        other="公安交通管理部门",
    ),
    _Template(
        category="交通运输/交通管理/停车管理",
        setting="none",
        subjects=("{hospital}周边停车难、乱停车严重", "{hospital}门口车辆双排停放堵路"),
        bodies=(
            "{hospital}门口的{road}每天早上七点到十点堵成一锅粥，看病的车找不到车位就沿路双排停放，救护车都进不去。医院停车场早就满了。"
            "{date}我带老人看病，光等停车就花了一个多小时。",
        ),
        asks=("建议在周边规划临时停车场，加强违停管理，保障救护通道畅通。",),
        topic="{hospital}周边停车",
        resolved="我们已会同交警、医院在{road}施划临时泊位，在医院对面空地开辟了临时停车场，高峰时段安排交警和保安疏导，"
        "救护车专用通道已设置隔离护栏，近一周通行情况明显改善。",
        explained="{hospital}位于老城区，周边可利用土地有限。医院新停车楼正在建设中，建成后将新增车位六百余个。在此之前，建议您优先选择公交出行或错峰就诊。",
        progress="我们正在与附近单位协商共享停车位，初步确定两处内部停车场可在高峰时段开放，具体方案正在落实，预计下月开放。",
        other="公安交通管理部门",
    ),
    _Template(
        category="交通运输/公共交通/出租车与网约车",
        setting="none",
        subjects=("{station}出租车拒载议价", "举报{station}出租车不打表"),
        bodies=(
            "{date}晚上我在{station}打车，连着问了{n}辆出租车都说不去，最后一辆要求一口价{money}元，不打表，比平时贵了一倍。"
            "车站是城市的窗口，外地人来了印象很差。车牌号我已经记下来了。",
        ),
        asks=("请运管部门对拒载、议价行为严肃处理，加强站点管理。",),
        topic="{station}出租车拒载议价",
        resolved="根据您提供的车牌号，我们调取了车载监控和营运记录，查实该驾驶员存在议价不打表的行为，已依法处罚，并责令所属企业对其停岗培训。",
        explained="我们根据车牌号查询了营运记录，该车当时处于交班状态，按规定可以不载客，但驾驶员未做好解释，我们已要求企业加强服务规范教育。",
        progress="我们已在{station}出租车候客区开展为期一个月的专项整治，并在调取您所述车辆的营运数据，核实后将依法处理并告知您结果。",
        other="市交通运输综合执法支队",
    ),
    # ---- 教育文体 ------------------------------------------------------------------------
    _Template(
        category="教育文体/学前教育/幼儿园入园",
        setting="urban",
        subjects=("{place}公办幼儿园学位不足", "孩子上公办幼儿园太难了"),
        bodies=(
            "我家孩子今年三岁，住在{place}{estate}。片区唯一的公办园{kinder}今年只招{n}个班，报名人数是学位的三倍多，我们没摇上号。"
            "附近民办园一学期一万多，普通家庭负担太重。周边新小区入住了几千户，配套幼儿园到现在还没建好。",
        ),
        asks=("恳请教育部门尽快落实小区配套幼儿园，增加普惠性学位。",),
        topic="{place}公办幼儿园学位",
        resolved="{estate}配套幼儿园已完成移交，改造后作为{kinder}分园于今年秋季开园，新增学位二百七十个。片区未录取幼儿可报名分园，"
        "报名时间请关注区教育局公众号。",
        explained="今年该片区适龄儿童增加较多，公办学位确实紧张，按规定以摇号方式分配。未录取幼儿可选择普惠性民办园，其收费执行政府指导价，"
        "家庭困难的还可申请学前教育资助。",
        progress="{estate}配套幼儿园已完成主体建设，正在进行内部装修和设备采购，计划明年春季开园，区教育局将提前发布招生公告。",
        other="开发建设单位及区住建部门（配套园尚未移交）",
    ),
    _Template(
        category="教育文体/义务教育/入学划片",
        setting="urban",
        subjects=("{estate}入学划片不合理", "质疑{estate}学区划分调整"),
        bodies=(
            "{place}{estate}离{school}步行只要五分钟，今年划片却把我们划到了三公里外的学校，孩子上学要横穿{road}。小区{households}多户业主都很不理解。"
            "划片方案公示期只有三天，我们提的意见也没有回音。",
        ),
        asks=("请教育部门说明划片依据，按就近入学原则重新考虑。",),
        topic="{estate}入学划片",
        resolved="经复核，原划片方案对{estate}入住人口估计不足。经研究，今年将{estate}调整为{school}与相邻学校的共享学区，"
        "符合条件的适龄儿童可自愿选择其一就读。",
        explained="划片综合考虑学位容量、生源分布和交通安全等因素。{school}今年一年级学位已满，若继续扩大招生范围将导致大班额。新划入的学校办学条件良好，"
        "区里已协调在上下学时段开通定制公交。",
        progress="我们已收到多位家长的相同意见，正在对该片区生源重新摸底，将在招生工作开始前公布最终方案并召开家长说明会。",
        other="所在区教育主管部门",
    ),
    _Template(
        category="教育文体/义务教育/学校收费",
        setting="urban",
        subjects=("{school}变相收取资料费", "反映{school}要求统一订购教辅"),
        bodies=(
            "孩子在{place}的{school}读书，这学期班主任在家长群里通知每人交{money}元，说是资料费和班费，没有收据，也不说明用途。还要求统一订某出版社的教辅，"
            "不买的孩子会被点名。家长们不敢公开说，怕对孩子不好。",
        ),
        asks=("请教育部门核查，规范学校收费，也请为反映人保密。",),
        topic="{school}收费",
        resolved="经调查，{school}个别班级存在未经批准收取资料费的情况。学校已将所收款项全额退还，对相关教师进行了批评教育，并在全校重申教辅自愿订购的原则。"
        "您的信息我们已严格保密。",
        explained="经核实，所收费用为经审批的课后服务费，收费标准已在家长会上公布；教辅材料为自愿订购，学校未作强制要求。我们已要求学校出具正式收据，"
        "并在家长群中再次说明收费依据。",
        progress="区教育局已派调查组进驻学校，正在核查收费情况和资金去向，调查结果将依规处理并予以通报。",
        other="学校主管的区教育局",
    ),
    _Template(
        category="教育文体/文化体育/全民健身场地",
        setting="urban",
        subjects=("{place}缺少公共健身场地", "建议把{road}边空地建成运动场"),
        bodies=(
            "{place}人口密集，但周边几乎没有免费的健身场地，晚上大家只能在马路边跑步、跳舞，很不安全。{road}边上有块空地已经荒了{years}年，"
            "长满杂草，还有人偷偷倒垃圾。",
        ),
        asks=("建议把这块空地改造成社区运动场，配些健身器材和篮球架。",),
        topic="{place}公共健身场地",
        resolved="经与土地权属单位协调，该空地已纳入今年“十五分钟健身圈”建设项目，目前已建成标准篮球场一个、健身步道一条，安装健身器材二十余件，"
        "已免费向居民开放。",
        explained="经核查，该地块已规划为学校用地，预计两年内开工建设，不宜建设永久性体育设施。我们已协调在{park}增设健身器材，附近学校操场也将在节假日向居民开放。",
        progress="街道已委托设计单位编制改造方案，初步规划建设多功能运动场和健身步道，方案将在社区公示征求意见，计划年内完工。",
        other="地块权属单位及区自然资源部门",
    ),
    # ---- 卫生健康 ------------------------------------------------------------------------
    _Template(
        category="卫生健康/医疗服务/就医排队",
        setting="none",
        subjects=("{hospital}挂号排队时间太长", "{hospital}看病难，一号难求"),
        bodies=(
            "{date}带父亲去{hospital}看心内科，早上六点到医院，取号、候诊、检查、再候诊，一直到下午四点才看完。网上预约一放号就没了，"
            "现场窗口只开了两个。老人身体不好，在大厅里一坐就是一天。",
        ),
        asks=("希望医院增开窗口、增加号源，为老年人开设绿色通道。",),
        topic="{hospital}就医排队",
        resolved="{hospital}已针对您反映的问题进行整改：心内科新增两个诊室，上午号源增加三成；门诊大厅增设老年人服务台，"
        "六十五岁以上老人可现场优先挂号；检查实行分时段预约。",
        explained="心内科是{hospital}就诊量最大的科室之一，专家号源有限。建议您通过医院公众号提前七天预约，或先到社区卫生服务中心首诊，"
        "需要时由家庭医生转诊，转诊患者可优先就诊。",
        progress="医院正在推进门诊流程改造，计划下月上线诊间结算和检查集中预约，并协调增派医生出诊，具体措施将在医院公众号公告。",
        other="医院主管的卫生健康部门",
    ),
    _Template(
        category="卫生健康/医疗保障/医保报销",
        setting="none",
        subjects=("住院医保报销比例与宣传不符", "母亲住院医保报销有疑问"),
        bodies=(
            "我母亲{date}在{hospital}住院{days}天，总费用三万多，医保只报了不到一半。医院宣传报销比例有七成以上，结算时才知道很多药和耗材是自费的，"
            "住院时也没人告诉我们哪些项目不在目录内。",
        ),
        asks=("请医保部门核查这笔报销是否正确，并要求医院使用自费项目前告知患者。",),
        topic="住院医保报销",
        resolved="经复核您母亲的结算清单，医院存在个别自费药品未履行告知签字程序的情况。医保部门已责令医院整改，相关自费药品费用{money}元由医院退还，"
        "其余报销符合政策规定。",
        explained="经核实，您母亲住院费用中政策范围内的部分已按规定比例报销；乙类药品需个人先行自付一部分，部分进口耗材属于目录外项目。"
        "宣传所说的比例指政策范围内费用，并非总费用。",
        progress="医保部门已调取您母亲的住院结算明细，正在逐项审核用药和耗材是否符合规定，预计十五个工作日内反馈结果。",
        other="市医疗保障局",
    ),
    _Template(
        category="卫生健康/基层卫生/社区卫生服务中心",
        setting="urban",
        subjects=("{place}社区卫生服务中心缺药", "社区医院慢病常用药经常断货"),
        bodies=(
            "我是{place}的居民，有高血压和糖尿病，平时在社区卫生服务中心开药。这{dur}降压药和胰岛素经常断货，医生让去大医院开，"
            "可大医院排队一上午，报销比例还低。社区医院周末也不开门，上班族根本没时间去。",
        ),
        asks=("希望保障社区医院慢病常用药供应，适当开放周末门诊。",),
        topic="{place}社区卫生服务中心药品供应",
        resolved="经核查，该中心因药品配送企业更换导致部分慢病用药短暂断供。目前已协调配送企业优先保障，所缺降压药和胰岛素均已到货，"
        "中心自本月起周六上午开设全科门诊。",
        explained="社区卫生服务中心执行基本药物目录，部分品牌药不在目录内，但有同类药品可供选择，医生会根据病情调整处方。周末门诊受人员限制，"
        "目前已开通家庭医生电话预约服务。",
        progress="区卫健局已组织排查各社区卫生服务中心的慢病用药储备，正在与配送企业建立缺药登记和优先配送机制，周末门诊方案正在研究。",
        other="区卫生健康局",
    ),
    _Template(
        category="卫生健康/公共卫生/病媒生物防制",
        setting="urban",
        subjects=("{estate}老鼠蟑螂泛滥", "{market}周边鼠患严重"),
        bodies=(
            "{place}{estate}紧挨着{market}，最近{dur}老鼠特别多，白天都能看到成群从垃圾站窜出来，有的钻进一楼住户家里咬坏电线。"
            "孩子在小区里玩，家长都担心传播疾病。物业说灭过几次，没有效果。",
        ),
        asks=("请卫生部门组织专业消杀，督促市场和垃圾站做好清理。",),
        topic="{estate}及{market}周边鼠患",
        resolved="疾控中心已组织专业队伍对{estate}、{market}及周边垃圾站开展集中灭鼠灭蟑，投放毒饵站一百余个，封堵鼠洞四十余处，"
        "并督促市场每日清运垃圾，复查显示鼠密度明显下降。",
        explained="病媒生物防制需要小区、市场和居民共同参与。我们已向物业和市场提供技术指导并发放防鼠器材，也建议居民及时清理食物残渣，门窗下沿加装挡鼠板。",
        progress="我们已安排专业机构进场，计划分三轮开展灭鼠，同时督促市场整改垃圾暂存点。第一轮已完成，三轮结束后将进行效果评估。",
        other="所在街道爱国卫生运动委员会办公室",
    ),
    # ---- 劳动和社会保障 ------------------------------------------------------------------
    _Template(
        category="劳动和社会保障/劳动关系/拖欠工资",
        setting="none",
        subjects=("{company}拖欠员工工资{dur}", "讨要被{company}拖欠的工资"),
        bodies=(
            "我在{company}干了{years}年，从{dur}前开始公司以效益不好为由拖欠工资，到现在欠我{amount}。劳动合同公司也没给我留一份。"
            "找老板，老板说再等等；去劳动监察登记过，至今没有结果。家里房贷、孩子学费都等着这笔钱。",
        ),
        asks=("恳请劳动部门督促公司尽快支付拖欠的工资。",),
        topic="{company}拖欠工资",
        resolved="劳动保障监察机构已对{company}立案调查，查实拖欠您工资{amount}属实。经执法督促，公司已全额支付，并向您补交了劳动合同文本。",
        explained="经核实，您与{company}对工资数额存在争议，公司认为部分款项属于绩效奖金。此类争议建议您向劳动人事争议仲裁委员会申请仲裁，"
        "仲裁不收费，困难的可申请法律援助。",
        progress="劳动保障监察机构已向{company}下达限期整改指令，责令其十五日内支付拖欠工资，逾期不支付的将依法加付赔偿金并纳入失信惩戒名单。",
        other="劳动人事争议仲裁委员会",
    ),
    _Template(
        category="劳动和社会保障/社会保险/养老保险",
        setting="none",
        subjects=("退休养老金视同缴费年限核定有误", "咨询养老保险缴费年限计算"),
        bodies=(
            "我今年{retire_age}岁，刚办理退休。社保中心核定我的缴费年限是{service_years}年，可我八十年代就在国营厂上班，那时的工龄应该算视同缴费年限，"
            "核定时却没算进去。窗口说材料不全，让我自己找原单位，可原单位早就破产了。",
        ),
        asks=("请社保部门帮忙核实视同缴费年限，给我一个明确的办理路径。",),
        topic="养老保险视同缴费年限认定",
        resolved="经调阅您的人事档案，您在原厂的工作经历符合视同缴费年限认定条件。社保中心已重新核定养老金，每月增加{money}元，"
        "并补发了核定期间的差额。",
        explained="视同缴费年限以人事档案中的招工审批表、工资调整审批表等原始材料为依据。您的档案缺少招工录用材料，可向原主管部门或档案馆申请调取，"
        "我们可出具协查函协助办理。",
        progress="社保中心已向原企业主管部门发出档案协查函，正在调取您的招工原始材料，材料齐全后将在十个工作日内重新核定并通知您。",
        other="市社会保险事业管理中心",
    ),
    _Template(
        category="劳动和社会保障/社会保险/社保转移接续",
        setting="none",
        subjects=("外省养老保险转入青澜办理太慢", "社保关系转移{dur}还没办好"),
        bodies=(
            "我前些年在外省工作，今年回青澜，在网上申请了养老保险关系转移，已经过去{dur}了，系统一直显示“待转出地确认”。打电话问，"
            "这边说要等对方，对方说早已发函，来回踢皮球。",
        ),
        asks=("希望社保部门主动和转出地对接，尽快办好转移手续。",),
        topic="养老保险关系跨省转移",
        resolved="经与转出地社保机构联系，您的转移联系函因个人信息不一致被退回。我们已协助您更正信息并重新发起转移，目前养老保险关系及基金已全部转入，"
        "缴费记录已合并。",
        explained="按规定，跨省转移由转出地在收到联系函后十五个工作日内办理，转入地在收到基金后十五个工作日内办结。您的业务目前在转出地审核，"
        "其间新单位的正常缴费不受影响。",
        progress="我们已通过全国社保转移平台向转出地发出催办，并电话联系了对方经办人员，对方承诺一周内完成转出，基金到账后我们将立即办理转入。",
        other="转出地社会保险经办机构",
    ),
    _Template(
        category="劳动和社会保障/就业创业/就业培训",
        setting="urban",
        subjects=("咨询失业人员免费技能培训", "希望多开设实用的职业技能培训"),
        bodies=(
            "我今年{worker_age}岁，原来在工厂上班，去年厂子关了一直没找到合适的工作。听说政府有免费的职业技能培训，去{place}问，"
            "工作人员也说不清楚。想学电工或者养老护理，不知道去哪里报名，培训后能不能推荐工作。",
        ),
        asks=("请告知报名方式，希望能多组织些实用的技能培训。",),
        topic="职业技能培训报名",
        resolved="经与您电话联系，我们已为您办理失业登记，并推荐您参加本月开班的养老护理员培训。培训免费，考核合格可取得职业技能等级证书，"
        "培训机构将推荐就业岗位。",
        explained="登记失业人员可免费参加政府补贴的职业技能培训。您可携带身份证到街道便民服务中心办理失业登记，或在“青澜就业”公众号查询开班计划并在线报名。",
        progress="我们已将您的培训需求转给街道就业服务站，工作人员将在三个工作日内与您联系，根据您的意愿安排近期开班的电工或养老护理培训。",
        other="所在街道就业服务站",
    ),
    _Template(
        category="劳动和社会保障/劳动关系/拖欠工资",
        setting="urban",
        major=True,
        subjects=("{people}名农民工被拖欠工资急盼解决", "{estate}项目拖欠农民工工资，工友情绪激动"),
        bodies=(
            "我们是{contractor}在{place}承建的{estate}项目的{people}名农民工，从春天干到现在，工资一分没拿到，总共欠了{amount}。包工头已经联系不上，"
            "项目部说钱早就拨给劳务公司了。眼看要过年，大家都等着钱回家，很多工友情绪很激动，说再不给钱就一起去市政府门口讨说法。",
            "我是{contractor}的工人，公司在{place}的{estate}工地已经停工{dur}，老板说资金链断了，我们{people}个人的工资加起来有{amount}没发。"
            "昨天有工友爬上了塔吊，好不容易才被劝下来，大家都说再没人管就拉横幅去区政府。我们都是靠力气吃饭的，实在没办法了。",
        ),
        asks=("恳请领导马上过问，帮我们把血汗钱要回来，别让事情闹大！",),
        topic="{estate}项目拖欠农民工工资",
        resolved="接到反映后，人社、住建部门和属地街道当天进驻项目现场，核实拖欠{people}名农民工工资{amount}。经约谈，总承包单位已从农民工工资专用账户先行垫付，"
        "全部工资已发放到每位工友个人账户，对劳务公司的违法行为已立案查处。",
        progress="我们已成立工作专班进驻项目，逐人核对考勤和工资表，并责令总承包单位三日内先行垫付。目前人员核对已完成，首批工资将于本周内发放，"
        "请工友们依法理性维权。",
    ),
    # ---- 环境保护 ------------------------------------------------------------------------
    _Template(
        category="环境保护/大气污染/餐饮油烟",
        setting="urban",
        subjects=("{shop}油烟直排扰民", "{estate}楼下餐馆油烟呛人"),
        bodies=(
            "{place}{estate}{bldg}楼下开了一家{shop}，油烟没经过任何净化就直接从后墙排出来，正对着我们的窗户。每天从下午营业到{time}，"
            "油烟味重得不敢开窗，晾的衣服全是味道。跟老板沟通过，他说自己有证。",
        ),
        asks=("请环保和城管部门检查其油烟净化设施，督促整改。",),
        topic="{estate}{shop}油烟",
        resolved="执法人员现场检查发现，{shop}未安装油烟净化设施，排烟口设置不符合规定，已依法责令整改。该店已安装油烟净化器并将排烟管引至楼顶排放，"
        "经复查整改到位。",
        explained="经现场检查，{shop}已安装油烟净化设施并正常运行，经监测排放浓度达标。因排烟口距住宅较近，我们已要求商户定期清洗设备并加装导流管，"
        "尽量减少对居民的影响。",
        progress="我们已向{shop}下达限期整改通知书，要求十日内安装油烟净化设施并调整排烟口，逾期未整改的将依法处罚。",
        other="城市管理综合执法部门",
    ),
    _Template(
        category="环境保护/大气污染/工业废气",
        setting="urban",
        subjects=("{factory}夜间排放刺鼻气体", "{place}附近工厂废气扰民"),
        bodies=(
            "{place}附近的{factory}最近{dur}一到晚上就排出一股刺鼻的气味，像是烧塑料，风向一对整个小区都闻得到，不少人嗓子疼、头晕。"
            "白天反而没什么味道，我们怀疑是晚上偷偷排放。",
        ),
        asks=("请环保部门夜间突击检查，依法查处。",),
        topic="{factory}废气",
        resolved="生态环境执法人员开展夜间突击检查，发现{factory}废气处理设施未正常运行，已依法立案查处并责令停产整改。企业已更换活性炭吸附装置，"
        "经监测达标后方才恢复生产。",
        explained="我们对{factory}开展了三次夜间突击检查并核查在线监测数据，其废气排放均符合标准。经排查，异味可能来自周边露天焚烧，我们已会同街道加强巡查。",
        progress="我们已在{factory}周边布设移动监测设备开展连续监测，并安排执法人员夜间巡查，数据分析完成后将依法处理并向您反馈。",
        other="所在区县生态环境分局",
    ),
    _Template(
        category="环境保护/水污染/黑臭水体",
        setting="urban",
        subjects=("{river}河水发黑发臭", "{river}沿岸排污口污水直排"),
        bodies=(
            "{river}流经{place}的这一段，最近{dur}水又黑又臭，水面漂着垃圾和白沫，夏天根本不敢靠近。岸边有好几个排口，下雨后往外冒黑水。"
            "以前河边是大家散步的地方，现在都绕着走。",
        ),
        asks=("希望相关部门查清污染源，整治排污口，恢复河道水质。",),
        topic="{river}黑臭",
        resolved="经排查，该河段黑臭主要因两处雨污混接排口所致。目前已完成管网雨污分流改造，封堵排口两个，清淤约八百立方米，"
        "近期监测显示水质明显好转。",
        explained="{river}该段已列入黑臭水体治理项目，截污干管工程正在施工，完工前部分排口在雨天溢流难以完全避免。我们已增加水面保洁频次。",
        progress="{river}整治工程已进场施工，正在铺设截污管道，预计年内完工。其间河长办已安排每日巡河和水面保洁。",
        other="河长制办公室及水务部门",
    ),
    _Template(
        category="环境保护/大气污染/露天焚烧",
        setting="rural",
        subjects=("{village}附近有人露天焚烧垃圾", "举报{village}焚烧废旧电线"),
        bodies=(
            "{place}村边有块空地，最近{dur}经常有人在傍晚焚烧垃圾和废旧电线，黑烟滚滚，气味刺鼻，附近住户只能紧闭门窗。{date}火势还差点烧到旁边的竹林。",
        ),
        asks=("请属地部门加强巡查，制止露天焚烧。",),
        topic="{village}露天焚烧",
        resolved="乡镇已组织执法队员现场查处，焚烧者系附近一废品收购人员，已对其批评教育并依法处罚，清理了焚烧残留物。该处已安装监控，列入日常巡查。",
        explained="乡镇已在该区域设置禁烧警示牌，并将其纳入网格员每日巡查范围。因焚烧多在傍晚发生，也请您发现后及时拨打乡镇值班电话，我们将立即到场处置。",
        progress="乡镇已安排网格员在傍晚时段蹲守巡查，正在调查焚烧者身份，查实后将依法处理，并协调村里设置废旧物品集中回收点。",
        other="所在乡镇人民政府",
    ),
    _Template(
        category="环境保护/噪声污染/社会生活噪声",
        setting="urban",
        subjects=("{park}广场舞音响声音太大", "{estate}旁广场舞噪音扰民"),
        bodies=(
            "{place}{estate}旁边的{park}每天晚上七点多到{time}都有好几支广场舞队，音响一个比一个开得大，关着窗在家里都听得清清楚楚。"
            "孩子要写作业、老人要休息，实在受不了。去跟领队沟通过，好几次差点吵起来。",
        ),
        asks=("希望相关部门规范广场舞的时间和音量，划定活动区域。",),
        topic="{park}广场舞噪声",
        resolved="社区和派出所已与各舞队负责人座谈，约定活动时间为晚上七点至九点，音量控制在六十分贝以内，并在{park}安装了噪声显示屏，"
        "近期回访居民普遍反映情况好转。",
        explained="广场舞属群众文体活动，以引导为主。我们已与舞队负责人协商控制音量、限时活动，并建议使用无线耳机，执行情况仍需大家共同监督。",
        progress="社区正在与{park}管理方和舞队协商分区活动方案，拟将活动区域调整到远离住宅一侧，方案确定后将在社区公示。",
        other="公安机关（社会生活噪声由公安机关依法处理）",
    ),
    _Template(
        category="环境保护/水污染/企业排污",
        setting="rural",
        major=True,
        subjects=("{river}突现大面积死鱼疑遭偷排", "紧急：{river}水体异常大量死鱼"),
        bodies=(
            "今天早上发现{river}靠近{place}的河段漂满了死鱼，绵延好几百米，河水发黄，有一股很冲的药水味。上游不远就是{factory}，"
            "前几天夜里有人看见槽罐车停在河边。下游是好几个村的灌溉水源，大家非常恐慌。",
            "{place}的村民紧急反映：{river}从昨晚开始颜色发红，今天一早岸边全是翻着白肚的死鱼，喝了河水的鸭子也死了好几只。"
            "村里不少人家还在用河水浇菜，有老人闻了气味头晕。我们怀疑是上游{factory}排的废水。",
        ),
        asks=("恳请环保部门立即采样检测，查明污染源，防止污染扩散！",),
        topic="{river}死鱼",
        resolved="接报后，生态环境部门当日赶到现场采样，启动应急处置，在下游设置拦截坝并投放中和剂。经溯源，系{factory}夜间偷排含酸废水所致，"
        "企业已被责令停产，案件已移送公安机关。目前下游水质已恢复正常。",
        progress="我们已启动突发环境事件应急响应，在河道设置三道拦截坝，对上下游六个断面加密监测，{factory}已被责令停产接受调查。"
        "检测结果出来前请沿岸村民暂停用河水灌溉。",
    ),
    # ---- 城市管理 ------------------------------------------------------------------------
    _Template(
        category="城市管理/市容环境/占道经营",
        setting="urban",
        subjects=("{school}门口流动摊贩占道经营", "{road}流动摊贩堵塞人行道"),
        bodies=(
            "{place}的{road}上，{school}门口一到放学时间就挤满了流动摊贩，卖烤肠、炸串的推车把人行道全占了，学生只能走到机动车道上。"
            "垃圾和油污也没人清理。这种情况已经持续{dur}了。",
        ),
        asks=("请城管部门加强管理，也可以考虑在附近设置规范的疏导点。",),
        topic="{school}门口占道经营",
        resolved="城管执法中队已在{school}周边实行定人定岗，上下学时段安排队员值守，流动摊贩已全部劝离，同时在附近设置了一处便民疏导点引导规范经营。",
        explained="我们对{road}开展了多次集中整治，但流动摊贩流动性强，存在“你来我走”的现象。目前已将该路段列入重点管控区域，实行错时执法。",
        progress="城管中队已制定专项整治方案，近期将联合交警、市场监管部门开展为期一个月的集中整治，并研究在周边设置疏导点。",
        other="公安交通管理部门",
    ),
    _Template(
        category="城市管理/违法建设/楼顶加建",
        setting="urban",
        subjects=("{estate}顶楼住户违建阳光房", "举报{estate}{bldg}楼顶违章搭建"),
        bodies=(
            "{place}{estate}{bldg}顶楼住户从{dur}前开始在楼顶平台搭钢结构阳光房，还往上搬了大量砖块和水泥。楼顶是全体业主共有的，"
            "而且这是老房子，我们担心加重负荷影响安全，下雨后我家天花板已经开始渗水。",
        ),
        asks=("请城管部门依法查处，恢复楼顶原状。",),
        topic="{estate}{bldg}楼顶违建",
        resolved="经现场核查，{estate}{bldg}楼顶钢结构阳光房未取得规划许可，属违法建设。执法部门已下达限期拆除决定，当事人已自行拆除，"
        "建筑垃圾已清运，楼顶防水层已修复。",
        explained="经现场核查，该构筑物为建房时就有的楼梯间防雨棚，不属于新增违法建设。我们已要求物业对楼顶防水进行检查维修。",
        progress="我们已对该违建立案调查并下达责令停止违法行为通知书，当事人已停止施工，下一步将依法作出限期拆除决定。",
        other="区自然资源和规划部门",
    ),
    _Template(
        category="城市管理/市政设施/路灯",
        setting="urban",
        subjects=("{road}路灯不亮已{dur}", "{road}夜间漆黑一片存隐患"),
        bodies=(
            "{place}的{road}，从{road2}口到{estate}这一段，有{n}盏路灯已经{dur}没亮了，晚上漆黑一片。这段路是很多人下晚班回家的必经之路，旁边还有工地，"
            "大家晚上都不敢一个人走。",
        ),
        asks=("请路灯管理部门尽快检修。",),
        topic="{road}路灯",
        resolved="经检查，该段路灯因地下电缆被施工挖断而熄灭。路灯管理所已更换电缆一百五十余米，目前路灯已全部恢复照明，并已向施工单位追偿。",
        explained="该段道路尚未移交市政部门，路灯由建设单位管理。我们已协调建设单位维修，同时督促其加快道路移交手续。",
        progress="维修人员已查明是供电线路故障，需协调供电部门配合停电检修，预计本周内修复。",
        other="道路建设单位（该路段尚未移交）",
    ),
    _Template(
        category="城市管理/市政设施/排水与积水",
        setting="urban",
        subjects=("{road}一下雨就严重积水", "{estate}门口逢雨必淹"),
        bodies=(
            "每次下大雨，{place}{road}上{estate}门口这段积水就能没过小腿，车辆熄火，行人只能蹚水，有几次还倒灌进了小区地下车库。"
            "路边的排水口被垃圾和泥沙堵住，已经{dur}没人疏通了。",
        ),
        asks=("请相关部门疏通排水管道，从根本上解决积水问题。",),
        topic="{road}{estate}门口积水",
        resolved="排水管理部门已对该路段雨水管道和收水井进行了全面清淤疏通，清理淤泥约二十立方米，并新增雨水箅子六个，近期降雨时未再出现明显积水。",
        explained="该路段地势低洼，现有雨水管网标准偏低，片区排水改造工程已列入明年计划。在此之前，汛期将安排移动泵车驻点抽排。",
        progress="我们已安排疏通管道，并委托专业机构进行管道内窥检测，确认是否存在破损塌陷，检测后将制定改造方案。",
        other="水务部门",
    ),
    _Template(
        category="城市管理/市容环境/环境卫生",
        setting="urban",
        subjects=("{estate}门口垃圾站清运不及时", "{place}垃圾堆积无人清理"),
        bodies=(
            "{place}{estate}门口的垃圾中转站最近{dur}清运很不及时，垃圾经常堆到路边，臭气熏天，苍蝇蚊子到处飞。环卫车有时{time}才来收，"
            "作业声音又吵醒一片人。",
        ),
        asks=("希望环卫部门合理安排清运时间，保持垃圾站周边干净。",),
        topic="{estate}门口垃圾站清运",
        resolved="环卫部门已将该中转站清运频次由每日一次增加到两次，调整收运时间避开深夜，并对站点进行冲洗消杀，安排保洁员专人值守。",
        explained="近期该片区新入住居民较多，垃圾量明显增加。环卫部门已增派一台收运车，并将夜间收运调整到晚上十点前完成，新站点选址也在推进中。",
        progress="环卫部门正在调整该片区收运线路，新增车辆已在调配中，预计下周起实行每日两次清运。",
        other="物业服务企业（小区内部垃圾由物业负责收集）",
    ),
    _Template(
        category="城市管理/公用事业/燃气安全",
        setting="urban",
        major=True,
        subjects=("{estate}{bldg}楼道燃气味浓恐有泄漏", "紧急：{estate}疑似燃气泄漏"),
        bodies=(
            "{place}{estate}{bldg}{unit}的楼道里从昨天晚上起就有很浓的煤气味，越往上越重，已经有邻居头晕恶心。打了燃气公司电话，说排队派人，"
            "到现在还没来。楼里住着几十户人家，老人孩子多，大家都不敢开灯、不敢打火，有的已经跑到楼下去了。",
            "刚下班回家，一进{place}{estate}{bldg}{unit}的楼道就闻到一股很重的臭鸡蛋味，越往上越明显，敲了几家门都说闻到了。"
            "物业说已经报给燃气公司，可一个多小时过去了还没人来。楼上还有人在做饭，我们担心会爆炸，已经让老人孩子先下楼了。",
        ),
        asks=("请立即派人排查，千万别出事！",),
        topic="{estate}{bldg}燃气泄漏",
        resolved="接报后，燃气企业抢修人员和消防救援人员迅速到场，疏散了单元住户，检测确认{bldg}{unit}一户居民家中燃气软管老化破损漏气，"
        "已关闭阀门并更换软管，确认无残留后居民已返回。我们已对该小区开展燃气安全入户检查。",
        progress="燃气企业已关闭该单元总阀并完成应急处置，正在逐户排查泄漏点，排查完成前暂停该单元供气。街道已安排人员现场值守，为受影响居民提供帮助。",
    ),
    # ---- 市场监管 ------------------------------------------------------------------------
    _Template(
        category="市场监管/消费维权/预付卡消费",
        setting="urban",
        subjects=("{gym}突然关门，预付卡无法退费", "{gym}停业，会员卡余额难退"),
        bodies=(
            "我在{place}的{gym}办了一张{money}元的会员卡，才用了几次，{date}突然发现店门关了，门上贴着“装修暂停营业”，老板电话也打不通。"
            "据了解办卡的有上百人，涉及金额不小。",
        ),
        asks=("请市场监管部门介入，帮助我们追回预付款。",),
        topic="{gym}预付卡退费",
        resolved="经调查，{gym}因经营不善停业。经约谈，经营者已制定退费方案，目前正按剩余次数为登记会员退款，您可携带会员卡和付款凭证到指定地点办理。",
        explained="我们已约谈经营者，但其目前无力退款。预付式消费纠纷属于民事合同纠纷，建议您与其他会员收集付款凭证向人民法院起诉；如涉嫌诈骗，可向公安机关报案。",
        progress="我们已对{gym}立案调查并组织会员登记，目前已登记一百余人，正在与经营者协商退费方案，涉嫌违法的线索将移送公安机关。",
        other="公安机关（经营者涉嫌诈骗）",
    ),
    _Template(
        category="市场监管/食品安全/过期变质食品",
        setting="urban",
        subjects=("{supermarket}销售过期食品", "举报{supermarket}售卖过期牛奶"),
        bodies=(
            "{date}在{place}的{supermarket}买了一箱牛奶，回家给孩子喝时才发现已经过期{days}天了。回去找超市，店员只肯退钱，态度还很差。"
            "我看货架上还有好几箱同批次的在卖。",
        ),
        asks=("请市场监管部门检查，依法处理。",),
        topic="{supermarket}销售过期食品",
        resolved="执法人员现场检查发现{supermarket}货架上有过期乳制品十二箱，已依法下架封存并立案处罚，责令其建立临期食品检查制度。"
        "经我们组织调解，超市已按规定向您退款并赔偿。",
        explained="执法人员到{supermarket}检查时未发现过期食品。您可凭购物小票向我们正式投诉，我们将依法组织调解，维护您的合法权益。",
        progress="我们已对{supermarket}立案调查，相关批次产品已下架封存，正在核查进货和销售记录，调查终结后将依法处理并告知您。",
        other="产品生产企业所在地市场监管部门",
    ),
    _Template(
        category="市场监管/消费维权/虚假宣传",
        setting="urban",
        subjects=("商家向老人虚假宣传保健品", "老人被“健康讲座”忽悠买高价产品"),
        bodies=(
            "我父亲今年{elder_age}岁，最近{dur}天天去{place}一家“健康讲座”店，听课、领鸡蛋，前后买了{amount}的“保健品”，"
            "对方说能治高血压、糖尿病，还让他把降压药停了。现在店里又在推销上万元的理疗仪。",
        ),
        asks=("请有关部门查处这种虚假宣传，保护老年人。",),
        topic="“健康讲座”虚假宣传",
        resolved="我们联合公安部门对该店进行了检查，查实其存在宣传普通食品具有疾病治疗功能等虚假宣传行为，已依法立案，扣押涉案产品，"
        "责令停止经营，并督促其为消费者办理退货退款。",
        explained="经检查，该店所售产品均为合法取得批准文号的保健食品，但宣传中存在夸大功效的情况，我们已责令其整改。提醒您家人：保健食品不能代替药物，请遵医嘱用药。",
        progress="我们已对该店立案调查，正在调取销售记录、宣传资料并询问受害老人，涉嫌诈骗的线索已通报公安机关，调查结果将及时告知您。",
        other="公安机关",
    ),
    _Template(
        category="市场监管/市场主体/营业执照办理",
        setting="urban",
        subjects=("办理个体户营业执照材料反复被退回", "网上申请营业执照一次次被驳回"),
        bodies=(
            "我准备在{place}开一家小吃店，在网上申请个体工商户营业执照，提交了{n}次都被退回，理由一次一个样，一会儿说经营范围写得不规范，"
            "一会儿说租房合同要补充。跑了两趟窗口，也没人一次说清楚。",
        ),
        asks=("希望能一次性告知所需材料，提高办事效率。",),
        topic="个体工商户营业执照办理",
        resolved="经核查，您的申请确实存在审核意见未一次性告知的问题，我们已对相关审核人员进行批评教育。工作人员已与您联系指导完善材料，"
        "您的营业执照已于当日核发。",
        explained="经核查，您申请的经营范围包含食品销售，需同时办理食品经营许可，相关材料须符合规定。您可预约“帮办代办”服务，由工作人员全程指导。",
        progress="我们已安排专人对接您的申请，将一次性告知需补正的材料，您补齐后一个工作日内即可办结。",
        other="区行政审批服务部门",
    ),
    _Template(
        category="市场监管/食品安全/校园食品安全",
        setting="urban",
        major=True,
        subjects=("{school}多名学生食堂就餐后呕吐腹泻", "紧急反映{school}疑似食物中毒"),
        bodies=(
            "我孩子在{place}的{school}上学，今天中午在学校食堂吃完饭，下午班上好多孩子开始肚子疼、呕吐、拉肚子，听说全校有{pupils}个学生不舒服，"
            "已经陆续送到{hospital}了。学校到现在也没给家长一个说法，家长群里都炸锅了，很多人堵在学校门口。",
            "{place}的{school}今天有很多孩子午饭后上吐下泻，我家孩子也在其中，现在在{hospital}输液。孩子说中午的菜有股酸味。"
            "听说学校食堂外包给了一家公司，今年已经出过一次类似的事。家长们非常愤怒，有人说要去教育局讨说法。",
        ),
        asks=("恳请政府马上调查原因，全力救治孩子，给家长一个交代！",),
        topic="{school}学生就餐后身体不适",
        resolved="事件发生后，市区两级立即启动应急预案，就医学生经治疗已全部康复出院。疾控和市场监管部门对食堂留样进行了检测，确认系一道凉拌菜受污染所致。"
        "涉事食堂已停业整顿，供餐企业被依法查处，学校相关负责人已被问责。",
        progress="事发后卫健部门已组织{hospital}全力救治，目前就医学生生命体征平稳；市场监管部门已封存食堂留样和原料送检，涉事食堂暂停供餐。"
        "调查结果将第一时间向家长和社会公布。",
    ),
    # ---- 公安政法 ------------------------------------------------------------------------
    _Template(
        category="公安政法/治安管理/盗窃",
        setting="urban",
        subjects=("{estate}电动车频繁被盗", "{estate}接连发生电动车被盗"),
        bodies=(
            "{place}{estate}这{dur}已经丢了好几辆电动车。我家的车{date}晚上停在{bldg}楼下，第二天一早就不见了。小区监控有一半是坏的，"
            "报警后派出所做了笔录，到现在还没有消息，物业晚上也基本没人巡逻。",
        ),
        asks=("希望警方加大侦破力度，督促物业修好监控、加强巡逻。",),
        topic="{estate}电动车被盗",
        resolved="派出所已将该系列案件并案侦查，抓获犯罪嫌疑人两名，追回电动车五辆，其中包括您的车辆，已电话通知您认领。同时督促物业修复监控十二处，"
        "增加了夜间巡逻。",
        explained="您报案的案件已立案侦查，因案发地点监控缺失，侦查工作难度较大。派出所已将{estate}列入夜间重点巡逻区域，也建议您为车辆安装防盗定位装置。",
        progress="派出所已将{estate}近期发生的几起案件并案侦查，正在调取周边道路监控，同时督促物业限期修复小区监控，侦查有进展将及时告知您。",
        other="物业服务企业",
    ),
    _Template(
        category="公安政法/治安管理/电信网络诈骗",
        setting="none",
        subjects=("被冒充客服骗走{amount}请求追回", "遭遇电信诈骗报案后一直无进展"),
        bodies=(
            "{date}我接到自称网购平台客服的电话，说我误开了会员服务要自动扣费，让我按他的指引取消。我信以为真，前后转账{n}次，共被骗走{amount}。"
            "当天就去派出所报了案，拿到了受案回执，可到现在{dur}了还没有任何进展。这是我攒了多年的积蓄。",
        ),
        asks=("恳请公安机关加大侦办力度，尽力帮我追回损失。",),
        topic="电信网络诈骗案件办理进展",
        resolved="公安机关接报后已对涉案账户紧急止付和冻结。目前该案已侦破，抓获犯罪嫌疑人三名，冻结的部分涉案资金将按司法程序返还，办案民警已与您联系说明。",
        explained="电信网络诈骗的资金往往被迅速拆分转移，追查周期较长。您的案件已立案侦查，办案民警正在追查资金流向，有进展会及时与您联系。"
        "请牢记：客服不会要求您转账到所谓的“安全账户”。",
        progress="您的案件已由反诈中心立案侦查，涉案账户已被冻结，正在开展资金流向追查和跨地区协查，有进展后办案民警将及时告知您。",
        other="案发地公安机关",
    ),
    _Template(
        category="公安政法/户籍与证件/户口迁移",
        setting="urban",
        subjects=("购房落户手续繁琐来回跑", "办理落户被要求回原籍开证明"),
        bodies=(
            "我在{place}买了房，按照现在的落户政策可以把户口迁过来。到派出所户籍窗口办理，被要求回原籍开无犯罪记录证明和亲属关系证明，"
            "来回跑了{n}趟还没办成。现在不是提倡“跨省通办”“最多跑一次”吗？",
        ),
        asks=("希望简化落户手续，能在网上办的尽量网上办。",),
        topic="购房落户办理",
        resolved="经核实，窗口工作人员对政策理解有误，购房落户无需提供原籍无犯罪记录证明，亲属关系可通过数据共享核验。我们已对相关人员批评教育，"
        "并与您预约，您的落户手续已一次办结。",
        explained="按照现行户籍政策，购房落户需提供不动产权证和身份证件，亲属随迁需核验亲属关系。户口迁移已实现跨省通办，您无需回原籍开具迁出证明，"
        "窗口要求补充的是随迁子女的出生医学证明。",
        progress="我们已安排户籍民警与您联系核实材料，并通过迁移协同系统向原籍派出所发起核查，核查结果返回后即可办理。",
        other="迁出地公安派出所",
    ),
    _Template(
        category="公安政法/消防安全/消防通道堵塞",
        setting="urban",
        subjects=("{estate}消防通道长期被占", "{estate}私家车堵塞消防通道"),
        bodies=(
            "{place}{estate}的消防通道长期被私家车占用，有的车一停就是几个月，还有人在通道上搭雨棚、堆杂物。前不久小区有户人家厨房着火，"
            "消防车在门口进不来，耽误了好几分钟。物业说车主不配合，他们也没办法。",
        ),
        asks=("请消防部门检查，督促物业清理通道、设置禁停标识。",),
        topic="{estate}消防通道被占",
        resolved="消防救援机构已对{estate}开展检查，对占用消防通道的车辆依法处理，督促物业清理杂物、拆除雨棚，施划了消防通道标线并安装禁停标识，"
        "后续将不定期回查。",
        explained="小区内消防通道的日常管理由物业服务企业负责。我们已对物业进行约谈并下发整改通知，要求其落实巡查劝离制度，拒不改正的车辆将依法处理。",
        progress="我们已向{estate}物业下发责令整改通知书，要求十日内清理消防通道并施划标线，届时将组织复查。",
        other="物业服务企业及所在街道",
    ),
    # ---- 农村农业 ------------------------------------------------------------------------
    _Template(
        category="农村农业/农村饮水/自来水供应",
        setting="rural",
        subjects=("{village}自来水经常断供", "{village}村民吃水难"),
        bodies=(
            "我是{place}的村民。村里虽然通了自来水，但这{dur}经常断水，一停就是两三天，有时候放出来的水还是黄的。年轻人大多在外打工，"
            "留在家的都是老人，只能去几里外挑井水。找过村委会，说是水厂的问题。",
        ),
        asks=("恳请帮忙解决村里的饮水问题。", "希望有关部门重视，让村里老人能喝上放心水。"),
        topic="{village}饮水",
        resolved="经查，{village}供水中断系山区输水管道多处老化破裂所致。县水务局已更换管道两千余米，新建蓄水池一座，目前该村已恢复稳定供水，水质检测合格。",
        explained="{village}处于供水管网末端，用水高峰时水压不足。县里已将该村纳入明年农村供水提升工程，在此之前由水厂在高峰时段加压供水。",
        progress="县水务局已将{village}纳入今年农村供水巩固提升工程，管网改造已完成设计，预计下月开工，施工期间将安排送水车保障用水。",
        other="所在乡镇人民政府",
    ),
    _Template(
        category="农村农业/农村基础设施/村庄道路",
        setting="rural",
        subjects=("{village}进村道路坑洼难行", "请求硬化{village}通组道路"),
        bodies=(
            "{place}到镇上的这条村道有三四公里，还是泥土路，一下雨就满是泥浆，摩托车都骑不过去，种的橘子也运不出去。孩子上学每天要走一个多小时。"
            "听说村道硬化有政策，我们村申请了{years}年还没动静。",
        ),
        asks=("希望把我们村的道路纳入硬化计划。",),
        topic="{village}村道硬化",
        resolved="{village}村道硬化项目已纳入今年农村公路建设计划，目前已完成三点二公里路面硬化，并设置了错车道和安全护栏，已通车使用。",
        explained="村道硬化按照“先通组、后入户”的顺序分年度实施，需由村里申报、县里统筹。{village}的申报已收到，因今年计划已满，将优先纳入明年计划。",
        progress="交通部门已完成该路段的勘察设计，项目已列入今年第二批建设计划，正在进行招标，预计下半年开工。",
        other="所在乡镇人民政府",
    ),
    _Template(
        category="农村农业/农村管理/土地承包与流转",
        setting="rural",
        subjects=("{village}土地流转租金被拖欠", "流转土地租金迟迟不发"),
        bodies=(
            "我们{place}有几十户村民把承包地流转给了一家种植合作社，合同写明每亩每年租金{money}元，年底前付清。可现在年底已经过去{dur}了，"
            "租金还没发，合作社负责人说今年效益不好。不少村民就靠这笔钱过日子。",
        ),
        asks=("请相关部门督促合作社按合同支付租金。",),
        topic="{village}土地流转租金",
        resolved="乡镇已组织村委会与合作社协商，合作社已筹集资金，拖欠的流转租金已全部发放到农户账户。乡镇将对该合作社的经营情况加强跟踪。",
        explained="土地流转合同属于民事合同，乡镇已组织双方调解，合作社承诺分两期支付。如到期仍未支付，农户可向农村土地承包仲裁委员会申请仲裁。",
        progress="乡镇已约谈合作社负责人，核对了流转合同和拖欠金额，合作社已承诺本月底前支付首期租金，乡镇农经站将全程跟进。",
        other="农村土地承包仲裁委员会",
    ),
    _Template(
        category="农村农业/农村管理/村务公开",
        setting="rural",
        subjects=("{village}村务财务长期不公开", "要求{village}公开集体收入账目"),
        bodies=(
            "{place}集体有一片山林和几间门面出租，每年有不少收入，但村里从来没公开过账目，公开栏里贴的还是去年的通知。村民去问，"
            "村干部说账目在镇里。我们想知道这些钱花到哪里去了。",
        ),
        asks=("请上级部门督促村里按规定公开村务财务。",),
        topic="{village}村务财务公开",
        resolved="乡镇已组织对{village}近三年集体收支进行审计，督促村委会在公开栏和村民微信群公开了集体资产出租和收支明细，并召开村民代表会议作了说明。",
        explained="{village}的集体财务实行“村账乡代管”，账目由乡镇农经站代为记账。村民可到农经站查阅，村委会每季度也应公开一次，乡镇已督促其补公开。",
        progress="乡镇已成立工作组对{village}的集体财务进行审计，审计结束后将在村内公开，发现问题的将依规处理。",
        other="乡镇农村经营管理站",
    ),
    _Template(
        category="农村农业/农业生产/种粮补贴",
        setting="rural",
        subjects=("今年耕地地力保护补贴没到账", "{village}种粮补贴发放有疑问"),
        bodies=(
            "我家在{place}种了{n}亩水稻，往年耕地地力保护补贴年中就打到一卡通上，今年到现在还没到账。问村里，说有的人到了、有的人没到，"
            "也说不清什么原因。",
        ),
        asks=("请帮忙查一下我的补贴为什么还没发。",),
        topic="耕地地力保护补贴发放",
        resolved="经查，您的补贴因一卡通账户长期未使用被银行冻结，导致发放失败。乡镇已协助您激活账户，补贴已重新发放到账。",
        explained="今年补贴按实际种植面积核定后分批发放，第二批已于近日下达，您所在村属于第二批，预计本月内到账，请留意一卡通短信。",
        progress="乡镇财政所已调取发放记录，正在与银行核对您的账户信息，核对完成后将在五个工作日内补发。",
        other="乡镇财政所",
    ),
    # ---- 商贸旅游 ------------------------------------------------------------------------
    _Template(
        category="商贸旅游/旅游服务/景区管理",
        setting="none",
        subjects=("{scenic}节假日管理混乱", "{scenic}停车贵、排队长"),
        bodies=(
            "{date}带家人去{scenic}游玩，门口堵了一个多小时，停车场每小时收费{park_fee}元，里面厕所少，排长队。景区里小摊贩拉客强卖，一瓶水卖十块。"
            "花钱买罪受，很影响青澜的旅游形象。",
        ),
        asks=("希望景区改进节假日管理，规范停车收费和摊贩经营。",),
        topic="{scenic}节假日管理",
        resolved="{scenic}已实行节假日分时预约，增设临时停车场两处并统一按备案标准收费，新增移动厕所二十个，对景区内流动摊贩进行了清理。",
        explained="{scenic}停车收费标准已经价格部门备案，节假日上浮在规定范围内。景区正在建设新停车场，届时将缓解停车压力。景区内商户均为统一经营，水价已要求回落。",
        progress="文旅部门已约谈景区管理方，要求其制定节假日客流管控方案，增设厕所和引导员，整改落实情况将于下个节假日前进行检查。",
        other="价格主管部门",
    ),
    _Template(
        category="商贸旅游/旅游服务/旅行社纠纷",
        setting="none",
        subjects=("参加低价旅游团被强制购物", "{agency}擅自增加购物点"),
        bodies=(
            "我和老伴报了{agency}组织的{n}日游，每人{money}元。行程单写明只有一个购物点，结果导游带着去了四个，在一家玉器店关了两个小时，不买不让走。"
            "回来找旅行社，对方说是我们自愿购物。",
        ),
        asks=("请旅游主管部门查处，帮我们讨个说法。",),
        topic="{agency}强制购物",
        resolved="文旅部门已对{agency}立案调查，查实其擅自增加购物点，已依法处罚，并对涉事导游作出处理。经调解，旅行社已退还您的部分团费，并协助办理购物退货。",
        explained="我们调取了您签订的旅游合同和行程单，其中补充协议约定了三个购物点，由您签字确认。对第四个购物点，旅行社已同意协助退货。",
        progress="我们已约谈{agency}，调取了行程单和导游带团记录，正在核实情况，调查结果将在十个工作日内告知您。",
        other="旅游目的地文化和旅游主管部门",
    ),
    _Template(
        category="商贸旅游/商贸流通/农贸市场",
        setting="urban",
        subjects=("{market}环境脏乱差", "{market}缺斤短两问题突出"),
        bodies=(
            "{market}是{place}附近几个小区唯一的菜市场，里面地面污水横流，排水沟堵塞，一到夏天臭味很重。有的摊位秤有问题，"
            "{date}我买了两斤肉，回家一称只有一斤七两。市场管理方只收管理费不管事。",
        ),
        asks=("希望督促市场改善环境，设置公平秤，查处缺斤短两。",),
        topic="{market}环境与计量",
        resolved="市场监管和商务部门已对{market}进行检查，查处计量不准的摊位三户，在市场入口设置了公平秤；市场方已疏通排水沟并增加保洁人员，"
        "提质改造已列入今年计划。",
        explained="{market}已列入今年农贸市场提质改造计划，将对地面和排水系统进行整体改造。在改造前，我们已要求市场方加强保洁，并设置公平秤供群众复秤。",
        progress="我们已向市场开办方下达整改通知，要求其限期疏通排水、增加保洁频次，并将对市场内计量器具开展强制检定。",
        other="市场开办企业所在区商务主管部门",
    ),
    _Template(
        category="商贸旅游/招商与营商环境/政策兑现",
        setting="none",
        subjects=("企业扶持资金迟迟未兑现", "招商协议承诺的补贴拖欠{dur}"),
        bodies=(
            "我们是{district}的一家小型制造企业，去年按招商协议在园区建了新厂房，协议约定的设备补贴{amount}按程序申报后，{dur}还没兑现。"
            "相关部门说在走审批，一直没有明确时间，企业资金周转非常紧张。",
        ),
        asks=("恳请领导过问，按协议兑现补贴。",),
        topic="企业设备补贴兑现",
        resolved="经核查，贵企业申报材料齐全、符合兑现条件，因部门间审核衔接不畅造成延误。目前审核已完成，补贴资金{amount}已拨付到企业账户。",
        explained="根据招商协议，设备补贴在企业投产满一年并经税收贡献核查后兑现。贵企业投产尚不满一年，待时间届满，我们将主动启动兑现程序。",
        progress="我们已召集财政、商务等部门召开协调会，明确了审核时限，预计二十个工作日内完成兑现，专人将全程跟踪。",
        other="园区管理委员会",
    ),
    # ---- 民政 ----------------------------------------------------------------------------
    _Template(
        category="民政/社会救助/最低生活保障",
        setting="urban",
        subjects=("申请低保{dur}没有结果", "单亲困难家庭申请低保遇阻"),
        bodies=(
            "我丈夫前年因病去世，我一个人带着两个孩子，在{place}附近打零工，每月收入两千元左右，还欠着给他治病借的钱。{dur}前我在社区递交了低保申请，"
            "材料都交齐了，到现在没有任何消息，问社区只说在审核。",
        ),
        asks=("想问问审核到哪一步了，像我这种情况能不能享受低保。",),
        topic="低保申请办理进度",
        resolved="您的申请此前因家庭经济状况核对报告未及时返回而延误。目前核对已完成，经入户调查和民主评议，您的家庭符合条件，已纳入低保，"
        "从本月起发放低保金，两个孩子同时纳入教育救助。",
        explained="低保审核需要对申请家庭的收入、财产进行核对。核对结果显示您名下有一辆登记车辆，超出认定标准。如该车已处置或属营运工具，"
        "请补充证明材料，我们将重新审核，其间可先为您办理临时救助。",
        progress="社区已重新启动入户调查，家庭经济状况核对报告预计五个工作日内返回，街道将在收到报告后十个工作日内完成审核并告知您。",
        other="户籍所在地街道办事处",
    ),
    _Template(
        category="民政/养老服务/高龄津贴",
        setting="urban",
        subjects=("{elder_age}岁老人高龄津贴突然停发", "咨询高龄津贴停发原因"),
        bodies=(
            "我父亲今年{elder_age}岁，住在{place}，一直按月领取高龄津贴。从{dur}前开始，津贴就没再打到卡上。老人家年纪大了，不会用手机，"
            "听说是要做什么认证，我们也没接到过通知。",
        ),
        asks=("请帮忙查一下原因，把停发的津贴补上。",),
        topic="高龄津贴停发",
        resolved="经核查，您父亲的高龄津贴因未按期完成年度资格认证被暂停发放。社区工作人员已上门为老人完成认证，停发期间的津贴已全额补发。"
        "今后社区会提前上门提醒和代办。",
        explained="高龄津贴实行年度资格认证，可通过手机、社区代办或上门等方式完成。您父亲未在规定时间内认证，系统自动暂停发放，完成认证后可以补发。",
        progress="街道已登记您父亲的情况，社区工作人员将在三个工作日内上门进行资格认证，认证通过后补发停发期间的津贴。",
        other="户籍所在地街道办事处",
    ),
    _Template(
        category="民政/养老服务/养老机构",
        setting="urban",
        subjects=("{nursing}护理服务不到位", "反映{nursing}照护失能老人不尽心"),
        bodies=(
            "我母亲今年{elder_age}岁，失能卧床，住在{place}的{nursing}，每月交费{money}元。最近我去探望，发现她背上起了褥疮，床单好几天没换，"
            "一个护理员要照顾十几个老人。跟院方反映，对方说人手不够。",
        ),
        asks=("希望民政部门检查这家养老院，督促提高护理质量。",),
        topic="{nursing}护理服务",
        resolved="民政部门已对{nursing}开展专项检查，发现其护理人员配比不足、护理记录不全等问题，已责令整改。该院已新招护理员六名，"
        "为失能老人建立翻身清洁记录，并安排医生为您母亲治疗。",
        explained="经检查，{nursing}护理人员配比符合标准，但存在交接班记录不规范等问题，已要求整改。院方已与您约定每周通报老人护理情况。",
        progress="民政部门已对{nursing}立案检查，正在核查护理人员配备和服务记录，并要求院方先行为您母亲调整护理方案，检查结果将及时反馈。",
        other="卫生健康部门（医养结合机构的医疗服务）",
    ),
    _Template(
        category="民政/残疾人与儿童福利/残疾人补贴",
        setting="urban",
        subjects=("重度残疾人护理补贴申请被退回", "咨询残疾人两项补贴办理"),
        bodies=(
            "我儿子是一级智力残疾，按政策可以申请重度残疾人护理补贴。我们在{place}便民服务中心交了材料，却被告知要回户籍地办理，"
            "可他的户口{dur}前就迁到这边了。来回跑了{n}趟还是没办成。",
        ),
        asks=("请相关部门明确办理地点和流程，不要让我们再白跑。",),
        topic="重度残疾人护理补贴申请",
        resolved="经核实，窗口工作人员未及时更新您儿子的户籍信息。我们已为您补录申请，经审核符合条件，护理补贴从申请当月起计发，首次发放已到账。",
        explained="残疾人两项补贴可全程网办，也可在户籍所在地街道申请。您儿子户口迁入后，残疾人证需同步办理迁移，迁移完成即可在{place}申请。",
        progress="街道已与残联对接，正在为您儿子办理残疾人证迁移，完成后将直接受理补贴申请，无需您再跑。",
        other="区残疾人联合会",
    ),
    # ---- 自然资源和规划 ------------------------------------------------------------------
    _Template(
        category="自然资源和规划/规划管理/违规变更规划",
        setting="urban",
        subjects=("{estate}规划绿地被改建商业楼", "质疑{developer}擅自变更{estate}规划"),
        bodies=(
            "{place}{estate}开盘时沙盘上小区中间是中心花园，很多业主就是冲这个买的房。现在{developer}在花园位置打地基，说要建两栋商业楼。"
            "业主去售楼部问，对方说规划调整过了，可我们从没见过公示。",
        ),
        asks=("请规划部门核查是否违规变更规划，依法处理。",),
        topic="{estate}规划变更",
        resolved="经核查，{developer}未经批准在规划绿地位置施工，属违法建设。规划执法部门已责令其立即停工、恢复原状，并依法处罚，中心花园将按原规划建设。",
        explained="经核查，该地块规划调整已于两年前依法批准，调整前曾在现场和网站公示。但开发企业销售时未如实告知，我们已将相关情况移交住建部门调查。",
        progress="我们已责令{developer}暂停施工，正在调取该项目历次规划审批资料，核实后将依法处理并向业主公开结果。",
        other="住房和城乡建设部门（商品房销售宣传）",
    ),
    _Template(
        category="自然资源和规划/不动产登记/不动产权证办理",
        setting="urban",
        subjects=("{estate}交房{years}年办不了房产证", "{estate}业主不动产权证办理难"),
        bodies=(
            "{place}{estate}交房已经{years}年了，几百户业主到现在都办不了不动产权证。问{developer}，说是土地出让金没交清，要等。"
            "没有证，孩子上学、落户都受影响，也不能抵押贷款。",
        ),
        asks=("恳请有关部门督促开发商解决，让业主早日拿到证。",),
        topic="{estate}不动产权证办理",
        resolved="经协调，{developer}已补缴土地出让金，项目完成竣工验收备案和首次登记。不动产登记中心已为{estate}业主开通集中办证专窗，"
        "目前已办结三百余户。",
        explained="{estate}项目因开发企业欠缴土地出让金，暂不能办理首次登记。按照“交房即办证”化解政策，符合条件的业主可先行分户办理，具体由专班逐户审核。",
        progress="市里已将{estate}列入历史遗留办证问题化解专班，正在督促{developer}补缴出让金和税费，预计年内具备分户办证条件。",
        other="住房和城乡建设部门",
    ),
    _Template(
        category="自然资源和规划/土地管理/违法占地",
        setting="rural",
        subjects=("{village}有人占用耕地建厂房", "举报{village}耕地被违法占用"),
        bodies=(
            "{place}村口有一片耕地，最近{dur}被人用围墙圈了起来，挖掘机、运土车天天进进出出，听说要建一个仓库。这片地一直种水稻，"
            "是村里的好田，我们从没见过任何审批公示。",
        ),
        asks=("请自然资源部门核查有没有合法手续，违法的要依法制止。",),
        topic="{village}耕地被占用",
        resolved="经现场核查，该地块被当地一家企业未经批准擅自占用建设仓库，涉及耕地约六亩，属违法占地。执法部门已责令停工，企业正在拆除围墙、"
        "清理硬化地面，限期恢复耕种条件。",
        explained="经核查，该地块属已备案的设施农业用地，用于建设粮食烘干和农机存放设施，手续齐全。我们已要求使用单位在现场公示备案信息。",
        progress="执法人员已到现场制止施工，并对该宗用地立案调查，正在调取土地权属和审批资料，调查结束后将依法处理。",
        other="乡镇人民政府（设施农业用地备案）",
    ),
    _Template(
        category="自然资源和规划/地质灾害/滑坡崩塌隐患",
        setting="rural",
        subjects=("{village}后山出现裂缝担心滑坡", "请排查{village}山体滑坡隐患"),
        bodies=(
            "{place}后山最近连下了{n}天大雨，半山腰出现一条几十米长的裂缝，山脚几户人家的墙上也开始有裂纹，晚上偶尔能听到石头滚落的声音。"
            "住在山脚的多是老人，大家心里很慌。",
        ),
        asks=("请有关部门尽快派专家来看看，必要时帮助我们搬离。",),
        topic="{village}后山滑坡隐患",
        resolved="接报后，县自然资源局会同乡镇和地质专家到现场调查，确认该处为新发现的小型滑坡隐患点。已组织山脚五户村民临时转移，"
        "设置警示牌和监测桩并落实专人巡查，治理工程已列入今年计划。",
        explained="地质专家现场调查认为，该裂缝为表层土体雨后干缩形成，深度较浅，目前不具备整体滑动条件。我们已将其纳入巡查范围，雨季由乡镇专人监测。",
        progress="地质专家已完成初步调查，已安排山脚住户在雨天临时避险并布设监测设备。详细勘查正在进行，将根据结论确定治理或搬迁方案。",
        other="所在乡镇人民政府",
    ),
    # ---- 政务服务 ------------------------------------------------------------------------
    _Template(
        category="政务服务/办事服务/窗口服务态度",
        setting="none",
        subjects=("{district}政务服务中心窗口态度差", "反映窗口工作人员服务态度生硬"),
        bodies=(
            "{date}上午我到{district}政务服务中心办理{affair}，排了一个多小时队，轮到我时工作人员一边看手机一边说材料不对，问哪里不对也不解释，"
            "直接叫下一个。旁边一位大爷问了两遍也被呛了回去。",
        ),
        asks=("希望加强窗口人员管理，提高服务意识。",),
        topic="政务服务中心窗口服务态度",
        resolved="政务服务中心调取了当日的窗口监控和评价记录，情况属实。已对当事工作人员批评教育、调离窗口岗位，并在全体窗口开展服务规范培训。"
        "给您带来的不愉快，我们深表歉意。",
        explained="经调取监控，当事工作人员已说明材料缺少原件，但语气确有生硬之处，我们已对其提醒谈话。办理{affair}的材料清单已在政务服务网公布，也可预约帮办代办。",
        progress="我们已调取相关监控和评价记录，正在对当事人进行调查，核实后将严肃处理，并在全中心开展作风整顿。",
        other="相关业务部门派驻窗口",
    ),
    _Template(
        category="政务服务/办事服务/网上办事平台",
        setting="none",
        subjects=("政务服务网上办事系统经常卡顿", "网上办理{affair}总是提交失败"),
        bodies=(
            "最近{dur}我多次在政务服务网上办理{affair}，每次到上传材料那一步页面就卡住，提交后又提示系统错误。打客服电话一直占线。"
            "说好的“网上办、掌上办”，最后还得请假跑现场。",
        ),
        asks=("请尽快排查系统问题，增加客服人手。",),
        topic="网上办理{affair}系统故障",
        resolved="经技术排查，系统在材料上传环节存在大文件处理缓慢的问题，现已完成优化升级，客服坐席也增加至二十个。工作人员已电话指导您完成网上申报。",
        explained="近期平台正在进行数据迁移升级，部分时段访问较慢。建议上传材料时将照片压缩至两兆以内，或使用手机端办理，如仍有问题可拨打12345转政务服务专线。",
        progress="技术团队已复现您反映的问题，正在优化系统，预计本月底前完成升级，升级期间可通过窗口或手机端办理。",
        other="业务主管部门（该事项由部门自建系统办理）",
    ),
    _Template(
        category="政务服务/办事服务/证明材料",
        setting="none",
        subjects=("办理{affair}要求提供多余证明", "反映办事需重复开具证明材料"),
        bodies=(
            "为了办理{affair}，窗口要求我提供户籍证明、婚姻状况证明和无房证明，其中婚姻状况证明要回老家开。我的身份证、结婚证都带了原件，"
            "系统里也能查到，为什么还要开证明？为了一张证明来回跑了{n}趟。",
        ),
        asks=("希望减少不必要的证明材料，推动数据共享。",),
        topic="办理{affair}证明材料",
        resolved="经核查，该事项要求的婚姻状况证明已列入我市取消的证明事项清单，窗口执行有误，已责令整改。我们已通过数据共享核验您的婚姻信息，您的业务已办结。",
        explained="按现行规定，该事项需核验申请人的婚姻状况。目前已可通过部门数据共享在线核验，无需回原籍开证明，窗口未告知这一方式，我们已对其提醒。",
        progress="我们已将该事项的证明要求提交证明事项清理工作组研究，正在对接数据共享接口，上线后申请人无需再提交纸质证明。",
        other="相关业务主管部门",
    ),
    _Template(
        category="政务服务/机关作风/工作作风",
        setting="urban",
        subjects=("{place}社区上班时间找不到人", "社区服务大厅经常无人值守"),
        bodies=(
            "{place}社区服务大厅门口写着工作日全天开放，可我这{dur}去了{n}次，两次门关着，还有一次里面只有一个人在玩手机，说办事的同事出去了。"
            "我只是来开个居住证明，每次都白跑。",
        ),
        asks=("希望加强社区工作人员管理，保证工作时间有人办事。",),
        topic="{place}社区服务大厅值守",
        resolved="经街道调查，该社区存在工作人员外出未登记、大厅值守安排不到位的问题，已对相关人员诫勉谈话。社区已实行首问负责和AB岗制度，"
        "公示值班表和监督电话，您所需的证明已由工作人员送达。",
        explained="经核实，您前往的几天社区工作人员正在开展入户走访，大厅临时由一人值守，未能及时为您办理。社区已调整排班，确保工作时间至少两人在岗。",
        progress="街道已对该社区的值守情况开展调查，并安排专人与您联系，先行为您办理居住证明，调查结果将依规处理。",
        other="所在街道办事处",
    ),
)


# --------------------------------------------------------------------------------------------
# Slot values
# --------------------------------------------------------------------------------------------

_ESTATES: Final = (
    "锦绣华庭", "江岸明珠", "翠湖花园", "金桂苑", "融城雅居", "书香名邸", "滨江壹号", "枫林小区", "水岸春天", "紫薇花园",
    "云谷新城", "铁路新村", "纺织厂宿舍", "康乐小区", "湖畔蓝湾", "梧桐里", "东方丽景", "新华里小区", "青澜壹号院", "文昌苑",
)  # fmt: skip
_ROADS: Final = (
    "青澜大道", "东湖路", "建设北路", "人民中路", "滨江路", "枫林路", "文昌街", "云谷大道",
    "新华路", "解放西路", "桂花路", "石桥路", "梅岭路", "站前路", "科创一路", "环城南路",
)  # fmt: skip
_DURATIONS: Final = (
    "一个多星期",
    "半个多月",
    "二十多天",
    "一个多月",
    "两个月",
    "三个多月",
    "半年多",
    "将近一年",
)
_NIGHT_TIMES: Final = ("晚上十一点多", "半夜十二点", "凌晨一点", "凌晨两三点", "晚上十点半以后")
_DATES: Final = ("上周三", "前天", "本月初", "上个周末", "上个月中旬", "昨天", "上周五", "前几天")
_SMALL_NUMBERS: Final = ("两", "三", "四", "五", "六")
_SCHOOL_SUFFIXES: Final = ("实验小学", "育才小学", "第二小学", "第一初级中学", "外国语学校")
_KINDERGARTENS: Final = ("小太阳幼儿园", "蓝天幼儿园", "童心幼儿园", "启明星幼儿园", "机关幼儿园")
_HOSPITALS: Final = (
    "青澜市第一人民医院",
    "青澜市中心医院",
    "青澜市中医院",
    "青澜市妇幼保健院",
    "青澜市第三人民医院",
)
_COMPANIES: Final = (
    "宏远建筑劳务公司",
    "鑫盛建设工程公司",
    "华茂机电公司",
    "瑞丰电子厂",
    "天成物流公司",
    "永利服装厂",
)
_CONTRACTORS: Final = ("宏远建筑劳务公司", "鑫盛建设工程公司", "江川路桥建设公司", "澜城建工集团")
_PROPERTY_COMPANIES: Final = ("恒安物业", "嘉和物业", "锦华物业", "安居物业", "和顺物业")
_DEVELOPERS: Final = ("华茂置业", "盛景房地产开发公司", "江川宏图置业", "澜城地产")
_FACTORIES: Final = ("金泰化工厂", "永兴建材厂", "鑫达塑料制品厂", "华宇机械加工厂", "宏发木材加工厂")
_SHOPS: Final = ("老街烧烤店", "川味大排档", "好再来餐馆", "阿强夜宵店", "湘味小炒店")
_GYMS: Final = (
    "力美健身房",
    "悦动健身会所",
    "启航教育培训中心",
    "优学培训学校",
    "清风游泳馆",
    "美丽约美容院",
)
_SUPERMARKETS: Final = ("惠民超市", "家家福超市", "好邻居便利店", "万家乐购超市")
_RIVERS: Final = ("清溪河", "白水河", "东湖港", "桃溪", "沙河")
_SCENIC: Final = ("青澜山风景区", "东湖湿地公园", "临江古镇", "白沙溶洞景区")
_PARKS: Final = ("滨江公园", "人民广场", "东湖公园", "文化广场", "街心花园")
_STATIONS: Final = ("青澜火车站", "青澜高铁站", "青澜长途汽车站", "青澜机场")
_AGENCIES: Final = ("青澜假日旅行社", "江川阳光旅行社", "澜城国际旅行社")
_NURSING_HOMES: Final = ("康宁养老院", "福寿颐养中心", "夕阳红老年公寓", "安泰护理院")
_AFFAIRS: Final = (
    "营业执照变更登记",
    "不动产转移登记",
    "社保卡补领",
    "住房公积金提取",
    "居住证",
    "个体工商户登记",
)
_FALLBACK_VILLAGES: Final = ("石门村", "柳塘村", "杉木村", "杨家坪村")

_SURNAMES: Final = tuple("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢唐彭曾邓肖田")
_GIVEN_CHARS: Final = tuple(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰文斌鹏宇浩婷雪琳晨辉燕春梅海波鑫欣怡"
)
_MOBILE_PREFIXES: Final = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155", "156",
    "157", "158", "159", "173", "175", "176", "177", "178", "180", "181", "182", "183", "185", "186", "187",
    "188", "189", "191", "198", "199",
)  # fmt: skip
_EMAIL_WORDS: Final = (
    "qinglan",
    "citizen",
    "sunny",
    "lucky",
    "bluesky",
    "river",
    "mountain",
    "reader",
    "xiaoyu",
    "laozhang",
)
_EMAIL_DOMAINS: Final = ("example.com", "example.net", "example.org")


@cache
def _place_context(ref: PlaceRef) -> tuple[str, str, bool]:
    """(full place phrase, phrase without the district, is_village) for a place reference."""
    index = _unit_index()
    if ref.unit_code not in index:
        return ref.name, ref.name, ref.name.endswith("村")
    chain: list[OrgSpec] = []
    current: str | None = ref.unit_code
    while current is not None:
        unit, parent = index[current]
        chain.append(unit)
        if unit.kind in ("district", "county"):
            break
        current = parent.code if parent else None
    chain.reverse()
    full = "".join(unit.name for unit in chain)
    local = "".join(unit.name for unit in chain if unit.kind not in ("district", "county"))
    is_village = chain[-1].kind == "community" and chain[-1].name.endswith("村")
    return full, local, is_village


def _village_of(township_code: str, rng: random.Random) -> str | None:
    """A village of the township in ORG_TREE, when it has any."""
    entry = _unit_index().get(township_code)
    if entry is None:
        return None
    villages = [child.name for child in entry[0].children if child.name.endswith("村")]
    return rng.choice(villages) if villages else None


def _district_names(place_names: Sequence[PlaceRef]) -> dict[str, str]:
    index = _unit_index()
    return {
        ref.district_code: index[ref.district_code][0].name
        for ref in place_names
        if ref.district_code in index
    }


def _pick_place(rng: random.Random, template: _Template, places: Sequence[PlaceRef]) -> PlaceRef | None:
    if template.setting == "none" or not places:
        return None
    rural = [ref for ref in places if _place_context(ref)[2] or ref.name.endswith(("镇", "乡"))]
    urban = [ref for ref in places if ref not in rural]
    pool = rural if template.setting == "rural" else urban
    return rng.choice(pool or list(places))


def _short_place_name(name: str) -> str:
    for suffix in ("社区", "街道", "镇", "乡", "村", "区", "县"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name.removesuffix(suffix)
    return name


def _person_name(rng: random.Random) -> str:
    given = "".join(rng.choice(_GIVEN_CHARS) for _ in range(rng.choice((1, 2, 2))))
    return rng.choice(_SURNAMES) + given


def _mobile(rng: random.Random) -> str:
    return rng.choice(_MOBILE_PREFIXES) + "".join(str(rng.randrange(10)) for _ in range(8))


def _amount(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"{rng.randint(2, 48)}万元"
    return f"{rng.randint(1, 9)}.{rng.randint(1, 9)}万元"


def _slots(rng: random.Random, place: PlaceRef | None, district_names: dict[str, str]) -> dict[str, str]:
    district = district_names.get(place.district_code or "") if place else None
    if district is None:
        district = rng.choice(("东湖区", "西城区", "高新区", "临江县"))
    village = rng.choice(_FALLBACK_VILLAGES)
    if place is None:
        place_text = district
    else:
        full, local, is_village = _place_context(place)
        place_text = full if rng.random() < 0.6 else local
        if is_village:
            village = place.name
        elif place.name.endswith(("镇", "乡")):
            village = _village_of(place.unit_code, rng) or village
            place_text += village
    fee = rng.randint(12, 24) / 10
    road, road2 = rng.sample(_ROADS, 2)
    return {
        "place": place_text,
        "district": district,
        "village": village,
        "estate": rng.choice(_ESTATES),
        "bldg": f"{rng.randint(1, 24)}栋",
        "unit": f"{rng.randint(1, 4)}单元",
        "floor": str(rng.randint(7, 28)),
        "road": road,
        "road2": road2,
        "dur": rng.choice(_DURATIONS),
        "n": rng.choice(_SMALL_NUMBERS),
        "households": str(rng.randint(3, 60) * 10),
        "people": str(rng.randint(12, 68)),
        "pupils": str(rng.randint(18, 65)),
        "amount": _amount(rng),
        "money": str(rng.randint(3, 60) * 100),
        "fee": f"{fee:.1f}",
        "fee2": f"{fee + rng.randint(5, 15) / 10:.1f}",
        "park_fee": str(rng.randint(8, 20)),
        "time": rng.choice(_NIGHT_TIMES),
        "date": rng.choice(_DATES),
        "years": str(rng.randint(2, 9)),
        "days": str(rng.randint(3, 15)),
        "elder_age": str(rng.randint(80, 93)),
        "worker_age": str(rng.randint(38, 52)),
        "retire_age": str(rng.randint(55, 61)),
        "service_years": str(rng.randint(15, 26)),
        "school": district + rng.choice(_SCHOOL_SUFFIXES),
        "kinder": rng.choice(_KINDERGARTENS),
        "hospital": rng.choice(_HOSPITALS),
        "company": rng.choice(_COMPANIES),
        "contractor": rng.choice(_CONTRACTORS),
        "property": rng.choice(_PROPERTY_COMPANIES),
        "developer": rng.choice(_DEVELOPERS),
        "factory": rng.choice(_FACTORIES),
        "shop": rng.choice(_SHOPS),
        "gym": rng.choice(_GYMS),
        "supermarket": rng.choice(_SUPERMARKETS),
        "market": _short_place_name(place.name if place else district) + "农贸市场",
        "river": rng.choice(_RIVERS),
        "scenic": rng.choice(_SCENIC),
        "park": rng.choice(_PARKS),
        "bus": f"{rng.randint(2, 68)}路公交",
        "station": rng.choice(_STATIONS),
        "agency": rng.choice(_AGENCIES),
        "nursing": rng.choice(_NURSING_HOMES),
        "affair": rng.choice(_AFFAIRS),
    }


# --------------------------------------------------------------------------------------------
# Message composition
# --------------------------------------------------------------------------------------------

_OPENERS: Final = (
    "尊敬的领导：您好！",
    "领导您好！",
    "您好，",
    "各位领导好，",
    "",
    "",
    "打扰了，",
    "尊敬的有关部门：",
)
_WEIBO_OPENERS: Final = ("【求助】", "@青澜发布 ", "")
_HOTLINE_OPENERS: Final = ("来电人反映：", "市民来电称：", "来电人称：")
_CLOSERS: Final = (
    "谢谢！", "盼复，谢谢！", "恳请领导重视，感谢！", "麻烦尽快处理，辛苦了！", "期待回复。", "", "感谢政府！", "希望能得到答复，谢谢！",
)  # fmt: skip
_TRIED: Final = (
    "之前打过12345热线，工单显示办结了，但问题一直没解决。",
    "也找过社区和街道，都说会反映上去，后来就没了下文。",
    "之前在网上留过一次言，一直没有回音，只好再写一次。",
)
_URGENT: Final = (
    "这件事涉及周边{households}多户居民，大家意见很大。",
    "这个问题已经反映过不止一次，一直没有得到解决。",
    "周边居民已经联名写了情况说明，希望作为重点问题办理。",
    "身边很多人都遇到了同样的问题，恳请领导高度重视。",
)
_REPLY_GREETINGS: Final = ("网友您好！", "尊敬的网友：您好！", "您好！", "{name}同志：您好！")
_HOTLINE_REPLY_GREETINGS: Final = ("您好！", "{name}同志：您好！", "{name}您好！")
_VIA: Final[dict[str, str]] = {"hotline": "来电", "mailbox": "来信", "email": "来信"}
_REPLY_ACKS: Final = (
    "您反映的关于{topic}的问题已收悉。",
    "您反映的{topic}问题收悉，现答复如下：",
    "您的{via}收悉。对您反映的{topic}问题，我们高度重视，现答复如下：",
)
_REPLY_INTROS: Final[dict[str, tuple[str, ...]]] = {
    "resolved": (
        "经调查核实，",
        "我们第一时间安排工作人员到现场调查。经核实，",
        "接件后我们立即进行了调查。经查，",
    ),
    "explained": ("经了解，", "经调查核实，", ""),
    "in_progress": ("经调查核实，情况基本属实。", ""),
}
_REPLY_CONTACTS: Final = (
    "如有疑问，可在工作日拨打{office_phone}与我们联系。",
    "如还有其他问题，请与我们联系，电话：{office_phone}。",
    "后续如有问题，欢迎继续反映。",
)
_REPLY_THANKS: Final = ("感谢您对我们工作的关心和支持！", "感谢您的监督！", "谢谢您的理解与支持！")

_CHANNEL_WEIGHTS: Final[tuple[tuple[str, int], ...]] = (
    ("web", 40),
    ("mailbox", 25),
    ("hotline", 15),
    ("email", 5),
    ("wechat", 10),
    ("weibo", 5),
)
_OUTCOME_WEIGHTS: Final[tuple[tuple[str, int], ...]] = (
    ("resolved", 45),
    ("explained", 30),
    ("in_progress", 18),
    ("not_competent", 7),
)
MAJOR_SHARE: Final[float] = 0.03
IMPORTANT_SHARE: Final[float] = 0.15
PUBLIC_SHARE: Final[float] = 0.8

SUBJECT_LENGTH: Final[tuple[int, int]] = (8, 30)
BODY_LENGTH: Final[tuple[int, int]] = (60, 400)
REPLY_LENGTH: Final[tuple[int, int]] = (80, 400)


def _weighted(rng: random.Random, weights: tuple[tuple[str, int], ...], allowed: tuple[str, ...] = ()) -> str:
    choices = [(value, weight) for value, weight in weights if not allowed or value in allowed]
    return rng.choices([value for value, _ in choices], weights=[weight for _, weight in choices])[0]


def _mailbox_for(rng: random.Random, place: PlaceRef | None) -> MailboxSpec:
    if place is not None and place.district_code and rng.random() < 0.5:
        for mailbox in MAILBOXES:
            office = _unit_index().get(mailbox.office_code)
            if office and office[1] and office[1].code == place.district_code:
                return mailbox
    return MAILBOXES[1] if rng.random() < 0.7 else MAILBOXES[0]


def _opener(rng: random.Random, channel: str, mailbox: MailboxSpec | None) -> str:
    if channel == "hotline":
        return rng.choice(_HOTLINE_OPENERS)
    if channel == "weibo":
        return rng.choice(_WEIBO_OPENERS)
    if mailbox is not None and rng.random() < 0.7:
        title = mailbox.name.removesuffix("信箱")
        for prefix in ("东湖区", "西城区", "高新区", "临江县"):
            title = title.removeprefix(prefix)
        return rng.choice((f"尊敬的{title}：您好！", f"{title}您好，"))
    return rng.choice(_OPENERS)


def _compose_body(
    rng: random.Random,
    template: _Template,
    slots: dict[str, str],
    *,
    grade: str,
    channel: str,
    mailbox: MailboxSpec | None,
) -> str:
    parts = [rng.choice(template.bodies).format_map(slots)]
    if grade == "important":
        parts.append(rng.choice(_URGENT).format_map(slots))
    if not template.major and rng.random() < 0.25:
        parts.append(rng.choice(_TRIED))
    parts.append(rng.choice(template.asks).format_map(slots))
    opener = _opener(rng, channel, mailbox)
    closer = "" if channel == "hotline" else rng.choice(_CLOSERS)
    body = opener + "".join(parts) + closer
    if len(body) > BODY_LENGTH[1]:
        body = "".join(parts)
    return body


def _compose_reply(
    rng: random.Random,
    template: _Template,
    slots: dict[str, str],
    *,
    outcome: str,
    contact_name: str,
    channel: str,
) -> str:
    values = {
        **slots,
        "topic": template.topic.format_map(slots),
        "name": contact_name,
        "via": _VIA.get(channel, "留言"),
    }
    values["office_phone"] = f"{rng.randint(8100, 8899)}{rng.randint(1000, 9999)}"
    greetings = _HOTLINE_REPLY_GREETINGS if channel == "hotline" else _REPLY_GREETINGS
    greeting = rng.choice(greetings).format_map(values)
    ack = rng.choice(_REPLY_ACKS).format_map(values)
    if outcome == "not_competent":
        core = (
            f"经核实，您反映的问题不属于我单位职责范围。根据职责分工，该事项由{template.other}负责，"
            "我们已将您的诉求转交其办理，并请其直接与您联系。"
        )
    else:
        text = {
            "resolved": template.resolved,
            "explained": template.explained,
            "in_progress": template.progress,
        }[outcome]
        if template.major:
            intro = ""
        elif text.startswith(("经", "接")):
            # The text already opens with its own "经核查/接报后"; a second one would stutter.
            intro = "" if outcome != "in_progress" else rng.choice(_REPLY_INTROS[outcome])
        else:
            intro = rng.choice(_REPLY_INTROS[outcome])
        core = intro + text.format_map(values)
    contact = rng.choice(_REPLY_CONTACTS).format_map(values)
    thanks = rng.choice(_REPLY_THANKS)
    reply = greeting + ack + core + contact + thanks
    if len(reply) > REPLY_LENGTH[1]:
        reply = greeting + ack + core + thanks
    return reply


def _generate_one(
    rng: random.Random, place_names: Sequence[PlaceRef], district_names: dict[str, str]
) -> GeneratedMessage:
    roll = rng.random()
    majors = [template for template in _TEMPLATES if template.major]
    regular = [template for template in _TEMPLATES if not template.major]
    if roll < MAJOR_SHARE:
        template, grade = rng.choice(majors), "major"
    else:
        template = rng.choice(regular)
        grade = "important" if roll < MAJOR_SHARE + IMPORTANT_SHARE else "general"

    place = _pick_place(rng, template, place_names)
    slots = _slots(rng, place, district_names)
    channel = _weighted(rng, _CHANNEL_WEIGHTS)
    mailbox = _mailbox_for(rng, place) if channel == "mailbox" else None
    contact_name = _person_name(rng)
    email = ""
    if rng.random() < 0.6:
        email = f"{rng.choice(_EMAIL_WORDS)}{rng.randint(10, 99999)}@{rng.choice(_EMAIL_DOMAINS)}"
    outcome = _weighted(rng, _OUTCOME_WEIGHTS, template.outcomes())
    level1, level2, level3 = template.triple
    subject = rng.choice(template.subjects).format_map(slots)
    if channel == "weibo" and len(subject) + 4 <= SUBJECT_LENGTH[1] and rng.random() < 0.3:
        subject = "【求助】" + subject
    return GeneratedMessage(
        subject=subject,
        body=_compose_body(rng, template, slots, grade=grade, channel=channel, mailbox=mailbox),
        level1=level1,
        level2=level2,
        level3=level3,
        place_code=place.unit_code if place else None,
        grade=grade,
        contact_name=contact_name,
        contact_phone=_mobile(rng),
        contact_email=email,
        is_public=rng.random() < PUBLIC_SHARE,
        channel=channel,
        mailbox_code=mailbox.code if mailbox else None,
        reply_outcome=outcome,
        reply_body=_compose_reply(
            rng, template, slots, outcome=outcome, contact_name=contact_name, channel=channel
        ),
    )


def generate_messages(n: int, *, seed: int, place_names: Sequence[PlaceRef]) -> list[GeneratedMessage]:
    """Generate n distinct, plausible citizen messages with an official reply each.

    Deterministic for a given seed and place list. Places are usually place_refs(); an empty
    sequence yields messages without a place.
    """
    rng = random.Random(seed)
    district_names = _district_names(place_names)
    messages: list[GeneratedMessage] = []
    seen: set[tuple[str, str]] = set()
    attempts = 0
    while len(messages) < n:
        attempts += 1
        if attempts > n * 20 + 100:
            raise RuntimeError("could not generate enough distinct messages")
        message = _generate_one(rng, place_names, district_names)
        key = (message.subject, message.body)
        if key in seen:
            continue
        seen.add(key)
        messages.append(message)
    return messages


def template_counts() -> dict[str, int]:
    """Number of problem templates per level-1 category (major-sensitive ones included)."""
    counts: dict[str, int] = {}
    for template in _TEMPLATES:
        level1 = template.triple[0]
        counts[level1] = counts.get(level1, 0) + 1
    return counts
