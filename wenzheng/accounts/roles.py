"""Staff roles. A role is always held in a unit (a Membership), never globally."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    INTAKE_OPERATOR = "intake_operator", _("Intake operator")
    DISPATCHER = "dispatcher", _("Dispatcher")
    LIAISON = "liaison", _("Liaison")
    HANDLER = "handler", _("Handler")
    UNIT_LEADER = "unit_leader", _("Unit leader")
    REVIEWER = "reviewer", _("Reviewer")
    SUPERVISOR = "supervisor", _("Supervisor")
    ANALYST = "analyst", _("Analyst")
    ADMINISTRATOR = "administrator", _("Administrator")


# Oversight roles act for a whole jurisdiction (their unit's government and everything below it).
OVERSIGHT_ROLES = frozenset(
    {
        Role.INTAKE_OPERATOR,
        Role.DISPATCHER,
        Role.REVIEWER,
        Role.SUPERVISOR,
        Role.ANALYST,
        Role.ADMINISTRATOR,
    }
)
# Unit roles act only for their own unit: the one responsible unit of "one message, one responsible person".
UNIT_ROLES = frozenset({Role.LIAISON, Role.HANDLER, Role.UNIT_LEADER})
