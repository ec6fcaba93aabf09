"""One bad change never stalls the queue: the server answers each change on
its own, and the web client isolates what the server refuses as a whole."""
import json
import math
import os
import time
import uuid

import pytest

from support.browser import SERVICES

# Just past the server's limit for a whole request (sync/change.py MAX_REQUEST_BYTES).
TOO_LARGE = 10 * 1024 * 1024 + 1


@pytest.fixture
def poisoned_rows(db_rows):
    """Triggers that make PostgreSQL refuse chosen rows: a partner whose job
    position is "Poison", and a ledger row whose uuid starts with "unrecordable"."""
    db_rows("""
        CREATE FUNCTION offline_mode_test_poison() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION 'poisoned row'; END $$ LANGUAGE plpgsql;
        CREATE TRIGGER offline_mode_test_poison BEFORE INSERT OR UPDATE ON res_partner
            FOR EACH ROW WHEN (NEW.function = 'Poison') EXECUTE FUNCTION offline_mode_test_poison();
        CREATE TRIGGER offline_mode_test_poison BEFORE INSERT OR UPDATE ON offline_change
            FOR EACH ROW WHEN (NEW.uuid LIKE 'unrecordable%%') EXECUTE FUNCTION offline_mode_test_poison();
    """)
    yield
    db_rows("""
        DROP TRIGGER offline_mode_test_poison ON res_partner;
        DROP TRIGGER offline_mode_test_poison ON offline_change;
        DROP FUNCTION offline_mode_test_poison();
    """)


def test_batch_mixing_valid_and_poisoned_changes_applies_the_valid_ones(
        make_user, admin, db_rows, poisoned_rows, report):
    user = make_user()
    marker = uuid.uuid4().hex[:8]
    partner = admin.call_kw("res.partner", "create", [{"name": f"Isolation {marker}"}])

    def write(values, change_uuid=None, res_id=partner):
        return {"uuid": change_uuid or f"{marker}-{uuid.uuid4().hex[:8]}", "model": "res.partner",
                "operation": "write", "res_id": res_id, "values": values}

    valid = [write({"phone": f"+32 2 000 00 0{n}"}) for n in range(3)] + [
        {"uuid": f"{marker}-create", "model": "res.partner", "operation": "create", "values": {"name": f"New {marker}"}}]
    poisoned = {
        "id past the integer range": write({"function": "X"}, res_id=2**31),
        "id past a bigint": write({"function": "X"}, res_id=9223372036854775808),
        "many2one past the range": write({"parent_id": 2**31}),
        "integer field past the range": write({"color": 2**40}),
        "text that is not Unicode": write({"function": "bad\ud800"}),
        "database error while applying": write({"function": "Poison"}),
        "ledger row refused": write({"function": "Never applied"}, change_uuid=f"unrecordable-{marker}"),
        "uuid that is not a text": {**write({"function": "X"}), "uuid": 12},
        "uuid that is not Unicode": {**write({"function": "X"}), "uuid": f"{marker}-\udfff"},
    }
    changes = [valid[0], *poisoned.values(), *valid[1:]]
    results = user.sync(changes)["results"]

    echoed = [json.dumps(c["uuid"]) if isinstance(c["uuid"], int) else c["uuid"].replace("\udfff", "\\udfff")
              for c in changes]
    assert [r["uuid"] for r in results] == echoed
    assert [r["status"] for r in results] == ["applied"] + ["rejected"] * len(poisoned) + ["applied"] * 3
    assert db_rows("SELECT function, phone FROM res_partner WHERE id = %s", [partner]) == [(None, "+32 2 000 00 02")]
    assert db_rows("SELECT count(*) FROM res_partner WHERE name = %s", [f"New {marker}"]) == [(1,)]
    assert db_rows("SELECT count(*) FROM offline_change WHERE uuid = %s", [f"unrecordable-{marker}"]) == [(0,)]
    report(f"Isolation: one batch of {len(changes)} changes with {len(poisoned)} kinds of poisoned change "
           f"({', '.join(poisoned)}): the {len(valid)} valid ones applied, each bad one rejected with its uuid")



def test_queue_with_a_change_the_server_always_refuses_drains_the_others(
        server, admin, browser, db_rows, log_dir, report):
    marker = uuid.uuid4().hex[:8]
    partners = admin.call_kw("res.partner", "create", [[{"name": f"Drain {marker} {n}"} for n in range(51)]])
    tab = browser.new_tab(cookies=admin.http.cookies.get_dict())
    tab.goto(f"{server.url}/odoo/action-contacts.action_contacts")
    tab.wait_for(".o_kanban_record")
    browser.set_offline(True)
    tab.wait_for(".o_offline_mode_systray", text="Working offline", timeout=10)

    # Offline, 50 edits and, in the middle, one the server refuses whole: too large a request.
    refused_at = 30
    descriptions = [{
        "model": "res.partner", "operation": "write", "resId": partner, "recordName": f"Drain {marker} {n}",
        "values": {"comment": "x" * TOO_LARGE} if n == refused_at else {"function": f"Drained {marker}"},
        "original": {}, "fields": {"comment": {"type": "html", "string": "Notes"},
                                   "function": {"type": "char", "string": "Job Position"}},
    } for n, partner in enumerate(partners)]
    tab.evaluate(f"{SERVICES}.offline_outbox.addAll({json.dumps(descriptions)}).then(() => true)")
    tab.evaluate("performance.clearResourceTimings(); performance.setResourceTimingBufferSize(1000)")

    started = time.monotonic()
    browser.set_offline(False)
    tab.wait_for(".o_offline_mode_systray", text="Sync issues", timeout=120)
    elapsed = time.monotonic() - started
    requests = tab.evaluate(
        "performance.getEntriesByType('resource').filter(e => e.name.endsWith('/offline_mode/sync')).length")
    left = tab.evaluate(f"{SERVICES}.offline_outbox.state.changes.map(c => [c.resId, c.status])")
    assert left == [[partners[refused_at], "rejected"]]
    drained = db_rows("SELECT count(*) FROM res_partner WHERE id = ANY(%s) AND function = %s",
                      [partners, f"Drained {marker}"])[0][0]
    assert drained == 50
    assert requests <= 2 * math.ceil(math.log2(51)) + 1, f"{requests} requests to isolate one change of 51"

    tab.click(".o_offline_mode_systray_toggler")
    tab.wait_for(".o_offline_mode_change_issue", text="This change is too large to be synced")
    tab.wait_for(".o_offline_mode_change_issue .o_offline_mode_download")
    tab.screenshot(os.path.join(log_dir, "sync_issue_isolated.png"))
    report(f"Isolation (browser): 51 queued changes, 1 refused whole by the server: 50 drained and 1 sync issue "
           f"in {requests} requests ({elapsed:.1f}s)")
