"""Citizens' unsubscribe links: a signed token per case, and the opt-outs it records.

A token names one case; following it, the citizen stops non-essential messages about that case, or
every non-essential message to the case's contact phone and email. Addresses are stored only as a
keyed digest. Essential messages (kinds.SPECS[...].essential) are still sent.
"""

from __future__ import annotations

import re
from datetime import datetime

from django.core import signing
from django.urls import reverse
from django.utils.crypto import salted_hmac

from wenzheng.casework.models import Case
from wenzheng.notifications.conf import site_url
from wenzheng.notifications.models import CitizenOptOut, OptOutScope

SALT = "wenzheng.notifications.unsubscribe"
_SIGNER = signing.Signer(salt=SALT, sep=".")


def unsubscribe_token(case: Case) -> str:
    return _SIGNER.sign(str(case.pk))


def case_from_token(token: str) -> Case | None:
    try:
        pk = int(_SIGNER.unsign(token))
    except (signing.BadSignature, ValueError):
        return None
    return Case.objects.select_related("citizen").filter(pk=pk).first()


def unsubscribe_url(case: Case) -> str:
    return site_url() + reverse("portal:unsubscribe", args=[unsubscribe_token(case)])


def normalise_address(address: str) -> str:
    address = (address or "").strip()
    if "@" in address:
        return address.lower()
    digits = re.sub(r"\D", "", address)
    return digits[2:] if digits.startswith("86") and len(digits) == 13 else digits


def address_digest(address: str) -> str:
    return salted_hmac(SALT + ".address", normalise_address(address), algorithm="sha256").hexdigest()


def citizen_addresses(case: Case) -> dict[str, str]:
    """The citizen's SMS number and email for ``case``: the contact given with the message, else the
    account's."""
    citizen = case.citizen
    return {
        "sms": case.contact_phone or (citizen.phone if citizen else ""),
        "email": case.contact_email or (citizen.email if citizen else ""),
    }


def is_opted_out(case: Case, address: str) -> bool:
    return CitizenOptOut.objects.filter(scope=OptOutScope.CASE, case=case).exists() or (
        bool(address)
        and CitizenOptOut.objects.filter(
            scope=OptOutScope.ADDRESS, address_digest=address_digest(address)
        ).exists()
    )


def do_opt_out(case: Case, scope: str, *, at: datetime) -> int:
    """Record an opt-out (idempotent: unique constraints); returns how many rows are new."""
    rows: list[CitizenOptOut] = []
    if scope == OptOutScope.CASE:
        rows.append(CitizenOptOut(scope=OptOutScope.CASE, case=case, created_at=at))
    elif scope == OptOutScope.ADDRESS:
        for address in citizen_addresses(case).values():
            if address:
                digest = address_digest(address)
                rows.append(CitizenOptOut(scope=OptOutScope.ADDRESS, address_digest=digest, created_at=at))
    else:
        raise ValueError(f"unknown opt-out scope {scope!r}")
    before = CitizenOptOut.objects.count()
    CitizenOptOut.objects.bulk_create(rows, ignore_conflicts=True)
    return CitizenOptOut.objects.count() - before
