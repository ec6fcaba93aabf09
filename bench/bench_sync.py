"""Times 1,000 partner writes three ways against one Odoo server, side by side:

  sync      through /offline_mode/sync, in batches of 500 (what the outbox does)
  web_save  as 1,000 separate web_save JSON-RPC calls (what the form view does online)
  orm       directly in the ORM, in one transaction, as the same user

and prints the timings and the ratios (targets: sync at least 10x faster than
web_save, at most 2x slower than the ORM). It creates its own database
(installing offline_mode, or copying --template), starts its own server on a
free port, and removes both at the end (the server log is kept on failure).

    .venv/bin/python bench/bench_sync.py [--rounds 3] [--template DB]
"""
import argparse
import getpass
import itertools
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
WRITES = 1000
WARM_UP_WRITES = 100
BATCH = 500
LOGIN = PASSWORD = "admin"
SERVER_START_TIMEOUT = 120
REQUEST_TIMEOUT = 300
# Odoo refuses the role "postgres"; as in scripts/common.sh, the OS user's own role is used.
DB_USER = os.environ.get("DB_USER") or getpass.getuser()


def odoo_root():
    if os.environ.get("ODOO_PATH"):
        return Path(os.environ["ODOO_PATH"])
    recorded = Path(os.environ.get("XDG_CONFIG_HOME", Path.home() / ".config")) / "offline_mode" / "odoo_path"
    if recorded.exists():
        return Path(recorded.read_text().strip())
    import odoo  # noqa: PLC0415
    return Path(odoo.__file__).resolve().parent.parent


def odoo_command(root, database, *args):
    return [
        sys.executable, str(root / "odoo-bin"),
        f"--addons-path={root / 'addons'},{root / 'odoo' / 'addons'},{REPO}",
        f"--db_user={DB_USER}", "-d", database, *args,
    ]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """An Odoo server of our own on a free port; stopped by ``stop()``."""

    def __init__(self, root, database):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(Path(f"/tmp/offline_mode_bench_{os.getpid()}.log"), "w")
        self.process = subprocess.Popen(
            odoo_command(root, database, f"--http-port={self.port}", f"--db-filter=^{database}$",
                         "--workers=0", "--max-cron-threads=0", "--log-level=warn"),
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.stop(keep_log=True)
                raise RuntimeError("the Odoo server stopped at start")
            try:
                if requests.get(f"{self.url}/web/health", timeout=10).ok:
                    return
            except requests.RequestException:
                pass  # not listening yet, or too busy starting to answer
            time.sleep(0.5)
        self.stop(keep_log=True)
        raise RuntimeError(f"the Odoo server did not answer within {SERVER_START_TIMEOUT}s")

    def stop(self, keep_log):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        self.log.close()
        if keep_log:
            print(f"server log: {self.log.name}", file=sys.stderr)
        else:
            os.unlink(self.log.name)


class Client:
    """A logged-in JSON-RPC client (one keep-alive connection)."""

    def __init__(self, url, database):
        self.url = url
        self.http = requests.Session()
        self.ids = itertools.count(1)
        self.call("/web/session/authenticate", db=database, login=LOGIN, password=PASSWORD)

    def call(self, route, **params):
        response = self.http.post(
            self.url + route, timeout=REQUEST_TIMEOUT,
            json={"jsonrpc": "2.0", "method": "call", "id": next(self.ids), "params": params})
        response.raise_for_status()
        body = response.json()
        if "error" in body:
            raise RuntimeError(f"{route}: {body['error']['message']}")
        return body["result"]

    def call_kw(self, model, method, args, **kwargs):
        return self.call(f"/web/dataset/call_kw/{model}/{method}",
                         model=model, method=method, args=args, kwargs=kwargs)


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
        results = client.call("/offline_mode/sync", client_id="bench", changes=changes[start:start + BATCH])["results"]
        statuses = {result["status"] for result in results}
        if statuses != {"applied"}:
            raise RuntimeError(f"sync did not apply everything: {results[:3]}")
    return time.perf_counter() - started, {change["res_id"]: change["values"] for change in changes}


def time_web_save(client, partner_ids, label):
    writes = writes_for(partner_ids, label)
    started = time.perf_counter()
    for partner_id, values in writes:
        client.call_kw("res.partner", "web_save", [[partner_id], values], specification={})
    return time.perf_counter() - started, dict(writes)


def time_orm(database, partner_ids, label):
    """The same writes in this process, in one transaction, as the same user."""
    from odoo import api  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415

    registry = Registry(database)
    writes = writes_for(partner_ids, label)
    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        uid = env["res.users"].search([("login", "=", LOGIN)]).id
        partners = api.Environment(cr, uid, {})["res.partner"].browse(partner_ids)
        started = time.perf_counter()
        for partner, (_, values) in zip(partners, writes):
            partner.write(values)
        env.flush_all()
        cr.commit()
        elapsed = time.perf_counter() - started
    return elapsed, dict(writes)


def create_database(root, database, template):
    if template:
        subprocess.run(["createdb", "-T", template, database], check=True)
        filestore = Path.home() / ".local/share/Odoo/filestore"
        if (filestore / template).exists():
            shutil.copytree(filestore / template, filestore / database)
        return
    print(f"installing offline_mode into {database} (about a minute)…", flush=True)
    subprocess.run(
        odoo_command(root, database, "-i", "offline_mode", "--without-demo=all", "--stop-after-init",
                     "--max-cron-threads=0", "--http-port=0", "--log-level=warn"),
        check=True, stdout=subprocess.DEVNULL)


def drop_database(database):
    import odoo  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415

    Registry.delete(database)  # closes this process's connections to it
    odoo.sql_db.close_db(database)
    subprocess.run(["dropdb", "--if-exists", database], check=False)
    shutil.rmtree(Path.home() / ".local/share/Odoo/filestore" / database, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the three methods; medians are compared")
    parser.add_argument("--template", help="copy this database (with offline_mode installed) instead of installing")
    args = parser.parse_args()

    root = odoo_root()
    sys.path.insert(0, str(root))
    import odoo  # noqa: PLC0415
    database = f"offline_mode_bench_{os.getpid()}"
    odoo.tools.config.parse_config([
        f"--addons-path={root / 'addons'},{root / 'odoo' / 'addons'},{REPO}",
        f"--db_user={DB_USER}", "--log-level=warn",
    ])
    server = None
    succeeded = False
    try:
        create_database(root, database, args.template)
        server = Server(root, database)
        client = Client(server.url, database)
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
            server.stop(keep_log=not succeeded)
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
    print(f"  sync / ORM      = {overhead:5.2f}x   (target <= 2x:  {'met' if overhead <= 2 else 'MISSED'})")
    print(json.dumps({"median_seconds": median, "web_save_over_sync": speedup, "sync_over_orm": overhead}))


if __name__ == "__main__":
    main()
