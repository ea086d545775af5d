"""The bulletin and the digest as workbooks: one sheet per list and table, every cell through
``safe_cell`` (formula escaping, wenzheng/lib/spreadsheet.py)."""

from __future__ import annotations

from wenzheng.insight.reports.bulletin import Bulletin, LateItem
from wenzheng.insight.reports.digest import Digest, DigestItem
from wenzheng.insight.reports.render_pdf import (
    HOT_HEADERS,
    RATE_HEADERS,
    SCORE_HEADERS,
    _decimal_pct,
    hot_issue_cells,
    rate_cells,
)
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


DIGEST_HEADERS = (
    "序号",
    "类别",
    "编号",
    "收到时间",
    "属地",
    "承办单位",
    "分类",
    "等级",
    "同类留言",
    "标题",
    "摘要",
    "入选理由",
)
DIGEST_WIDTHS = (6, 10, 20, 18, 16, 24, 24, 10, 10, 40, 60, 30)
DIGEST_KINDS = {"special": "专报", "important": "重要", "representative": "代表性", "typical": "典型"}


def _digest_row(n: int, i: DigestItem, kind: str) -> list[object]:
    return [
        n,
        DIGEST_KINDS.get(kind, kind),
        i.number,
        i.received_at,
        i.territory,
        i.unit,
        i.category,
        i.grade,
        i.similar,
        i.subject,
        i.excerpt,
        "；".join(i.reasons),
    ]


def digest_xlsx(d: Digest) -> bytes:
    """The week's selection as one list (special reports first, then by territory and unit) and
    the week's figures by territory and by unit."""
    items = [(s.item, "special") for s in d.specials] + [
        (item, item.kind)
        for _territory, units in d.groups
        for _unit, unit_items in units
        for item in unit_items
    ]
    summary: list[list[object]] = [
        ["机构", d.org_name],
        ["周次", d.week],
        ["期间", f"{d.start:%Y-%m-%d} 至 {d.end:%Y-%m-%d}"],
        ["统计时间", d.issued_at],
        ["收到留言", d.received],
        ["专报", len(d.specials)],
        ["入选留言", len(items)],
        ["热点问题", len(d.hot_issues)],
    ]
    return write_xlsx(
        [
            Sheet("周报摘要", ("项目", "内容"), summary, column_widths=(14, 60)),
            Sheet(
                "入选留言",
                DIGEST_HEADERS,
                [_digest_row(n, i, kind) for n, (i, kind) in enumerate(items, 1)],
                column_widths=DIGEST_WIDTHS,
            ),
            Sheet(
                "分属地",
                RATE_HEADERS,
                [rate_cells(r) for r in d.by_territory],
                column_widths=(28,) + (12,) * 7,
            ),
            Sheet(
                "分单位", RATE_HEADERS, [rate_cells(r) for r in d.by_unit], column_widths=(28,) + (12,) * 7
            ),
            Sheet("热点问题", HOT_HEADERS, hot_issue_cells(d), column_widths=(6, 40, 24, 8, 8, 8, 8, 16, 30)),
        ]
    )
