from wenzheng.casework.models.case import (
    Attachment,
    Case,
    CaseCounter,
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
from wenzheng.casework.models.event import CaseEvent
from wenzheng.casework.models.sla import CalendarOverride, CaseClock, ClockKind, SlaClockRule, SlaPolicy

__all__ = [
    "Attachment",
    "CalendarOverride",
    "Case",
    "CaseClock",
    "CaseCounter",
    "CaseEvent",
    "Category",
    "Channel",
    "ClockKind",
    "CoHandling",
    "DispatchRule",
    "Extension",
    "ExtensionStatus",
    "FollowUp",
    "Grade",
    "Reply",
    "ReplyStatus",
    "Satisfaction",
    "SlaClockRule",
    "SlaPolicy",
]
