from typing import Any

from django.db.models import Q
from django.http import HttpRequest

from wenzheng.accounts.policy import memberships_of, oversight_scopes
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
    """Unacknowledged warnings of the ledgers in the user's supervision jurisdictions (the ledgers
    ``ledger_orgs`` lists), counted in one query."""
    from wenzheng.insight.router.models import Alert

    within = Q()
    for jurisdiction in oversight_scopes(user, {Role.SUPERVISOR}):
        within |= Q(org__path__startswith=jurisdiction.path)
    if not within:
        return 0
    return Alert.objects.filter(within, org__runs_ledger=True, acknowledged_at__isnull=True).count()
