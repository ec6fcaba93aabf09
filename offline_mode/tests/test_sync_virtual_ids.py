from odoo.tests import tagged

from .sync_common import SyncCase, make_change


@tagged("post_install", "-at_install")
class TestSyncVirtualIds(SyncCase):

    def test_write_to_a_record_created_in_the_same_batch(self):
        create = make_change("create", values={"name": "Offline Prospect"})
        write = make_change("write", f"virtual:{create['uuid']}", {"function": "Buyer"})
        created, written = self.sync(create, write)
        self.assertApplied(written)
        self.assertEqual(written["res_id"], created["res_id"])
        self.assertEqual(self.env["res.partner"].browse(created["res_id"]).function, "Buyer")

    def test_write_to_a_record_created_in_an_earlier_request(self):
        create = make_change("create", values={"name": "Offline Prospect"})
        created = self.sync_one(create)
        written = self.sync_one(make_change("write", f"virtual:{create['uuid']}", {"function": "Buyer"}))
        self.assertApplied(written)
        self.assertEqual(written["res_id"], created["res_id"])

    def test_unlink_and_archive_reach_records_created_offline(self):
        first = make_change("create", values={"name": "To archive"})
        second = make_change("create", values={"name": "To delete"})
        results = self.sync(
            first, second,
            make_change("archive", f"virtual:{first['uuid']}"),
            make_change("unlink", f"virtual:{second['uuid']}"),
        )
        for result in results:
            self.assertApplied(result)
        self.assertFalse(self.env["res.partner"].browse(results[0]["res_id"]).active)
        self.assertFalse(self.env["res.partner"].browse(results[1]["res_id"]).exists())

    def test_many2one_value_may_name_a_record_created_offline(self):
        company = make_change("create", values={"name": "Offline Corp", "is_company": True})
        contact = make_change("create", values={"name": "Jane", "parent_id": f"virtual:{company['uuid']}"})
        company_result, contact_result = self.sync(company, contact)
        self.assertApplied(contact_result)
        self.assertEqual(self.env["res.partner"].browse(contact_result["res_id"]).parent_id.id,
                         company_result["res_id"])

    def test_x2many_command_ids_may_name_records_created_offline(self):
        tag = make_change("create", model="res.partner.category", values={"name": "Trade show"})
        other_tag = make_change("create", model="res.partner.category", values={"name": "VIP"})
        link = make_change("write", self.partner.id, {"category_id": [[4, f"virtual:{tag['uuid']}"]]})
        replace = make_change("write", self.partner.id, {"category_id": [[6, 0, [f"virtual:{other_tag['uuid']}"]]]})
        results = self.sync(tag, other_tag, link, user=self.env.ref("base.user_admin"))
        self.assertApplied(results[2])
        self.assertEqual(self.partner.category_id.ids, [results[0]["res_id"]])
        self.assertApplied(self.sync_one(replace, user=self.env.ref("base.user_admin")))
        self.assertEqual(self.partner.category_id.ids, [results[1]["res_id"]])

    def test_nested_line_values_may_name_records_created_offline(self):
        title = make_change("create", model="res.partner.title", values={"name": "Maître"})
        company = make_change("create", values={"name": "Holding", "child_ids": [
            [0, "virtual_1", {"name": "Branch manager", "title": f"virtual:{title['uuid']}"}],
        ]})
        title_result, company_result = self.sync(title, company)
        self.assertApplied(company_result)
        manager = self.env["res.partner"].browse(company_result["res_id"]).child_ids
        self.assertEqual(manager.title.id, title_result["res_id"])

    def test_virtual_id_of_a_create_never_received_is_a_failed_dependency(self):
        result = self.sync_one(make_change("write", "virtual:never-sent", {"function": "Buyer"}))
        self.assertRejected(result, "dependency_failed", "virtual:never-sent")

    def test_virtual_id_of_another_model_is_refused(self):
        tag = make_change("create", model="res.partner.category", values={"name": "Trade show"})
        self.sync_one(tag, user=self.env.ref("base.user_admin"))
        result = self.sync_one(
            make_change("write", f"virtual:{tag['uuid']}", {"function": "Buyer"}),
            user=self.env.ref("base.user_admin"))
        self.assertRejected(result, "bad_request", "res.partner")

    def test_virtual_id_of_a_write_is_refused(self):
        write = make_change("write", self.partner.id, {"function": "Buyer"})
        self.sync_one(write)
        result = self.sync_one(make_change("write", f"virtual:{write['uuid']}", {"function": "Buyer"}))
        self.assertRejected(result, "bad_request")

    def test_another_users_creation_is_not_reachable(self):
        create = make_change("create", values={"name": "Colleague's prospect"})
        self.sync_one(create, user=self.colleague)
        result = self.sync_one(make_change("write", f"virtual:{create['uuid']}", {"function": "Buyer"}))
        self.assertRejected(result, "dependency_failed")
        self.assertIsNone(result["res_id"])

    def test_changes_depending_on_a_failed_creation_fail_in_a_chain(self):
        failed = make_change("create", values={"name": "Broken", "type": "no-such-type"})
        child = make_change("create", values={"name": "Child", "parent_id": f"virtual:{failed['uuid']}"})
        write_child = make_change("write", f"virtual:{child['uuid']}", {"function": "Buyer"})
        write_failed = make_change("write", f"virtual:{failed['uuid']}", {"function": "Buyer"})
        independent = make_change("write", self.partner.id, {"function": "Purchaser"})
        results = self.sync(failed, child, write_child, write_failed, independent)
        self.assertRejected(results[0], "bad_request")
        for result in results[1:4]:
            self.assertRejected(result, "dependency_failed")
        self.assertApplied(results[4])
        self.assertFalse(self.env["res.partner"].search([("name", "in", ("Broken", "Child"))]))

    def test_changes_depending_on_a_creation_rejected_earlier_fail(self):
        failed = make_change("create", values={"name": "Broken", "type": "no-such-type"})
        self.sync_one(failed)
        result = self.sync_one(make_change("write", f"virtual:{failed['uuid']}", {"function": "Buyer"}))
        self.assertRejected(result, "dependency_failed")

    def test_dependants_succeed_once_the_failed_creation_is_fixed_and_resent(self):
        failed = make_change("create", values={"name": "Fixed later", "type": "no-such-type"})
        write = make_change("write", f"virtual:{failed['uuid']}", {"function": "Buyer"})
        self.sync(failed, write)
        failed["values"]["type"] = "contact"
        created, written = self.sync(failed, write)
        self.assertApplied(created)
        self.assertApplied(written)
        self.assertEqual(self.env["res.partner"].browse(created["res_id"]).function, "Buyer")
