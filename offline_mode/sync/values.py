"""Checks the values of a create or write against its model and resolves virtual ids.

Values arrive as the web client's ``web_save`` would send them; a many2one
value or the id in an x2many command may also be ``"virtual:<uuid>"``, the
record made by an earlier create change. The result is what ``write()`` and
``create()`` take.
"""
import math

from odoo import fields
from odoo.fields import Command
from odoo.models import MAGIC_COLUMNS

from .change import MAX_INTEGER, MIN_INTEGER, is_record_id, virtual_uuid
from .errors import ACCESS_DENIED, BAD_REQUEST, ChangeRejected, shown

SERVER_MAINTAINED_FIELDS = frozenset(MAGIC_COLUMNS) | {"__last_update", "display_name"}
TEXT_TYPES = ("char", "text", "html", "binary", "image")
NUMBER_TYPES = ("float", "monetary")


def field_label(field, env):
    return f"{field._description_string(env)} ({field.name})"


def writable_field(model, name):
    """The field ``name`` of ``model`` if the current user may set it through a sync."""
    env = model.env
    if name in SERVER_MAINTAINED_FIELDS:
        raise ChangeRejected(BAD_REQUEST, env._(
            "The field %(field)s is maintained by the server and cannot be written.", field=name))
    field = model._fields.get(name)
    if field is None:
        raise ChangeRejected(BAD_REQUEST, env._(
            "Unknown field %(field)s on %(model)s.", field=shown(name), model=model._name))
    if not field.is_accessible(model.env):
        raise ChangeRejected(ACCESS_DENIED, env._(
            "You are not allowed to change the field %(field)s of %(model)s.",
            field=field_label(field, env), model=model._name))
    if field.readonly and not field.inverse:
        raise ChangeRejected(BAD_REQUEST, env._(
            "The field %(field)s of %(model)s is read-only.",
            field=field_label(field, env), model=model._name))
    return field


def prepare_values(model, values, resolve):
    """``values`` checked for ``model``, virtual ids replaced by record ids.

    ``resolve(model_name, uuid)`` gives the id of the record the create change
    ``uuid`` made, or raises :class:`ChangeRejected`.
    """
    return {
        name: _prepare_value(model, writable_field(model, name), value, resolve)
        for name, value in values.items()
    }


def _wrong_type(model, field, value, expected):
    return ChangeRejected(BAD_REQUEST, model.env._(
        "%(value)s is not a valid value for %(field)s: expected %(expected)s.",
        value=shown(value), field=field_label(field, model.env), expected=expected))


def _prepare_value(model, field, value, resolve):
    kind = field.type
    if value is None and kind not in ("json", "properties", "properties_definition"):
        value = False
    if kind == "many2one":
        if value is False:
            return False
        return _record_id(model, field, value, resolve)
    if kind in ("one2many", "many2many"):
        return _prepare_x2many(model, field, value, resolve)
    if value is False and kind != "boolean":
        return False
    if kind == "boolean":
        if not isinstance(value, bool):
            raise _wrong_type(model, field, value, model.env._("true or false"))
    elif kind in ("integer", "many2one_reference"):
        if not isinstance(value, int) or isinstance(value, bool) or not MIN_INTEGER <= value <= MAX_INTEGER:
            raise _wrong_type(model, field, value, model.env._(
                "a whole number from %(min)s to %(max)s", min=MIN_INTEGER, max=MAX_INTEGER))
    elif kind in NUMBER_TYPES:
        if not _is_finite_number(value):
            raise _wrong_type(model, field, value, model.env._("a number"))
    elif kind in TEXT_TYPES:
        if not isinstance(value, str):
            raise _wrong_type(model, field, value, model.env._("a text"))
    elif kind == "selection":
        if value not in field.get_values(model.env):
            raise _wrong_type(model, field, value, model.env._(
                "one of %(keys)s", keys=", ".join(map(str, field.get_values(model.env)))))
    elif kind == "date":
        if not _parses(fields.Date.to_date, value):
            raise _wrong_type(model, field, value, model.env._("a date written as YYYY-MM-DD"))
    elif kind == "datetime":
        if not _parses(fields.Datetime.to_datetime, value):
            raise _wrong_type(model, field, value, model.env._("a UTC time written as YYYY-MM-DD HH:MM:SS"))
    elif kind == "reference" and not _is_reference(model.env, value):
        raise _wrong_type(model, field, value, model.env._("a reference written as model,id"))
    return value


def _is_finite_number(value):
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:  # an integer too large for a float
        return False


def _parses(parse, value):
    if not isinstance(value, str):
        return False
    try:
        parse(value)
    except ValueError:
        return False
    return True


def _is_reference(env, value):
    if not isinstance(value, str) or "," not in value:
        return False
    model_name, res_id = value.rsplit(",", 1)
    return model_name in env.registry and res_id.isascii() and res_id.isdigit()


def _record_id(model, field, value, resolve):
    """A record id of ``field``'s comodel: given, or resolved from a virtual id."""
    if is_record_id(value):
        return value
    uuid = virtual_uuid(value)
    if uuid is None:
        raise _wrong_type(model, field, value, model.env._(
            "a record id (1 to %(max)s) or “virtual:<uuid>”", max=MAX_INTEGER))
    return resolve(field.comodel_name, uuid)


def _prepare_x2many(model, field, value, resolve):
    if value is False:
        return [Command.clear()]
    if not isinstance(value, list):
        raise _wrong_type(model, field, value, model.env._("a list of commands or of record ids"))
    if value and all(not isinstance(item, list) for item in value):
        return [Command.set([_record_id(model, field, item, resolve) for item in value])]
    comodel = model.env[field.comodel_name]
    return [_prepare_command(model, comodel, field, command, resolve) for command in value]


def _prepare_command(model, comodel, field, command, resolve):
    """One x2many command, e.g. ``[4, "virtual:<uuid>"]`` or ``[0, 0, {values}]``."""
    code = command[0] if isinstance(command, list) and command and type(command[0]) is int else None
    argument = command[1] if isinstance(command, list) and len(command) > 1 else None
    payload = command[2] if isinstance(command, list) and len(command) > 2 else None
    if code == Command.CREATE and isinstance(payload, dict):
        return [code, 0, prepare_values(comodel, payload, resolve)]
    if code == Command.UPDATE and isinstance(payload, dict):
        return [code, _record_id(model, field, argument, resolve), prepare_values(comodel, payload, resolve)]
    if code in (Command.DELETE, Command.UNLINK, Command.LINK):
        return [code, _record_id(model, field, argument, resolve), 0]
    if code == Command.CLEAR:
        return [code, 0, 0]
    if code == Command.SET and isinstance(payload, list):
        return [code, 0, [_record_id(model, field, item, resolve) for item in payload]]
    raise ChangeRejected(BAD_REQUEST, model.env._(
        "%(command)s is not an x2many command Odoo understands (field %(field)s).",
        command=shown(command), field=field_label(field, model.env)))
