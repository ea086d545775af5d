from wenzheng.casework.models.case import (
    Attachment,
    Case,
    CaseCounter,
    CaseLink,
    Channel,
    CoHandling,
    Extension,
    ExtensionStatus,
    FollowUp,
    Grade,
    Reply,
    ReplyStatus,
    Satisfaction,
)
from wenzheng.casework.models.category import Category, DispatchRule
from wenzheng.casework.models.contact_access import ContactAccess, ContactAccessPlace
from wenzheng.casework.models.event import CaseEvent
from wenzheng.casework.models.letters import AssignmentLetter
from wenzheng.casework.models.sla import CalendarOverride, CaseClock, ClockKind, SlaClockRule, SlaPolicy
from wenzheng.casework.models.templates import ReplyOutcome, ReplyTemplate

__all__ = [
    "AssignmentLetter",
    "Attachment",
    "CalendarOverride",
    "Case",
    "CaseClock",
    "CaseCounter",
    "CaseEvent",
    "CaseLink",
    "Category",
    "Channel",
    "ClockKind",
    "CoHandling",
    "ContactAccess",
    "ContactAccessPlace",
    "DispatchRule",
    "Extension",
    "ExtensionStatus",
    "FollowUp",
    "Grade",
    "Reply",
    "ReplyOutcome",
    "ReplyStatus",
    "ReplyTemplate",
    "Satisfaction",
    "SlaClockRule",
    "SlaPolicy",
]
