"""The shape of a sync request and of each change it carries.

This module is the one place on the server that says what the web client may
send to ``/offline_mode/sync``; the values a change writes are checked against
its model in :mod:`.values`.
"""
import json
import math
import re
from dataclasses import dataclass
from datetime import datetime

from odoo.tools.translate import LazyTranslate

from .errors import BAD_REQUEST, BatchRefused, ChangeRejected, shown

_lt = LazyTranslate(__name__)

# A request body past this size is refused whole, before anything is applied.
MAX_REQUEST_BYTES = 10 * 1024 * 1024
# The values and original values of one change, serialised as JSON.
MAX_CHANGE_BYTES = 5 * 1024 * 1024
# Lists and objects within values: enough for lines of lines of lines.
MAX_NESTING = 32
MAX_ID_LENGTH = 64
MAX_MODEL_NAME_LENGTH = 128
# Record ids and integer fields are PostgreSQL integers.
MIN_INTEGER = -(2**31)
MAX_INTEGER = 2**31 - 1
# A uuid echoed in a result is cut past this length (see echoed_uuid).
MAX_ECHOED_UUID_LENGTH = 256
VIRTUAL_PREFIX = "virtual:"

CREATE = "create"
WRITE = "write"
UNLINK = "unlink"
ARCHIVE = "archive"
UNARCHIVE = "unarchive"
OPERATIONS = (CREATE, WRITE, UNLINK, ARCHIVE, UNARCHIVE)


@dataclass(frozen=True)
class Change:
    """One change made offline, as the client sent it (virtual ids unresolved)."""

    uuid: str
    model: str
    operation: str
    # a record id, or "virtual:<uuid of the create change>"; None for a create
    res_id: int | str | None
    values: dict
    original: dict
    made_at: datetime | None
    force: bool


def is_storable_text(value):
    """Whether PostgreSQL can store the text ``value``: no NUL character, and
    valid Unicode (JSON may carry lone surrogates, which UTF-8 cannot)."""
    if "\x00" in value:
        return False
    if value.isascii():  # the common case, answered without encoding
        return True
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


def is_client_made_id(value):
    return isinstance(value, str) and 0 < len(value) <= MAX_ID_LENGTH and is_storable_text(value)


def is_record_id(value):
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_INTEGER


def virtual_uuid(value):
    """The uuid of the create change a ``"virtual:<uuid>"`` reference names, else None."""
    if isinstance(value, str) and value.startswith(VIRTUAL_PREFIX):
        uuid = value[len(VIRTUAL_PREFIX):]
        if is_client_made_id(uuid):
            return uuid
    return None


def check_request(client_id, changes, body_bytes, max_batch):
    """Refuse a malformed request as a whole (:class:`BatchRefused`);
    ``body_bytes`` is None when the request did not come over HTTP."""
    if body_bytes is not None and body_bytes > MAX_REQUEST_BYTES:
        if isinstance(changes, list) and len(changes) == 1:
            raise BatchRefused(_lt(
                "This change is too large to be synced (%(size)s bytes, at most %(limit)s).",
                size=body_bytes, limit=MAX_REQUEST_BYTES))
        raise BatchRefused(_lt(
            "The sync request is too large (%(size)s bytes, at most %(limit)s): send fewer changes at a time.",
            size=body_bytes, limit=MAX_REQUEST_BYTES))
    if not is_client_made_id(client_id):
        raise BatchRefused(_lt(
            "The sync request needs a client_id: a text of 1 to %(limit)s characters.",
            limit=MAX_ID_LENGTH))
    if not isinstance(changes, list):
        raise BatchRefused(_lt("The sync request needs “changes”: a list of changes."))
    if len(changes) > max_batch:
        raise BatchRefused(_lt(
            "The sync request holds %(count)s changes; at most %(limit)s are accepted at a time.",
            count=len(changes), limit=max_batch))


def uuid_of(payload):
    """The uuid a change payload names, if it is a valid one."""
    if isinstance(payload, dict) and is_client_made_id(payload.get("uuid")):
        return payload["uuid"]
    return None


def echoed_uuid(payload):
    """The uuid of ``payload`` as the client sent it, for its result: always a
    text, so that the client can pair every result with its change — the JSON
    of a uuid that is not a text, "" when there is none, cut when absurdly
    long, and lone surrogates written out (the answer is UTF-8)."""
    uuid = payload.get("uuid", "") if isinstance(payload, dict) else ""
    if not isinstance(uuid, str):
        uuid = json.dumps(uuid, default=repr)
    if len(uuid) > MAX_ECHOED_UUID_LENGTH:
        uuid = uuid[:MAX_ECHOED_UUID_LENGTH] + "…"
    return uuid.encode("utf-8", "backslashreplace").decode()


def parse_change(payload, may_be_large=True):
    """The :class:`Change` ``payload`` describes; ChangeRejected names its first defect.

    ``may_be_large``: false when the whole request is smaller than a change may
    be, which spares measuring each change.
    """
    if not isinstance(payload, dict):
        raise ChangeRejected(BAD_REQUEST, _lt("A change must be a JSON object."))
    uuid = uuid_of(payload)
    if uuid is None:
        raise ChangeRejected(BAD_REQUEST, _lt(
            "A change needs a uuid: a text of 1 to %(limit)s characters.", limit=MAX_ID_LENGTH))

    operation = payload.get("operation")
    if operation not in OPERATIONS:
        raise ChangeRejected(BAD_REQUEST, _lt(
            "Unknown operation %(operation)s: expected one of %(operations)s.",
            operation=shown(operation), operations=", ".join(OPERATIONS)))

    model = payload.get("model")
    if not isinstance(model, str) or not 0 < len(model) <= MAX_MODEL_NAME_LENGTH or not is_storable_text(model):
        raise ChangeRejected(BAD_REQUEST, _lt("A change needs the technical name of its model."))

    res_id = payload.get("res_id")
    if operation == CREATE:
        if res_id is not None:
            raise ChangeRejected(BAD_REQUEST, _lt("A create must not name a res_id."))
    elif not (is_record_id(res_id) or virtual_uuid(res_id)):
        raise ChangeRejected(BAD_REQUEST, _lt(
            "res_id %(res_id)s is neither a record id (1 to %(max)s) nor a “virtual:<uuid>” reference.",
            res_id=shown(res_id), max=MAX_INTEGER))

    values = payload.get("values")
    if values is None and operation not in (CREATE, WRITE):
        values = {}
    if not isinstance(values, dict):
        raise ChangeRejected(BAD_REQUEST, _lt("The values of a change must be a JSON object."))
    original = payload.get("original")
    if original is None:
        original = {}
    if not isinstance(original, dict):
        raise ChangeRejected(BAD_REQUEST, _lt("The original values of a change must be a JSON object."))

    try:
        made_at = _made_at(payload)
    except (TypeError, ValueError):
        raise ChangeRejected(BAD_REQUEST, _lt(
            "made_at %(made_at)s is not a UTC time written as YYYY-MM-DD HH:MM:SS.",
            made_at=shown(payload["made_at"]))) from None

    force = payload.get("force", False)
    if not isinstance(force, bool):
        raise ChangeRejected(BAD_REQUEST, _lt("force must be true or false."))

    shape = _shape_problem(values) or _shape_problem(original)
    if shape == TOO_DEEP:
        raise ChangeRejected(BAD_REQUEST, _lt(
            "The values of this change are nested more than %(limit)s levels deep.", limit=MAX_NESTING))
    if shape == UNSTORABLE_TEXT:
        raise ChangeRejected(BAD_REQUEST, _lt(
            "The values of this change hold a NUL character or text that is not valid Unicode."))
    if shape == NOT_FINITE:
        raise ChangeRejected(BAD_REQUEST, _lt(
            "The values of this change hold a number JSON cannot carry (NaN or infinity)."))
    if may_be_large:
        size = len(json.dumps(values)) + len(json.dumps(original))
        if size > MAX_CHANGE_BYTES:
            raise ChangeRejected(BAD_REQUEST, _lt(
                "The values of this change are too large (%(size)s bytes, at most %(limit)s).",
                size=size, limit=MAX_CHANGE_BYTES))

    return Change(
        uuid=uuid, model=model, operation=operation, res_id=res_id,
        values=values, original=original, made_at=made_at, force=force,
    )


# Odoo's server format, YYYY-MM-DD HH:MM:SS: checked by shape, then read by
# fromisoformat, many times faster than strptime.
MADE_AT_SHAPE = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", re.ASCII)


def _made_at(payload):
    made_at = payload.get("made_at")
    if made_at is None:
        return None
    if not MADE_AT_SHAPE.fullmatch(made_at):
        raise ValueError(made_at)
    return datetime.fromisoformat(made_at)


TOO_DEEP = "too deep"
UNSTORABLE_TEXT = "unstorable text"
NOT_FINITE = "not finite"


def _shape_problem(value):
    """TOO_DEEP if lists and objects in ``value`` nest past MAX_NESTING,
    UNSTORABLE_TEXT if a text or key cannot be stored (see is_storable_text),
    NOT_FINITE for NaN or infinity (Python's JSON reads them), else None."""
    pending = [(value, 1)] if isinstance(value, (dict, list)) else []
    while pending:
        container, depth = pending.pop()
        if depth > MAX_NESTING:
            return TOO_DEEP
        texts = []
        if isinstance(container, dict):
            texts.extend(key for key in container if isinstance(key, str))
            container = container.values()
        for item in container:
            if isinstance(item, str):
                texts.append(item)
            elif isinstance(item, float):
                if not math.isfinite(item):
                    # the first problem met is the one told: a text before it?
                    return UNSTORABLE_TEXT if _unstorable(texts) else NOT_FINITE
            elif isinstance(item, (dict, list)):
                pending.append((item, depth + 1))
        if _unstorable(texts):
            return UNSTORABLE_TEXT
    return None


def _unstorable(texts):
    """Whether one of ``texts`` cannot be stored; checked at once, for a NUL
    or a lone surrogate in one of them is one in their concatenation."""
    return bool(texts) and not is_storable_text("".join(texts))


def _storable(values):
    """``values`` if the ledger can keep it, else None."""
    if not isinstance(values, dict) or _shape_problem(values):
        return None
    return values if len(json.dumps(values)) <= MAX_CHANGE_BYTES else None


def recorded_fields(payload, change):
    """What the ledger keeps of a change: of ``change`` if it could be parsed,
    else what can be kept of its raw ``payload``."""
    if change is not None:
        # made_at as sent: checked to be in the server's format, which the ledger takes as it is
        return {"model": change.model, "operation": change.operation, "values": change.values or None,
                "original": change.original or None, "made_at": change.made_at and payload["made_at"],
                "force": change.force}
    if not isinstance(payload, dict):
        return {"model": None, "operation": None, "values": None, "original": None,
                "made_at": None, "force": False}
    model = payload.get("model")
    try:
        made_at = _made_at(payload)
    except (TypeError, ValueError):
        made_at = None
    return {
        "model": model[:MAX_MODEL_NAME_LENGTH] if isinstance(model, str) and is_storable_text(model) else None,
        "operation": payload.get("operation") if payload.get("operation") in OPERATIONS else None,
        "values": _storable(payload.get("values")),
        "original": _storable(payload.get("original")),
        "made_at": made_at,
        "force": payload.get("force") is True,
    }
