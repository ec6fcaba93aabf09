import base64
import hashlib

from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestOfflineKey(HttpCase):
    """The per-user key offline data is encrypted with, and what unlocks it after a restart."""

    def setUp(self):
        super().setUp()
        self.env["ir.config_parameter"].sudo().search([("key", "=like", "offline_mode.%")]).unlink()
        self.user = new_test_user(self.env, "offline_key_user", groups="base.group_user")

    def _sign_in(self, login, password):
        """A sign-in with the password, as the login form and the JSON route do it."""
        self.url_open("/web/session/logout")
        self.make_jsonrpc_request("/web/session/authenticate", {
            "db": self.env.cr.dbname, "login": login, "password": password})

    def _key(self):
        response = self.url_open("/offline_mode/key", data="{}", headers={"Content-Type": "application/json"})
        self.assertEqual(response.headers.get("Cache-Control"), "no-store")
        return response.json()["result"]

    def test_each_user_gets_a_key_of_their_own_the_same_each_time(self):
        self._sign_in("offline_key_user", "offline_key_user")
        first = self._key()
        self.assertEqual(len(base64.b64decode(first["key"])), 32)
        self.assertEqual(self._key()["key"], first["key"])
        self._sign_in("admin", "admin")
        self.assertNotEqual(self._key()["key"], first["key"])

    def test_the_key_is_never_in_the_web_client_page(self):
        self._sign_in("offline_key_user", "offline_key_user")
        key = self._key()["key"]
        page = self.url_open("/odoo").text
        self.assertIn("offline_mode_started_offline", page)
        self.assertNotIn(key, page)

    def test_a_password_sign_in_wraps_the_key_with_the_password_only(self):
        self._sign_in("offline_key_user", "offline_key_user")
        answer = self._key()
        self.assertEqual(answer["unlock"], "password")
        self.assertGreaterEqual(answer["iterations"], 600_000)

        def unwrap(password):
            wrapping_key = hashlib.pbkdf2_hmac(
                "sha256", password.encode(), base64.b64decode(answer["salt"]), answer["iterations"])
            return aes_key_unwrap(wrapping_key, base64.b64decode(answer["wrapped_key"]))

        self.assertEqual(unwrap("offline_key_user"), base64.b64decode(answer["key"]))
        with self.assertRaises(InvalidUnwrap):
            unwrap("not the password")

    def test_without_a_password_the_browser_asks_for_an_offline_pin(self):
        self.authenticate("offline_key_user", "offline_key_user")
        self.env.cr.execute("UPDATE res_users SET password = NULL WHERE id = %s", [self.user.id])
        answer = self._key()
        self.assertEqual(answer["unlock"], "pin")
        self.assertNotIn("wrapped_key", answer)

    def test_unlock_not_required_gives_no_wrapped_key(self):
        self.env["res.config.settings"].create({"offline_mode_require_unlock": False}).execute()
        self._sign_in("offline_key_user", "offline_key_user")
        answer = self._key()
        self.assertEqual(answer["unlock"], "none")
        self.assertNotIn("wrapped_key", answer)

    def test_a_new_key_keeps_the_old_ones_for_the_changes_still_waiting(self):
        self._sign_in("offline_key_user", "offline_key_user")
        old = self._key()
        self.env["offline.user.key"]._issue_new_keys(self.user)
        new = self._key()
        self.assertNotEqual(new["key_id"], old["key_id"])
        self.assertEqual(new["previous_keys"], {old["key_id"]: old["key"]})
        # The wrapped key of this session was for the old key: no longer handed out.
        self.assertNotIn("wrapped_key", new)

    def test_keys_are_out_of_reach_of_users_and_administrators(self):
        self.env["offline.user.key"]._current_key(self.user)
        administrator = new_test_user(self.env, "offline_key_admin", groups="base.group_system")
        for user in (self.user, administrator):
            with self.assertRaises(AccessError):
                self.env["offline.user.key"].with_user(user).search([])

    def test_a_portal_user_gets_no_key(self):
        new_test_user(self.env, "offline_key_portal", groups="base.group_portal")
        self._sign_in("offline_key_portal", "offline_key_portal")
        self.assertEqual(self._key(), {})

    def test_the_unlock_page_is_generic(self):
        self._sign_in("offline_key_user", "offline_key_user")
        page = self.url_open("/offline_mode/unlock?lang=en_US").text
        self.assertIn("Unlock your offline data", page)
        self.assertIn("/offline_mode/static/unlock/unlock_page.js", page)
        self.assertNotIn("offline_key_user", page)
        self.assertNotIn("__session_info__", page)
