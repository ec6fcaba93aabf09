"""Outcomes and error codes of the sync contract, the exceptions that carry them, and
how an error raised while applying a change becomes that change's rejection."""
import logging

import psycopg2

from odoo.exceptions import AccessError, MissingError, RedirectWarning, UserError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY, _as_validation_error
from odoo.tools.translate import LazyGettext

_logger = logging.getLogger(__name__)

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


def guarded(env, operation):
    """Runs ``operation`` for a change of the user of ``env``, turning what it raises into a
    rejection of that change; a concurrency error goes up (Odoo runs the whole request again)."""
    try:
        return operation()
    except (ChangeRejected, IsolationNeeded):
        raise
    except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
        raise
    except MissingError as error:
        raise ChangeRejected(MISSING_RECORD, error.args[0]) from error
    except AccessError as error:
        raise ChangeRejected(ACCESS_DENIED, error.args[0]) from error
    except (UserError, RedirectWarning) as error:
        raise ChangeRejected(VALIDATION, error.args[0]) from error
    except psycopg2.IntegrityError as error:
        raise ChangeRejected(VALIDATION, _as_validation_error(env, error).args[0]) from error
    except Exception as error:
        _logger.exception("offline sync: unexpected error while applying a change of user %s", env.uid)
        raise ChangeRejected(VALIDATION, env._(
            "The server could not apply this change because of an unexpected error; "
            "your administrator will find the details in the server log.")) from error
