from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .sync_common import SyncCase, make_change


@tagged("post_install", "-at_install")
class TestSyncAppliesUserRights(SyncCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reader = new_test_user(cls.env, login="offline_reader", groups="base.group_user")
        cls.other_company = cls.env["res.company"].create({"name": "Other Company"})
        cls.other_company_partner = cls.env["res.partner"].create(
            {"name": "Other Company's customer", "company_id": cls.other_company.id})

    def test_write_without_write_access_is_access_denied(self):
        result = self.sync_one(make_change("write", self.partner.id, {"function": "Purchaser"}), user=self.reader)
        self.assertRejected(result, "access_denied")
        self.assertEqual(self.partner.function, "Buyer")

    def test_create_without_create_access_is_access_denied(self):
        result = self.sync_one(make_change("create", values={"name": "Not allowed"}), user=self.reader)
        self.assertRejected(result, "access_denied")
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Not allowed")]))

    def test_record_rule_keeps_other_companies_records_out_of_reach(self):
        for change in (
            make_change("write", self.other_company_partner.id, {"function": "Purchaser"}),
            make_change("archive", self.other_company_partner.id),
            make_change("unlink", self.other_company_partner.id),
        ):
            with self.subTest(operation=change["operation"]):
                self.assertRejected(self.sync_one(change), "access_denied")
        self.assertTrue(self.other_company_partner.active)
        self.assertFalse(self.other_company_partner.function)

    def test_conflict_check_does_not_reveal_unreadable_records(self):
        change = make_change("write", self.other_company_partner.id, {"function": "Purchaser"},
                             original={"function": "Buyer"})
        result = self.sync_one(change)
        self.assertRejected(result, "access_denied")
        self.assertNotIn("conflicts", result)

    def test_conflict_check_does_not_reveal_a_record_an_earlier_change_made_unreadable(self):
        partner = self.env["res.partner"].create({"name": "Moving away", "function": "Buyer"})
        partner.with_user(self.colleague).function = "Chief buyer"
        moved, checked = self.sync(
            make_change("write", partner.id, {"company_id": self.other_company.id}),
            make_change("write", partner.id, {"function": "Purchaser"}, original={"function": "Buyer"}),
        )
        self.assertApplied(moved)
        self.assertRejected(checked, "access_denied")
        self.assertNotIn("conflicts", checked)

    def test_the_ledger_cannot_be_changed_through_a_sync(self):
        change = make_change("write", self.partner.id, {"function": "Purchaser"})
        self.sync_one(change)
        entry = self.ledger_entry(change["uuid"])
        result = self.sync_one(make_change("write", entry.id, {"error_message": "tampered"}, model="offline.change"))
        self.assertRejected(result, "bad_request")  # ledger fields are read-only
        result = self.sync_one(make_change("unlink", entry.id, model="offline.change"))
        self.assertRejected(result, "access_denied")
        self.assertTrue(entry.exists())


@tagged("post_install", "-at_install")
class TestOfflineChangeLedgerAccess(SyncCase):

    def setUp(self):
        super().setUp()
        self.mine = make_change("write", self.partner.id, {"function": "Mine"})
        self.theirs = make_change("write", self.partner.id, {"function": "Theirs"})
        self.sync_one(self.mine)
        self.sync_one(self.theirs, user=self.colleague)

    def visible_uuids(self, user):
        entries = self.env["offline.change"].with_user(user).search([])
        return set(entries.mapped("uuid")) & {self.mine["uuid"], self.theirs["uuid"]}

    def test_users_see_only_their_own_entries(self):
        self.assertEqual(self.visible_uuids(self.user), {self.mine["uuid"]})
        self.assertEqual(self.visible_uuids(self.colleague), {self.theirs["uuid"]})

    def test_administrators_see_all_entries(self):
        self.assertEqual(self.visible_uuids(self.env.ref("base.user_admin")), {self.mine["uuid"], self.theirs["uuid"]})

    def test_users_cannot_change_or_delete_their_entries(self):
        entry = self.ledger_entry(self.mine["uuid"]).with_user(self.user)
        with self.assertRaises(AccessError):
            entry.write({"status": "applied"})
        with self.assertRaises(AccessError):
            entry.unlink()

    def test_users_cannot_read_another_users_entry(self):
        entry = self.ledger_entry(self.theirs["uuid"], user=self.colleague).with_user(self.user)
        with self.assertRaises(AccessError):
            entry.read(["values"])

    def test_administrators_may_delete_entries(self):
        entry = self.ledger_entry(self.theirs["uuid"], user=self.colleague)
        entry.with_user(self.env.ref("base.user_admin")).unlink()
        self.assertFalse(entry.exists())
