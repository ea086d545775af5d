"""Demo reply templates per category and outcome (loaded by wenzheng.demo.loader)."""

from __future__ import annotations

from wenzheng.accounts.models import OrgUnit
from wenzheng.casework.models import Category, ReplyOutcome, ReplyTemplate

# (category full name, outcome, title, body). Placeholders: {number}, {subject}, {received}, {unit}.
TEMPLATES: list[tuple[str, str, str, str]] = [
    (
        "城乡建设/物业管理",
        ReplyOutcome.RESOLVED,
        "物业问题已督促整改",
        "您好！您于{received}反映的“{subject}”（编号 {number}）收悉。经{unit}会同街道、社区现场核查，"
        "情况如下：……。我们已约谈物业服务企业，责令其于……前完成整改，现已整改到位。"
        "依据《物业管理条例》第三十五条，物业服务企业应当按照合同约定提供服务；如再有类似情况，请拨打……反映。感谢您的监督。",
    ),
    (
        "城乡建设/物业管理",
        ReplyOutcome.EXPLAINED,
        "物业收费政策解释",
        "您好！您反映的“{subject}”（编号 {number}）收悉。经核实，该小区物业服务费标准为……元/平方米·月，"
        "于……年经业主大会表决通过并备案。根据《物业服务收费管理办法》第七条，……。因此，……。"
        "如对收费仍有异议，可通过业主大会依法调整。感谢您的理解和支持。",
    ),
    (
        "交通运输/公共交通",
        ReplyOutcome.IN_PROGRESS,
        "公交线路优化正在推进",
        "您好！您反映的“{subject}”（编号 {number}）收悉。{unit}已会同公交企业开展客流调查：……时段平均候车……分钟。"
        "按照《城市公共交通条例》第二十条和我市公交线网优化方案，拟于……前对该线路……，届时将向社会公示。感谢您的建议。",
    ),
    (
        "交通运输/公共交通",
        ReplyOutcome.EXPLAINED,
        "公交站点设置说明",
        "您好！您反映的“{subject}”（编号 {number}）收悉。经现场核查，该路段……。根据《城市道路公共交通站、场、厂工程设计规范》，"
        "站距一般为……米，因……，暂不具备设站条件。我们将在……时重新评估。感谢您的理解。",
    ),
    (
        "教育文体/学前教育",
        ReplyOutcome.EXPLAINED,
        "幼儿园入园政策解释",
        "您好！您反映的“{subject}”（编号 {number}）收悉。经{unit}核实，……。根据《……学前教育入园工作实施意见》第……条，"
        "公办幼儿园按照“划片招生、就近入园”的原则招生，……。您可于……前登录……报名，咨询电话……。感谢您对学前教育的关注。",
    ),
    (
        "城市管理/公用事业",
        ReplyOutcome.RESOLVED,
        "供水供气故障已修复",
        "您好！您于{received}反映的“{subject}”（编号 {number}）收悉。经{unit}组织抢修人员现场排查，故障原因为……，"
        "已于……时完成维修并恢复供应。按照《城镇供水条例》第二十二条，计划停水将提前24小时公告。给您带来不便，敬请谅解，感谢您的监督。",
    ),
    (
        "交通运输/道路建设养护",
        ReplyOutcome.NOT_COMPETENT,
        "道路不属本单位管养",
        "您好！您反映的“{subject}”（编号 {number}）收悉。经核实，该路段为……管养，依据《公路法》第三十五条及我市道路管养分工，"
        "不属于{unit}职责范围。我们已将情况转交……（电话……）办理，并将跟踪办理结果。感谢您的理解和支持。",
    ),
]


def do_load_demo_templates(org: OrgUnit) -> int:
    """Create the demo templates for the categories the organisation's tree has; returns how many."""
    created = 0
    for full_name, outcome, title, body in TEMPLATES:
        category = Category.objects.filter(full_name=full_name).first()
        if category is None:
            continue
        _, made = ReplyTemplate.objects.get_or_create(
            org=org, category=category, outcome=outcome, title=title, defaults={"body": body}
        )
        created += made
    return created
