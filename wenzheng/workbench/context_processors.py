from typing import Any

from django.http import HttpRequest

from wenzheng.accounts.policy import memberships_of
from wenzheng.accounts.roles import Role


def nav(request: HttpRequest) -> dict[str, Any]:
    """The current user's roles, for showing only the menu entries they can use."""
    user = getattr(request, "user", None)
    roles = {m.role for m in memberships_of(user)}
    context: dict[str, Any] = {"nav_roles": roles}
    if Role.SUPERVISOR in roles:
        context["open_alerts"] = lambda: open_alert_count(user)  # evaluated only where shown
    return context


def open_alert_count(user: Any) -> int:
    """Unacknowledged warnings of the ledgers in the user's supervision jurisdictions (one query)."""
    from wenzheng.insight.router.models import Alert
    from wenzheng.workbench.views.common import ledger_queryset

    ledgers = ledger_queryset(user, {Role.SUPERVISOR})
    return Alert.objects.filter(org__in=ledgers, acknowledged_at__isnull=True).count()
