"""The next person on the same browser never sees your offline data.

Real Odoo server, real headless Chromium; the network is cut by DevTools for the tabs and
the service worker. Marker strings are put in records, cached and changed offline, then
looked for where another user's page, or someone with the browser's profile folder,
could read them.
"""
import json
import os
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

import pytest

import odoo

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
    wait_for_shell,
)

PROVIDER_TOKEN = "loopback-token"
OFFLINE_PIN = "135790"



def _marker(label):
    return f"{label}-{uuid.uuid4().hex[:10]}"


def _confirm_leaving(tab):
    tab.on_event["Page.javascriptDialogOpening"] = lambda params: tab.send("Page.handleJavaScriptDialog", accept=True)



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


def _session_file(session_id):
    """Where the server keeps the session: deleting it is what expiry does (Odoo's session
    garbage collection removes the files of sessions unused for a week)."""
    return os.path.join(odoo.tools.config.session_dir, session_id[:2], session_id)


@pytest.mark.parametrize("ending", ["logout address", "expiry", "revocation"])
def test_another_user_after_a_session_end_never_reads_the_first_users_data_and_the_change_lands_once(
        ending, server, admin, make_user, browser, db_rows, wait_for_rows, log_dir, report):
    first, second = make_user(), make_user()
    first_login = _login_of(admin, first)
    first_password = first_login
    cached, changed = _marker("Cached"), _marker("Changed")
    partner = admin.call_kw("res.partner", "create", [{"name": cached}])
    tab = browser.new_tab(cookies=first.http.cookies.get_dict())
    _confirm_leaving(tab)
    block_sync(tab)  # the change must still be pending when the session ends
    tab.goto(f"{server.url}/odoo/action-contacts.action_contacts")
    wait_for_shell(tab, server.database, first.uid)
    _cache_and_change_offline(browser, tab, server, partner, "function", changed)
    browser.set_offline(False)

    if ending == "logout address":
        tab.goto(f"{server.url}/web/session/logout", ready="location.pathname === '/web/login'")
    else:
        # Ended while no page of the user runs: a request in flight then could check the
        # session against the password it read before the change, and keep it alive.
        tab.goto("about:blank", ready="true")
        if ending == "expiry":
            os.remove(_session_file(first.http.cookies["session_id"]))
        else:
            # A new password set by an administrator ends every session of the user, as
            # "Log out from all devices" does.
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
    sign_in(tab, server, first_login, first_password)
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
        wait_for_shell(tab, server.database, user.uid)
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


class _OAuthProvider:
    """An identity provider on loopback, for users who sign in without a password: it
    answers Odoo's token check (auth_oauth's validation endpoint) for one token."""

    def __init__(self, token):
        self.subject = _marker("subject")
        answer = json.dumps({"user_id": self.subject}).encode()

        class TokenInfo(BaseHTTPRequestHandler):
            def do_GET(self):
                if parse_qs(urlparse(self.path).query).get("access_token") == [token]:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(answer)
                else:
                    self.send_response(401)
                    self.end_headers()

            def log_message(self, *args):
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), TokenInfo)
        self.url = f"http://127.0.0.1:{self.http.server_port}"
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    def close(self):
        self.http.shutdown()
        self.http.server_close()


def _sign_in_with_password(admin, make_user, browser):
    """A user with a password, signed in: their password unlocks their offline data."""
    user = make_user()
    login = _login_of(admin, user)
    tab = browser.new_tab(cookies=user.http.cookies.get_dict())
    return tab, user.uid, user.http.cookies.get_dict(), login


def _sign_in_externally_and_choose_a_pin(admin, db_rows, browser, server, log_dir, provider):
    """A user without a password signs in through an identity provider; the web client asks
    them once for an offline PIN, refusing a short one and two that differ."""
    provider_id = admin.call_kw("auth.oauth.provider", "create", [{
        "name": "Loopback identity", "body": "Sign in with Loopback", "enabled": True,
        "client_id": "offline_mode_test",
        "auth_endpoint": f"{provider.url}/auth", "validation_endpoint": f"{provider.url}/tokeninfo"}])
    login = _marker("external")
    uid = admin.call_kw("res.users", "create", [{
        "name": login, "login": login, "oauth_provider_id": provider_id, "oauth_uid": provider.subject,
        "groups_id": [(6, 0, [admin.call_kw("ir.model.data", "check_object_reference", group.split("."))[1]
                              for group in ("base.group_user", "sales_team.group_sale_salesman")])],
    }])
    assert db_rows("SELECT password FROM res_users WHERE id = %s", [uid]) == [(None,)]
    tab = browser.new_tab()
    state = json.dumps({"d": server.database, "p": provider_id, "r": "/odoo/action-contacts.action_contacts"})
    tab.goto(f"{server.url}/auth_oauth/signin?{urlencode({'state': state, 'access_token': PROVIDER_TOKEN})}")
    assert tab.evaluate("odoo.loader.modules.get('@web/core/user').user.userId") == uid

    tab.wait_for(".modal .modal-title", text="Choose an offline PIN")
    tab.screenshot(os.path.join(log_dir, "privacy_offline_pin_dialog.png"))
    for pin, confirmation, error in [("12345", "12345", "at least 6"), (OFFLINE_PIN, "135799", "differ")]:
        tab.fill("#o_offline_mode_pin", pin)
        tab.fill("#o_offline_mode_pin_confirmation", confirmation)
        tab.click(".modal-footer .btn-primary", text="Save PIN")
        tab.wait_for(".modal .alert-danger", text=error)
    tab.fill("#o_offline_mode_pin_confirmation", OFFLINE_PIN)
    tab.click(".modal-footer .btn-primary", text="Save PIN")
    tab.gone(".modal")
    cookies = {cookie["name"]: cookie["value"] for cookie in tab.send("Network.getCookies")["cookies"]
               if cookie["name"] == "session_id"}
    return tab, uid, cookies, OFFLINE_PIN


@pytest.mark.parametrize("signed_in_with", ["password", "identity provider"])
def test_browser_restart_offline_asks_to_unlock_refuses_a_wrong_secret_and_opens_with_the_right_one(
        signed_in_with, server, admin, make_user, db_rows, wait_for_rows, log_dir, report):
    cached, changed = _marker("Cached"), _marker("Changed")
    partner = admin.call_kw("res.partner", "create", [{"name": cached}])
    url = f"{server.url}/odoo/action-contacts.action_contacts/{partner}"
    profile = tempfile.mkdtemp(prefix="offline_mode_profile_")
    first = Browser(profile=profile)
    provider = None
    try:
        if signed_in_with == "password":
            tab, uid, cookies, secret = _sign_in_with_password(admin, make_user, first)
        else:
            provider = _OAuthProvider(PROVIDER_TOKEN)
            tab, uid, cookies, secret = _sign_in_externally_and_choose_a_pin(
                admin, db_rows, first, server, log_dir, provider)
        _confirm_leaving(tab)
        tab.goto(f"{server.url}/odoo/action-contacts.action_contacts")
        wait_for_shell(tab, server.database, uid)
        _cache_and_change_offline(first, tab, server, partner, "function", changed)
    finally:
        first.close()
        if provider:
            provider.close()

    second = Browser(profile=profile)
    try:
        second.set_offline(True)
        tab = second.new_tab(cookies=cookies)
        _confirm_leaving(tab)
        tab.goto(url, ready=UNLOCK_PAGE_SHOWN)
        tab.screenshot(os.path.join(log_dir, f"privacy_unlock_page_{uid}.png"))
        unlock(tab, "not the secret")
        tab.wait_for(".o_offline_mode_unlock .alert-danger", text="Tries left")
        assert tab.evaluate("typeof odoo === 'undefined' || !odoo.isReady")
        tab.screenshot(os.path.join(log_dir, f"privacy_unlock_wrong_secret_{uid}.png"))
        unlock(tab, secret)
        tab.wait_for_js("window.odoo && odoo.isReady", timeout=60)
        tab.wait_for_js(f"document.querySelector('.o_field_widget[name=name] :is(input, textarea)')?.value === '{cached}'")
        tab.wait_for_js(f"document.querySelector('.o_field_widget[name=function] input')?.value === '{changed}'")
        tab.click(".o_offline_mode_systray_toggler")
        tab.wait_for(".o_offline_mode_change", text=cached)
        tab.screenshot(os.path.join(log_dir, f"privacy_unlocked_form_{uid}.png"))

        # A reload while the browser runs does not ask again.
        tab.reload()
        tab.wait_for_js(f"document.querySelector('.o_field_widget[name=function] input')?.value === '{changed}'")

        second.set_offline(False)
        wait_for_rows("SELECT function FROM res_partner WHERE id = %s", [partner], [(changed,)])
    finally:
        second.close()
    report(f"Privacy: signed in with {signed_in_with}, browser restarted offline: unlock page asked, wrong "
           f"{'password' if signed_in_with == 'password' else 'PIN'} refused, right one opened the cached form "
           "and the pending change (a reload did not ask again); synced on reconnect")
