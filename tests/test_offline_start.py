"""The web client starts offline: a reload, a new tab, a browser restart.

Real Odoo server, real headless Chromium; the network is cut by DevTools for the
tabs *and* the service worker (Browser.set_offline), so that the worker's own
fetches fail as they do when the network is gone.
"""
import json
import os
import tempfile
import time
import uuid

from support.browser import Browser
from support.offline_data import UNLOCK_PAGE_SHOWN, shell_cache, shell_index, unlock, wait_for_shell

SYNC_TIMEOUT = 60




def _shell_caches(tab):
    return tab.evaluate("caches.keys().then((names) => names.filter((name) => name.startsWith('offline_mode_shell:')))")


def _page_uid(tab):
    return tab.evaluate("odoo.loader.modules.get('@web/core/user').user.userId")


def _started_offline(tab):
    return tab.evaluate("odoo.loader.modules.get('@web/session').session.offline_mode_started_offline")


def _confirm_leaving(tab):
    """With changes not synced, the browser asks before leaving the page: answer "Leave", as the user does."""
    tab.on_event["Page.javascriptDialogOpening"] = lambda params: tab.send("Page.handleJavaScriptDialog", accept=True)


def _wait_for_field(tab, field, value):
    """Until the form shows `value` in the input of `field`."""
    tab.wait_for_js(f"document.querySelector('.o_form_view .o_field_widget[name={field}] :is(input, textarea)')"
                    f"?.value === {json.dumps(value)}")


def _open_form(tab, url):
    tab.goto(url)
    tab.wait_for(".o_form_view .o_form_status_indicator")


def _open_pending_changes(tab):
    tab.wait_for(".o_offline_mode_systray", text="Working offline", timeout=10)
    tab.click(".o_offline_mode_systray_toggler")


def test_offline_reload_reopens_the_form_which_is_edited_saved_still_listed_after_another_reload_and_applied_once(
        server, admin, browser, db_rows, wait_for_rows, log_dir, report):
    name = f"Reload {uuid.uuid4().hex[:6]}"
    partner = admin.call_kw("res.partner", "create", [{"name": name}])
    tab = browser.new_tab(cookies=admin.http.cookies.get_dict())
    _confirm_leaving(tab)
    _open_form(tab, f"{server.url}/odoo/action-contacts.action_contacts/{partner}")
    wait_for_shell(tab, server.database, admin.uid)

    browser.set_offline(True)
    tab.reload()
    _wait_for_field(tab, "name", name)
    assert _started_offline(tab) is True
    tab.wait_for(".o_offline_mode_systray", text="Working offline", timeout=5)
    tab.fill(".o_field_widget[name=function] input", "Edited after an offline reload")
    tab.click(".o_form_button_save")
    tab.wait_for(".o_form_view .o_offline_mode_pending")

    tab.reload()
    _wait_for_field(tab, "function", "Edited after an offline reload")
    _open_pending_changes(tab)
    tab.wait_for(".o_offline_mode_change", text=name)
    tab.screenshot(os.path.join(log_dir, "offline_start_reload.png"))
    assert db_rows("SELECT function FROM res_partner WHERE id = %s", [partner]) == [(None,)]

    browser.set_offline(False)
    wait_for_rows("SELECT function FROM res_partner WHERE id = %s", [partner],
                 [("Edited after an offline reload",)])
    tab.gone(".o_offline_mode_change", timeout=SYNC_TIMEOUT)
    time.sleep(2)  # a second send would show up in the ledger
    assert db_rows("SELECT count(*) FROM offline_change WHERE model = 'res.partner' AND res_id = %s",
                   [partner]) == [(1,)]
    report("Offline start: form reloaded offline, edited and saved, listed after another reload, "
           "applied once on reconnect")


def test_new_tab_offline_opens_the_pipeline_and_a_record_created_offline(server, admin, browser, log_dir, report):
    cookies = admin.http.cookies.get_dict()
    tab = browser.new_tab(cookies=cookies)
    # CRM's own address: it runs a server action that returns the pipeline's window action.
    pipeline_url = f"{server.url}/odoo/crm"
    tab.goto(pipeline_url)
    tab.wait_for(".o_kanban_view .o_kanban_record")
    # Contacts: a creation started online (Odoo's defaults), so that one can be made offline.
    tab.goto(f"{server.url}/odoo/contacts")
    tab.click(".o_control_panel_main_buttons .o-kanban-button-new, .o_list_button_add")
    tab.wait_for(".o_form_view .o_field_widget[name=name] :is(input, textarea)")
    tab.click(".o_form_button_cancel")
    tab.wait_for(".o_kanban_view, .o_list_view")
    wait_for_shell(tab, server.database, admin.uid)

    browser.set_offline(True)
    pipeline = browser.new_tab()
    pipeline.goto(pipeline_url)
    pipeline.wait_for(".o_kanban_view .o_kanban_record")
    pipeline.wait_for(".o_offline_mode_systray", text="Working offline", timeout=5)
    pipeline.screenshot(os.path.join(log_dir, "offline_start_new_tab_pipeline.png"))

    name = f"Created offline {uuid.uuid4().hex[:6]}"
    tab.click(".o_control_panel_main_buttons .o-kanban-button-new, .o_list_button_add")
    tab.fill(".o_form_view .o_field_widget[name=name] :is(input, textarea)", name)
    tab.click(".o_form_button_save")
    tab.wait_for(".o_form_view .o_offline_mode_pending")
    record_url = tab.evaluate("location.href")
    assert record_url.rsplit("/", 1)[-1].startswith("-"), record_url

    created = browser.new_tab()
    created.goto(record_url)
    _wait_for_field(created, "name", name)
    created.screenshot(os.path.join(log_dir, "offline_start_created_offline.png"))
    report("Offline start: new tabs offline open the CRM pipeline and a record created offline by its URL")


def test_browser_restarted_offline_starts_and_lists_the_pending_changes(server, admin, db_rows, wait_for_rows, log_dir, report):
    name = f"Restart {uuid.uuid4().hex[:6]}"
    partner = admin.call_kw("res.partner", "create", [{"name": name}])
    url = f"{server.url}/odoo/action-contacts.action_contacts/{partner}"
    cookies = admin.http.cookies.get_dict()
    profile = tempfile.mkdtemp(prefix="offline_mode_profile_")
    first = Browser(profile=profile)
    try:
        tab = first.new_tab(cookies=cookies)
        _confirm_leaving(tab)
        _open_form(tab, url)
        wait_for_shell(tab, server.database, admin.uid)
        first.set_offline(True)
        tab.wait_for(".o_offline_mode_systray", timeout=10)
        tab.fill(".o_field_widget[name=function] input", "Edited before a restart")
        tab.click(".o_form_button_save")
        tab.wait_for(".o_form_view .o_offline_mode_pending")
    finally:
        first.close()

    second = Browser(profile=profile)
    try:
        second.set_offline(True)  # before anything loads: the worker starts offline too
        # The session cookie Odoo sets lasts a week; the test's own one ends with the browser.
        tab = second.new_tab(cookies=cookies)
        # The offline data is encrypted: after a restart, the password unlocks it (see test_privacy.py).
        tab.goto(url, ready=UNLOCK_PAGE_SHOWN)
        unlock(tab, "admin")
        tab.wait_for_js("window.odoo && odoo.isReady", timeout=60)
        _wait_for_field(tab, "name", name)
        assert _started_offline(tab) is True
        _open_pending_changes(tab)
        tab.wait_for(".o_offline_mode_change", text=name)
        tab.screenshot(os.path.join(log_dir, "offline_start_browser_restart.png"))
        second.set_offline(False)
        wait_for_rows("SELECT function FROM res_partner WHERE id = %s", [partner],
                     [("Edited before a restart",)])
    finally:
        second.close()
    report("Offline start: browser closed and restarted offline on its profile: web client up, change listed, "
           "synced on reconnect")


def test_after_logout_an_offline_navigation_serves_nothing_of_the_user(server, make_user, browser, log_dir, report):
    first = make_user()
    tab = browser.new_tab(cookies=first.http.cookies.get_dict())
    tab.goto(f"{server.url}/odoo/action-contacts.action_contacts")
    tab.wait_for(".o_kanban_view .o_kanban_record")
    wait_for_shell(tab, server.database, first.uid)

    tab.click(".o_user_menu .dropdown-toggle, .o_user_menu button")
    tab.click(".o-dropdown--menu .dropdown-item", text="Log out")
    tab.wait_for_js("location.pathname === '/web/login'")
    assert _shell_caches(tab) == []

    browser.set_offline(True)
    tab.goto(f"{server.url}/odoo", ready="document.readyState === 'complete'")
    tab.wait_for_js("document.body.innerText.includes('You are offline')")
    tab.screenshot(os.path.join(log_dir, "offline_start_after_logout.png"))
    assert tab.evaluate("typeof odoo === 'undefined' || !odoo.__WOWL_DEBUG__")
    report("Offline start: after logout, an offline navigation gets Odoo's offline page, nothing of the user")


def test_another_user_never_gets_the_first_users_page(server, admin, make_user, browser, log_dir, report):
    first, second = make_user(), make_user()
    login = admin.call_kw("res.users", "read", [[second.uid], ["login"]])[0]["login"]
    tab = browser.new_tab(cookies=first.http.cookies.get_dict())
    tab.goto(f"{server.url}/odoo/action-contacts.action_contacts")
    tab.wait_for(".o_kanban_view .o_kanban_record")
    wait_for_shell(tab, server.database, first.uid)

    # The first user's session ends without the user menu (typed URL); the second logs in.
    tab.goto(f"{server.url}/web/session/logout", ready="location.pathname === '/web/login'")
    deadline = time.monotonic() + 10
    while _shell_caches(tab):
        assert time.monotonic() < deadline, _shell_caches(tab)
        time.sleep(0.2)
    tab.fill("input[name=login]", login)
    tab.fill("input[name=password]", login)
    tab.click("button[type=submit]")
    tab.wait_for_js("window.odoo && odoo.isReady", timeout=60)
    wait_for_shell(tab, server.database, second.uid)
    assert _shell_caches(tab) == [shell_cache(server.database, second.uid)]

    browser.set_offline(True)
    tab.reload()
    tab.wait_for(".o_offline_mode_systray", text="Working offline")
    assert _page_uid(tab) == second.uid
    assert _started_offline(tab) is True
    report("Offline start: after a logout by URL and another user's login, offline starts are that user's only")


def test_new_bundles_replace_the_kept_ones_after_an_upgrade(server, admin, browser, log_dir, report):
    tab = browser.new_tab(cookies=admin.http.cookies.get_dict())
    tab.goto(f"{server.url}/odoo/action-base.action_res_users")
    before = set(wait_for_shell(tab, server.database, admin.uid)["versioned"])
    asset = admin.call_kw("ir.asset", "create", [{
        "name": "offline_mode test: a new version of the backend bundle",
        "bundle": "web.assets_web",
        "path": "offline_mode/static/tests/shell_upgrade/upgrade_marker.js",
    }])
    try:
        tab.reload()
        deadline = time.monotonic() + 30
        while set(shell_index(tab, server.database, admin.uid)["versioned"]) == before:
            assert time.monotonic() < deadline, "the kept shell still lists the old bundles"
            time.sleep(0.3)
        after = set(wait_for_shell(tab, server.database, admin.uid)["versioned"])
        loaded = set(tab.evaluate("[...document.querySelectorAll('script[src^=\"/web/assets/\"]')]"
                                  ".map((script) => script.src)"))
        assert loaded and loaded <= after and not loaded & before
        kept = set(tab.evaluate(f"caches.open({json.dumps(shell_cache(server.database, admin.uid))})"
                                ".then((cache) => cache.keys()).then((keys) => keys.map((key) => key.url))"))
        assert not (before - after) & kept, "bundles of the old version are still kept"
        assert after <= kept
        browser.set_offline(True)
        tab.reload()
        tab.wait_for(".o_list_view .o_data_row")
        assert set(tab.evaluate("[...document.querySelectorAll('script[src^=\"/web/assets/\"]')]"
                                ".map((script) => script.src)")) == loaded
    finally:
        admin.call_kw("ir.asset", "unlink", [[asset]])
    report(f"Offline start: a bundle hash change replaced {len(before - after)} kept file(s) by the new version")
