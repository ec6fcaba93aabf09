from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.offline_mode.sync import SyncEngine, engine

from .sync_common import SyncCase, make_change


@tagged("post_install", "-at_install")
class TestSyncOperations(SyncCase):

    def test_create_answers_the_new_record_id(self):
        result = self.sync_one(make_change("create", values={"name": "Gemini Furniture", "function": "Buyer"}))
        self.assertApplied(result)
        partner = self.env["res.partner"].browse(result["res_id"])
        self.assertEqual((partner.name, partner.function), ("Gemini Furniture", "Buyer"))
        self.assertEqual(partner.create_uid, self.user)

    def test_write_is_applied_as_the_user(self):
        self.assertApplied(self.sync_one(make_change("write", self.partner.id, {"function": "Purchaser"})))
        self.assertEqual(self.partner.function, "Purchaser")
        self.assertEqual(self.partner.write_uid, self.user)

    def test_archive_and_unarchive_use_the_archive_mechanism(self):
        self.assertApplied(self.sync_one(make_change("archive", self.partner.id)))
        self.assertFalse(self.partner.active)
        self.assertApplied(self.sync_one(make_change("unarchive", self.partner.id)))
        self.assertTrue(self.partner.active)

    def test_archiving_an_archived_record_is_applied(self):
        self.partner.action_archive()
        self.assertApplied(self.sync_one(make_change("archive", self.partner.id)))
        self.assertFalse(self.partner.active)

    def test_archive_on_a_model_without_active_is_unsupported(self):
        title = self.env["res.partner.title"].create({"name": "Sir"})
        self.assertFalse(self.env["res.partner.title"]._active_name)
        result = self.sync_one(make_change("archive", title.id, model="res.partner.title"))
        self.assertRejected(result, "unsupported", "res.partner.title")

    def test_unlink_deletes_the_record(self):
        self.assertApplied(self.sync_one(make_change("unlink", self.partner.id)))
        self.assertFalse(self.partner.exists())

    def test_unlink_of_an_already_deleted_record_is_applied(self):
        partner_id = self.partner.id
        self.partner.unlink()
        result = self.sync_one(make_change("unlink", partner_id))
        self.assertApplied(result)
        self.assertEqual(result["res_id"], partner_id)

    def test_write_to_a_deleted_record_is_a_missing_record(self):
        partner_id = self.partner.id
        self.partner.unlink()
        result = self.sync_one(make_change("write", partner_id, {"function": "Purchaser"}))
        self.assertRejected(result, "missing_record")
        self.assertEqual(result["res_id"], partner_id)

    def test_archive_of_a_deleted_record_is_a_missing_record(self):
        partner_id = self.partner.id
        self.partner.unlink()
        self.assertRejected(self.sync_one(make_change("archive", partner_id)), "missing_record")

    def test_write_after_unlink_in_the_same_batch_is_a_missing_record(self):
        results = self.sync(
            make_change("unlink", self.partner.id),
            make_change("write", self.partner.id, {"function": "Purchaser"}),
        )
        self.assertApplied(results[0])
        self.assertRejected(results[1], "missing_record")

    def test_changes_are_applied_in_the_order_given(self):
        results = self.sync(
            make_change("write", self.partner.id, {"function": "First"}),
            make_change("write", self.partner.id, {"function": "Second"}),
        )
        self.assertEqual([result["status"] for result in results], ["applied", "applied"])
        self.assertEqual(self.partner.function, "Second")

    def test_one_result_per_change_in_order(self):
        changes = [make_change("write", self.partner.id, {"function": str(n)}) for n in range(5)]
        results = self.sync(*changes)
        self.assertEqual([result["uuid"] for result in results], [change["uuid"] for change in changes])
        self.assertEqual(set(results[0]), {"uuid", "status", "res_id", "replayed"})

    def test_failing_change_is_undone_without_undoing_the_others(self):
        child = self.env["res.partner"].create({"name": "Child", "parent_id": self.partner.id})
        results = self.sync(
            make_change("write", self.partner.id, {"ref": "before"}),
            # written in part (function), then refused (a partner cannot be its own ancestor)
            make_change("write", self.partner.id, {"function": "Half-written", "parent_id": child.id}),
            make_change("write", child.id, {"ref": "after"}),
        )
        self.assertApplied(results[0])
        self.assertRejected(results[1], "validation", "recursive")
        self.assertApplied(results[2])
        self.assertEqual(
            (self.partner.ref, self.partner.function, self.partner.parent_id), ("before", "Buyer", child.browse()))
        self.assertEqual(child.ref, "after")

    def test_business_rule_gives_validation_with_odoos_message(self):
        result = self.sync_one(make_change("unlink", self.colleague.partner_id.id))
        self.assertRejected(result, "validation", "linked to an active user")
        self.assertTrue(self.colleague.partner_id.exists())

    def test_warning_offering_a_redirection_gives_validation_with_its_message(self):
        # Odoo raises a RedirectWarning (no UserError) to users who could fix it elsewhere.
        admin = self.env.ref("base.user_admin")
        result = self.sync_one(make_change("archive", self.colleague.partner_id.id), user=admin)
        self.assertRejected(result, "validation", "linked to an active user")
        self.assertTrue(self.colleague.partner_id.active)

    @mute_logger("odoo.sql_db")
    def test_database_constraint_gives_validation(self):
        admin = self.env.ref("base.user_admin")
        result = self.sync_one(
            make_change("create", model="res.country", values={"name": "Duplicate Belgium", "code": "BE"}), user=admin)
        self.assertRejected(result, "validation")
        self.assertFalse(self.env["res.country"].search([("name", "=", "Duplicate Belgium")]))

    @mute_logger("odoo.sql_db")
    def test_constraint_failing_only_when_written_is_blamed_on_its_change(self):
        admin = self.env.ref("base.user_admin")
        belgium, france = self.env.ref("base.be"), self.env.ref("base.fr")
        results = self.sync(
            make_change("write", belgium.id, {"phone_code": 3200}, model="res.country"),
            # the unique code is checked by the database when the update is flushed
            make_change("write", france.id, {"code": "BE"}, model="res.country"),
            make_change("write", self.partner.id, {"function": "Purchaser"}),
            user=admin,
        )
        self.assertApplied(results[0])
        self.assertRejected(results[1], "validation")
        self.assertApplied(results[2])
        self.assertEqual((belgium.phone_code, france.code, self.partner.function), (3200, "FR", "Purchaser"))

    @mute_logger("odoo.addons.offline_mode.sync.engine")
    def test_unexpected_error_rejects_only_that_change(self):
        partner_class = type(self.env["res.partner"])
        original_write = partner_class.write

        def write(records, values):
            if values.get("function") == "explode":
                raise RuntimeError("something unforeseen")
            return original_write(records, values)

        self.patch(partner_class, "write", write)
        results = self.sync(
            make_change("write", self.partner.id, {"function": "explode"}),
            make_change("write", self.partner.id, {"ref": "still applied"}),
        )
        self.assertRejected(results[0], "validation", "unexpected error")
        self.assertNotIn("something unforeseen", results[0]["error"]["message"])
        self.assertApplied(results[1])
        self.assertEqual(self.partner.ref, "still applied")

    @mute_logger("odoo.addons.offline_mode.sync.engine")
    def test_unexpected_error_before_applying_rejects_only_that_change(self):
        def find_conflicts(*args):
            raise RuntimeError("something unforeseen")

        self.patch(engine, "find_conflicts", find_conflicts)
        results = self.sync(
            make_change("write", self.partner.id, {"function": "Purchaser"}, original={"function": "Buyer"}),
            make_change("write", self.partner.id, {"ref": "still applied"}),
        )
        self.assertRejected(results[0], "validation", "unexpected error")
        self.assertApplied(results[1])

    def test_superuser_environment_is_refused(self):
        with self.assertRaises(ValueError):
            SyncEngine(self.env)
