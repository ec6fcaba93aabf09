"""Many users syncing at once against two multi-process servers (each --workers 2)
on one database, as behind a load balancer: batches spread over both, and some
sent to both at once (a retry that reached the other server)."""
import json
import os
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from support.jsonrpc import RpcError, WebSession
from support.odoo_server import OdooServer

CLIENTS = 20
CHANGES_PER_CLIENT = 200
SHARED_WRITES_PER_CLIENT = 20   # on leads every client edits: the source of conflicts
BATCH = 50
SHARED_LEADS = 5
SENT_TO_BOTH_EVERY = 3  # every third batch goes to both servers at once


@pytest.fixture(scope="module")
def production_servers(database, log_dir):
    servers = []
    try:
        for n in range(2):
            servers.append(OdooServer(database, os.path.join(log_dir, f"workers-{n}.log"), workers=2).start())
        yield servers
    finally:
        for server in servers:
            server.stop()


def _send(session, changes):
    """Send a batch until answered; a concurrency retry exhausted server-side is retried here."""
    for _ in range(30):
        try:
            return session.sync(changes)["results"]
        except (requests.ConnectionError, requests.Timeout, RpcError):
            time.sleep(0.5)
    raise AssertionError("batch never answered")


def _on_server(session, server):
    """The same logged-in session, reaching ``server`` (servers share their session store)."""
    other = WebSession(server)
    other.http.cookies.update(session.http.cookies)
    other.uid = session.uid
    return other


def test_twenty_clients_on_two_servers_lose_and_duplicate_nothing(
        production_servers, admin, make_user, db_rows, report):
    own_partners = admin.call_kw("res.partner", "create", [[
        {"name": f"load-{c}-{n}"} for c in range(CLIENTS) for n in range(CHANGES_PER_CLIENT)]])
    shared = admin.call_kw("crm.lead", "create", [[
        {"name": f"shared lead {n}", "expected_revenue": 100} for n in range(SHARED_LEADS)]])
    manager_group = ("sales_team.group_sale_manager",)
    sessions = [make_user(groups=manager_group, server=production_servers[0]) for _ in range(CLIENTS)]
    # each client has a connection to each server: batches alternate between them
    routes = [[session, _on_server(session, production_servers[1])] for session in sessions]
    run = uuid.uuid4().hex[:8]

    def client_changes(c):
        changes = []
        for n in range(CHANGES_PER_CLIENT - SHARED_WRITES_PER_CLIENT):
            changes.append({"uuid": f"{run}-{c}-{n}", "model": "res.partner", "operation": "write",
                            "res_id": own_partners[c * CHANGES_PER_CLIENT + n],
                            "values": {"function": f"role {c}-{n}"}, "original": {"function": False}})
        for n in range(SHARED_WRITES_PER_CLIENT):
            changes.append({"uuid": f"{run}-{c}-shared-{n}", "model": "crm.lead", "operation": "write",
                            "res_id": shared[n % SHARED_LEADS],
                            "values": {"expected_revenue": 1000 * (c + 1) + n},
                            "original": {"expected_revenue": 100}})
        return changes

    barrier = threading.Barrier(CLIENTS)

    def client(c):
        changes = client_changes(c)
        barrier.wait()
        results, duplicates = [], []
        for number, start in enumerate(range(0, len(changes), BATCH)):
            batch = changes[start:start + BATCH]
            if number % SENT_TO_BOTH_EVERY == 0:
                with ThreadPoolExecutor(2) as both:
                    first, second = both.map(lambda session, batch=batch: _send(session, batch), routes[c])
                results += first
                duplicates.append((first, second))
            else:
                results += _send(routes[c][number % 2], batch)
        return changes, results, duplicates

    started = time.monotonic()
    with ThreadPoolExecutor(CLIENTS) as pool:
        outcomes = list(pool.map(client, range(CLIENTS)))
    elapsed = time.monotonic() - started

    total = conflicts = sent_twice = 0
    for c, (changes, results, duplicates) in enumerate(outcomes):
        assert [r["uuid"] for r in results] == [change["uuid"] for change in changes]
        for change, result in zip(changes, results, strict=True):
            total += 1
            if change["model"] == "res.partner":
                assert result["status"] == "applied", result
            else:
                assert result["status"] in ("applied", "conflict"), result
                conflicts += result["status"] == "conflict"
        # A batch both servers answered: the same outcome from each; an applied change
        # was applied by one of them, the other answered it as a replay.
        for first, second in duplicates:
            for one, other in zip(first, second, strict=True):
                sent_twice += 1
                assert (one["status"], one["res_id"]) == (other["status"], other["res_id"]), (one, other)
                if one["status"] == "applied":
                    assert [one["replayed"], other["replayed"]].count(False) <= 1, (one, other)
        ledger = db_rows("SELECT count(*), count(DISTINCT uuid) FROM offline_change WHERE user_id = %s",
                         [sessions[c].uid])[0]
        assert ledger == (CHANGES_PER_CLIENT, CHANGES_PER_CLIENT), "a change was lost or recorded twice"

    # Every own-record write landed, once.
    landed = db_rows("SELECT count(*) FROM res_partner WHERE id = ANY(%s) AND function LIKE 'role %%'",
                     [own_partners])[0][0]
    assert landed == CLIENTS * (CHANGES_PER_CLIENT - SHARED_WRITES_PER_CLIENT)
    # On each shared lead exactly one stale write won; the database holds its value.
    for lead in shared:
        applied = db_rows(
            "SELECT values FROM offline_change WHERE res_id = %s AND model = 'crm.lead' "
            "AND status = 'applied' AND uuid LIKE %s", [lead, f"{run}-%"])
        assert len(applied) == 1, f"lead {lead}: {len(applied)} stale writes applied (a lost update)"
        value = db_rows("SELECT expected_revenue FROM crm_lead WHERE id = %s", [lead])[0][0]
        assert float(value) == float(_values(applied[0][0])["expected_revenue"])
    assert conflicts == CLIENTS * SHARED_WRITES_PER_CLIENT - SHARED_LEADS
    report(f"Load: {CLIENTS} clients x {CHANGES_PER_CLIENT} changes over two servers (--workers 2 each, one "
           f"database), {sent_twice} of them sent to both at once: {total} changes in {elapsed:.1f}s "
           f"({total / elapsed:.0f} changes/s), {conflicts} conflicts reported, 0 lost, 0 applied twice")


def _values(stored):
    return stored if isinstance(stored, dict) else json.loads(stored)
