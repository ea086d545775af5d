"""Which form each action shows and how its cleaned data reaches the casework action.
Glue only: the rules are in casework.actions and casework.workflow."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from wenzheng.casework import actions
from wenzheng.casework.models import Case
from wenzheng.workbench import forms as f

Perform = Callable[[Case, Any, dict[str, Any]], Any]


@dataclass(frozen=True)
class ActionUI:
    form: type[f.CaseForm]
    perform: Perform
    danger: bool = False  # shown as a destructive button (closes the case, sends it back …)


def _reason(d: dict[str, Any]) -> str:
    return d.get("reason") or ""


ACTION_UI: dict[str, ActionUI] = {
    "register": ActionUI(
        f.RegisterForm,
        lambda c, u, d: actions.do_register(
            c,
            acting_user=u,
            category=d["category"],
            grade=d["grade"],
            territory=d.get("territory"),
            proposed_unit=d.get("proposed_unit"),
            handling_opinion=d.get("handling_opinion", ""),
        ),
    ),
    "reclassify": ActionUI(
        f.ReclassifyForm,
        lambda c, u, d: actions.do_reclassify(
            c,
            acting_user=u,
            category=d.get("category"),
            territory=d.get("territory"),
            grade=d.get("grade") or None,
            reason=_reason(d),
        ),
    ),
    "reject": ActionUI(
        f.ReasonForm, lambda c, u, d: actions.do_reject(c, acting_user=u, reason=_reason(d)), True
    ),
    "merge": ActionUI(
        f.OtherCaseForm,
        lambda c, u, d: actions.do_merge(c, into=d["other"], acting_user=u, reason=_reason(d)),
        True,
    ),
    "link": ActionUI(
        f.OtherCaseForm, lambda c, u, d: actions.do_link_cases(c, other=d["other"], acting_user=u)
    ),
    "assign": ActionUI(
        f.AssignForm,
        lambda c, u, d: actions.do_assign(
            c, acting_user=u, lead_unit=d["lead_unit"], co_units=d.get("co_units") or [], note=_reason(d)
        ),
    ),
    "reassign": ActionUI(
        f.AssignForm,
        lambda c, u, d: actions.do_reassign(
            c, acting_user=u, lead_unit=d["lead_unit"], co_units=d.get("co_units") or [], reason=_reason(d)
        ),
    ),
    "arbitrate": ActionUI(
        f.ReasonForm, lambda c, u, d: actions.do_arbitrate(c, acting_user=u, reason=_reason(d))
    ),
    "claim": ActionUI(f.EmptyForm, lambda c, u, d: actions.do_claim(c, acting_user=u)),
    "return": ActionUI(
        f.ReasonForm, lambda c, u, d: actions.do_return(c, acting_user=u, reason=_reason(d)), True
    ),
    "request_extension": ActionUI(
        f.ExtensionRequestForm,
        lambda c, u, d: actions.do_request_extension(
            c, acting_user=u, working_days=d["working_days"], reason=_reason(d)
        ),
    ),
    "grant_extension": ActionUI(
        f.OptionalReasonForm, lambda c, u, d: actions.do_grant_extension(c, acting_user=u, reason=_reason(d))
    ),
    "refuse_extension": ActionUI(
        f.ReasonForm, lambda c, u, d: actions.do_refuse_extension(c, acting_user=u, reason=_reason(d)), True
    ),
    "give_opinion": ActionUI(
        f.OpinionForm, lambda c, u, d: actions.do_give_opinion(c, acting_user=u, opinion=d["opinion"])
    ),
    "draft_reply": ActionUI(
        f.DraftReplyForm,
        lambda c, u, d: actions.do_draft_reply(
            c, acting_user=u, body=d["body"], attachments=d.get("attachments") or []
        ),
    ),
    "submit_reply": ActionUI(f.EmptyForm, lambda c, u, d: actions.do_submit_reply(c, acting_user=u)),
    "approve": ActionUI(
        f.ReviewForm, lambda c, u, d: actions.do_approve_reply(c, acting_user=u, comment=_reason(d))
    ),
    "reject_reply": ActionUI(
        f.ReasonForm, lambda c, u, d: actions.do_reject_reply(c, acting_user=u, reason=_reason(d)), True
    ),
    "publish": ActionUI(f.EmptyForm, lambda c, u, d: actions.do_publish(c, acting_user=u)),
    "follow_up": ActionUI(
        f.FollowUpForm,
        lambda c, u, d: actions.do_record_follow_up(
            c, acting_user=u, method=d["method"], result=d["result"], comment=d.get("comment", "")
        ),
    ),
    "send_back": ActionUI(
        f.ReasonForm, lambda c, u, d: actions.do_send_back(c, acting_user=u, reason=_reason(d)), True
    ),
    "archive": ActionUI(f.EmptyForm, lambda c, u, d: actions.do_archive(c, acting_user=u)),
    "urge": ActionUI(f.UrgeForm, lambda c, u, d: actions.do_urge(c, acting_user=u, message=d["message"])),
    "supervise": ActionUI(
        f.ReasonForm,
        lambda c, u, d: actions.do_set_key_supervision(c, acting_user=u, on=True, reason=_reason(d)),
    ),
    "unsupervise": ActionUI(
        f.OptionalReasonForm,
        lambda c, u, d: actions.do_set_key_supervision(c, acting_user=u, on=False, reason=_reason(d)),
    ),
    "add_note": ActionUI(f.NoteForm, lambda c, u, d: actions.do_add_note(c, acting_user=u, text=d["text"])),
}
