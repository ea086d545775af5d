"""Demo content of leaders' reports and commitments: two leaders with public titles, last month's
published report and this month's draft, commitments in progress, fulfilled and overdue."""

from __future__ import annotations

from datetime import datetime, timedelta

from wenzheng.accounts.models import OrgUnit, User
from wenzheng.core import clock
from wenzheng.participation.commitments import actions
from wenzheng.participation.commitments.models import LeaderProfile


def do_load_commitments_demo(units: dict[str, OrgUnit], staff: dict[str, User], *, now: datetime) -> None:
    zjj = LeaderProfile.objects.create(
        user=staff["zjj_leader"], unit=units["QL-ZJ"], public_name="贺振华", public_title="市住建局局长"
    )
    donghu = LeaderProfile.objects.create(
        user=staff["donghu_leader"],
        unit=units["QL-DH-BGS"],
        public_name="杨建华",
        public_title="东湖区政府办公室主任",
    )
    leader = staff["zjj_leader"]
    today = now.astimezone(clock.local_tz()).date()
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    with clock.frozen_at(now - timedelta(days=today.day + 2)):
        report = actions.do_create_report(
            units["QL-ZJ"],
            acting_user=leader,
            leader=zjj,
            period=last_month,
            title=f"市住建局局长{last_month.month}月工作报告",
            body=(
                "一、本月共受理网民留言涉及住房和城乡建设事项六十余件，均已按期认领。\n"
                "二、完成两个老旧小区改造项目竣工验收，新开工加装电梯十二部。\n"
                "三、针对物业服务投诉集中的问题，约谈物业企业八家，督促整改。\n"
                "下月将重点推进背街小巷整治和雨季排水设施检查。"
            ),
        )
        actions.do_publish_report(report, acting_user=leader)
    actions.do_create_report(
        units["QL-ZJ"],
        acting_user=leader,
        leader=zjj,
        period=today,
        title=f"市住建局局长{today.month}月工作报告",
        body="（草稿）本月工作进展正在汇总。",
    )
    with clock.frozen_at(now - timedelta(days=60)):
        lifts = actions.do_create_commitment(
            units["QL-ZJ"],
            acting_user=leader,
            leader=zjj,
            title="年内完成老旧小区加装电梯60部",
            description="优先安排有老年人、残疾人居住的单元，补贴资金在竣工验收后30日内拨付。",
            target_date=today + timedelta(days=120),
        )
        actions.do_publish_commitment(lifts, acting_user=leader)
        response = actions.do_create_commitment(
            units["QL-ZJ"],
            acting_user=leader,
            leader=zjj,
            title="物业服务投诉24小时内响应",
            target_date=today - timedelta(days=10),
        )
        actions.do_publish_commitment(response, acting_user=leader)
        drains = actions.do_create_commitment(
            units["QL-DH-BGS"],
            acting_user=staff["donghu_leader"],
            leader=donghu,
            title="雨季前完成辖区12处易涝点改造",
            target_date=today - timedelta(days=5),
        )
        actions.do_publish_commitment(drains, acting_user=staff["donghu_leader"])
    with clock.frozen_at(now - timedelta(days=30)):
        actions.do_report_progress(
            lifts, acting_user=leader, text="已完成32部电梯的施工招标，其中18部已开工。"
        )
    with clock.frozen_at(now - timedelta(days=20)):
        actions.do_fulfil_commitment(
            response, acting_user=leader, text="物业服务投诉专线已开通，近一个月投诉均在24小时内响应。"
        )
        actions.do_report_progress(
            drains, acting_user=staff["donghu_leader"], text="已完成8处易涝点改造，其余4处正在施工。"
        )
    actions.do_report_progress(lifts, acting_user=leader, text="已竣工验收25部，补贴资金已拨付19部。")
    actions.do_mark_overdue_commitments(today=today)  # the drains missed their date
