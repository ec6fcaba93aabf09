from datetime import datetime, timedelta

from odoo import fields
from odoo.tests import tagged

from .sync_common import SyncCase, make_change


@tagged("post_install", "-at_install")
class TestOfflineChangeLedger(SyncCase):

    def test_each_change_received_is_recorded(self):
        change = make_change("write", self.partner.id, {"function": "Purchaser"}, original={"function": "Buyer"})
        self.sync(change, client_id="firefox-profile-7")
        entry = self.ledger_entry(change["uuid"])
        self.assertRecordValues(entry, [{
            "user_id": self.user.id, "client_id": "firefox-profile-7", "model": "res.partner",
            "res_id": self.partner.id, "operation": "write", "status": "applied",
            "error_code": False, "error_message": False, "replay_count": 0, "force": False,
            "made_at": datetime(2024, 5, 2, 9, 30),
        }])
        self.assertEqual(entry.values, {"function": "Purchaser"})
        self.assertEqual(entry.original, {"function": "Buyer"})
        self.assertLessEqual(entry.received_at, fields.Datetime.now())

    def test_creation_records_the_new_record_id(self):
        change = make_change("create", values={"name": "Recorded"})
        result = self.sync_one(change)
        self.assertEqual(self.ledger_entry(change["uuid"]).res_id, result["res_id"])

    def test_rejection_records_code_and_message(self):
        change = make_change("write", self.partner.id, {"shoe_size": 44})
        result = self.sync_one(change)
        entry = self.ledger_entry(change["uuid"])
        self.assertEqual((entry.error_code, entry.error_message), ("bad_request", result["error"]["message"]))

    def test_entry_is_named_after_what_the_change_did(self):
        change = make_change("archive", self.partner.id)
        self.sync_one(change)
        self.assertEqual(self.ledger_entry(change["uuid"]).display_name, f"Archived res.partner {self.partner.id}")

    def test_entry_shows_its_values_as_readable_json(self):
        change = make_change("write", self.partner.id, {"function": "Purchaser"})
        self.sync_one(change)
        self.assertEqual(self.ledger_entry(change["uuid"]).values_text, '{\n  "function": "Purchaser"\n}')

    def test_fields_have_labels_and_help(self):
        ledger_fields = self.env["offline.change"]._fields
        for name in ("uuid", "client_id", "made_at", "received_at", "replay_count", "conflicts", "force"):
            self.assertTrue(ledger_fields[name].string and ledger_fields[name].help, name)

    def test_views_and_menu_load(self):
        for view_type in ("list", "form", "search"):
            self.env["offline.change"].get_view(view_type=view_type)
        menu = self.env.ref("offline_mode.offline_change_menu")
        self.assertEqual(menu.parent_id, self.env.ref("base.menu_custom"))
        self.assertEqual(menu.action, self.env.ref("offline_mode.offline_change_action"))


@tagged("post_install", "-at_install")
class TestOfflineChangePurge(SyncCase):

    def age_entry(self, uuid, days):
        entry = self.ledger_entry(uuid)
        entry.received_at = fields.Datetime.now() - timedelta(days=days)
        return entry

    def sync_writes(self, count):
        changes = [make_change("write", self.partner.id, {"function": str(n)}) for n in range(count)]
        self.sync(*changes)
        return [change["uuid"] for change in changes]

    def test_entries_older_than_the_retention_are_purged(self):
        old, recent = self.sync_writes(2)
        old_entry = self.age_entry(old, 31)
        recent_entry = self.age_entry(recent, 29)
        self.env["offline.change"]._purge_expired_entries()
        self.assertFalse(old_entry.exists())
        self.assertTrue(recent_entry.exists())

    def test_retention_follows_the_setting(self):
        self.set_offline_setting("ledger_retention_days", 7)
        (uuid,) = self.sync_writes(1)
        entry = self.age_entry(uuid, 8)
        self.env["offline.change"]._purge_expired_entries()
        self.assertFalse(entry.exists())

    def test_daily_cron_runs_the_purge(self):
        cron = self.env.ref("offline_mode.ir_cron_purge_offline_changes")
        self.assertTrue(cron.active)
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "days"))
        (uuid,) = self.sync_writes(1)
        entry = self.age_entry(uuid, 31)
        cron.method_direct_trigger()
        self.assertFalse(entry.exists())
