from odoo.tests import tagged

from odoo.addons.offline_mode.sync import BatchRefused, SyncEngine
from odoo.addons.offline_mode.sync.change import MAX_CHANGE_BYTES, MAX_NESTING
from odoo.addons.offline_mode.sync.errors import translate

from .sync_common import SyncCase, make_change


@tagged("post_install", "-at_install")
class TestSyncRefusesBadChanges(SyncCase):

    def assertBadRequest(self, change, message_part=None):
        result = self.sync_one(change)
        self.assertRejected(result, "bad_request", message_part)
        return result

    def test_change_that_is_not_an_object(self):
        result = self.assertBadRequest("create a partner please")
        self.assertEqual(result["uuid"], "")

    def test_change_without_uuid_is_answered_but_not_recorded(self):
        change = make_change("create", values={"name": "No uuid"})
        del change["uuid"]
        result = self.assertBadRequest(change, "uuid")
        self.assertEqual(result["uuid"], "")
        self.assertFalse(self.env["res.partner"].search([("name", "=", "No uuid")]))

    def test_uuid_too_long(self):
        self.assertBadRequest(make_change("create", values={"name": "X"}, uuid="u" * 65), "uuid")

    def test_unknown_operation(self):
        self.assertBadRequest(make_change("merge", self.partner.id), "merge")

    def test_unknown_model(self):
        self.assertBadRequest(make_change("create", values={"name": "X"}, model="no.such.model"), "no.such.model")

    def test_abstract_model(self):
        self.assertBadRequest(make_change("create", values={}, model="image.mixin"), "image.mixin")

    def test_wizard_model_is_unsupported(self):
        result = self.sync_one(make_change("create", values={}, model="res.config.settings"))
        self.assertRejected(result, "unsupported", "res.config.settings")

    def test_unknown_field(self):
        self.assertBadRequest(make_change("write", self.partner.id, {"shoe_size": 44}), "shoe_size")

    def test_fields_maintained_by_the_server(self):
        for name in ("id", "create_uid", "write_date", "__last_update", "display_name"):
            self.assertBadRequest(make_change("write", self.partner.id, {name: 1}), name)

    def test_computed_field_without_inverse(self):
        self.assertBadRequest(
            make_change("write", self.partner.id, {"commercial_partner_id": self.partner.id}),
            "commercial_partner_id")

    def test_field_reserved_to_other_groups_is_access_denied(self):
        self.patch(type(self.env["res.partner"]).ref, "groups", "base.group_system")
        result = self.sync_one(make_change("write", self.partner.id, {"ref": "AZ-1"}))
        self.assertRejected(result, "access_denied", "ref")
        self.assertFalse(self.partner.ref)

    def test_wrong_value_types(self):
        for values, field in (
            ({"color": "red"}, "color"),
            ({"partner_latitude": "north"}, "partner_latitude"),
            ({"is_company": "yes"}, "is_company"),
            ({"function": 12}, "function"),
            ({"type": "robot"}, "type"),
            ({"date": "next tuesday"}, "date"),
            ({"parent_id": "Azure"}, "parent_id"),
            ({"category_id": "vip"}, "category_id"),
            ({"category_id": [[9, 1]]}, "category_id"),
        ):
            with self.subTest(field=field):
                self.assertBadRequest(make_change("write", self.partner.id, values), field)

    def test_wrong_value_in_nested_line_values(self):
        change = make_change("write", self.partner.id, {"child_ids": [[0, 0, {"name": "Line", "color": "red"}]]})
        self.assertBadRequest(change, "color")

    def test_res_id_on_a_create(self):
        self.assertBadRequest(make_change("create", self.partner.id, {"name": "X"}), "res_id")

    def test_missing_res_id(self):
        self.assertBadRequest(make_change("write", None, {"function": "X"}), "res_id")

    def test_res_id_that_is_no_id(self):
        for res_id in ("42", -1, True, "virtual:"):
            with self.subTest(res_id=res_id):
                self.assertBadRequest(make_change("write", res_id, {"function": "X"}), "res_id")

    def test_values_not_an_object(self):
        self.assertBadRequest(make_change("write", self.partner.id, ["function", "X"]), "values")

    def test_original_not_an_object(self):
        self.assertBadRequest(make_change("write", self.partner.id, {"function": "X"}, original="Buyer"), "original")

    def test_made_at_in_another_format(self):
        self.assertBadRequest(make_change("write", self.partner.id, {"function": "X"}, made_at="02/05/2024"), "made_at")

    def test_force_not_a_boolean(self):
        self.assertBadRequest(make_change("write", self.partner.id, {"function": "X"}, force="yes"), "force")

    def test_values_nested_too_deep(self):
        deep = []
        for _ in range(MAX_NESTING + 1):
            deep = [deep]
        self.assertBadRequest(make_change("write", self.partner.id, {"category_id": deep}), "nested")

    def test_number_that_is_not_finite(self):
        for number in (float("nan"), float("inf")):
            change = make_change("write", self.partner.id, {"partner_latitude": number})
            self.assertBadRequest(change, "NaN")
            self.assertFalse(self.ledger_entry(change["uuid"]).values)

    def test_nul_characters_anywhere_in_the_change(self):  # PostgreSQL stores none
        for change in (
            make_change("write", self.partner.id, {"function": "Buy\x00er"}),
            make_change("write", self.partner.id, {"function\x00": "Buyer"}),
            make_change("write", self.partner.id, {"function": "Buyer"}, original={"function": ["\x00"]}),
            make_change("create", values={"name": "X"}, model="res.\x00partner"),
        ):
            with self.subTest(change=change):
                self.assertBadRequest(change)
                self.assertTrue(self.ledger_entry(change["uuid"]))

    def test_result_of_a_change_with_an_invalid_uuid_carries_it_as_sent(self):
        for sent, echoed in (
            ("u" * 65, "u" * 65),
            ("u" * 1000, "u" * 256 + "…"),
            (None, "null"),
            (123, "123"),
            (["a", 1], '["a", 1]'),
            ("bad\ud800", "bad\\ud800"),
        ):
            with self.subTest(uuid=sent):
                result = self.sync_one(make_change("create", values={"name": "X"}, uuid=sent or "x") | {"uuid": sent})
                self.assertRejected(result, "bad_request", "uuid")
                self.assertEqual(result["uuid"], echoed)

    def test_ids_past_the_integer_range(self):
        for res_id in (2**31, 2**63, 2**80):
            with self.subTest(res_id=res_id):
                for operation in ("write", "unlink", "archive"):
                    self.assertBadRequest(make_change(operation, res_id, {"function": "X"}), "res_id")
                self.assertBadRequest(make_change("write", self.partner.id, {"parent_id": res_id}), "record id")
                self.assertBadRequest(make_change("write", self.partner.id, {"category_id": [res_id]}), "record id")
                self.assertBadRequest(make_change("write", self.partner.id, {"color": res_id}), "whole number")
        self.assertBadRequest(make_change("write", self.partner.id, {"color": -(2**31) - 1}), "whole number")
        self.assertBadRequest(make_change("write", self.partner.id, {"partner_latitude": 10**400}), "a number")

    def test_text_that_is_not_valid_unicode(self):
        for change, message_part in (
            (make_change("write", self.partner.id, {"function": "Buy\ud800er"}), "Unicode"),
            (make_change("write", self.partner.id, {"function\udfff": "Buyer"}), "Unicode"),
            (make_change("create", values={"name": "X"}, model="res.\ud800partner"), "model"),
        ):
            with self.subTest(change=change):
                self.assertBadRequest(change, message_part)
                self.assertTrue(self.ledger_entry(change["uuid"]))

    def test_oversized_values(self):
        change = make_change("write", self.partner.id, {"comment": "x" * MAX_CHANGE_BYTES})
        self.assertBadRequest(change, "too large")

    def test_refused_change_is_recorded_with_what_could_be_read(self):
        change = make_change("write", self.partner.id, {"shoe_size": 44})
        self.sync_one(change)
        entry = self.ledger_entry(change["uuid"])
        self.assertEqual((entry.status, entry.error_code, entry.model, entry.res_id, entry.operation),
                         ("rejected", "bad_request", "res.partner", self.partner.id, "write"))
        self.assertEqual(entry.values, {"shoe_size": 44})
        self.assertIn("shoe_size", entry.error_message)

    def test_bad_change_does_not_stop_the_batch(self):
        results = self.sync(
            make_change("write", self.partner.id, {"shoe_size": 44}),
            make_change("write", self.partner.id, {"function": "Purchaser"}),
        )
        self.assertRejected(results[0], "bad_request")
        self.assertApplied(results[1])


@tagged("post_install", "-at_install")
class TestSyncRefusesMalformedRequests(SyncCase):

    def assertRefused(self, client_id, changes, message_part, request_bytes=0):
        with self.assertRaises(BatchRefused) as refused:
            SyncEngine(self.env(user=self.user)).sync(client_id, changes, request_bytes=request_bytes)
        self.assertIn(message_part, translate(self.env, refused.exception.message))

    def test_changes_not_a_list(self):
        self.assertRefused("browser-1", {"uuid": "a"}, "list")

    def test_more_changes_than_max_batch(self):
        self.set_offline_setting("max_batch", 2)
        changes = [make_change("create", values={"name": f"P{n}"}) for n in range(3)]
        self.assertRefused("browser-1", changes, "at most 2")
        self.assertFalse(self.env["res.partner"].search([("name", "in", ["P0", "P1", "P2"])]))

    def test_request_body_over_the_size_limit(self):
        self.assertRefused("browser-1", [], "send fewer changes", request_bytes=11 * 1024 * 1024)

    def test_single_change_over_the_size_limit_is_named_as_such(self):
        change = make_change("write", self.partner.id, {"comment": "x"})
        self.assertRefused("browser-1", [change], "This change is too large", request_bytes=11 * 1024 * 1024)

    def test_missing_client_id(self):
        self.assertRefused(None, [], "client_id")
        self.assertRefused("b" * 65, [], "client_id")
        self.assertRefused("b\ud800", [], "client_id")
