"""Changes made offline in a real browser whose network is really cut, then synced.

The tours (static/tests/tours/offline_edit_*.js) cut and restore the network
through console markers that NetworkControlledBrowser turns into DevTools
commands (see test_offline_read_cache.py); the checks below read the database
once the tour is over, after the browser synced by itself.
"""
import json
from unittest.mock import patch

import requests

from odoo.tests import HttpCase, common, tagged

from .test_offline_read_cache import MARKER, NetworkControlledBrowser


class OtherUserBrowser(NetworkControlledBrowser):
    """Also lets a tour ask for another user's edits on the server (the
    ``[offline_mode] other user edits`` marker), made by the running test."""

    def _handle_console(self, type, args=None, stackTrace=None, **kw):  # pylint: disable=redefined-builtin
        super()._handle_console(type, args=args, stackTrace=stackTrace, **kw)
        if type == "log" and args and str(self._from_remoteobject(args[0])) == f"{MARKER}other user edits":
            self.test_case.make_other_user_edits()
            self._websocket_send("Runtime.evaluate", params={"expression": "window.offlineModeOtherUserEdited = true"})


@tagged("post_install", "-at_install")
class TestOfflineEdit(HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.ref("base.user_admin")
        cls.marc = cls.env.ref("base.user_demo")
        Partner = cls.env["res.partner"]
        cls.edited = Partner.create({
            "name": "Offline Edit Partner", "phone": "+1 555 0100", "user_id": cls.admin.id,
            "function": "Buyer",
        })
        cls.discarded = Partner.create({"name": "Offline Discard Partner", "function": "Buyer"})
        cls.to_archive = Partner.create({"name": "Offline Archive Partner"})
        cls.to_delete = Partner.create({"name": "Offline Delete Partner"})
        cls.to_unarchive = Partner.create({"name": "Offline Unarchive Partner", "active": False})
        cls.conflict_kept = Partner.create({"name": "Offline Conflict Mine", "phone": "+1 555 0300"})
        cls.conflict_dropped = Partner.create({"name": "Offline Conflict Theirs", "phone": "+1 555 0400"})
        cls.other_user_edits = {}

    def start_offline_tour(self, url, tour):
        with patch.object(common, "ChromeBrowser", OtherUserBrowser):
            self.start_tour(url, tour, login="admin")

    def make_other_user_edits(self):
        """Marc Demo writes ``other_user_edits`` through the web client's route,
        in a session of his own, while the tour's browser is offline."""
        session = requests.Session()
        base = self.base_url()
        session.post(f"{base}/web/session/authenticate", json={
            "jsonrpc": "2.0", "params": {"db": self.env.cr.dbname, "login": "demo", "password": "demo"},
        }, timeout=30).raise_for_status()
        for record, values in self.other_user_edits.items():
            answer = session.post(f"{base}/web/dataset/call_kw/{record._name}/write", json={
                "jsonrpc": "2.0",
                "params": {"model": record._name, "method": "write", "args": [record.ids, values], "kwargs": {}},
            }, timeout=30).json()
            assert "error" not in answer, json.dumps(answer["error"])

    def ledger(self, record):
        return self.env["offline.change"].sudo().search([("model", "=", record._name), ("res_id", "=", record.id)])

    def test_edit_two_fields_discard_another_change_then_sync(self):
        """Salesperson and phone edited offline reach the database once; the
        discarded change of another customer never does."""
        self.start_offline_tour("/odoo/action-base.action_partner_form", "offline_mode_edit_form")

        self.assertEqual(self.edited.user_id, self.marc)
        self.assertEqual(self.edited.phone, "+1 555 0199")
        self.assertEqual(self.discarded.function, "Buyer")
        entry = self.ledger(self.edited)
        self.assertEqual(len(entry), 1, "one change, merged from the edits of the record")
        self.assertEqual((entry.operation, entry.status), ("write", "applied"))
        self.assertEqual(entry.values, {"user_id": self.marc.id, "phone": "+1 555 0199"})
        self.assertEqual(entry.original, {"user_id": self.admin.id, "phone": "+1 555 0100"})
        self.assertFalse(self.ledger(self.discarded))

    def test_archive_delete_unarchive_and_create_offline_then_sync(self):
        """Each operation made offline is applied once; the record created
        offline exists once, and the form showing it followed it to its id."""
        Ledger = self.env["offline.change"].sudo()
        known = Ledger.search([])
        self.start_offline_tour("/odoo/action-base.action_partner_form", "offline_mode_edit_lifecycle")

        self.assertFalse(self.to_archive.active)
        self.assertFalse(self.to_delete.exists())
        self.assertTrue(self.to_unarchive.active)
        created = self.env["res.partner"].search([("name", "=", "Offline Created Partner")])
        self.assertEqual(len(created), 1)
        entries = Ledger.search([("user_id", "=", self.admin.id)]) - known
        self.assertEqual(
            sorted((entry.operation, entry.res_id, entry.status) for entry in entries),
            sorted([
                ("archive", self.to_archive.id, "applied"),
                ("create", created.id, "applied"),
                ("unarchive", self.to_unarchive.id, "applied"),
                ("unlink", self.to_delete.id, "applied"),
            ]))

    def test_conflict_with_another_user_resolved_both_ways(self):
        """Someone else changed the phones meanwhile: "Keep mine" applies mine
        over theirs, "Use server's" leaves theirs; neither is applied silently."""
        self.other_user_edits = {
            self.conflict_kept: {"phone": "+1 555 0301"},
            self.conflict_dropped: {"phone": "+1 555 0401"},
        }
        self.start_offline_tour("/odoo/action-base.action_partner_form", "offline_mode_edit_conflict")

        self.assertEqual(self.conflict_kept.phone, "+1 555 0399")
        self.assertEqual(self.conflict_dropped.phone, "+1 555 0401")
        self.assertEqual(self.conflict_kept.write_uid, self.admin)
        self.assertEqual(self.conflict_dropped.write_uid, self.marc)
        kept, dropped = self.ledger(self.conflict_kept), self.ledger(self.conflict_dropped)
        self.assertEqual((kept.status, kept.force), ("applied", True))
        self.assertEqual((dropped.status, dropped.force), ("conflict", False))
        self.assertEqual(dropped.conflicts[0]["server"], "+1 555 0401")
