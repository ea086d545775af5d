"""Domain errors shared by the UI, the API, imports and jobs.

Each carries a stable machine code (for JSON) and a translatable message (Chinese in the UI).
"""

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "error"
    http_status = 400
    default_message: str | Promise = _("The request could not be carried out.")

    def __init__(self, message: str | Promise | None = None, **details: Any) -> None:
        self.message = message if message is not None else self.default_message
        self.details = details
        super().__init__(str(self.message))

    def as_dict(self) -> dict[str, Any]:
        return {
            "error": self.code,
            "message": str(self.message),
            **({"details": self.details} if self.details else {}),
        }


class NotFound(DomainError):
    """Missing and forbidden look the same, so numbers cannot be probed."""

    code = "not_found"
    http_status = 404
    default_message = _("Not found.")


class Forbidden(DomainError):
    code = "forbidden"
    http_status = 403
    default_message = _("You may not do this.")


class InvalidTransition(DomainError):
    code = "invalid_transition"
    http_status = 409
    default_message = _("This action is not allowed in the case's current state.")


class Conflict(DomainError):
    code = "conflict"
    http_status = 409
    default_message = _("Someone else changed this case at the same moment; reload and try again.")


class InvalidInput(DomainError):
    code = "invalid_input"
    http_status = 400
    default_message = _("The input is not valid.")
