"""The read cache in a real browser whose network is really cut.

The tours (static/tests/tours/read_cache_tours.js) log markers such as
``[offline_mode] network offline``; the browser below turns them into DevTools
commands: ``Network.emulateNetworkConditions`` (Chromium then fails requests the
way a lost connection does and ``navigator.onLine`` turns false),
``Page.reload`` bypassing the cache (a hard refresh) and ``Page.captureScreenshot``.

Screenshots are written to the folder named by the ``OFFLINE_MODE_SCREENSHOTS``
environment variable (the documentation uses docs/images); without it they are
taken and dropped, so that a test run never writes into the source tree.
"""
import base64
import json
import os
import re
import time
from unittest.mock import patch

from odoo.tests import HttpCase, common, tagged

MARKER = "[offline_mode] "


class NetworkControlledBrowser(common.ChromeBrowser):
    """Chromium whose network, reload and screenshots a tour drives through console markers.

    The network is cut for the page and for its workers (the service worker
    fetches files on the page's behalf): DevTools attaches to them as they start.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._offline = False
        self._worker_sessions = set()
        self._handlers["Target.attachedToTarget"] = self._handle_attached_target
        self._websocket_send("Target.setAutoAttach", params={
            "autoAttach": True, "waitForDebuggerOnStart": False, "flatten": True,
        })

    def _handle_attached_target(self, sessionId, targetInfo, **kw):
        if targetInfo["type"] in ("service_worker", "shared_worker", "worker"):
            self._worker_sessions.add(sessionId)
            if self._offline:
                self._emulate_network_in(sessionId, offline=True)

    def _handle_console(self, type, args=None, stackTrace=None, **kw):  # pylint: disable=redefined-builtin
        super()._handle_console(type, args=args, stackTrace=stackTrace, **kw)
        if type != "log" or not args:
            return
        message = str(self._from_remoteobject(args[0]))
        if not message.startswith(MARKER):
            return
        command = message[len(MARKER):]
        # Runs on the thread that reads DevTools messages: only send, never wait for an answer.
        if command == "network offline":
            self._emulate_network(offline=True)
        elif command == "network online":
            self._emulate_network(offline=False)
        elif command == "hard reload":
            self._websocket_send("Page.reload", params={"ignoreCache": True})
        elif command.startswith("screenshot "):
            self._capture_screenshot(command.split(" ", 1)[1])

    def _emulate_network(self, offline):
        self._offline = offline
        for session_id in (None, *self._worker_sessions):
            self._emulate_network_in(session_id, offline)

    def _emulate_network_in(self, session_id, offline):
        conditions = {"offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
        for method, params in (("Network.enable", {}), ("Network.emulateNetworkConditions", conditions)):
            message = {"id": next(self._request_id), "method": method, "params": params}
            if session_id:
                message["sessionId"] = session_id
            self.ws.send(json.dumps(message))

    def _capture_screenshot(self, name):
        folder = os.environ.get("OFFLINE_MODE_SCREENSHOTS")

        def save_and_tell_the_tour(future):
            if folder and not future.exception():
                os.makedirs(folder, exist_ok=True)
                with open(os.path.join(folder, f"{name}.png"), "wb") as image:
                    image.write(base64.b64decode(future.result()["data"]))
                self._logger.info("Screenshot saved: %s", os.path.join(folder, f"{name}.png"))
            self._websocket_send("Runtime.evaluate", params={
                "expression": f"window.offlineModeScreenshot = {json.dumps(name)}",
            })

        self._websocket_send(
            "Page.captureScreenshot", params={"format": "png"}, with_future=True,
        ).add_done_callback(save_and_tell_the_tour)


@tagged("post_install", "-at_install")
class TestOfflineReadCache(HttpCase):

    def start_offline_tour(self, url, tour, **kwargs):
        with patch.object(common, "ChromeBrowser", NetworkControlledBrowser):
            self.start_tour(url, tour, login="admin", **kwargs)

    def test_reopen_list_and_form_offline(self):
        """Views and records opened online reopen offline from the browser cache, even
        when no longer open when the network was cut; the rest is grayed out."""
        self.start_offline_tour("/odoo/action-base.action_res_users", "offline_mode_reopen_offline")

    def test_search_replay(self):
        """A search run online is listed in the search bar offline and shows its results."""
        self.start_offline_tour("/odoo/action-base.action_res_users", "offline_mode_search_replay")

    def test_action_with_data_caching_off_is_unavailable_offline(self):
        self.env.ref("base.action_res_users").data_caching = False
        self.start_offline_tour("/odoo/action-base.action_res_users", "offline_mode_data_caching_off")

    def test_hard_refresh_clears_the_read_cache(self):
        """A plain reload keeps the cached data; a hard refresh clears it."""
        self.start_offline_tour("/odoo/action-base.action_res_users", "offline_mode_hard_refresh")

    def test_files_opened_online_open_offline(self):
        files = (("offline_mode_opened.txt", b"opened online"), ("offline_mode_never_opened.txt", b"never"))
        for name, content in files:
            self.env["ir.attachment"].create({"name": name, "raw": content, "mimetype": "text/plain"})
        self.start_offline_tour("/odoo/action-base.action_res_users", "offline_mode_files")

    def test_logout_deletes_the_offline_data(self):
        databases = []

        class LogoutCheckingBrowser(NetworkControlledBrowser):
            def stop(self):
                # The tour ends on the logout click: wait for the login page, then
                # look at what the browser still stores.
                for _attempt in range(50):
                    url = self._websocket_request("Runtime.evaluate", params={
                        "expression": "location.pathname", "returnByValue": True,
                    })["result"].get("value")
                    if url == "/web/login":
                        break
                    time.sleep(0.1)
                databases.extend(self._websocket_request("Runtime.evaluate", params={
                    "expression": "indexedDB.databases().then((dbs) => dbs.map((db) => db.name))",
                    "awaitPromise": True,
                    "returnByValue": True,
                })["result"]["value"])
                databases.append(url)
                super().stop()

        with patch.object(common, "ChromeBrowser", LogoutCheckingBrowser):
            self.start_tour("/odoo/action-base.action_res_users", "offline_mode_logout", login="admin")
        self.assertEqual(databases[-1], "/web/login")
        self.assertFalse([name for name in databases[:-1] if name.startswith("offline_mode:")])


@tagged("post_install", "-at_install")
class TestHardRefreshFlag(HttpCase):
    """The server tells the web client whether its page was loaded with a hard refresh."""

    def _session_info_of_page(self, headers):
        self.authenticate("admin", "admin")
        page = self.url_open("/odoo", headers=headers).text
        info = json.loads(re.search(r"odoo.__session_info__ = (\{.*?\});\n", page).group(1))
        return info["offline_mode_hard_reload"]

    def test_plain_load_is_not_a_hard_refresh(self):
        self.assertIs(self._session_info_of_page({}), False)

    def test_reload_is_not_a_hard_refresh(self):
        self.assertIs(self._session_info_of_page({"Cache-Control": "max-age=0"}), False)

    def test_no_cache_request_is_a_hard_refresh(self):
        self.assertIs(self._session_info_of_page({"Cache-Control": "no-cache", "Pragma": "no-cache"}), True)

    def test_pragma_alone_is_a_hard_refresh(self):
        self.assertIs(self._session_info_of_page({"Pragma": "no-cache"}), True)

    def test_session_info_rpc_is_never_a_hard_refresh(self):
        self.authenticate("admin", "admin")
        info = self.make_jsonrpc_request("/web/session/get_session_info", headers={"Cache-Control": "no-cache"})
        self.assertIs(info["offline_mode_hard_reload"], False)


@tagged("post_install", "-at_install")
class TestPing(HttpCase):

    def test_ping_answers_at_once_and_is_never_cached(self):
        response = self.url_open("/offline_mode/ping")
        self.assertEqual(response.status_code, 204)
        self.assertEqual(response.headers["Cache-Control"], "no-store")
