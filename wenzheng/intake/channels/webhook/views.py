"""POST /webhooks/<name>/ — a signed message from a microblog or WeChat bridge.

The contract (docs in ``payload`` and ``verify``; every answer is JSON):

=====  ======================  ==================================================================
 201    created                 a new case: ``{"number", "created": true, "joined": false,
                                "redelivered": false, "query_code"}``
 200    joined / redelivered    ``{"number", "created": false, "joined", "redelivered"}``: the
                                message joined an open case (``reply_to``), or was delivered before
                                (same ``id``) and nothing was written
 400    bad_json                the body is not UTF-8 JSON
 401    bad_signature           the signature header is missing or does not match
 401    bad_timestamp           the timestamp header is missing, not unix seconds, older than
                                5 minutes or more than 1 minute ahead
 404    not_found               no active source of that name
 405    method_not_allowed      anything but POST
 409    conflict                the case changed at the same moment; send again
 413    too_large               the body is over 15 MB
 422    invalid_input           ``{"fields": {"text": ["…"], "attachments[0]": ["…"]}}``
=====  ======================  ==================================================================
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from wenzheng.core import clock
from wenzheng.core.errors import Conflict, InvalidInput, NotFound
from wenzheng.intake.channels.webhook.actions import do_receive_delivery, get_active_source, signing_secrets
from wenzheng.intake.channels.webhook.payload import (
    NON_FIELD,
    BadJson,
    InvalidPayload,
    decode_json,
    parse_message,
)
from wenzheng.intake.channels.webhook.verify import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    VerificationError,
    verify,
)

logger = logging.getLogger(__name__)

# Five attachments of 10 MB cannot all fit: base64 adds a third, so one body carries about 11 MB
# of files. The limit is ours, read from the stream, not Django's DATA_UPLOAD_MAX_MEMORY_SIZE
# (2.5 MB, right for forms).
MAX_BODY_BYTES = 15 * 1024 * 1024


def _answer(status: int, payload: dict[str, Any]) -> JsonResponse:
    return JsonResponse(payload, status=status, json_dumps_params={"ensure_ascii": False})


def _error(status: int, code: str, message: str, **extra: Any) -> JsonResponse:
    return _answer(status, {"error": code, "message": message, **extra})


def _read_body(request: HttpRequest) -> bytes | None:
    """The raw body, or None when it is larger than ``MAX_BODY_BYTES`` (refused before reading
    when the declared length says so)."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_BODY_BYTES:
        return None
    body = request.read(MAX_BODY_BYTES + 1)
    return None if len(body) > MAX_BODY_BYTES else body


@csrf_exempt  # a machine-to-machine endpoint authenticated by its HMAC signature, not a session
def receive(request: HttpRequest, name: str) -> JsonResponse:
    if request.method != "POST":
        response = _error(405, "method_not_allowed", _("Only POST is accepted."))
        response["Allow"] = "POST"
        return response
    source = get_active_source(name)
    if source is None:
        return _error(404, NotFound.code, str(NotFound.default_message))
    body = _read_body(request)
    if body is None:
        return _error(413, "too_large", _("The body is larger than %(limit)s MB.") % {"limit": 15})
    try:
        verify(
            signing_secrets(source),
            request.headers.get(TIMESTAMP_HEADER),
            request.headers.get(SIGNATURE_HEADER),
            body,
            now=clock.now().timestamp(),
        )
    except VerificationError as error:
        logger.warning(
            "webhook %s: refused (%s) from %s", source.name, error.code, request.META.get("REMOTE_ADDR")
        )
        message = (
            _("The timestamp is missing or outside the accepted window.")
            if error.code == "bad_timestamp"
            else _("The signature is missing or does not match.")
        )
        return _error(401, error.code, message)
    try:
        message_in = parse_message(decode_json(body))
    except BadJson:
        return _error(400, "bad_json", _("The body is not valid JSON."))
    except InvalidPayload as invalid:
        return _error(422, InvalidInput.code, str(InvalidInput.default_message), fields=invalid.fields)
    try:
        result = do_receive_delivery(source, message_in)
    except InvalidInput as invalid:
        # What only the ledger can tell (the subject or text too long once trimmed …).
        field = str(invalid.details.get("field") or NON_FIELD)
        return _error(
            422, invalid.code, str(InvalidInput.default_message), fields={field: [str(invalid.message)]}
        )
    except Conflict as conflict:
        return _error(409, conflict.code, str(conflict.message))
    payload: dict[str, Any] = {
        "number": result.case.number,
        "created": result.created,
        "joined": result.joined,
        "redelivered": result.redelivered,
    }
    if result.query_code:
        payload["query_code"] = result.query_code
    return _answer(201 if result.created else 200, payload)
