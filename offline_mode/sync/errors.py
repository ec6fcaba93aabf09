"""Outcomes and error codes of the sync contract, and the exceptions that carry them."""
from odoo.tools.translate import LazyGettext

APPLIED = "applied"
CONFLICT = "conflict"
REJECTED = "rejected"
STATUSES = (APPLIED, CONFLICT, REJECTED)

ACCESS_DENIED = "access_denied"
VALIDATION = "validation"
MISSING_RECORD = "missing_record"
BAD_REQUEST = "bad_request"
DEPENDENCY_FAILED = "dependency_failed"
UNSUPPORTED = "unsupported"
ERROR_CODES = (ACCESS_DENIED, VALIDATION, MISSING_RECORD, BAD_REQUEST, DEPENDENCY_FAILED, UNSUPPORTED)


def shown(value, limit=80):
    """``value`` as a message may quote it: its repr, cut short."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


def translate(env, message):
    """``message`` in the language of ``env``; lazy texts wait for it to know the language."""
    if isinstance(message, LazyGettext):
        return env._(message)
    return str(message)


class ChangeRejected(Exception):
    """One change cannot be applied; the others of its batch go on."""

    def __init__(self, code, message):
        assert code in ERROR_CODES, code
        super().__init__(code, message)
        self.code = code
        self.message = message


class BatchRefused(Exception):
    """The request as a whole is malformed: nothing of it is applied."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class IsolationNeeded(Exception):
    """Internal to the engine: a change failed while the batch ran in one
    savepoint, so the batch is run again, each change isolated."""
