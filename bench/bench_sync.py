"""Times 1,000 partner writes three ways against one Odoo server, side by side:

  sync      through /offline_mode/sync, in batches of 500 (what the outbox does)
  web_save  as 1,000 separate web_save JSON-RPC calls (what the form view does online)
  orm       directly in the ORM, in one transaction, as the same user

and prints the timings and the ratios (targets: sync at least 10x faster than
web_save, at most 1.1x the time of the ORM). It creates its own database
(installing offline_mode, or copying --template), starts its own server on a
free port, and removes both at the end (the server log is kept on failure).

    .venv/bin/python bench/bench_sync.py [--rounds 3] [--template DB]
"""
import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.support.jsonrpc import WebSession  # noqa: E402
from tests.support.odoo_server import (  # noqa: E402
    DB_USER,
    ODOO_DIR,
    OdooServer,
    copy_database,
    create_database,
    drop_database,
)

WRITES = 1000
WARM_UP_WRITES = 100
BATCH = 500
LOGIN = PASSWORD = "admin"


def prepare_database(database, template, modules=("offline_mode",), demo=False):
    """The benchmark's own database: a copy of `template`, or a new install."""
    if template:
        copy_database(template, database)
        return
    print(f"installing {', '.join(modules)} into {database} (about a minute)…", flush=True)
    with tempfile.TemporaryFile() as log:
        create_database(database, list(modules), log, demo=demo)


def start_server(database):
    """A server of the benchmark's own; its log is kept only if something fails (see stop_server)."""
    return OdooServer(database, f"/tmp/offline_mode_bench_{os.getpid()}.log").start()


def stop_server(server, keep_log):
    server.stop()
    if keep_log:
        print(f"server log: {server.log_path}", file=sys.stderr)
    elif os.path.exists(server.log_path):
        os.unlink(server.log_path)


def writes_for(partner_ids, label):
    return [(partner_id, {"function": f"{label} {n}", "ref": f"{label}-{n}"})
            for n, partner_id in enumerate(partner_ids)]


def time_sync(client, partner_ids, label, current):
    changes = [
        {"uuid": str(uuid.uuid4()), "model": "res.partner", "operation": "write", "res_id": partner_id,
         "values": values, "original": {name: current[partner_id][name] for name in values},
         "made_at": "2024-05-02 09:30:00"}
        for partner_id, values in writes_for(partner_ids, label)
    ]
    started = time.perf_counter()
    for start in range(0, len(changes), BATCH):
        results = client.sync(changes[start:start + BATCH], client_id="bench")["results"]
        statuses = {result["status"] for result in results}
        if statuses != {"applied"}:
            raise RuntimeError(f"sync did not apply everything: {results[:3]}")
    return time.perf_counter() - started, {change["res_id"]: change["values"] for change in changes}


def time_web_save(client, partner_ids, label):
    writes = writes_for(partner_ids, label)
    started = time.perf_counter()
    for partner_id, values in writes:
        client.call_kw("res.partner", "web_save", [[partner_id], values], {"specification": {}})
    return time.perf_counter() - started, dict(writes)


def time_orm(database, partner_ids, label):
    """The same writes in this process, in one transaction, as the same user."""
    from odoo import api
    from odoo.modules.registry import Registry

    registry = Registry(database)
    writes = writes_for(partner_ids, label)
    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        user = env["res.users"].search([("login", "=", LOGIN)])
        # the user's context (language, time zone), as a request of theirs has it
        user_env = api.Environment(cr, user.id, user.with_user(user).context_get())
        partners = user_env["res.partner"].browse(partner_ids)
        started = time.perf_counter()
        for partner, (_, values) in zip(partners, writes, strict=True):
            partner.write(values)
        env.flush_all()
        cr.commit()
        elapsed = time.perf_counter() - started
    return elapsed, dict(writes)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the three methods; medians are compared")
    parser.add_argument("--template", help="copy this database (with offline_mode installed) instead of installing")
    args = parser.parse_args()

    import odoo
    database = f"offline_mode_bench_{os.getpid()}"
    odoo.tools.config.parse_config([
        f"--addons-path={ODOO_DIR / 'addons'},{ODOO_DIR / 'odoo' / 'addons'},{REPO}",
        f"--db_user={DB_USER}", "--log-level=warn",
    ])
    server = None
    succeeded = False
    try:
        prepare_database(database, args.template)
        server = start_server(database)
        client = WebSession(server, LOGIN, PASSWORD, timeout=300)
        partner_ids = client.call_kw("res.partner", "create", [[{"name": f"Bench partner {n}"} for n in range(WRITES)]])
        current = {partner_id: {"function": False, "ref": False} for partner_id in partner_ids}

        methods = {
            "sync": lambda ids, label: time_sync(client, ids, label, current),
            "web_save": lambda ids, label: time_web_save(client, ids, label),
            "orm": lambda ids, label: time_orm(database, ids, label),
        }
        # warm-up: load the registry, the routes and the caches on both sides
        for name, method in methods.items():
            current.update(method(partner_ids[:WARM_UP_WRITES], f"warm-up {name}")[1])

        timings = {name: [] for name in methods}
        for round_number in range(args.rounds):
            for name, method in methods.items():
                elapsed, written = method(partner_ids, f"{name} {round_number}")
                current.update(written)
                timings[name].append(elapsed)
            print(f"round {round_number + 1}/{args.rounds}: " + ", ".join(
                f"{name} {values[-1]:.2f}s" for name, values in timings.items()), flush=True)
        succeeded = True
    finally:
        if server:
            stop_server(server, keep_log=not succeeded)
        from odoo.modules.registry import Registry
        Registry.delete(database)  # the ORM's connections to it, before it is dropped
        odoo.sql_db.close_db(database)
        drop_database(database)

    median = {name: statistics.median(values) for name, values in timings.items()}
    speedup = median["web_save"] / median["sync"]
    overhead = median["sync"] / median["orm"]
    print()
    print(f"{WRITES} writes of 2 fields on {WRITES} partners, median of {args.rounds} rounds:")
    print(f"  /offline_mode/sync, batches of {BATCH}: {median['sync']:7.3f} s")
    print(f"  web_save, one call per write:        {median['web_save']:7.3f} s")
    print(f"  ORM, one transaction:                {median['orm']:7.3f} s")
    print(f"  web_save / sync = {speedup:5.1f}x   (target >= 10x: {'met' if speedup >= 10 else 'MISSED'})")
    print(f"  sync / ORM      = {overhead:5.2f}x   (target <= 1.1x: {'met' if overhead <= 1.1 else 'MISSED'})")
    print(json.dumps({"median_seconds": median, "web_save_over_sync": speedup, "sync_over_orm": overhead}))


if __name__ == "__main__":
    main()
