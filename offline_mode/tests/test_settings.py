from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestOfflineSettings(TransactionCase):

    def setUp(self):
        super().setUp()
        self.parameters = self.env["ir.config_parameter"].sudo()
        self.parameters.search([("key", "=like", "offline_mode.%")]).unlink()

    def _save_settings(self, **values):
        self.env["res.config.settings"].create(values).execute()

    def test_defaults(self):
        settings = self.env["res.config.settings"].create({})
        self.assertTrue(settings.offline_mode_enabled)
        self.assertEqual(settings.offline_mode_storage_cap_mb, 2048)
        self.assertEqual(settings.offline_mode_cache_expiry_days, 0)
        self.assertEqual(settings.offline_mode_conflict_policy, "ask")
        self.assertTrue(settings.offline_mode_require_unlock)

    def test_saved_settings_are_stored_as_system_parameters(self):
        self._save_settings(
            offline_mode_storage_cap_mb=512,
            offline_mode_cache_expiry_days=14,
            offline_mode_conflict_policy="last_write_wins",
        )
        self.assertEqual(self.parameters.get_param("offline_mode.storage_cap_mb"), "512")
        self.assertEqual(self.parameters.get_param("offline_mode.cache_expiry_days"), "14")
        self.assertEqual(self.parameters.get_param("offline_mode.conflict_policy"), "last_write_wins")
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.offline_mode_storage_cap_mb, 512)
        self.assertEqual(settings.offline_mode_cache_expiry_days, 14)

    def test_switching_off_stays_off(self):
        self._save_settings(offline_mode_enabled=False)
        self.assertFalse(self.env["res.config.settings"].create({}).offline_mode_enabled)
        self.assertFalse(self.parameters._get_offline_mode_config()["enabled"])

    def test_expiry_zero_is_kept(self):
        self._save_settings(offline_mode_cache_expiry_days=7)
        self._save_settings(offline_mode_cache_expiry_days=0)
        self.assertEqual(self.parameters._get_offline_mode_config()["cache_expiry_days"], 0)

    def test_negative_storage_cap_is_refused(self):
        with self.assertRaisesRegex(ValidationError, r"Offline storage cap \(MB\) must be"):
            self._save_settings(offline_mode_storage_cap_mb=-5)

    def test_zero_storage_cap_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "at least 1"):
            self._save_settings(offline_mode_storage_cap_mb=0)

    def test_negative_expiry_is_refused(self):
        with self.assertRaisesRegex(ValidationError, r"Cached data expiry \(days\) must be"):
            self._save_settings(offline_mode_cache_expiry_days=-1)

    def test_non_numeric_system_parameter_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "“lots”"):
            self.parameters.set_param("offline_mode.storage_cap_mb", "lots")

    def test_unknown_conflict_policy_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "Conflict handling must be"):
            self.parameters.set_param("offline_mode.conflict_policy", "server_wins")

    def test_other_system_parameters_are_left_alone(self):
        self.parameters.set_param("some.other.parameter", "-5")
        self.assertEqual(self.parameters.get_param("some.other.parameter"), "-5")


@tagged("post_install", "-at_install")
class TestOfflineSettingsReachClient(HttpCase):

    def test_session_info_carries_the_settings(self):
        self.env["ir.config_parameter"].sudo().set_param("offline_mode.storage_cap_mb", "300")
        self.authenticate("admin", "admin")
        info = self.make_jsonrpc_request("/web/session/get_session_info")
        self.assertEqual(info["offline_mode"], {
            "enabled": True,
            "storage_cap_mb": 300,
            "cache_expiry_days": 0,
            "conflict_policy": "ask",
            "max_batch": 500,
            "require_unlock": True,
            "ledger_retention_days": 30,
        })

    def test_settings_page_shows_the_offline_block(self):
        self.start_tour("/odoo/settings", "offline_mode_settings_block", login="admin")
