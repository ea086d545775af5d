"""Phone numbers compared as people write them: one key for "+86 139-1234-0001" and "13912340001".

Plain Python, no Django: the duplicate finder, the blind index of encrypted phone columns
(wenzheng.core.crypto) and the property tests share it.
"""

from __future__ import annotations

import unicodedata

__all__ = ["phone_key"]


def phone_key(phone: str | None) -> str:
    """The digits of a phone number without the +86/0086 country prefix, for comparison.

    Full-width digits count as digits (NFKC); every other character is dropped. A prefix is only
    removed when eleven digits remain, so a short landline such as 86123456 keeps its digits.
    """
    digits = "".join(ch for ch in unicodedata.normalize("NFKC", phone or "") if "0" <= ch <= "9")
    # Repeated until none is left, so that phone_key(phone_key(x)) == phone_key(x): the blind index
    # of a stored number and of the number typed in a search must agree.
    stripped = True
    while stripped:
        stripped = False
        for prefix in ("0086", "86"):
            if digits.startswith(prefix) and len(digits) - len(prefix) >= 11:
                digits = digits[len(prefix) :]
                stripped = True
                break
    return digits
