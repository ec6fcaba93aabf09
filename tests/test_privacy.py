"""The next person on the same browser never sees your offline data.

Real Odoo server, real headless Chromium; the network is cut by DevTools for the tabs and
the service worker. Marker strings are put in records, cached and changed offline, then
looked for where another user's page, or someone with the browser's profile folder,
could read them.
"""
import os
import tempfile
import time
import uuid

import pytest

from support.browser import Browser
from support.offline_data import (
    UNLOCK_PAGE_SHOWN,
    block_sync,
    browser_storage,
    cache_names,
    databases,
    files_holding,
    sign_in,
    unblock_sync,
    unlock,
)

SYNC_TIMEOUT = 60



def _marker(label):
    return f"{label}-{uuid.uuid4().hex[:10]}"


def _confirm_leaving(tab):
    tab.on_event["Page.javascriptDialogOpening"] = lambda params: tab.send("Page.handleJavaScriptDialog", accept=True)



def _wait_for_shell(tab, database, uid, timeout=30):
    deadline = time.monotonic() + timeout
    while not tab.evaluate(f"caches.match('/offline_mode/shell/page', {{cacheName: 'offline_mode_shell:{database}:{uid}'}})"
                           ".then(Boolean)"):
        assert time.monotonic() < deadline, "the shell was not kept"
        time.sleep(0.3)


def _login_of(admin, user):
    return admin.call_kw("res.users", "read", [[user.uid], ["login"]])[0]["login"]


def _cache_and_change_offline(browser, tab, server, partner, field, value):
    """Opens the partner's form online (cached), then edits `field` offline and saves: pending."""
    tab.goto(f"{server.url}/odoo/action-contacts.action_contacts/{partner}")
    tab.wait_for(".o_form_view .o_form_status_indicator")
    browser.set_offline(True)
    tab.wait_for(".o_offline_mode_systray", text="Working offline", timeout=10)
    tab.fill(f".o_field_widget[name={field}] input", value)
    tab.click(".o_form_button_save")
    tab.wait_for(".o_form_view .o_offline_mode_pending")


@pytest.mark.parametrize("ending", ["logout address"])
def test_another_user_after_a_session_end_never_reads_the_first_users_data_and_the_change_lands_once(
        ending, server, admin, make_user, browser, db_rows, wait_for_rows, log_dir, report):
    first, second = make_user(), make_user()
    cached, changed = _marker("Cached"), _marker("Changed")
    partner = admin.call_kw("res.partner", "create", [{"name": cached}])
    tab = browser.new_tab(cookies=first.http.cookies.get_dict())
    _confirm_leaving(tab)
    block_sync(tab)  # the change must still be pending when the session ends
    tab.goto(f"{server.url}/odoo/action-contacts.action_contacts")
    _wait_for_shell(tab, server.database, first.uid)
    _cache_and_change_offline(browser, tab, server, partner, "function", changed)
    browser.set_offline(False)

    if ending == "logout address":
        tab.goto(f"{server.url}/web/session/logout", ready="location.pathname === '/web/login'")
    else:
        # A new password set by an administrator ends every session of the user, as an
        # expiry or a revocation from another device does: the next page goes to the login.
        first_password = f"new-{uuid.uuid4().hex[:8]}"
        admin.call_kw("res.users", "write", [[first.uid], {"password": first_password}])
        tab.goto(f"{server.url}/odoo", ready="location.pathname === '/web/login'")
    unblock_sync(tab)
    sign_in(tab, server, _login_of(admin, second), _login_of(admin, second))
    assert tab.evaluate("odoo.loader.modules.get('@web/core/user').user.userId") == second.uid

    first_user = f"{server.database}:{first.uid}"
    deadline = time.monotonic() + 10
    while f"offline_mode:{first_user}" in databases(tab):
        assert time.monotonic() < deadline, "the first user's read cache is still there"
        time.sleep(0.2)
    assert f"offline_mode_outbox:{first_user}" in databases(tab), "the first user's pending change was deleted"
    assert not [name for name in cache_names(tab) if name.endswith(first_user)]
    storage = browser_storage(tab)
    readable = [place for place, content in storage.items() if cached in content or changed in content]
    assert not readable, f"the second user's page reads the first user's data in {readable}"
    assert any(f"offline_mode_outbox:{first_user}" in place for place in storage)
    tab.screenshot(os.path.join(log_dir, f"privacy_second_user_{ending.replace(' ', '_')}.png"))

    # The first user signs in again on that browser: their change syncs, once.
    tab.goto(f"{server.url}/web/session/logout", ready="location.pathname === '/web/login'")
    first_login = _login_of(admin, first)
    sign_in(tab, server, first_login, first_login if ending == "logout address" else first_password)
    wait_for_rows("SELECT function FROM res_partner WHERE id = %s", [partner], [(changed,)])
    time.sleep(2)  # a second send would show in the ledger
    assert db_rows("SELECT count(*) FROM offline_change WHERE res_id = %s AND model = 'res.partner'",
                   [partner]) == [(1,)]
    report(f"Privacy: session ended by {ending}, another user signed in: first user's read cache, files, "
           f"shell and keys deleted, no marker readable; their pending change applied once at their next sign-in")


def test_the_profile_folder_holds_no_clear_text_of_values_cached_or_changed_offline(
        server, admin, make_user, log_dir, report):
    user = make_user()
    cached, changed, control = _marker("Cached"), _marker("Changed"), _marker("Control")
    # Not in the record's name: Chromium's own HTTP cache and tab history keep page titles and
    # file names (the avatar's), with or without offline mode.
    partner = admin.call_kw("res.partner", "create", [{"name": _marker("Partner"), "function": cached}])
    key = user.call("/offline_mode/key")
    profile = tempfile.mkdtemp(prefix="offline_mode_profile_")
    chromium = Browser(profile=profile)
    try:
        tab = chromium.new_tab(cookies=user.http.cookies.get_dict())
        _confirm_leaving(tab)
        tab.goto(f"{server.url}/odoo/action-contacts.action_contacts")
        _wait_for_shell(tab, server.database, user.uid)
        _cache_and_change_offline(chromium, tab, server, partner, "phone", changed)
        # A value stored in clear by a page, to prove the search finds what is there.
        tab.evaluate(f"""new Promise((resolve) => {{
            const request = indexedDB.open("offline_mode_test_control");
            request.onupgradeneeded = () => request.result.createObjectStore("values");
            request.onsuccess = () => {{
                const transaction = request.result.transaction("values", "readwrite");
                transaction.objectStore("values").put({{ text: "{control}" }}, 1);
                transaction.oncomplete = resolve;
            }};
        }})""")
        session_key = tab.evaluate("document.cookie.match(/offline_mode_session_key=([^;]+)/)[1]")
        time.sleep(1)
    finally:
        chromium.close()

    assert files_holding(profile, control), "the search of the profile finds nothing, not even clear text"
    leaks = files_holding(profile, cached, changed)
    assert not leaks, f"clear text of offline data in {leaks}"
    assert not files_holding(profile, key["key"], session_key), "a key is on disk in clear"
    report("Privacy: browser profile searched after caching and changing offline: no clear marker "
           "(a control value in clear is found), neither the data key nor the browser session key")


def test_browser_restart_offline_asks_to_unlock_refuses_a_wrong_password_and_opens_with_the_right_one(
        server, admin, make_user, db_rows, wait_for_rows, log_dir, report):
    user = make_user()
    login = _login_of(admin, user)
    cached, changed = _marker("Cached"), _marker("Changed")
    partner = admin.call_kw("res.partner", "create", [{"name": cached}])
    url = f"{server.url}/odoo/action-contacts.action_contacts/{partner}"
    profile = tempfile.mkdtemp(prefix="offline_mode_profile_")
    first = Browser(profile=profile)
    try:
        tab = first.new_tab(cookies=user.http.cookies.get_dict())
        _confirm_leaving(tab)
        tab.goto(f"{server.url}/odoo/action-contacts.action_contacts")
        _wait_for_shell(tab, server.database, user.uid)
        _cache_and_change_offline(first, tab, server, partner, "function", changed)
    finally:
        first.close()

    second = Browser(profile=profile)
    try:
        second.set_offline(True)
        tab = second.new_tab(cookies=user.http.cookies.get_dict())
        _confirm_leaving(tab)
        tab.goto(url, ready=UNLOCK_PAGE_SHOWN)
        tab.screenshot(os.path.join(log_dir, "privacy_unlock_page.png"))
        unlock(tab, "not the password")
        tab.wait_for(".o_offline_mode_unlock .alert-danger", text="Tries left")
        assert tab.evaluate("typeof odoo === 'undefined' || !odoo.isReady")
        tab.screenshot(os.path.join(log_dir, "privacy_unlock_wrong_password.png"))
        unlock(tab, login)
        tab.wait_for_js("window.odoo && odoo.isReady", timeout=60)
        tab.wait_for_js(f"document.querySelector('.o_field_widget[name=name] :is(input, textarea)')?.value === '{cached}'")
        tab.wait_for_js(f"document.querySelector('.o_field_widget[name=function] input')?.value === '{changed}'")
        tab.click(".o_offline_mode_systray_toggler")
        tab.wait_for(".o_offline_mode_change", text=cached)
        tab.screenshot(os.path.join(log_dir, "privacy_unlocked_form.png"))

        # A reload while the browser runs does not ask again.
        tab.reload()
        tab.wait_for_js(f"document.querySelector('.o_field_widget[name=function] input')?.value === '{changed}'")

        second.set_offline(False)
        wait_for_rows("SELECT function FROM res_partner WHERE id = %s", [partner], [(changed,)])
    finally:
        second.close()
    report("Privacy: browser restarted offline: unlock page asked, wrong password refused, right one opened the "
           "cached form and the pending change (a reload did not ask again); synced on reconnect")
