"""The Open311 channel: a GeoReport v2 service request becomes a ``Submission``.

The citizen's description is the message; where it happened (address, address id, coordinates)
and the media link are appended to it, because the ledger has no place fields of its own and
the handling unit needs them to act. The subject is the description's beginning. The chosen
service (a category leaf) is passed as the category hint that registration confirms. Open311
has no privacy flag and its requests are public by nature, so the message is public; the
contact fields stay in the contact columns, which the public side never shows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from wenzheng.casework.models import Category
from wenzheng.casework.models.case import Channel
from wenzheng.intake.channels.open311.forms import NewRequest
from wenzheng.intake.submission import Submission

SOURCE = "open311"
SUBJECT_LENGTH = 30
_CJK = re.compile("[\u3400-\u9fff\uf900-\ufaff]")


def subject_from(description: str, fallback: str) -> str:
    """The first ~30 characters of the description on one line, "…" where it was cut."""
    text = " ".join(description.split())
    if not text:
        return fallback
    return text if len(text) <= SUBJECT_LENGTH else text[:SUBJECT_LENGTH].rstrip() + "…"


def contact_name(first_name: str, last_name: str) -> str:
    # A Chinese name is written family name first, without a space (张 + 三 → 张三).
    if _CJK.search(first_name + last_name):
        return f"{last_name}{first_name}"
    return f"{first_name} {last_name}".strip()


def category_hint(service: Category) -> str:
    """The name ``accept`` will resolve to this service, or "" when it would resolve to another.

    ``accept`` looks a category up by name (shallowest first); names are unique only within their
    parent, so a leaf sharing its name with another active category is left for registration to
    classify rather than be filed under the wrong branch.
    """
    clash = (
        Category.objects.filter(name=service.name, is_active=True, level__lte=service.level)
        .exclude(pk=service.pk)
        .exists()
    )
    return "" if clash else service.name


def body_from(request: NewRequest) -> str:
    lines = [request.description or request.service.full_name]
    # The ledger's working language, whatever language the client asked for.
    with translation.override(settings.LANGUAGE_CODE):
        details = []
        if request.address_string:
            details.append(_("Address: %(address)s") % {"address": request.address_string})
        if request.address_id:
            details.append(_("Address ID: %(id)s") % {"id": request.address_id})
        if request.lat is not None and request.long is not None:
            details.append(
                _("Coordinates (WGS84): %(lat)s, %(long)s")
                % {"lat": f"{request.lat:.6f}", "long": f"{request.long:.6f}"}
            )
        if request.media_url:
            details.append(_("Media: %(url)s") % {"url": request.media_url})
    if details:
        lines += ["", *details]
    return "\n".join(lines)


class Open311Channel:
    name = Channel.OPEN311.value

    def parse(self, raw: NewRequest) -> Sequence[Submission]:
        return [
            Submission(
                channel=self.name,
                source=SOURCE,
                external_ref="",  # GeoReport v2 has no client-side id: every POST is a new request
                subject=subject_from(raw.description, raw.service.name),
                body=body_from(raw),
                contact_name=contact_name(raw.first_name, raw.last_name),
                contact_phone=raw.phone,
                contact_email=raw.email,
                is_public=True,
                category_name=category_hint(raw.service),
            )
        ]


channel = Open311Channel()
