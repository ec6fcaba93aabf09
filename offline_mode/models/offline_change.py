import functools
import json
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import MissingError, UserError
from odoo.tools import SQL
from odoo.tools.json import json_default

from ..sync.change import OPERATIONS
from ..sync.errors import ERROR_CODES, STATUSES

OPERATION_LABELS = {
    "create": "Created", "write": "Edited", "unlink": "Deleted",
    "archive": "Archived", "unarchive": "Unarchived",
}
STATUS_LABELS = {"applied": "Applied", "conflict": "Conflict", "rejected": "Rejected"}
ERROR_CODE_LABELS = {
    "access_denied": "Access denied",
    "validation": "Refused by a business rule",
    "missing_record": "Record deleted",
    "bad_request": "Malformed change",
    "dependency_failed": "Depends on a failed creation",
    "unsupported": "Not supported",
}

# The columns the sync engine fills; written with SQL (see _insert_entries).
LEDGER_COLUMNS = (
    "user_id", "client_id", "uuid", "model", "res_id", "operation", "values", "original",
    "made_at", "force", "received_at", "status", "error_code", "error_message", "conflicts",
    "replay_count", "saved_online",
)
PURGE_BATCH_SIZE = 10000


class OfflineChange(models.Model):
    _name = "offline.change"
    _description = "Offline change"
    _order = "received_at desc, id desc"
    _rec_name = "uuid"
    # bookkeeping written by the sync route, which sets user_id and received_at:
    # no create/write columns (and their foreign keys) to fill for every change
    _log_access = False

    # no index of its own: the unique (user_id, uuid) index serves it
    user_id = fields.Many2one(
        "res.users", string="User", required=True, ondelete="cascade", readonly=True,
        help="Who made the change; it was applied with this user's access rights.")
    client_id = fields.Char(
        string="Browser", readonly=True,
        help="Identifies the browser profile the change was made in.")
    uuid = fields.Char(
        string="Change ID", required=True, readonly=True,
        help="Made by the browser for this change; a change sent again with the same ID "
        "is recognised and never applied twice.")
    model = fields.Char(string="Model", readonly=True, help="Technical name of the changed model.")
    # a plain id: the record may since have been deleted, or be hidden from the reader
    res_id = fields.Integer(
        string="Record ID", readonly=True,
        help="The id of the changed record; for a creation, of the record it made.")
    operation = fields.Selection(
        [(key, OPERATION_LABELS[key]) for key in OPERATIONS], string="Operation", readonly=True)
    values = fields.Json(string="Values", readonly=True, help="The values the change writes, as sent.")
    original = fields.Json(
        string="Original values", readonly=True,
        help="The values of the changed fields as the user saw them before changing them.")
    made_at = fields.Datetime(string="Made on", readonly=True, help="When the user made the change.")
    force = fields.Boolean(
        string="Kept despite conflict", readonly=True,
        help="The user chose to keep this change over someone else's newer edit.")
    received_at = fields.Datetime(
        string="Received on", required=True, index=True, readonly=True,
        default=fields.Datetime.now,
        help="When the server last evaluated the change.")
    status = fields.Selection(
        [(key, STATUS_LABELS[key]) for key in STATUSES], string="Status", required=True, readonly=True)
    error_code = fields.Selection(
        [(key, ERROR_CODE_LABELS[key]) for key in ERROR_CODES], string="Reason", readonly=True,
        help="Why the change was rejected.")
    error_message = fields.Text(string="Message", readonly=True, help="What the user was told.")
    conflicts = fields.Json(
        string="Conflicts", readonly=True, help="The fields someone else changed meanwhile, with the three values.")
    replay_count = fields.Integer(
        string="Received again", readonly=True,
        help="How many times the change was received again after the first time.")
    saved_online = fields.Boolean(
        string="Saved online", readonly=True,
        help="A creation saved online, recorded so that the same creation, queued again by "
        "the browser after the server's answer was lost, is not made twice.")
    values_text = fields.Text(string="Values (JSON)", compute="_compute_json_texts")
    original_text = fields.Text(string="Original values (JSON)", compute="_compute_json_texts")
    conflicts_text = fields.Text(string="Conflicts (JSON)", compute="_compute_json_texts")

    _sql_constraints = [
        ("user_uuid_unique", "UNIQUE(user_id, uuid)",
         "A user's offline change is recorded once per change ID."),
    ]

    @api.depends("values", "original", "conflicts")
    def _compute_json_texts(self):
        for entry in self:
            entry.values_text = _pretty_json(entry.values)
            entry.original_text = _pretty_json(entry.original)
            entry.conflicts_text = _pretty_json(entry.conflicts)

    @api.depends("operation", "model", "res_id")
    def _compute_display_name(self):
        operations = dict(self._fields["operation"]._description_selection(self.env))
        for entry in self:
            entry.display_name = " ".join(filter(None, (
                operations.get(entry.operation), entry.model, entry.res_id and str(entry.res_id),
            ))) or entry.uuid

    # -- used by the sync engine; the ledger is bookkeeping, written as superuser ----

    def _lock_entries(self, user_id, uuids):
        """The entries of ``user_id`` with these uuids as dicts, locked until
        the end of the transaction so that a concurrent sync waits for it."""
        if not uuids:
            return []
        self.flush_model()
        # One probe of the (user_id, uuid) index per uuid, whatever the size
        # of the ledger: "uuid = ANY(...)" lets the planner scan all the
        # user's entries instead, which grows with the ledger.
        self.env.cr.execute(SQL(
            """SELECT entry.*
                 FROM unnest(%s::varchar[]) AS wanted(uuid),
                      LATERAL (SELECT id, uuid, model, res_id, operation, status, error_code, error_message, conflicts
                                 FROM offline_change
                                WHERE user_id = %s AND offline_change.uuid = wanted.uuid
                                  FOR UPDATE) AS entry""",
            list(uuids), user_id,
        ))
        return self.env.cr.dictfetchall()

    def _insert_entries(self, rows):
        """Adds new entries in one statement (the sync hot path, hence SQL);
        returns their ids.

        ON CONFLICT DO NOTHING matters under REPEATABLE READ: if a concurrent
        request recorded the same (user, uuid) after this transaction started,
        PostgreSQL raises a serialisation failure instead of a unique violation,
        and Odoo then runs the whole request again, which sees that entry.
        """
        if not rows:
            return []
        # The rows travel as one JSON parameter that PostgreSQL unpacks
        # (jsonb_to_recordset): adapting one value per column and row in
        # Python would cost more than the insert itself.
        self.env.cr.execute(SQL(
            """INSERT INTO offline_change (%(columns)s)
               SELECT %(columns)s
                 FROM jsonb_to_recordset(%(rows)s::jsonb) AS received(%(typed_columns)s)
                   ON CONFLICT (user_id, uuid) DO NOTHING
            RETURNING id""",
            columns=SQL(", ").join(SQL.identifier(column) for column in LEDGER_COLUMNS),
            typed_columns=SQL(", ").join(
                SQL("%s %s", SQL.identifier(column), SQL(self._fields[column].column_type[1]))
                for column in LEDGER_COLUMNS),
            # a column missing from a row is NULL: only the values given travel
            rows=_dumps([
                {column: value for column in LEDGER_COLUMNS if (value := row.get(column)) is not None}
                for row in rows
            ]),
        ))
        return [row[0] for row in self.env.cr.fetchall()]

    def _record_online_creation(self, model, uuid, client_id, res_id):
        """Records a creation saved online (see models/base.py)."""
        now = fields.Datetime.now()
        self._insert_entries([{
            "user_id": self.env.uid, "client_id": client_id, "uuid": uuid, "model": model,
            "res_id": res_id, "operation": "create", "made_at": now, "received_at": now,
            "status": "applied", "replay_count": 0, "saved_online": True,
        }])

    def _answer_online_creation_again(self, model, entry, specification):
        """The record an earlier save with the same creation id made, as ``web_save`` answers it."""
        if entry["operation"] != "create" or entry["model"] != model._name or entry["status"] != "applied":
            raise UserError(self.env._(
                "This creation id was already used for another change; reload the page and save again."))
        self._add_replays({entry["id"]: 1})
        record = model.browse(entry["res_id"]).exists()
        if not record:
            raise MissingError(self.env._(
                "This record was saved before, then deleted; it is not created again."))
        return record.with_context(bin_size=True).web_read(specification)

    def _add_replays(self, counts):
        """Adds ``counts[id]`` to the replay count of each entry."""
        if not counts:
            return
        self.flush_model()
        self.env.cr.execute(SQL(
            """UPDATE offline_change AS entry
                  SET replay_count = entry.replay_count + received.count
                 FROM (VALUES %s) AS received(id, count)
                WHERE entry.id = received.id""",
            SQL(", ").join(SQL("(%s, %s)", ledger_id, count) for ledger_id, count in counts.items()),
        ))
        self.invalidate_model(["replay_count"])

    @api.model
    def _purge_expired_entries(self):
        """Cron: deletes the entries not received for ``ledger_retention_days``."""
        retention = self.env["ir.config_parameter"]._get_offline_mode_config()["ledger_retention_days"]
        domain = [("received_at", "<", fields.Datetime.now() - timedelta(days=retention))]
        expired = self.search(domain, limit=PURGE_BATCH_SIZE)
        expired.unlink()
        remaining = self.search_count(domain) if len(expired) == PURGE_BATCH_SIZE else 0
        self.env["ir.cron"]._notify_progress(done=len(expired), remaining=remaining)


# as Odoo answers JSON: dates as server strings, bytes decoded
_dumps = functools.partial(json.dumps, default=json_default)


def _pretty_json(value):
    return json.dumps(value, indent=2, ensure_ascii=False) if value else False
