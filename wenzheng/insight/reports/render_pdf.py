"""The three reports as A4 PDF documents (fixed headings are the documents' Chinese)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from wenzheng.core import clock
from wenzheng.insight.metrics.selectors import MetricRow, percent
from wenzheng.insight.reports.bulletin import Bulletin, LateItem, group_by_unit
from wenzheng.insight.reports.digest import Digest, DigestItem
from wenzheng.insight.reports.feedback import Comparison, FeedbackReport, working_time
from wenzheng.insight.reports.pdf import build_pdf, grid, heading, markup, paragraph, style, title_block
from wenzheng.insight.reports.periods import cn_date, cn_datetime

NUMERALS = "一二三四五六七八九十"


def stamp(moment: datetime | None) -> str:
    return "—" if moment is None else f"{moment.astimezone(clock.local_tz()):%Y-%m-%d %H:%M}"


def _section(index: int, title: str) -> Paragraph:
    return heading(f"{NUMERALS[index]}、{title}")


def _note(text: str) -> Paragraph:
    return Paragraph(markup(text, 400), style("note", 9, leading=14))


# -- bulletin -------------------------------------------------------------------------------------

RATE_HEADERS = ("单位", "受理", "按时认领率", "回复率", "办结率", "按期办结率", "逾期", "满意率")
SCORE_HEADERS = ("名次", "单位", "响应", "办结", "满意", "基础分", "扣分", "总分")
LATE_HEADERS = ("序号", "编号", "标题", "收到时间", "办结时限", "逾期工作日", "状态")


def rate_cells(row: MetricRow) -> list[object]:
    return [
        row.label,
        row.counts["accepted"],
        percent(row.claim_in_time_rate),
        percent(row.reply_rate),
        percent(row.completion_rate),
        percent(row.on_time_completion_rate),
        row.counts["overdue"],
        percent(row.satisfaction_rate),
    ]


def _decimal_pct(value: object) -> str:
    return "—" if value is None else percent(float(value))  # type: ignore[arg-type]


def _late_tables(items: list[LateItem], empty: str) -> list[Flowable]:
    if not items:
        return [paragraph(empty)]
    out: list[Flowable] = []
    for unit, members in group_by_unit(items):
        rows = [
            [n, i.number, i.subject, stamp(i.received_at), stamp(i.due_at), i.days_late, i.state]
            for n, i in enumerate(members, start=1)
        ]
        out.append(
            KeepTogether(
                [
                    Paragraph(markup(f"{unit}（{len(members)}件）", 60), style("unit", 11, spaceBefore=4)),
                    grid(LATE_HEADERS, rows, (7, 26, 58, 22, 22, 13, 16)),
                ]
            )
        )
        out.append(Spacer(1, 4))
    return out


def bulletin_pdf(b: Bulletin) -> bytes:
    t = b.total
    story: list[Flowable] = title_block(
        f"{b.org_name}网络问政工作通报",
        f"关于{b.period_label}网民留言办理情况的通报",
        f"统计范围：{cn_date(b.start)}至{cn_date(b.end)}收到的留言　统计时间：{cn_datetime(b.issued_at)}",
    )
    story += [
        _section(0, "总体情况"),
        paragraph(
            f"{b.period_label}，共收到网民留言{t.counts['received']}件，受理{t.counts['accepted']}件，"
            f"交办{t.counts['assigned']}件，回复{t.counts['replied']}件，办结{t.counts['completed']}件。"
            f"回复率{percent(t.reply_rate)}，办结率{percent(t.completion_rate)}，"
            f"按期办结率{percent(t.on_time_completion_rate)}，满意率{percent(t.satisfaction_rate)}。"
            f"逾期办结{len(b.completed_late)}件，逾期未办结{len(b.overdue_open)}件。"
        ),
        _section(1, "各单位办理情况"),
        grid(RATE_HEADERS, [rate_cells(r) for r in b.rates], (40, 11, 15, 13, 13, 15, 10, 13)),
        _section(2, "考核排名"),
    ]
    if b.scores:
        rows = [
            [
                s.rank,
                s.unit,
                _decimal_pct(s.response),
                _decimal_pct(s.resolution),
                _decimal_pct(s.satisfaction),
                s.base,
                f"-{s.deductions}" if s.deductions else "0",
                s.total,
            ]
            for s in b.scores
        ]
        story.append(grid(SCORE_HEADERS, rows, (9, 40, 13, 13, 13, 13, 11, 13)))
    else:
        story.append(paragraph("本月无交办留言，不作考核排名。"))
    story.append(_section(3, "表扬"))
    story += [paragraph(f"{m.unit}：{m.reason}") for m in b.praise] or [paragraph("本月无。")]
    story.append(_section(4, "批评"))
    story += [paragraph(f"{m.unit}：{m.reason}") for m in b.criticism] or [paragraph("本月无。")]
    story.append(_section(5, "逾期办结清单"))
    story += _late_tables(b.completed_late, "本月无逾期办结的留言。")
    story.append(_section(6, "逾期未办结清单"))
    story += _late_tables(b.overdue_open, "无逾期未办结的留言。")
    story.append(
        _note(
            "说明：各项比率以当月收到的留言为统计口径，按统计时间的办理状态计算；逾期未办结清单包括"
            "统计截止月末前收到、至统计时间仍逾期未办结的全部留言。逾期工作日按法定工作日计算。"
            "留言标题中的个人信息已作脱敏处理。"
        )
    )
    return build_pdf(story, title=f"{b.org_name}网络问政工作通报 {b.period_label}", author=b.org_name)


# -- digest ----------------------------------------------------------------------------------------

KIND_LABELS = {"important": "重要", "representative": "代表性", "typical": "典型", "special": "专报"}


def _entry(index: int, item: DigestItem, extra: str = "") -> Flowable:
    head = style("entry-head", 10.5, leading=15, spaceBefore=4)
    body = style("entry-body", 9.5, leading=14, leftIndent=12)
    tags = "、".join(item.reasons)
    return KeepTogether(
        [
            Paragraph(markup(f"{index}. 【{KIND_LABELS.get(item.kind, '')}】{item.subject}", 160), head),
            Paragraph(
                markup(
                    f"编号：{item.number}；收到：{stamp(item.received_at)}；等级：{item.grade}；"
                    f"分类：{item.category}；属地：{item.territory}；承办单位：{item.unit}；状态：{item.state}"
                    + (f"；{tags}" if tags else "")
                    + extra,
                    400,
                ),
                body,
            ),
            Paragraph(markup(f"摘要：{item.excerpt}", 200), body),
        ]
    )


def digest_pdf(d: Digest) -> bytes:
    story: list[Flowable] = title_block(
        f"{d.org_name}舆情信息周报", d.period_label, f"编发时间：{cn_datetime(d.issued_at)}"
    )
    graded = "，".join(f"{k}{v}件" for k, v in sorted(d.graded.items())) or "无"
    story.append(
        paragraph(
            f"本周共收到网民留言{d.received}件（{graded}），其中专报{len(d.specials)}件；"
            f"经分级、分类筛选，摘编重要、代表性、典型留言{len(d.selected)}件，按属地和承办单位汇编如下。"
        )
    )
    story.append(_section(0, "专报事项（重大敏感，已即时专报）"))
    if d.specials:
        for n, s in enumerate(d.specials, start=1):
            s.item.kind = "special"
            state = "已签收" if s.acknowledged else "待签收"
            extra = f"；专报时间：{stamp(s.raised_at)}；类型：{'、'.join(s.kinds)}；{state}"
            story.append(_entry(n, s.item, extra))
    else:
        story.append(paragraph("本周无专报事项。"))
    story.append(_section(1, "重要、代表性和典型留言（按属地、承办单位）"))
    if not d.groups:
        story.append(paragraph("本周无符合摘编条件的留言。"))
    n = 0
    for territory, units in d.groups:
        story.append(Paragraph(markup(f"（{territory}）", 60), style("territory", 12, spaceBefore=6)))
        for unit, items in units:
            story.append(Paragraph(markup(f"承办单位：{unit}", 60), style("unit", 10.5, spaceBefore=2)))
            for item in items:
                n += 1
                story.append(_entry(n, item))
    story.append(_section(2, "本周热点问题（同一地点同一问题的留言）"))
    story.extend(hot_issue_flowables(d))
    story.append(_section(3, "留言分布"))
    headers = ("属地", "收到", "受理", "办结", "摘编")
    picked_t = Counter(i.territory_key for i in d.selected)
    picked_u = Counter(i.unit_key for i in d.selected)
    story.append(
        grid(headers, [distribution_cells(r, picked_t) for r in d.by_territory], (40, 15, 15, 15, 15))
    )
    story.append(Spacer(1, 6))
    story.append(
        grid(
            ("承办单位", *headers[1:]),
            [distribution_cells(r, picked_u) for r in d.by_unit],
            (40, 15, 15, 15, 15),
        )
    )
    story.append(
        _note(
            "说明：按“1532”工作法，重大敏感留言即时专报；重要留言全部摘编；同一属地同类留言达到一定数量的"
            "选取代表性留言；重复反映、重点督办、催办、退回、群众不满意等留言作为典型留言摘编。个人信息已脱敏。"
        )
    )
    return build_pdf(story, title=f"{d.org_name}舆情信息周报 {d.period_label}", author=d.org_name)


def hot_issue_cells(d: Digest) -> list[list[object]]:
    return [
        [
            h.rank,
            h.title,
            f"{h.territory} {h.place}".strip(),
            h.size,
            h.writers,
            h.likes,
            f"{h.heat:.2f}",
            f"{h.first:%m-%d}至{h.last:%m-%d}",
            "、".join(h.numbers),
        ]
        for h in d.hot_issues
    ]


HOT_HEADERS = ("序号", "热点问题", "地点", "留言", "留言人", "点赞", "热度", "时间", "代表留言")


def hot_issue_flowables(d: Digest) -> list[Flowable]:
    if not d.hot_issues:
        return [paragraph("本周无两件以上留言反映的同一问题。")]
    return [grid(HOT_HEADERS, hot_issue_cells(d), (6, 24, 16, 7, 7, 7, 7, 12, 14))]


def distribution_cells(row: MetricRow, picked: Counter[int]) -> list[object]:
    return [
        row.label,
        row.counts["received"],
        row.counts["accepted"],
        row.counts["completed"],
        picked[row.key],
    ]


# -- feedback --------------------------------------------------------------------------------------

COMPARE_HEADERS = ("项目", "本月", "上月", "变化")
BREAKDOWN_HEADERS = ("名称", "收到", "受理", "办结", "办结率", "按期办结率", "满意率", "回复用时中位数")


def _compare(rows: list[Comparison]) -> Flowable:
    return grid(COMPARE_HEADERS, [[c.label, c.current, c.previous, c.change] for c in rows], (34, 22, 22, 22))


def breakdown_cells(row: MetricRow) -> list[object]:
    return [
        row.label,
        row.counts["received"],
        row.counts["accepted"],
        row.counts["completed"],
        percent(row.completion_rate),
        percent(row.on_time_completion_rate),
        percent(row.satisfaction_rate),
        working_time(row.reply_minutes_p50),
    ]


def feedback_pdf(f: FeedbackReport) -> bytes:
    story: list[Flowable] = title_block(
        f"{f.org_name}网民留言办理情况反馈",
        f"{f.period_label}办理情况",
        f"统计范围：{cn_date(f.start)}至{cn_date(f.end)}收到的留言，与上月（{f.previous_month}）对比"
        f"　统计时间：{cn_datetime(f.issued_at)}",
    )
    widths = (34, 11, 11, 11, 13, 15, 13, 18)
    story += [
        _section(0, "总体情况"),
        _compare(f.totals),
        Spacer(1, 6),
        _compare(f.rates),
        _section(1, "按分类"),
        grid(BREAKDOWN_HEADERS, [breakdown_cells(r) for r in f.by_category], widths),
        _section(2, "按属地"),
        grid(BREAKDOWN_HEADERS, [breakdown_cells(r) for r in f.by_territory], widths),
        _section(3, "办理时效（工作时间）"),
        _compare(f.times),
        _section(4, "满意度"),
        _compare(f.satisfaction),
        _note(
            "说明：以当月收到的留言为统计口径；用时按工作时间计算（每个工作日7小时），"
            "中位数和90%分位数为精确值。"
        ),
    ]
    return build_pdf(story, title=f"{f.org_name}网民留言办理情况反馈 {f.period_label}", author=f.org_name)
