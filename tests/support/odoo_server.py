"""A real Odoo server in a child process, for the suites that span the system.

The Odoo tree is the one the virtualenv imports (setup points it there), the
addons path adds this repository, and every server listens on loopback only.
"""
import getpass
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
import requests

import odoo

REPO_DIR = Path(__file__).resolve().parents[2]
ODOO_DIR = Path(odoo.__file__).resolve().parents[1]
DB_USER = os.environ.get("DB_USER") or getpass.getuser()
START_TIMEOUT = 120


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _odoo_args(database, *extra):
    return [
        sys.executable, str(ODOO_DIR / "odoo-bin"),
        f"--addons-path={ODOO_DIR / 'addons'},{ODOO_DIR / 'odoo' / 'addons'},{REPO_DIR}",
        f"--db_user={DB_USER}", "-d", database, f"--db-filter=^{database}$",
        "--max-cron-threads=0", *extra,
    ]


def sql(database, query, params=None):
    """Run one query on the database and return all rows (for invariant checks)."""
    with psycopg2.connect(dbname=database, user=DB_USER) as connection, connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall() if cursor.description else None


def create_database(database, modules, log_file, demo=True):
    """Create a database with the given modules installed, with their demo data unless told not."""
    subprocess.run(
        _odoo_args(database, "-i", ",".join(modules), "--stop-after-init", "--log-level=warn",
                   *(() if demo else ("--without-demo=all",))),
        check=True, stdout=log_file, stderr=subprocess.STDOUT, timeout=900,
    )


def copy_database(template, database):
    """A copy of the database `template` and its files: seconds, where an install takes a minute."""
    connection = psycopg2.connect(dbname="postgres", user=DB_USER)
    connection.autocommit = True  # CREATE DATABASE runs outside a transaction
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{database}" TEMPLATE "{template}"')
    finally:
        connection.close()
    filestore = Path(odoo.tools.config.filestore(template))
    if filestore.exists():
        shutil.copytree(filestore, filestore.parent / database)


def drop_database(database):
    connection = psycopg2.connect(dbname="postgres", user=DB_USER)
    connection.autocommit = True  # DROP DATABASE runs outside a transaction
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    finally:
        connection.close()
    shutil.rmtree(odoo.tools.config.filestore(database), ignore_errors=True)


class OdooServer:
    """Start, stop and kill an Odoo HTTP server on a free loopback port."""

    def __init__(self, database, log_path, workers=0):
        self.database = database
        self.log_path = log_path
        self.workers = workers
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None

    def start(self):
        log = open(self.log_path, "ab")  # noqa: SIM115 - the server writes to it for as long as it runs
        self.process = subprocess.Popen(
            _odoo_args(self.database, f"--http-port={self.port}", "--http-interface=127.0.0.1",
                       f"--workers={self.workers}", "--log-level=warn"),
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        try:
            self._wait_until_answering()
        except Exception:
            self.stop()  # never leave a half-started server behind
            raise
        return self

    def _wait_until_answering(self):
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Odoo exited with {self.process.returncode}; see {self.log_path}")
            try:
                if requests.get(self.url + "/web/health", timeout=10).status_code == 200:
                    return
            except (requests.ConnectionError, requests.Timeout):
                pass  # not listening yet, or still loading the registry
            time.sleep(0.3)
        raise RuntimeError(f"Odoo did not answer within {START_TIMEOUT}s; see {self.log_path}")

    def kill(self):
        """SIGKILL the whole process group, as a crash or an OOM killer would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
