from odoo.exceptions import MissingError, UserError
from odoo.tests import tagged

from .sync_common import SyncCase, make_change

SPEC = {"name": {}, "function": {}}


@tagged("post_install", "-at_install")
class TestOnlineCreationIsMadeOnce(SyncCase):
    """A new record saved online carries its creation uuid: its answer lost, the
    same creation saved again or queued for the sync is not made twice."""

    def save_new(self, name, uuid, user=None):
        partners = self.env(user=user or self.user)["res.partner"].with_context(
            offline_mode_creation={"uuid": uuid, "client_id": "browser-1"})
        return partners.web_save({"name": name, "function": "Buyer"}, SPEC)

    def count(self, name):
        return self.env["res.partner"].search_count([("name", "=", name)])

    def test_creation_is_recorded_with_the_record(self):
        answer = self.save_new("Saved online", "creation-1")
        entry = self.ledger_entry("creation-1")
        self.assertEqual((entry.status, entry.operation, entry.model, entry.res_id, entry.saved_online),
                         ("applied", "create", "res.partner", answer[0]["id"], True))
        self.assertEqual(entry.client_id, "browser-1")
        made = self.env["res.partner"].browse(answer[0]["id"])
        self.assertNotIn("offline_mode_creation", made.env.context)

    def test_saved_again_answers_the_record_already_made(self):
        first = self.save_new("Saved twice", "creation-2")
        second = self.save_new("Saved twice", "creation-2")
        self.assertEqual(first, second)
        self.assertEqual(self.count("Saved twice"), 1)
        self.assertEqual(self.ledger_entry("creation-2").replay_count, 1)

    def test_queued_after_a_lost_answer_is_a_replay(self):
        made = self.save_new("Lost answer", "creation-3")[0]["id"]
        result = self.sync_one(make_change("create", values={"name": "Lost answer"}, uuid="creation-3"))
        self.assertEqual((result["status"], result["res_id"], result["replayed"]), ("applied", made, True))
        self.assertEqual(self.ledger_entry("creation-3").replay_count, 1)
        follow_up = self.sync_one(make_change("write", "virtual:creation-3", {"function": "Owner"}))
        self.assertEqual(follow_up["res_id"], made)
        self.assertEqual(self.count("Lost answer"), 1)

    def test_another_users_creation_id_is_not_theirs(self):
        self.save_new("Mine", "creation-4")
        self.save_new("Theirs", "creation-4", user=self.colleague)
        self.assertEqual((self.count("Mine"), self.count("Theirs")), (1, 1))

    def test_deleted_since_is_not_made_again(self):
        made = self.save_new("Deleted since", "creation-5")[0]["id"]
        self.env["res.partner"].browse(made).unlink()
        with self.assertRaises(MissingError):
            self.save_new("Deleted since", "creation-5")
        self.assertEqual(self.count("Deleted since"), 0)

    def test_invalid_creation_id_is_refused_clearly(self):
        for creation in ({"uuid": ""}, {"uuid": "x" * 65}, "creation-6", {"uuid": "a", "client_id": 5}):
            with self.subTest(creation=creation), self.assertRaisesRegex(UserError, "creation id"):
                self.env(user=self.user)["res.partner"].with_context(
                    offline_mode_creation=creation).web_save({"name": "Invalid"}, SPEC)

    def test_uuid_of_another_change_is_refused(self):
        self.sync_one(make_change("write", self.partner.id, {"function": "Owner"}, uuid="creation-7"))
        with self.assertRaisesRegex(UserError, "already used"):
            self.save_new("Collision", "creation-7")

    def test_existing_record_and_plain_saves_are_untouched(self):
        self.env(user=self.user)["res.partner"].web_save({"name": "Plain"}, SPEC)
        self.partner.with_user(self.user).with_context(
            offline_mode_creation={"uuid": "creation-8"}).web_save({"function": "Owner"}, SPEC)
        self.assertFalse(self.ledger_entry("creation-8"))
        self.assertEqual(self.partner.function, "Owner")
