"""The bulletin as a workbook: one sheet per list and table, every cell through ``safe_cell``
(formula escaping, wenzheng/lib/spreadsheet.py)."""

from __future__ import annotations

from wenzheng.insight.reports.bulletin import Bulletin, LateItem
from wenzheng.insight.reports.render_pdf import RATE_HEADERS, SCORE_HEADERS, _decimal_pct, rate_cells
from wenzheng.lib.spreadsheet import Sheet, write_xlsx

LIST_HEADERS = ("序号", "承办单位", "编号", "标题", "收到时间", "办结时限", "逾期工作日", "状态")
LIST_WIDTHS = (6, 24, 20, 50, 18, 18, 12, 14)


def _list_rows(items: list[LateItem]) -> list[list[object]]:
    return [
        [n, i.unit, i.number, i.subject, i.received_at, i.due_at, i.days_late, i.state]
        for n, i in enumerate(items, start=1)
    ]


def bulletin_xlsx(b: Bulletin) -> bytes:
    t = b.total
    summary: list[list[object]] = [
        ["机构", b.org_name],
        ["月份", b.month],
        ["统计时间", b.issued_at],
        ["收到", t.counts["received"]],
        ["受理", t.counts["accepted"]],
        ["办结", t.counts["completed"]],
        ["按期办结率", rate_cells(t)[5]],
        ["满意率", rate_cells(t)[7]],
        ["逾期办结", len(b.completed_late)],
        ["逾期未办结", len(b.overdue_open)],
    ]
    summary += [["表扬", f"{m.unit}：{m.reason}"] for m in b.praise]
    summary += [["批评", f"{m.unit}：{m.reason}"] for m in b.criticism]
    scores = [
        [
            s.rank,
            s.unit,
            _decimal_pct(s.response),
            _decimal_pct(s.resolution),
            _decimal_pct(s.satisfaction),
            s.base,
            -s.deductions,
            s.total,
        ]
        for s in b.scores
    ]
    return write_xlsx(
        [
            Sheet("通报摘要", ("项目", "内容"), summary, column_widths=(14, 80)),
            Sheet("逾期办结清单", LIST_HEADERS, _list_rows(b.completed_late), column_widths=LIST_WIDTHS),
            Sheet("逾期未办结清单", LIST_HEADERS, _list_rows(b.overdue_open), column_widths=LIST_WIDTHS),
            Sheet(
                "各单位办理情况",
                RATE_HEADERS,
                [rate_cells(r) for r in b.rates],
                column_widths=(28,) + (12,) * 7,
            ),
            Sheet("考核排名", SCORE_HEADERS, scores, column_widths=(8, 28) + (12,) * 6),
        ]
    )
