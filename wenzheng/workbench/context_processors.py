from typing import Any

from django.http import HttpRequest

from wenzheng.accounts.policy import memberships_of


def nav(request: HttpRequest) -> dict[str, Any]:
    """The current user's roles, for showing only the menu entries they can use."""
    user = getattr(request, "user", None)
    return {"nav_roles": {m.role for m in memberships_of(user)}}
