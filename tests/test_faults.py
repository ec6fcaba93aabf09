"""Crashes and bad networks during sync: nothing lost, nothing applied twice."""
import contextlib
import os
import threading
import time
import uuid

import pytest
import requests

from support.flaky_proxy import FlakyProxy
from support.jsonrpc import WebSession
from support.odoo_server import OdooServer

BATCH = 200
MAX_ATTEMPTS = 60


@pytest.fixture
def crashable_server(database, log_dir):
    """A server of its own, so killing it leaves the other suites' server alone."""
    server = OdooServer(database, os.path.join(log_dir, "crashable.log")).start()
    yield server
    server.stop()


def _creates(marker, count=BATCH):
    return [{"uuid": f"{marker}-{n}", "model": "res.partner", "operation": "create", "res_id": None,
             "values": {"name": f"{marker}-{n}"}} for n in range(count)]


def _sync_until_answered(session, changes, pause=0.5):
    """Resend the same changes (same uuids) until the server answers, as the client does."""
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            return session.sync(changes), attempt
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(pause)
    raise AssertionError(f"no answer after {MAX_ATTEMPTS} attempts")


def _assert_each_created_once(db_rows, marker, count=BATCH):
    rows = db_rows("SELECT name, count(*) FROM res_partner WHERE name LIKE %s GROUP BY name", [f"{marker}-%"])
    assert len(rows) == count, f"{count - len(rows)} changes lost"
    assert all(n == 1 for _, n in rows), "a change was applied twice"


def test_server_killed_mid_batch_then_restarted_applies_every_change_once(
        crashable_server, make_user, db_rows, report):
    user = make_user(server=crashable_server)
    started = time.monotonic()
    user.sync(_creates(f"warmup-{uuid.uuid4().hex[:8]}"))
    batch_time = time.monotonic() - started

    marker = f"kill-{uuid.uuid4().hex[:8]}"
    changes = _creates(marker)
    rolled_back = 0
    for fraction in (0.2, 0.5, 0.8):
        sender = threading.Thread(target=lambda: _try(user.sync, changes))
        sender.start()
        time.sleep(batch_time * fraction)
        crashable_server.kill()
        sender.join()
        crashable_server.start()
        recorded = db_rows("SELECT count(*) FROM offline_change WHERE user_id = %s AND uuid LIKE %s",
                           [user.uid, f"{marker}-%"])[0][0]
        assert recorded in (0, len(changes)), f"a killed batch left {recorded} changes half-recorded"
        rolled_back += recorded == 0
    answer, _ = _sync_until_answered(user, changes)
    assert [r["status"] for r in answer["results"]] == ["applied"] * BATCH
    _assert_each_created_once(db_rows, marker)
    replayed = sum(r["replayed"] for r in answer["results"])
    report(f"Faults: server SIGKILLed 3x during a {BATCH}-change batch ({batch_time:.2f}s each; "
           f"{rolled_back} kills before its commit rolled it back whole): "
           f"{BATCH} applied exactly once, 0 lost ({replayed} answered as replays)")


def test_response_lost_after_commit_is_replayed_not_applied_again(server, make_user, db_rows, report):
    user = make_user()
    marker = f"lost-{uuid.uuid4().hex[:8]}"
    changes = _creates(marker, 100)
    user.timeout = 0.01  # the client gives up before the answer arrives; the server goes on
    _try(user.sync, changes)
    user.timeout = 120
    deadline = time.monotonic() + 60
    while db_rows("SELECT count(*) FROM offline_change WHERE user_id = %s AND uuid LIKE %s",
                  [user.uid, f"{marker}-%"])[0][0] < 100:
        assert time.monotonic() < deadline, "the first request never committed"
        time.sleep(0.2)
    answer = user.sync(changes)
    assert all(r["status"] == "applied" and r["replayed"] for r in answer["results"])
    _assert_each_created_once(db_rows, marker, 100)
    report("Faults: response lost after commit: 100 changes resent, 100 replayed, 0 applied twice")


def test_slow_flaky_network_still_drains_the_queue_exactly_once(server, make_user, db_rows, report):
    proxy = FlakyProxy(server.port)
    try:
        user = make_user()
        flaky = WebSession(server, via=proxy.url)
        flaky.http.cookies.update(user.http.cookies)
        flaky.http.headers["Connection"] = "close"
        marker = f"flaky-{uuid.uuid4().hex[:8]}"
        queue = _creates(marker, 200)
        attempts = 0
        while queue:
            answer, tries = _sync_until_answered(flaky, queue[:50], pause=0.1)
            attempts += tries
            assert all(r["status"] == "applied" for r in answer["results"])
            queue = queue[50:]
        _assert_each_created_once(db_rows, marker, 200)
        assert proxy.stats["dropped before"] and proxy.stats["lost responses"], proxy.stats
        report(f"Faults: flaky network ({proxy.stats['dropped before']} connections dropped, "
               f"{proxy.stats['lost responses']} responses lost, 50-300 ms latency): "
               f"200 changes drained in {attempts} attempts, each applied once")
    finally:
        proxy.close()


def _try(call, *args):
    with contextlib.suppress(requests.ConnectionError, requests.Timeout):
        call(*args)



def test_online_creation_whose_answer_is_lost_is_made_once(server, admin, browser, db_rows, report):
    name = f"Lost creation {uuid.uuid4().hex[:8]}"
    tab = browser.new_tab(cookies=admin.http.cookies.get_dict())
    tab.goto(f"{server.url}/odoo/action-contacts.action_contacts/new")
    tab.fill(".o_field_widget[name=name] input", name)

    # The server creates the record and commits; its answer never arrives, and
    # the connection is gone when the web client looks.
    def lose_answer(params):
        browser.set_offline(True)
        tab.send("Fetch.failRequest", requestId=params["requestId"], errorReason="ConnectionClosed")
    tab.on_event["Fetch.requestPaused"] = lose_answer
    tab.send("Fetch.enable", patterns=[{"urlPattern": "*/res.partner/web_save*", "requestStage": "Response"}])
    tab.click(".o_form_button_save")
    tab.wait_for(".o_offline_mode_systray", text="Working offline", timeout=10)
    tab.wait_for(".o_form_view .o_offline_mode_pending")
    tab.send("Fetch.disable")
    assert db_rows("SELECT count(*) FROM res_partner WHERE name = %s", [name]) == [(1,)]

    # Back online, the queued creation goes with the uuid of the lost save: a replay.
    browser.set_offline(False)
    tab.wait_for_empty_outbox(timeout=60)
    assert db_rows("SELECT count(*) FROM res_partner WHERE name = %s", [name]) == [(1,)]
    assert db_rows("SELECT status, saved_online, replay_count FROM offline_change "
                   "WHERE model = 'res.partner' AND res_id = (SELECT id FROM res_partner WHERE name = %s)",
                   [name]) == [("applied", True, 1)]
    report("Faults: online creation whose answer was lost after the commit, then queued offline: "
           "1 record, the sync answered it as a replay")
