import json
import re

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.offline_mode.sync import MAX_REQUEST_BYTES, SyncEngine

from .sync_common import make_change, new_partner_manager

SERVER_TIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")


@tagged("post_install", "-at_install")
class TestSyncApi(HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = new_partner_manager(cls.env, "offline_api")
        cls.partner = cls.env["res.partner"].create({"name": "Deco Addict", "function": "Buyer"})

    def post_json_rpc(self, route, params):
        """The raw HTTP response to a JSON-RPC call of ``route``."""
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 7, "params": params})
        return self.url_open(route, data=body, headers={"Content-Type": "application/json"})

    def assertRefusedWhole(self, response, status, message_part):
        self.assertEqual(response.status_code, status)
        body = response.json()
        self.assertNotIn("result", body)
        self.assertEqual(body["id"], 7)
        self.assertIn(message_part, body["error"]["message"])
        self.assertNotIn("Traceback", response.text)
        return body["error"]

    def test_sync_answers_one_result_per_change_and_the_server_time(self):
        self.authenticate("offline_api", "offline_api")
        create = make_change("create", values={"name": "Synced over HTTP"})
        answer = self.make_jsonrpc_request("/offline_mode/sync", {"client_id": "browser-1", "changes": [
            create,
            make_change("write", self.partner.id, {"function": "Purchaser"}, original={"function": "Buyer"}),
            make_change("write", self.partner.id, {"shoe_size": 44}),
        ]})
        self.assertEqual(set(answer), {"results", "server_time"})
        self.assertRegex(answer["server_time"], SERVER_TIME)
        created, written, refused = answer["results"]
        self.assertEqual(created["status"], "applied")
        self.assertEqual(self.env["res.partner"].browse(created["res_id"]).name, "Synced over HTTP")
        self.assertEqual(
            written, {"uuid": written["uuid"], "status": "applied", "res_id": self.partner.id, "replayed": False})
        self.assertEqual(refused["error"]["code"], "bad_request")
        self.assertEqual(self.partner.function, "Purchaser")

    def test_lost_response_resent_over_http_is_replayed(self):
        self.authenticate("offline_api", "offline_api")
        params = {"client_id": "browser-1", "changes": [make_change("create", values={"name": "Sent twice"})]}
        first = self.make_jsonrpc_request("/offline_mode/sync", params)["results"][0]
        second = self.make_jsonrpc_request("/offline_mode/sync", params)["results"][0]
        self.assertEqual(second, dict(first, replayed=True))
        self.assertEqual(self.env["res.partner"].search_count([("name", "=", "Sent twice")]), 1)

    def test_changes_that_are_not_a_list_are_refused_whole(self):
        self.authenticate("offline_api", "offline_api")
        response = self.post_json_rpc("/offline_mode/sync", {
            "client_id": "browser-1", "changes": make_change("write", self.partner.id, {"function": "Purchaser"})})
        error = self.assertRefusedWhole(response, 400, "list")
        self.assertEqual(error["data"]["name"], "offline_mode.batch_refused")
        self.assertEqual(self.partner.function, "Buyer")

    def test_more_changes_than_max_batch_are_refused_whole(self):
        self.env["ir.config_parameter"]._set_offline_mode_value("max_batch", 2)
        self.authenticate("offline_api", "offline_api")
        changes = [make_change("write", self.partner.id, {"function": f"F{n}"}) for n in range(3)]
        response = self.post_json_rpc("/offline_mode/sync", {"client_id": "browser-1", "changes": changes})
        self.assertRefusedWhole(response, 400, "at most 2")
        self.assertEqual(self.partner.function, "Buyer")
        self.assertFalse(self.env["offline.change"].search([("uuid", "in", [c["uuid"] for c in changes])]))

    def test_oversized_body_is_refused_whole(self):
        self.authenticate("offline_api", "offline_api")
        changes = [
            make_change("write", self.partner.id, {"function": "Purchaser"}),
            make_change("write", self.partner.id, {"comment": "x" * MAX_REQUEST_BYTES}),
        ]
        response = self.post_json_rpc("/offline_mode/sync", {"client_id": "browser-1", "changes": changes})
        self.assertRefusedWhole(response, 400, "too large")
        self.assertEqual(self.partner.function, "Buyer")

    def test_missing_client_id_is_refused_whole(self):
        self.authenticate("offline_api", "offline_api")
        response = self.post_json_rpc("/offline_mode/sync", {"changes": []})
        self.assertRefusedWhole(response, 400, "client_id")

    def test_request_without_session_is_refused(self):
        response = self.post_json_rpc("/offline_mode/sync", {"client_id": "browser-1", "changes": [
            make_change("write", self.partner.id, {"function": "Purchaser"})]})
        self.assertEqual(response.status_code, 200)
        error = response.json()["error"]
        self.assertEqual(error["code"], 100)
        self.assertEqual(error["data"]["name"], "odoo.http.SessionExpiredException")
        self.assertEqual(self.partner.function, "Buyer")

    @mute_logger("odoo.addons.offline_mode.controllers.sync")
    def test_unexpected_failure_is_a_json_rpc_error_without_traceback(self):
        def fail(engine, client_id, changes, request_bytes=0):
            engine.env["res.partner"].browse(self.partner.id).function = "Half done"
            engine.env.flush_all()
            raise RuntimeError("something unforeseen")

        self.patch(SyncEngine, "sync", fail)
        self.authenticate("offline_api", "offline_api")
        response = self.post_json_rpc("/offline_mode/sync", {"client_id": "browser-1", "changes": []})
        self.assertEqual(response.status_code, 200)
        error = response.json()["error"]
        self.assertEqual(error["data"]["name"], "offline_mode.sync_failed")
        self.assertNotIn("something unforeseen", response.text)
        self.assertNotIn("Traceback", response.text)
        self.assertEqual(self.partner.function, "Buyer")

    def test_config_answers_the_client_settings(self):
        self.env["ir.config_parameter"].search([("key", "=like", "offline_mode.%")]).unlink()
        self.env["ir.config_parameter"]._set_offline_mode_value("conflict_policy", "last_write_wins")
        self.authenticate("offline_api", "offline_api")
        self.assertEqual(self.make_jsonrpc_request("/offline_mode/config"), {
            "enabled": True,
            "storage_cap_mb": 2048,
            "cache_expiry_days": 0,
            "conflict_policy": "last_write_wins",
            "max_batch": 500,
        })

    def test_config_needs_a_session(self):
        response = self.post_json_rpc("/offline_mode/config", {})
        self.assertEqual(response.json()["error"]["code"], 100)
