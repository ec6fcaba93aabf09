"""What a sync batch keeps of each change, and writes to the ledger.

Each change of a batch ends with an :class:`Outcome`, kept as an :class:`Entry`
under its uuid for the rest of the batch (a uuid sent again in it is a
replay; a virtual id resolves through it) and as a row of the ledger
(``offline.change``), written as superuser.

Failure behaviour: in a batch run in one savepoint, the rows are written all
at once by :meth:`BatchLedger.save`, and any failure to write them raises
:class:`.errors.IsolationNeeded` (the engine runs the batch again, each change
with its row in a savepoint of its own, written by :meth:`BatchLedger._record`);
a serialisation error is left to Odoo, which runs the whole request again.
"""
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY

from .change import recorded_fields, uuid_of, virtual_uuid
from .errors import CONFLICT, REJECTED, IsolationNeeded


@dataclass
class Outcome:
    """What became of one change; the ledger keeps it, the client receives it."""

    status: str
    res_id: int | None = None
    conflicts: list = dataclass_field(default_factory=list)
    error_code: str | None = None
    error_message: str | None = None

    def as_result(self, uuid, replayed=False):
        result = {"uuid": uuid, "status": self.status, "res_id": self.res_id, "replayed": replayed}
        if self.status == CONFLICT:
            result["conflicts"] = self.conflicts
        if self.status == REJECTED:
            # a message may quote what the client sent; the answer is UTF-8
            message = self.error_message.encode("utf-8", "backslashreplace").decode()
            result["error"] = {"code": self.error_code, "message": message}
        return result


@dataclass
class Entry:
    """A change of this user the batch knows of: from the ledger, or evaluated by this batch."""

    model: str | None
    operation: str | None
    outcome: Outcome
    ledger_id: int | None = None
    # evaluated by this batch: sent again in it, it is a replay whatever its status
    in_batch: bool = False
    # its ledger row was inserted by this batch, with no replay counted yet
    inserted: bool = False

    @classmethod
    def from_row(cls, row):
        """The entry of a ledger row read before the batch ran."""
        return cls(
            model=row["model"], operation=row["operation"], ledger_id=row["id"],
            outcome=Outcome(
                status=row["status"], res_id=row["res_id"], conflicts=row["conflicts"] or [],
                error_code=row["error_code"], error_message=row["error_message"]),
        )


class BatchLedger:
    """The ledger side of a batch (see engine._Batch): ``entries`` by uuid,
    ``receipts`` (times each uuid came in the batch), the rows to write."""

    def _remember(self, uuid, payload, change, outcome, previous):
        """Keeps the outcome of ``uuid`` for the rest of the batch; returns its ledger row."""
        row = recorded_fields(payload, change)
        row.update(
            client_id=self.client_id, received_at=self.received_at,
            status=outcome.status, res_id=outcome.res_id, conflicts=outcome.conflicts or None,
            error_code=outcome.error_code, error_message=outcome.error_message,
        )
        if previous is None:
            row.update(user_id=self.env.uid, uuid=uuid)
        if not self.isolated:  # recorded all at once by save()
            if previous is None:
                self.new_rows.append(row)
            else:
                self.reevaluated_rows[previous.ledger_id] = row
        entry = self.entries[uuid] = Entry(
            model=row["model"], operation=row["operation"], outcome=outcome,
            ledger_id=previous and previous.ledger_id, in_batch=True,
        )
        return entry, row

    def _record(self, entry_and_row):
        """Writes one ledger row now (isolated run); the entry learns its id."""
        entry, row = entry_and_row
        if entry.ledger_id:
            self.ledger.browse(entry.ledger_id).write(row)
            self.ledger.flush_model()
        else:
            row["replay_count"] = 0
            entry.ledger_id = self.ledger._insert_entries([row])[0]
            entry.inserted = True

    def save(self):
        """Writes the outcomes of the batch to the ledger (those of an isolated
        run are written already); the replay count of an entry counts the
        times its uuid came again after the first."""
        if not self.isolated:
            for row in self.new_rows:
                row["replay_count"] = self.receipts[row["uuid"]] - 1
            try:
                self.ledger._insert_entries(self.new_rows)
                for ledger_id, row in self.reevaluated_rows.items():
                    self.ledger.browse(ledger_id).write(row)
                self.ledger.flush_model()  # errors surface here, within the route's handling, not at commit
            except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
                raise
            except Exception as error:
                raise IsolationNeeded() from error
        self.ledger._add_replays({
            entry.ledger_id: self.receipts[uuid] - entry.inserted
            for uuid, entry in self.entries.items()
            if entry.ledger_id and self.receipts[uuid] - entry.inserted
        })


def uuids_named(payloads):
    """The uuids of the batch and those its virtual ids refer to."""
    uuids = set()
    pending = []
    for payload in payloads:
        if isinstance(payload, dict):
            if uuid := uuid_of(payload):
                uuids.add(uuid)
            pending.extend((payload.get("res_id"), payload.get("values"), payload.get("original")))
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
        elif uuid := virtual_uuid(value):
            uuids.add(uuid)
    return uuids
