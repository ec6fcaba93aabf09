"""Times the outbox with 1,000 changes made offline, in headless Chromium against
one Odoo server, each step next to a baseline measured in the same run:

  enqueue   1,000 edits queued one by one through the outbox (merge check,
            IndexedDB transaction, reactive copy)   vs   1,000 bare IndexedDB puts
  drain     the sync client sending them after reconnect vs   the same 1,000
            changes posted to /offline_mode/sync straight from Python

  dropdown  opened with 100, 1,000 and 10,000 changes queued (first rows painted)

and prints the timings and the ratios against their targets: enqueue at most
1.5x the bare puts, the drain at most 1.2x the bare route, the dropdown under
100 ms with 10,000 changes. It creates its own database and server (see
bench_sync.py) and removes them at the end.

    .venv/bin/python bench/bench_outbox.py [--rounds 3] [--template DB]
"""
import argparse
import json
import os
import statistics
import sys
import time
import uuid
from pathlib import Path
from unittest.mock import patch

import requests

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.bench_sync import LOGIN, PASSWORD, prepare_database, start_server, stop_server  # noqa: E402
from tests.support.browser import SERVICES, Browser  # noqa: E402
from tests.support.jsonrpc import WebSession  # noqa: E402
from tests.support.odoo_server import drop_database  # noqa: E402

CHANGES = 1000
SMALL = 100
LONG_QUEUE = 10000
STEP_TIMEOUT = 300


def run_in_page(tab, script):
    """Runs `script` (the body of an async function returning a number) in the
    page, without holding the DevTools connection, and returns its result."""
    tab.evaluate(f"window.benchResult = undefined; (async () => {{ {script} }})()"
                 ".then((value) => (window.benchResult = {value}), (error) => (window.benchResult = {error: String(error)}))",
                 await_promise=False)
    tab.wait_for_js("window.benchResult !== undefined", timeout=STEP_TIMEOUT)
    result = tab.evaluate("window.benchResult")
    if "error" in result:
        raise RuntimeError(result["error"])
    return result["value"]


def job(label, n):
    """The job position the benchmark writes on the n-th partner (False: none yet)."""
    return f"{label} {n}" if label else False


def enqueue(tab, partner_ids, offset, label, previous):
    """Queues one edit per partner as the form view does, with the value the
    server has as original (so the conflict check passes); milliseconds."""
    edits = [{"resId": partner_id, "value": job(label, n), "original": job(previous, n)}
             for n, partner_id in enumerate(partner_ids, start=offset)]
    return run_in_page(tab, f"""
        const outbox = {SERVICES}.offline_outbox;
        const edits = {json.dumps(edits)};
        const started = performance.now();
        for (const [n, {{ resId, value, original }}] of edits.entries()) {{
            await outbox.add({{
                model: "res.partner", operation: "write", resId,
                values: {{ function: value }}, original: {{ function: original }},
                fields: {{ function: {{ type: "char", string: "Job Position" }} }},
                recordName: `Bench partner ${{n}}`, actionName: "Customers",
            }});
        }}
        return performance.now() - started;""")


def bare_puts(tab, count):
    """The floor: `count` IndexedDB transactions of one put each, in a database of their own,
    as durable as the outbox's (strict: on disk when complete)."""
    return run_in_page(tab, f"""
        const name = "offline_mode_bench_" + Date.now();
        const db = await new Promise((resolve, reject) => {{
            const request = indexedDB.open(name, 1);
            request.onupgradeneeded = () => request.result.createObjectStore("changes", {{ keyPath: "uuid" }});
            request.onsuccess = () => resolve(request.result);
            request.onerror = () => reject(request.error);
        }});
        const started = performance.now();
        for (let n = 0; n < {count}; n++) {{
            await new Promise((resolve, reject) => {{
                const transaction = db.transaction(["changes"], "readwrite", {{ durability: "strict" }});
                transaction.objectStore("changes").put({{
                    uuid: String(n), model: "res.partner", operation: "write", resId: n,
                    values: {{ function: "x" }}, original: {{ function: false }}, recordName: "Bench partner",
                }});
                transaction.oncomplete = resolve;
                transaction.onerror = () => reject(transaction.error);
            }});
        }}
        const elapsed = performance.now() - started;
        db.close();
        indexedDB.deleteDatabase(name);
        return elapsed;""")


def render_dropdown(tab):
    """Opens the offline mode dropdown and waits until its first rows are painted; milliseconds.
    Closes it after."""
    elapsed = run_in_page(tab, """
        const started = performance.now();
        document.querySelector(".o_offline_mode_systray_toggler").click();
        while (!document.querySelector(".o_offline_mode_change")) {
            await new Promise((resolve) => requestAnimationFrame(resolve));
        }
        await new Promise((resolve) => requestAnimationFrame(resolve));  // painted
        return performance.now() - started;""")
    tab.evaluate('document.querySelector(".o_offline_mode_systray_toggler").click()')
    tab.gone(".o_offline_mode_changes")
    return elapsed


def queue_many(tab, count):
    """Queues `count` edits in batches (not timed), to open the dropdown on a long queue."""
    run_in_page(tab, f"""
        const outbox = {SERVICES}.offline_outbox;
        for (let start = 0; start < {count}; start += 1000) {{
            await outbox.addAll(Array.from({{ length: Math.min(1000, {count} - start) }}, (_, n) => ({{
                model: "res.partner", operation: "write", resId: 1000000 + start + n,
                values: {{ function: "many" }}, original: {{ function: false }},
                fields: {{ function: {{ type: "char", string: "Job Position" }} }},
                recordName: `Queued partner ${{start + n}}`, actionName: "Customers",
            }})));
        }}
        return outbox.state.changes.length;""")


def forget_queue(tab):
    run_in_page(tab, f"await {SERVICES}.offline_outbox.deleteAll(); return 0;")


def drain(tab):
    """Restores the network and waits for the outbox to be empty; milliseconds."""
    tab.evaluate("window.benchDrainStarted = performance.now()")
    tab.set_offline(False)
    return run_in_page(tab, f"""
        const outbox = {SERVICES}.offline_outbox;
        while (outbox.state.changes.length) {{
            await new Promise((resolve) => setTimeout(resolve, 20));
        }}
        return performance.now() - window.benchDrainStarted;""")


def direct_sync(client, partner_ids, label, previous):
    """The same kind of changes posted straight to the route, in batches of 500; milliseconds."""
    changes = [{
        "uuid": uuid.uuid4().hex, "model": "res.partner", "operation": "write", "res_id": partner_id,
        "values": {"function": job(label, n)}, "original": {"function": job(previous, n)},
        "made_at": "2024-05-02 09:30:00", "force": False,
    } for n, partner_id in enumerate(partner_ids)]
    started = time.perf_counter()
    for start in range(0, len(changes), 500):
        results = client.sync(changes[start:start + 500], client_id="bench")["results"]
        if {result["status"] for result in results} != {"applied"}:
            raise RuntimeError(f"the direct sync did not apply everything: {results[:3]}")
    return (time.perf_counter() - started) * 1000


def patiently(start):
    """Runs `start` (the test suite's browser) giving its first answer time to
    come: a loaded machine answers slowly."""
    get = requests.get
    with patch.object(requests, "get", lambda url, timeout: get(url, timeout=STEP_TIMEOUT)):
        return start()


def go_offline(tab):
    tab.set_offline(True)
    tab.wait_for_js(f"!{SERVICES}.offline_connectivity.status.isOnline", timeout=STEP_TIMEOUT)


def one_round(tab, client, partner_ids, label, previous):
    """Queues, lists and drains one edit per partner; the partners' job
    positions go from `previous` to `label`, then to `label direct`."""
    small = min(SMALL, len(partner_ids) // 2)
    go_offline(tab)
    timings = {"enqueue": enqueue(tab, partner_ids[:small], 0, label, previous)}
    timings["render_small"] = render_dropdown(tab)
    timings["enqueue"] += enqueue(tab, partner_ids[small:], small, label, previous)
    timings["render"] = render_dropdown(tab)
    timings["drain"] = drain(tab)
    go_offline(tab)
    queue_many(tab, LONG_QUEUE)
    timings["render_long"] = render_dropdown(tab)
    forget_queue(tab)
    tab.set_offline(False)
    timings["bare_puts"] = bare_puts(tab, len(partner_ids))
    timings["direct_sync"] = direct_sync(client, partner_ids, f"{label} direct", label)
    return timings


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="rounds; medians are compared")
    parser.add_argument("--template", help="copy this database (with offline_mode installed) instead of installing")
    args = parser.parse_args()

    database = f"offline_mode_bench_{os.getpid()}"
    server = browser = None
    succeeded = False
    try:
        prepare_database(database, args.template)
        server = start_server(database)
        client = WebSession(server, LOGIN, PASSWORD, timeout=STEP_TIMEOUT)
        created = client.call_kw("res.partner", "create", [[{"name": f"Bench partner {n}"} for n in range(CHANGES + 2 * SMALL)]])
        partner_ids, warm_up_ids = created[:CHANGES], created[CHANGES:]
        browser = patiently(Browser)
        tab = browser.new_tab(cookies={"session_id": client.http.cookies["session_id"]})
        # The first visit of a new database builds the asset bundles: allow for it.
        tab.send("Page.navigate", url=f"{server.url}/odoo")
        tab.wait_for_js("odoo.isReady", timeout=STEP_TIMEOUT)

        # warm-up: the services, the routes and IndexedDB on both sides
        one_round(tab, client, warm_up_ids, "warm-up", None)
        previous = None
        timings = []
        for round_number in range(args.rounds):
            label = f"round {round_number}"
            timings.append(one_round(tab, client, partner_ids, label, previous))
            previous = f"{label} direct"
            print(f"round {round_number + 1}/{args.rounds}: " + ", ".join(
                f"{name} {value:.0f} ms" for name, value in timings[-1].items()), flush=True)
        succeeded = True
    finally:
        if browser:
            browser.close()
        if server:
            stop_server(server, keep_log=not succeeded)
        drop_database(database)

    median = {name: statistics.median(round_[name] for round_ in timings) for name in timings[0]}
    per_change = median["enqueue"] / CHANGES
    enqueue_ratio = median["enqueue"] / median["bare_puts"]
    drain_ratio = median["drain"] / median["direct_sync"]

    def verdict(value, target):
        return "met" if value <= target else "MISSED"

    print()
    print(f"{CHANGES} edits queued offline, median of {args.rounds} rounds:")
    print(f"  enqueue, one outbox.add per edit:   {median['enqueue']:8.0f} ms  ({per_change:.2f} ms a change)")
    print(f"  bare IndexedDB puts, one per edit:  {median['bare_puts']:8.0f} ms")
    print(f"  dropdown with {SMALL} changes:         {median['render_small']:8.0f} ms")
    print(f"  dropdown with {CHANGES} changes:        {median['render']:8.0f} ms")
    print(f"  dropdown with {LONG_QUEUE} changes:       {median['render_long']:8.0f} ms   "
          f"(target < 100 ms: {verdict(median['render_long'], 100)})")
    print(f"  drain after reconnect:              {median['drain']:8.0f} ms")
    print(f"  same changes posted from Python:    {median['direct_sync']:8.0f} ms")
    print(f"  enqueue / bare puts = {enqueue_ratio:5.2f}x   (target <= 1.5x: {verdict(enqueue_ratio, 1.5)})")
    print(f"  drain / direct sync = {drain_ratio:5.2f}x   (target <= 1.2x: {verdict(drain_ratio, 1.2)})")
    print(json.dumps({"median_ms": median, "enqueue_over_bare_puts": enqueue_ratio,
                      "drain_over_direct_sync": drain_ratio}))


if __name__ == "__main__":
    main()
