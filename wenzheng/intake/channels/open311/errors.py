"""GeoReport v2 errors: a list of {code, description} with the HTTP status in the header.

The spec fixes the statuses: 404 for a resource that does not exist, 403 for a missing or wrong
api_key, 400 for anything else that cannot be fulfilled. The code in the body is the same number.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise

BAD_REQUEST = 400
FORBIDDEN = 403
NOT_FOUND = 404
METHOD_NOT_ALLOWED = 405


@dataclass(frozen=True)
class Problem:
    code: int
    description: str | Promise


class Open311Error(Exception):
    """One or more problems answered with a single HTTP status (the first problem's code)."""

    def __init__(self, *problems: Problem) -> None:
        if not problems:
            raise ValueError("an Open311Error needs at least one problem")
        self.problems = problems
        super().__init__("; ".join(str(p.description) for p in problems))

    @property
    def status(self) -> int:
        return self.problems[0].code

    @classmethod
    def bad_request(cls, description: str | Promise) -> Open311Error:
        return cls(Problem(BAD_REQUEST, description))

    @classmethod
    def not_found(cls, description: str | Promise) -> Open311Error:
        return cls(Problem(NOT_FOUND, description))

    @classmethod
    def forbidden(cls, description: str | Promise) -> Open311Error:
        return cls(Problem(FORBIDDEN, description))
