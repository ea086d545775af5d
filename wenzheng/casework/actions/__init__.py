"""Every change to the ledger. The UI, the API, imports and jobs all call these functions.

Each action checks the actor's authority and the transition, updates the case conditionally and
appends its event in one transaction (casework.recording); a refused action writes nothing.
"""

from wenzheng.casework.actions.dispatch import (
    do_arbitrate,
    do_assign,
    do_claim,
    do_reassign,
    do_return,
)
from wenzheng.casework.actions.handling import (
    do_approve_reply,
    do_archive,
    do_draft_reply,
    do_give_opinion,
    do_grant_extension,
    do_publish,
    do_rate,
    do_record_follow_up,
    do_refuse_extension,
    do_reject_reply,
    do_request_extension,
    do_send_back,
    do_submit_reply,
)
from wenzheng.casework.actions.intake import (
    Receipt,
    allocate_number,
    do_add_citizen_message,
    do_link_cases,
    do_merge,
    do_receive_message,
    do_reclassify,
    do_register,
    do_reject,
    do_withdraw,
)
from wenzheng.casework.actions.letters import do_issue_assignment_letters
from wenzheng.casework.actions.supervision import do_add_note, do_set_key_supervision, do_urge

__all__ = [
    "Receipt",
    "allocate_number",
    "do_add_citizen_message",
    "do_add_note",
    "do_approve_reply",
    "do_arbitrate",
    "do_archive",
    "do_assign",
    "do_claim",
    "do_draft_reply",
    "do_give_opinion",
    "do_grant_extension",
    "do_issue_assignment_letters",
    "do_link_cases",
    "do_merge",
    "do_publish",
    "do_rate",
    "do_reassign",
    "do_receive_message",
    "do_reclassify",
    "do_record_follow_up",
    "do_refuse_extension",
    "do_register",
    "do_reject",
    "do_reject_reply",
    "do_request_extension",
    "do_return",
    "do_send_back",
    "do_set_key_supervision",
    "do_submit_reply",
    "do_urge",
    "do_withdraw",
]
