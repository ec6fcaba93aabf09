"""Measures starting the web client, side by side in one run, in headless Chromium
against real Odoo servers:

  online   reloading a contact's form online, on a database with offline_mode and
           on one without it (same modules otherwise): ratio with / without
           (target: close to 1 — online stays as fast as stock)
  offline  reloading the same form offline (the service worker serves the kept
           shell, the read cache the record) against reloading it online: ratio
           offline / online (target: at most 1)

Each figure is the time from the reload command to the form showing the record's
name, the median of --rounds reloads. It creates its two databases (about two
minutes), starts a server on each, and removes them at the end.

    .venv/bin/python bench/bench_offline_start.py [--rounds 7]
"""
import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.support.browser import Browser  # noqa: E402
from tests.support.jsonrpc import WebSession  # noqa: E402
from tests.support.odoo_server import OdooServer, create_database, drop_database  # noqa: E402

MODULES = ["contacts", "crm"]
SHOWN = ("document.querySelector('.o_form_view .o_field_widget[name=name] :is(input, textarea)')?.value === {}")


def _reload_time(tab, partner_name):
    start = time.monotonic()
    tab.send("Page.reload")
    time.sleep(0.05)  # the old page is gone before the new one is awaited
    tab.wait_for_js(SHOWN.format(json.dumps(partner_name)), timeout=60)
    return time.monotonic() - start


def _measure(server, rounds, offline_too):
    admin = WebSession(server, "admin", "admin")
    partner_name = "Offline start bench"
    partner = admin.call_kw("res.partner", "create", [{"name": partner_name}])
    browser = Browser()
    try:
        tab = browser.new_tab(cookies=admin.http.cookies.get_dict())
        tab.goto(f"{server.url}/odoo/action-contacts.action_contacts/{partner}", timeout=300)
        tab.wait_for_js(SHOWN.format(json.dumps(partner_name)), timeout=60)
        time.sleep(3)  # the worker keeps the shell, the read cache its answers
        _reload_time(tab, partner_name)  # warm: worker controls the page, bundles in the HTTP cache
        online, offline = [], []
        for _ in range(rounds):
            online.append(_reload_time(tab, partner_name))
            if offline_too:
                browser.set_offline(True)
                offline.append(_reload_time(tab, partner_name))
                browser.set_offline(False)
                time.sleep(1)
        return statistics.median(online), (statistics.median(offline) if offline else None)
    finally:
        browser.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    log_dir = tempfile.mkdtemp(prefix="offline_mode_bench_")
    with_db, without_db = f"offline_mode_bench_{os.getpid()}", f"offline_mode_bench_stock_{os.getpid()}"
    servers = []
    try:
        with open(os.path.join(log_dir, "install.log"), "wb") as log:
            create_database(with_db, ["offline_mode", *MODULES], log)
            create_database(without_db, MODULES, log)
        for database in (with_db, without_db):
            servers.append(OdooServer(database, os.path.join(log_dir, f"{database}.log")).start())
        with_online, offline = _measure(servers[0], args.rounds, offline_too=True)
        without_online, _ = _measure(servers[1], args.rounds, offline_too=False)
    finally:
        for server in servers:
            server.stop()
        for database in (with_db, without_db):
            drop_database(database)
    print(f"Form reload online, with offline_mode:    {with_online * 1000:7.0f} ms (median of {args.rounds})")
    print(f"Form reload online, without offline_mode: {without_online * 1000:7.0f} ms")
    print(f"  with / without: {with_online / without_online:.2f} (target: close to 1)")
    print(f"Form reload offline (kept shell + read cache): {offline * 1000:7.0f} ms")
    print(f"  offline / online: {offline / with_online:.2f} (target: at most 1)")


if __name__ == "__main__":
    main()
