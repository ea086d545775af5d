"""What the platform tells whom: the kinds of notification, their audience, channels and defaults.

A kind follows from a case event (EVENT_KINDS); wenzheng.notifications.recipients decides who gets it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    # To staff
    REMINDER = "reminder", _("Deadline reminder")
    OVERDUE = "overdue", _("Overdue")
    URGED = "urged", _("Urged")
    ESCALATED = "escalated", _("Escalated")
    KEY_SUPERVISION = "key_supervision", _("Key supervision")
    ASSIGNED = "assigned", _("New assignment")
    HOT_SURGE = "hot_surge", _("Hot issue surging")  # not from a case event: insight/hotspots
    # To citizens
    REPLY_PUBLISHED = "reply_published", _("Reply published")
    EXTENSION_GRANTED = "extension_granted", _("Extension granted")
    SENT_BACK = "sent_back", _("Sent back for re-handling")


class Channel(models.TextChoices):
    INBOX = "inbox", _("Workbench inbox")
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")


class Audience(models.TextChoices):
    STAFF = "staff", _("Staff")
    CITIZEN = "citizen", _("Citizen")


@dataclass(frozen=True)
class KindSpec:
    kind: Kind
    audience: Audience
    channels: frozenset[Channel]  # the channels this kind can use
    default_on: frozenset[Channel]  # for staff: on unless the user turned them off
    # Citizens: an essential message is sent even after they unsubscribed (docs/supervision.md).
    essential: bool = False

    @property
    def label(self) -> str | Promise:
        return self.kind.label


IN, E, S = Channel.INBOX, Channel.EMAIL, Channel.SMS
STAFF_CHANNELS = frozenset({IN, E, S})
CITIZEN_CHANNELS = frozenset({E, S})
SPECS: dict[str, KindSpec] = {
    spec.kind.value: spec
    for spec in [
        KindSpec(Kind.REMINDER, Audience.STAFF, STAFF_CHANNELS, frozenset({IN})),
        KindSpec(Kind.OVERDUE, Audience.STAFF, STAFF_CHANNELS, frozenset({IN, E})),
        KindSpec(Kind.URGED, Audience.STAFF, STAFF_CHANNELS, frozenset({IN, E})),
        KindSpec(Kind.ESCALATED, Audience.STAFF, STAFF_CHANNELS, frozenset({IN, E, S})),
        KindSpec(Kind.KEY_SUPERVISION, Audience.STAFF, STAFF_CHANNELS, frozenset({IN, E, S})),
        KindSpec(Kind.ASSIGNED, Audience.STAFF, STAFF_CHANNELS, frozenset({IN, E})),
        KindSpec(Kind.HOT_SURGE, Audience.STAFF, STAFF_CHANNELS, frozenset({IN, E})),
        # The answer to the citizen's own message is the service itself, so it is essential.
        KindSpec(Kind.REPLY_PUBLISHED, Audience.CITIZEN, CITIZEN_CHANNELS, CITIZEN_CHANNELS, essential=True),
        KindSpec(Kind.EXTENSION_GRANTED, Audience.CITIZEN, CITIZEN_CHANNELS, CITIZEN_CHANNELS),
        KindSpec(Kind.SENT_BACK, Audience.CITIZEN, CITIZEN_CHANNELS, CITIZEN_CHANNELS),
    ]
}
STAFF_KINDS = [s for s in SPECS.values() if s.audience == Audience.STAFF]

# Case events (casework/workflow.py actions) and the notification they cause.
EVENT_KINDS: dict[str, Kind] = {
    "remind": Kind.REMINDER,
    "mark_overdue": Kind.OVERDUE,
    "urge": Kind.URGED,
    "auto_urge": Kind.URGED,
    "escalate": Kind.ESCALATED,
    "supervise": Kind.KEY_SUPERVISION,
    "auto_supervise": Kind.KEY_SUPERVISION,
    "assign": Kind.ASSIGNED,
    "reassign": Kind.ASSIGNED,
    "arbitrate": Kind.ASSIGNED,
    "publish": Kind.REPLY_PUBLISHED,
    "grant_extension": Kind.EXTENSION_GRANTED,
    "send_back": Kind.SENT_BACK,
}
