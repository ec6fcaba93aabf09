"""Applies a batch of offline changes, exactly once, as the user who made them.

Rules, in the order they are applied to each change of a batch:

- **Replay.** A uuid is unique per user. If the ledger holds this user's
  change with that uuid and its outcome is ``applied``, nothing is applied
  again: the stored outcome is answered with ``replayed: true`` (a response
  lost on the way back is simply asked for again). A uuid whose stored outcome
  is ``conflict`` or ``rejected`` is evaluated again (the user chose "keep
  mine", or fixed the change): its ledger entry is updated and its replay
  count bumped. A uuid sent twice in one batch: the second is a replay of the
  first, whatever its outcome. Another user's uuids are never looked at.
- **Order and isolation.** Changes are applied in the order given, and one
  failing change never undoes another: whatever goes wrong with one change —
  its values, a database error while applying it, its ledger row — is that
  change's result (``rejected``), and the others are applied. Only a malformed
  request as a whole is refused (:class:`BatchRefused`). Flushing each change
  in a savepoint of its own costs an UPDATE per record, so a batch is first
  applied and recorded in a single savepoint; should any change fail while
  being applied, or the final flush, or the ledger insert, that savepoint is
  rolled back and the batch run again, each change and its ledger row in a
  savepoint of their own. Changes refused before touching the database (bad
  request, missing record, conflict...) need no second pass.
- **Pairing.** Each result carries the uuid as the client sent it, even an
  invalid one (see :func:`.change.echoed_uuid`).
- **Virtual ids.** ``"virtual:<uuid>"`` (as res_id, many2one value or x2many
  command id) is the record made by this user's create change ``uuid`` of the
  right model, from this batch or an earlier one. If that create was not
  applied, the change is rejected with ``dependency_failed``.
- **Conflicts.** A write whose fields someone else changed since the client
  read them (see :mod:`.conflicts`) is not applied under the "ask" policy and
  answered ``conflict``; ``force`` or the "last_write_wins" policy apply it.
- **Security.** Everything is applied with the user's environment, so access
  rights and record rules hold; only the ledger is written as superuser.

Concurrency: the ledger rows of the batch are locked first; a concurrent
request that recorded the same uuid meanwhile makes this one fail with a
serialisation error, which Odoo answers by running the whole request again, and
the second run sees the uuid as a replay. So a change is never applied twice.

What a batch keeps of each change and writes to the ledger is :mod:`.ledger`.
"""
import logging
import time
from collections import Counter, defaultdict

from odoo import fields
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY

from .change import (
    ARCHIVE,
    CREATE,
    MAX_CHANGE_BYTES,
    UNARCHIVE,
    UNLINK,
    VIRTUAL_PREFIX,
    check_request,
    echoed_uuid,
    is_record_id,
    parse_change,
    uuid_of,
    virtual_uuid,
)
from .conflicts import find_conflicts
from .errors import (
    APPLIED,
    BAD_REQUEST,
    CONFLICT,
    DEPENDENCY_FAILED,
    MISSING_RECORD,
    REJECTED,
    UNSUPPORTED,
    VALIDATION,
    ChangeRejected,
    IsolationNeeded,
    guarded,
    translate,
)
from .ledger import BatchLedger, Entry, Outcome, uuids_named
from .values import prepare_values

_logger = logging.getLogger(__name__)


class SyncEngine:
    """Applies batches of offline changes for the user of ``env``."""

    def __init__(self, env):
        if env.su:
            raise ValueError("offline changes are applied with the user's own rights, not as superuser")
        self.env = env
        self.ledger = env["offline.change"].sudo()
        self.config = env["ir.config_parameter"]._get_offline_mode_config()

    def sync(self, client_id, payloads, request_bytes=None):
        """The result of each change of ``payloads``, in order; ``request_bytes``
        is the size of the HTTP request, when there is one.

        :raise BatchRefused: if the request is malformed; nothing is applied then.
        """
        check_request(client_id, payloads, request_bytes, self.config["max_batch"])
        self.changes_may_be_large = request_bytes is None or request_bytes > MAX_CHANGE_BYTES
        started = time.monotonic()
        known_rows = self.ledger._lock_entries(self.env.uid, uuids_named(payloads))
        try:
            with self.env.cr.savepoint():
                batch = _Batch(self, client_id, payloads, known_rows, isolated=False)
                results = batch.run()
                batch.save()
        except IsolationNeeded:
            batch = _Batch(self, client_id, payloads, known_rows, isolated=True)
            results = batch.run()
            batch.save()
        _logger.info(
            "offline sync of %s changes for user %s (client %s) in %.3fs%s: %s",
            len(payloads), self.env.uid, client_id, time.monotonic() - started,
            " (one savepoint per change)" if batch.isolated else "",
            ", ".join(f"{count} {status}" for status, count in batch.counts.items()) or "nothing",
        )
        return results


class _Batch(BatchLedger):
    """One run of a sync request's changes.

    ``isolated``: each change is applied, flushed and recorded in a savepoint
    of its own. Otherwise the first failure while applying or recording raises
    :class:`IsolationNeeded`.
    """

    def __init__(self, engine, client_id, payloads, known_rows, isolated):
        self.env = engine.env
        self.changes_may_be_large = engine.changes_may_be_large
        self.ledger = engine.ledger
        self.client_id = client_id
        self.payloads = payloads
        self.isolated = isolated
        self.skip_conflict_check = engine.config["conflict_policy"] == "last_write_wins"
        # as the ledger stores it, formatted once for all the rows of the batch
        self.received_at = fields.Datetime.to_string(fields.Datetime.now())
        self.counts = Counter()
        self.receipts = Counter()   # uuid -> times received in this batch
        self.new_rows = []          # ledger rows to insert
        self.reevaluated_rows = {}  # ledger id -> new values of an entry evaluated again
        self.entries = {row["uuid"]: Entry.from_row(row) for row in known_rows}
        self.models = {}            # name -> the user's model, for the changes that name it
        self.readable_ids = {}      # model -> ids the user could read when first asked
        self.readable_at_start = {}  # model -> ids the user could read before the batch changed anything
        self.applied_any = False    # whether the batch changed the database yet
        self._prefetch_targets(payloads)

    def run(self):
        results = [self.process(payload) for payload in self.payloads]
        if not self.isolated:
            self._apply(self.env.flush_all)
        return results

    def _prefetch_targets(self, payloads):
        """Which targeted records exist, and one prefetch set per model: a
        batch reads its records in one query per model, not one per change.

        For a model whose changes carry original values (their conflict check
        needs the records readable), the records the user may read are
        searched for at once, and only the others are checked for existence:
        one query where existence and readability would take two."""
        ids_by_model = defaultdict(set)
        checked = set()   # models whose original values are compared
        known_models = {}
        for payload in payloads:
            if not isinstance(payload, dict):
                continue
            model = payload.get("model")
            if not isinstance(model, str):
                continue
            if (valid := known_models.get(model)) is None:
                valid = known_models[model] = model in self.env.registry and not self.env[model]._abstract
            if valid and is_record_id(res_id := payload.get("res_id")):
                ids_by_model[model].add(res_id)
                if payload.get("original") and not self.skip_conflict_check:
                    checked.add(model)
        self.prefetch_ids = {model: tuple(ids) for model, ids in ids_by_model.items()}
        self.existing_ids = defaultdict(set)
        for model, ids in self.prefetch_ids.items():
            readable = self._readable_at_start(model, ids) if model in checked else set()
            if readable is not None:
                self.readable_at_start[model] = readable
            unknown = [res_id for res_id in ids if res_id not in (readable or ())]
            self.existing_ids[model] = (readable or set()) | (
                set(self.env[model].browse(unknown).exists().ids) if unknown else set())
        self.initially_existing_ids = {model: frozenset(ids) for model, ids in self.existing_ids.items()}

    def _readable_at_start(self, model, ids):
        """The ``ids`` of ``model`` that exist and that the user may read, or
        None if that cannot be told now (the conflict check then asks again,
        within the change it checks)."""
        records = self.env[model].with_context(active_test=False)
        try:
            with self.env.cr.savepoint():
                if not records.has_access("read"):
                    return set()
                return set(records.search([("id", "in", ids)]).ids)
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            raise
        except Exception:  # noqa: BLE001 - the check of the first change meeting it reports it
            return None

    # -- one change --------------------------------------------------------

    def process(self, payload):
        uuid = uuid_of(payload)
        if uuid:
            self.receipts[uuid] += 1
        entry = self.entries.get(uuid)
        if entry and (entry.in_batch or entry.outcome.status == APPLIED):
            self.counts["replayed"] += 1
            return entry.outcome.as_result(echoed_uuid(payload), replayed=True)

        if not (self.isolated and uuid):
            change, outcome = self._outcome_of(payload)
            if uuid:
                self._remember(uuid, payload, change, outcome, previous=entry)
        else:
            try:
                # the change and its ledger row stand or fall together
                with self.env.cr.savepoint():
                    change, outcome = self._outcome_of(payload)
                    self._record(self._remember(uuid, payload, change, outcome, previous=entry))
            except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
                raise
            except Exception:
                _logger.exception("offline sync: the ledger refused a change of user %s", self.env.uid)
                change, outcome = None, Outcome(REJECTED, error_code=VALIDATION, error_message=self.env._(
                    "The server could not record this change, so it was not applied; your "
                    "administrator will find the details in the server log."))
                self._record_if_possible(self._remember(uuid, payload, change, outcome, previous=entry))
        self.counts[outcome.status] += 1
        return outcome.as_result(echoed_uuid(payload))

    def _outcome_of(self, payload):
        change = None
        try:
            change = self._guard(lambda: parse_change(payload, self.changes_may_be_large))
            outcome = self._guard(lambda: self._evaluate(change))
        except ChangeRejected as rejection:
            outcome = Outcome(
                REJECTED, res_id=self._known_res_id(change),
                error_code=rejection.code, error_message=translate(self.env, rejection.message))
        return change, outcome

    def _evaluate(self, change):
        model = self._model(change.model)
        if change.operation == CREATE:
            values = prepare_values(model, change.values, self._resolve)
            record = self._apply(lambda: model.create(values))
            self.existing_ids[model._name].add(record.id)
            return Outcome(APPLIED, res_id=record.id)

        res_id = self._target_id(change)
        record = model.browse(res_id).with_prefetch(self.prefetch_ids.get(model._name))
        exists = self._exists(record)
        if change.operation == UNLINK:
            if exists:
                self._apply(record.unlink)
                self.existing_ids[model._name].discard(res_id)
            # already gone: the state the user wanted holds
            return Outcome(APPLIED, res_id=res_id)
        if not exists:
            raise ChangeRejected(MISSING_RECORD, self.env._(
                "The record %(model)s,%(id)s no longer exists: it was deleted.",
                model=model._name, id=res_id))
        if change.operation in (ARCHIVE, UNARCHIVE):
            if not model._active_name:
                raise ChangeRejected(UNSUPPORTED, self.env._(
                    "Records of %(model)s cannot be archived or unarchived.", model=model._name))
            self._apply(record.action_archive if change.operation == ARCHIVE else record.action_unarchive)
            return Outcome(APPLIED, res_id=res_id)

        values = prepare_values(model, change.values, self._resolve)
        if change.original and not (change.force or self.skip_conflict_check):
            conflicts = self._guard(lambda: self._find_conflicts(record, values, change.original))
            if conflicts:
                return Outcome(CONFLICT, res_id=res_id, conflicts=conflicts)
        self._apply(lambda: record.write(values))
        return Outcome(APPLIED, res_id=res_id)

    def _find_conflicts(self, record, values, original):
        # Values cached in this transaction are read without access checks:
        # check first, so that a conflict never shows an unreadable value.
        self._check_readable(record)
        return find_conflicts(record, values, original, self._resolve)

    def _check_readable(self, record):
        """Raises AccessError unless the user may read ``record``. The record
        rules are applied once per model and batch, in one search over the
        records the batch targets; others are checked one by one."""
        readable = self.readable_ids.get(record._name)
        if readable is None and not self.applied_any:
            # nothing changed since the batch started: what it found holds
            readable = self.readable_ids.get(record._name, self.readable_at_start.get(record._name))
            if readable is not None:
                self.readable_ids[record._name] = readable
        if readable is None:
            readable = self.readable_ids[record._name] = set()
            targets = self.initially_existing_ids.get(record._name)
            if targets and record.browse().has_access("read"):
                readable.update(record.with_context(active_test=False).search([("id", "in", list(targets))]).ids)
        if record.id not in readable:
            record.check_access("read")

    def _model(self, name):
        if model := self.models.get(name):
            return model
        if name not in self.env.registry or self.env[name]._abstract:
            raise ChangeRejected(BAD_REQUEST, self.env._("Unknown model %(model)s.", model=name))
        model = self.env[name]
        if model._transient:
            raise ChangeRejected(UNSUPPORTED, self.env._(
                "%(model)s holds wizard data, which cannot be changed offline.", model=name))
        self.models[name] = model
        return model

    def _target_id(self, change):
        uuid = virtual_uuid(change.res_id)
        return self._resolve(change.model, uuid) if uuid else change.res_id

    def _exists(self, record):
        return record.id in self.existing_ids[record._name] or bool(record.exists())

    def _resolve(self, model_name, uuid):
        """The id of the record this user's create change ``uuid`` made."""
        reference = VIRTUAL_PREFIX + uuid
        entry = self.entries.get(uuid)
        if entry is None:
            raise ChangeRejected(DEPENDENCY_FAILED, self.env._(
                "%(reference)s names a creation the server never received.", reference=reference))
        if entry.operation != CREATE or entry.model != model_name:
            raise ChangeRejected(BAD_REQUEST, self.env._(
                "%(reference)s does not name the creation of a %(model)s record.",
                reference=reference, model=model_name))
        if entry.outcome.status != APPLIED:
            raise ChangeRejected(DEPENDENCY_FAILED, self.env._(
                "This change depends on the creation %(reference)s, which was not applied.",
                reference=reference))
        return entry.outcome.res_id

    def _known_res_id(self, change):
        """The record id a rejected change aimed at, when it is known."""
        if change is None or change.operation == CREATE:
            return None
        if is_record_id(change.res_id):
            return change.res_id
        entry = self.entries.get(virtual_uuid(change.res_id))
        return entry.outcome.res_id if entry else None

    # -- applying ----------------------------------------------------------

    def _apply(self, operation):
        """Runs ``operation``, which changes the database."""
        self.applied_any = True
        if not self.isolated:
            try:
                return operation()
            except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
                raise
            except Exception as error:
                raise IsolationNeeded() from error

        def in_savepoint():
            with self.env.cr.savepoint():
                result = operation()
                # constraint errors must surface inside this change's savepoint
                self.env.flush_all()
            return result
        return self._guard(in_savepoint)

    def _guard(self, operation):
        """Runs ``operation``, turning what it raises into a rejection of the change."""
        return guarded(self.env, operation)

    def _record_if_possible(self, entry_and_row):
        """Records a change refused because its ledger row was: without its
        values, which may be what the database refused."""
        _entry, row = entry_and_row
        row.update(values=None, original=None, conflicts=None)
        try:
            with self.env.cr.savepoint():
                self._record(entry_and_row)
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            raise
        except Exception:  # noqa: BLE001 - whatever the database refused, the answer stands without its row
            _logger.warning("offline sync: change %r of user %s answered without a ledger entry",
                            row.get("uuid"), self.env.uid)

