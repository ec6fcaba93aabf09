"""Fixtures for the suites that span the system: a real database, a real Odoo
server on loopback, logged-in web sessions; and a place to report figures."""
import os
import tempfile
import time
import uuid

import pytest

from support.browser import Browser
from support.jsonrpc import WebSession
from support.odoo_server import OdooServer, create_database, drop_database, sql

# auth_oauth: users who sign in without a password (an identity provider on loopback).
MODULES = ["offline_mode", "contacts", "crm", "auth_oauth"]
_figures = []


def pytest_terminal_summary(terminalreporter):
    if _figures:
        terminalreporter.section("figures")
        for line in _figures:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def report():
    """report("Fuzz: 1000 payloads, 0 HTTP 500") prints the line in the run's summary."""
    return _figures.append


@pytest.fixture(scope="session")
def log_dir():
    return tempfile.mkdtemp(prefix="offline_mode_proof_")


@pytest.fixture(scope="session")
def database(log_dir):
    name = f"offline_mode_proof_{os.getpid()}"
    with open(os.path.join(log_dir, "install.log"), "wb") as log:
        create_database(name, MODULES, log)
    yield name
    drop_database(name)


@pytest.fixture(scope="session")
def server(database, log_dir):
    odoo = OdooServer(database, os.path.join(log_dir, "server.log")).start()
    yield odoo
    odoo.stop()


@pytest.fixture(scope="session")
def admin(server):
    return WebSession(server, "admin", "admin")


@pytest.fixture(scope="session")
def make_user(admin):
    """Create an internal user (a CRM salesman unless groups are given) and log in as them."""
    def make(groups=("sales_team.group_sale_salesman",), server=None):
        login = f"user-{uuid.uuid4().hex[:10]}"
        group_ids = [admin.call_kw("ir.model.data", "check_object_reference", group.split("."))[1]
                     for group in ("base.group_user", *groups)]
        admin.call_kw("res.users", "create", [{
            "name": login, "login": login, "password": login,
            "groups_id": [(6, 0, group_ids)],
        }])
        return WebSession(server or admin.server, login, login)
    return make


@pytest.fixture(scope="session")
def db_rows(database):
    """db_rows(query, params) runs SQL on the test database, for invariant checks."""
    return lambda query, params=None: sql(database, query, params)


@pytest.fixture
def browser():
    """A headless Chromium of the test's own, its profile deleted afterwards."""
    chromium = Browser()
    yield chromium
    chromium.close()


@pytest.fixture(scope="session")
def wait_for_rows(db_rows):
    """wait_for_rows(query, params, expected) waits until the query answers `expected`
    (a sync the web client runs by itself), failing with what the database holds."""
    def wait(query, params, expected, timeout=60):
        deadline = time.monotonic() + timeout
        while (rows := db_rows(query, params)) != expected:
            assert time.monotonic() < deadline, f"database still holds {rows}, expected {expected}"
            time.sleep(0.5)
    return wait
