"""Helpers shared by the forms of the UI apps."""

from __future__ import annotations

from collections.abc import Callable

from django import forms

from wenzheng.core.errors import DomainError


def domain_error_field(form: forms.Form, error: DomainError) -> str | None:
    """The form field a domain error is about, if this form has it (else None: a form-wide error)."""
    field = error.details.get("field")
    return field if isinstance(field, str) and field in form.fields else None


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Shows a refused action's error on the form: on its field if the form has it, else form-wide."""
    form.add_error(domain_error_field(form, error), str(error.message))


def run_action_form(form: forms.Form, act: Callable[[], str]) -> tuple[str | None, int]:
    """Runs a form's action once the form is valid. Returns the action's success message, or None
    and the status to show the form again with: 400 for invalid input, the refusal's own status for
    a refused action (its error then on the form)."""
    if not form.is_valid():
        return None, 400
    try:
        return act(), 200
    except DomainError as error:
        add_domain_error(form, error)
        return None, error.http_status
