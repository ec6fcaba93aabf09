"""Finds the fields of an offline write that someone else changed in the meantime.

A field conflicts when its value on the server differs both from the value the
client saw before editing (``original``) and from the value it now writes.
Values are compared in their stored form: a many2one by id, whichever way the
client wrote it; a float rounded to the field's digits (a monetary amount to
its currency); an x2many as a set of ids; dates and datetimes as server-format
strings; an empty text as False.
"""
import json

from odoo import fields
from odoo.fields import Command
from odoo.tools import float_round
from odoo.tools.json import json_default

from .change import is_record_id, virtual_uuid
from .errors import BAD_REQUEST, ChangeRejected, shown
from .values import field_label

UNKNOWN = object()  # an x2many value that cannot be known ahead, e.g. with new lines
# Kinds whose value as cached compares in stored form directly, with no formatting for the client.
PLAIN_KINDS = frozenset({
    "char", "text", "html", "selection", "date", "datetime", "float", "monetary", "boolean", "integer",
})


def find_conflicts(record, values, original, resolve):
    """The conflicts between the write ``values`` (prepared) and the server's
    current ``record``, as contract dicts: field, label, original, server, client.

    ``original`` holds the values as the client sent them; ``resolve`` turns a
    virtual id in them into a record id.
    """
    conflicts = []
    for name, client_value in values.items():
        if name not in original:
            continue
        field = record._fields[name]
        server = _server_stored_form(field, record, resolve)
        before = stored_form(field, record, original[name], resolve)
        if server == before:
            continue
        if field.type in ("one2many", "many2many"):
            after = _ids_after_commands(before, client_value)
        else:
            after = stored_form(field, record, client_value, resolve)
        if server == after:
            continue
        conflicts.append({
            "field": name,
            "label": field._description_string(record.env),
            "original": original[name],
            "server": read_form(field, record),
            "client": client_value,
        })
    return conflicts


def _server_stored_form(field, record, resolve):
    """``record``'s value of ``field`` in stored form; the client's form of it
    (a many2one's name, say) is only read for a conflict."""
    value = record[field.name]
    kind = field.type
    if kind == "many2one":
        return value.id or False
    if kind in ("one2many", "many2many"):
        return frozenset(value.ids)
    if kind in PLAIN_KINDS:
        return stored_form(field, record, value, resolve)
    return stored_form(field, record, read_form(field, record), resolve)


def read_form(field, record):
    """``record``'s value of ``field`` as the web client reads it (JSON-ready)."""
    value = record[field.name]
    kind = field.type
    if kind == "many2one":
        return {"id": value.id, "display_name": value.sudo().display_name} if value else False
    if kind in ("one2many", "many2many"):
        return value.ids
    if kind == "date":
        return fields.Date.to_string(value)
    if kind == "datetime":
        return fields.Datetime.to_string(value)
    if kind == "reference":
        return f"{value._name},{value.id}" if value else False
    if kind in ("binary", "image"):
        return value.decode() if isinstance(value, bytes) else value or False
    if kind in ("json", "properties", "properties_definition"):
        # as the client receives it: whatever JSON cannot carry, as Odoo converts it
        return json.loads(json.dumps(field.convert_to_read(value, record), default=json_default))
    return field.convert_to_read(value, record)


def stored_form(field, record, value, resolve):
    """A client-side value of ``field`` in a form equal values share."""
    kind = field.type
    try:
        if kind == "many2one":
            return _id_of(value, resolve, field.comodel_name) or False
        if kind in ("one2many", "many2many"):
            return frozenset(_id_of(item, resolve, field.comodel_name) for item in (value or ()))
        if kind == "float":
            digits = field.get_digits(record.env)
            number = float(value or 0.0)
            return float_round(number, precision_digits=digits[1]) if digits else number
        if kind == "monetary":
            currency = record[field.get_currency_field(record)]
            return currency.round(float(value or 0.0)) if currency else float(value or 0.0)
        if kind == "date":
            return fields.Date.to_string(fields.Date.to_date(value)) if value else False
        if kind == "datetime":
            return fields.Datetime.to_string(fields.Datetime.to_datetime(value)) if value else False
        if kind == "boolean":
            return bool(value)
        if kind == "integer":
            return int(value or 0)
    except (TypeError, ValueError):
        raise ChangeRejected(BAD_REQUEST, record.env._(
            "The original value %(value)s of %(field)s is not understood.",
            value=shown(value), field=field_label(field, record.env))) from None
    return value or False


def _id_of(value, resolve, model_name):
    """A record id written as id, [id, name], {"id": id, ...} or "virtual:<uuid>"."""
    if isinstance(value, dict):
        value = value.get("id")
    elif isinstance(value, list) and value:
        value = value[0]
    if is_record_id(value) or value is False or value is None:
        return value or False
    uuid = virtual_uuid(value)
    if uuid is None:
        raise ValueError(value)
    return resolve(model_name, uuid)


def _ids_after_commands(before, commands):
    """The x2many ids the client means to end with: its commands applied to ``before``."""
    ids = set(before)
    for code, argument, payload in commands:
        if code == Command.CREATE:
            return UNKNOWN
        if code in (Command.DELETE, Command.UNLINK):
            ids.discard(argument)
        elif code == Command.LINK:
            ids.add(argument)
        elif code == Command.CLEAR:
            ids.clear()
        elif code == Command.SET:
            ids = set(payload)
    return frozenset(ids)
