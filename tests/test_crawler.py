"""The offline crawler: every menu entry of four apps, every view of each action, the
first record of each list or kanban and each page of its form are opened online; the
network is cut and the same places must reopen with the same content and no error;
forms reopened offline are edited (one field of each editable type), a record is
created in each app, one is archived and one deleted; back online, every change is
in the database exactly once."""
import os
import time
import uuid

import pytest

from support.crawler import Crawler
from support.jsonrpc import WebSession
from support.odoo_server import OdooServer, create_database, drop_database, sql

CRAWLED_MODULES = ["offline_mode", "contacts", "crm", "project", "sale_management"]
CRAWLED_APPS = ["crm.crm_menu_root", "contacts.menu_contacts", "project.menu_main_pm", "sale.sale_menu_root"]
# One creation per app: (menu entry, fields typed in the new record's form). Made online
# first (the model's creation form is then known to the browser), then offline.
CREATIONS = [
    ("crm.menu_crm_opportunities", {"name": "Crawled lead {token}"}),
    ("contacts.res_partner_menu_contacts", {"name": "Crawled contact {token}"}),
    ("project.menu_project_management_my_tasks", {"name": "Crawled task {token}"}),
    ("sale.menu_sale_quotations", {"partner_id": "Deco"}),
]
ARCHIVED_IN = "contacts.res_partner_menu_contacts"
DELETED_IN = "crm.menu_crm_opportunities"
MIN_PLACES = 150
SYNC_TIMEOUT = 120


@pytest.fixture(scope="module")
def crawled_server(log_dir):
    """A database of its own with the four crawled apps and their demo data."""
    name = f"offline_mode_crawl_{os.getpid()}"
    with open(os.path.join(log_dir, "crawl_install.log"), "wb") as log:
        create_database(name, CRAWLED_MODULES, log)
    odoo = OdooServer(name, os.path.join(log_dir, "crawl_server.log")).start()
    yield odoo
    odoo.stop()
    drop_database(name)


def test_every_place_opened_online_reopens_offline_and_every_offline_change_lands_once(
        crawled_server, browser, log_dir, report):
    started = time.monotonic()
    admin = WebSession(crawled_server, "admin", "admin")
    token = uuid.uuid4().hex[:6]
    tab = browser.new_tab(cookies=admin.http.cookies.get_dict())
    tab.goto(f"{crawled_server.url}/odoo")
    crawler = Crawler(tab, admin)

    # Online: one record created per app, then every place walked.
    menus = {xmlid: crawler.menu_id(xmlid) for xmlid, _ in CREATIONS}
    for xmlid, values in CREATIONS:
        crawler.create_record(menus[xmlid], xmlid, {k: v.format(token=token) for k, v in values.items()})
    places = crawler.walk_online(CRAWLED_APPS)
    online_errors = list(crawler.errors)
    tab.screenshot(os.path.join(log_dir, "crawl_last_online_place.png"))

    # Offline: the same places, then edits, creations, an archive and a deletion.
    browser.set_offline(True)
    tab.wait_for(".o_offline_mode_systray", text="Working offline", timeout=10)
    crawler.errors.clear()
    reopened = crawler.walk_offline(places, screenshots=log_dir)
    crawler.edit_forms(places, token)
    created_offline = []
    for xmlid, values in CREATIONS:
        offline_values = {k: v.format(token=f"{token} offline") for k, v in values.items()}
        if crawler.create_record(menus[xmlid], xmlid, offline_values, back_to_list=True):
            created_offline.append(offline_values)
    archived = crawler.archive_or_delete(crawler.menu_id(ARCHIVED_IN), ARCHIVED_IN, "Archive",
                                         named=f"Crawled contact {token}")
    deleted = crawler.archive_or_delete(crawler.menu_id(DELETED_IN), DELETED_IN, "Delete",
                                        named=f"Crawled lead {token}")
    offline_errors = list(crawler.errors)
    queued = crawler.outbox()

    # Back online: the outbox drains by itself; each change is in the ledger once, its values landed.
    browser.set_offline(False)
    unsynced = crawler.wait_for_empty_outbox(SYNC_TIMEOUT)
    ledger = sql(crawled_server.database, "SELECT uuid, count(*), min(status), min(operation) FROM offline_change "
                 "WHERE uuid = ANY(%s) GROUP BY uuid", [queued])
    database_errors = [f"change {uuid_} is in the ledger {count} times, {status}"
                       for uuid_, count, status, _operation in ledger if count != 1 or status != "applied"]
    database_errors += [f"change {uuid_} is not in the ledger" for uuid_ in set(queued) - {row[0] for row in ledger}]
    database_errors += [f"still in the outbox after {SYNC_TIMEOUT} s: {change}" for change in unsynced]
    database_errors += [f"{edit.model}/{edit.res_id}.{edit.field} ({edit.widget}): expected {edit.expected}, "
                        f"database holds {value}" for edit, value in _landed(admin, crawler.edits) if value is not True]
    if len([row for row in ledger if row[3] == "create"]) != len(created_offline):
        database_errors.append(f"{len(created_offline)} records created offline, ledger: {ledger}")
    if archived and sql(crawled_server.database, f"SELECT active FROM {_table(archived[0])} WHERE id = %s",
                        [archived[1]]) != [(False,)]:
        database_errors.append(f"{archived} was not archived")
    if deleted and sql(crawled_server.database, f"SELECT count(*) FROM {_table(deleted[0])} WHERE id = %s",
                       [deleted[1]]) != [(0,)]:
        database_errors.append(f"{deleted} was not deleted")

    errors = online_errors + offline_errors + [("database", error) for error in database_errors]
    for where, error in errors:
        print(f"ERROR {where}: {error}")
    widgets = sorted({edit.widget for edit in crawler.edits})
    report(f"Crawler: {len(places)} places walked online, {len(reopened)} reopened offline with the same "
           f"content; {len(crawler.edits)} fields edited offline in {len(crawler.edited_records)} forms "
           f"({', '.join(widgets)}); {len(created_offline)} records created, {int(bool(archived))} archived, "
           f"{int(bool(deleted))} deleted offline; {len(queued)} changes synced; "
           f"{len(errors)} errors; {time.monotonic() - started:.0f} s")
    assert len(places) >= MIN_PLACES
    assert not errors, f"{len(errors)} errors (listed above)"
    assert len(reopened) == len(places)


def _table(model):
    return model.replace(".", "_")


def _landed(admin, edits):
    """(edit, True) when the database holds the edited value, else (edit, what it holds)."""
    for edit in edits:
        value = admin.call_kw(edit.model, "web_read", [[edit.res_id]], {"specification": {edit.field: {}}})[0]
        yield edit, _matches(edit, value[edit.field]) or value[edit.field]


def _matches(edit, value):
    if edit.widget == "many2one":  # the id chosen: its name may have been edited offline too
        return [value] == edit.expected["ids"]
    if edit.widget == "many2many_tags":
        return bool(edit.expected["ids"]) and set(edit.expected["ids"]) <= set(value)
    if edit.widget in ("priority",):
        return value != edit.before
    if edit.widget in ("date", "datetime"):
        return str(value).startswith(edit.expected)
    if edit.widget == "html":
        return edit.expected in (value or "")
    if edit.widget in ("float", "monetary"):
        return abs(value - edit.expected) < 0.01
    if edit.widget == "statusbar":
        return str(value) == str(edit.expected)
    return value == edit.expected
