from odoo.tests import tagged

from .sync_common import SyncCase, make_change

PIXEL = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="


@tagged("post_install", "-at_install")
class TestSyncConflicts(SyncCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.title_mister = cls.env["res.partner.title"].create({"name": "Mister"})
        cls.title_doctor = cls.env["res.partner.title"].create({"name": "Doctor"})
        cls.tag_a, cls.tag_b, cls.tag_c = cls.env["res.partner.category"].create(
            [{"name": "A"}, {"name": "B"}, {"name": "C"}])

    def edit_as_colleague(self, values):
        self.partner.with_user(self.colleague).write(values)

    def offline_write(self, values, original, **extra):
        return self.sync_one(make_change("write", self.partner.id, values, original=original, **extra))

    def test_field_changed_by_someone_else_is_a_conflict_and_nothing_is_applied(self):
        self.edit_as_colleague({"function": "Chief buyer"})
        result = self.offline_write({"function": "Purchaser", "ref": "AZ-1"}, {"function": "Buyer", "ref": False})
        self.assertEqual(result["status"], "conflict")
        self.assertEqual(result["res_id"], self.partner.id)
        self.assertEqual(result["conflicts"], [{
            "field": "function", "label": "Job Position",
            "original": "Buyer", "server": "Chief buyer", "client": "Purchaser",
        }])
        self.assertNotIn("error", result)
        self.assertEqual((self.partner.function, self.partner.ref), ("Chief buyer", False))

    def test_conflict_is_recorded_in_the_ledger(self):
        self.edit_as_colleague({"function": "Chief buyer"})
        change = make_change("write", self.partner.id, {"function": "Purchaser"}, original={"function": "Buyer"})
        self.sync_one(change)
        entry = self.ledger_entry(change["uuid"])
        self.assertEqual(entry.status, "conflict")
        self.assertEqual(entry.conflicts[0]["server"], "Chief buyer")

    def test_forced_write_is_applied_over_a_conflict(self):
        self.edit_as_colleague({"function": "Chief buyer"})
        self.assertApplied(self.offline_write({"function": "Purchaser"}, {"function": "Buyer"}, force=True))
        self.assertEqual(self.partner.function, "Purchaser")

    def test_last_write_wins_policy_applies_conflicting_writes(self):
        self.set_offline_setting("conflict_policy", "last_write_wins")
        self.edit_as_colleague({"function": "Chief buyer"})
        self.assertApplied(self.offline_write({"function": "Purchaser"}, {"function": "Buyer"}))
        self.assertEqual(self.partner.function, "Purchaser")

    def test_other_fields_changed_by_someone_else_do_not_conflict(self):
        self.edit_as_colleague({"ref": "AZ-9"})
        self.assertApplied(self.offline_write({"function": "Purchaser"}, {"function": "Buyer"}))
        self.assertEqual((self.partner.function, self.partner.ref), ("Purchaser", "AZ-9"))

    def test_same_new_value_on_both_sides_is_no_conflict(self):
        self.edit_as_colleague({"function": "Purchaser"})
        self.assertApplied(self.offline_write({"function": "Purchaser"}, {"function": "Buyer"}))

    def test_write_without_original_values_is_applied(self):
        self.edit_as_colleague({"function": "Chief buyer"})
        self.assertApplied(self.offline_write({"function": "Purchaser"}, {}))

    def test_empty_texts_are_equal_whatever_their_form(self):
        self.partner.ref = ""
        for original in (False, None, ""):
            self.assertApplied(self.offline_write({"ref": "AZ-1"}, {"ref": original}))
            self.partner.ref = False

    def test_many2one_original_is_compared_by_id_in_any_form(self):
        self.partner.title = self.title_mister
        for original in (
            self.title_mister.id,
            [self.title_mister.id, "Mister"],
            {"id": self.title_mister.id, "display_name": "Mister"},
        ):
            self.partner.title = self.title_mister
            self.assertApplied(self.offline_write({"title": self.title_doctor.id}, {"title": original}))

    def test_many2one_changed_by_someone_else_conflicts_with_its_name(self):
        self.partner.title = self.title_mister
        self.edit_as_colleague({"title": self.title_doctor.id})
        result = self.offline_write({"title": False}, {"title": [self.title_mister.id, "Mister"]})
        self.assertEqual(result["status"], "conflict")
        self.assertEqual(result["conflicts"][0]["server"], {"id": self.title_doctor.id, "display_name": "Doctor"})

    def test_float_is_compared_at_the_fields_precision(self):
        self.partner.partner_latitude = 50.8503396
        # digits=(10, 7): the client may hold the value with float noise
        self.assertApplied(self.offline_write({"partner_latitude": 48.8566}, {"partner_latitude": 50.85033960000001}))

    def test_float_changed_by_someone_else_conflicts(self):
        self.partner.partner_latitude = 50.8503396
        self.edit_as_colleague({"partner_latitude": 51.0})
        result = self.offline_write({"partner_latitude": 48.8566}, {"partner_latitude": 50.8503396})
        self.assertEqual(result["status"], "conflict")
        self.assertEqual(result["conflicts"][0]["server"], 51.0)

    def test_x2many_is_compared_as_a_set_of_ids(self):
        self.partner.category_id = self.tag_a | self.tag_b
        result = self.offline_write(
            {"category_id": [[4, self.tag_c.id]]}, {"category_id": [self.tag_b.id, self.tag_a.id]})
        self.assertApplied(result)
        self.assertEqual(self.partner.category_id, self.tag_a | self.tag_b | self.tag_c)

    def test_x2many_original_may_hold_id_name_pairs_or_records(self):
        self.partner.category_id = self.tag_a
        for original in ([[self.tag_a.id, "A"]], [{"id": self.tag_a.id, "display_name": "A"}]):
            self.partner.category_id = self.tag_a
            self.assertApplied(
                self.offline_write({"category_id": [[6, 0, [self.tag_b.id]]]}, {"category_id": original}))

    def test_x2many_changed_by_someone_else_conflicts(self):
        self.partner.category_id = self.tag_a
        self.edit_as_colleague({"category_id": [(4, self.tag_b.id)]})
        result = self.offline_write({"category_id": [[4, self.tag_c.id]]}, {"category_id": [self.tag_a.id]})
        self.assertEqual(result["status"], "conflict")
        self.assertEqual(sorted(result["conflicts"][0]["server"]), sorted([self.tag_a.id, self.tag_b.id]))

    def test_x2many_reaching_the_same_set_is_no_conflict(self):
        self.partner.category_id = self.tag_a
        self.edit_as_colleague({"category_id": [(4, self.tag_b.id)]})
        self.assertApplied(self.offline_write({"category_id": [[4, self.tag_b.id]]}, {"category_id": [self.tag_a.id]}))

    def test_date_is_compared_in_server_format(self):
        admin = self.env.ref("base.user_admin")
        rate = self.env["res.currency.rate"].create({
            "name": "2024-03-01", "rate": 1.1, "currency_id": self.env.ref("base.EUR").id})
        rate.name = "2024-03-02"  # someone else moved it
        change = make_change("write", rate.id, {"name": "2024-04-01"}, model="res.currency.rate",
                             original={"name": "2024-03-01"})
        result = self.sync_one(change, user=admin)
        self.assertEqual(result["status"], "conflict")
        self.assertEqual(result["conflicts"][0]["server"], "2024-03-02")
        change = dict(change, uuid="date-seen-after-the-move", original={"name": "2024-03-02"})
        self.assertApplied(self.sync_one(change, user=admin))

    def test_datetime_is_compared_in_server_format(self):
        admin = self.env.ref("base.user_admin")
        cron = self.env.ref("offline_mode.ir_cron_purge_offline_changes")
        cron.nextcall = "2024-03-01 04:00:00"
        self.assertApplied(self.sync_one(make_change(
            "write", cron.id, {"nextcall": "2024-03-02 04:00:00"}, model="ir.cron",
            original={"nextcall": "2024-03-01 04:00:00"}), user=admin))
        cron.nextcall = "2024-03-03 04:00:00"  # someone else moved it
        result = self.sync_one(make_change(
            "write", cron.id, {"nextcall": "2024-03-04 04:00:00"}, model="ir.cron",
            original={"nextcall": "2024-03-02 04:00:00"}), user=admin)
        self.assertEqual(result["status"], "conflict")
        self.assertEqual(result["conflicts"][0]["server"], "2024-03-03 04:00:00")

    def test_file_changed_by_someone_else_conflicts(self):
        self.edit_as_colleague({"image_1920": PIXEL})
        change = make_change("write", self.partner.id, {"image_1920": False}, original={"image_1920": False})
        result = self.sync_one(change)
        self.assertEqual(result["status"], "conflict")
        self.assertIsInstance(result["conflicts"][0]["server"], str)
        self.assertEqual(self.ledger_entry(change["uuid"]).conflicts, result["conflicts"])

    def test_unreadable_original_value_is_refused(self):
        result = self.offline_write({"title": self.title_doctor.id}, {"title": "Mister"})
        self.assertRejected(result, "bad_request", "title")
