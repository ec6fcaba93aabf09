"""Who may sync what: sessions, ledger isolation, access rights, record rules."""
import uuid

import requests

from support.jsonrpc import RpcError, WebSession


def _uuid():
    return f"sec-{uuid.uuid4()}"


def test_sync_without_session_is_refused(server, db_rows):
    anonymous = WebSession(server)
    marker = _uuid()
    response = anonymous.post("/offline_mode/sync", {"client_id": "x", "changes": [
        {"uuid": marker, "model": "res.partner", "operation": "create", "res_id": None, "values": {"name": marker}}]})
    assert response.status_code < 500
    assert response.json()["error"]["data"]["name"] == "odoo.http.SessionExpiredException"
    assert db_rows("SELECT count(*) FROM res_partner WHERE name = %s", [marker])[0][0] == 0


def test_config_without_session_is_refused(server):
    body = WebSession(server).post("/offline_mode/config").json()
    assert body["error"]["data"]["name"] == "odoo.http.SessionExpiredException"


def test_same_uuid_from_another_user_is_their_own_change_and_reveals_nothing(make_user):
    alice, bob = make_user(), make_user()
    shared = _uuid()
    first = alice.sync([{"uuid": shared, "model": "res.partner", "operation": "create", "res_id": None,
                         "values": {"name": "Alice's secret customer"}}])["results"][0]
    second = bob.sync([{"uuid": shared, "model": "res.partner", "operation": "create", "res_id": None,
                        "values": {"name": "Bob's customer"}}])["results"][0]
    assert first["status"] == second["status"] == "applied"
    assert second["replayed"] is False
    assert second["res_id"] != first["res_id"]


def test_a_user_reads_only_their_own_ledger_entries(make_user):
    alice, bob = make_user(), make_user()
    marker = _uuid()
    alice.sync([{"uuid": marker, "model": "res.partner", "operation": "create", "res_id": None,
                 "values": {"name": marker}}])
    assert bob.call_kw("offline.change", "search_read", [[["uuid", "=", marker]]], {"fields": ["id"]}) == []
    alice_entry = alice.call_kw("offline.change", "search_read", [[["uuid", "=", marker]]], {"fields": ["id"]})
    assert len(alice_entry) == 1
    try:
        bob.call_kw("offline.change", "read", [[alice_entry[0]["id"]], ["values"]])
        raise AssertionError("Bob read Alice's ledger entry")
    except RpcError as error:
        assert error.error["data"]["name"] == "odoo.exceptions.AccessError"


def test_record_rules_hold_through_sync(admin, make_user, db_rows):
    """A salesman limited to their own leads cannot write another salesman's lead."""
    owner = make_user()
    intruder = make_user(groups=("sales_team.group_sale_salesman",))
    lead_id = admin.call_kw("crm.lead", "create", [{"name": "Owned lead", "user_id": owner.uid,
                                                    "expected_revenue": 1000}])
    result = intruder.sync([{"uuid": _uuid(), "model": "crm.lead", "operation": "write", "res_id": lead_id,
                             "values": {"expected_revenue": 1}, "original": {"expected_revenue": 1000}}])["results"][0]
    assert result["status"] == "rejected"
    assert result["error"]["code"] == "access_denied"
    assert db_rows("SELECT expected_revenue FROM crm_lead WHERE id = %s", [lead_id])[0][0] == 1000


def test_a_user_cannot_grant_themselves_groups_through_sync(make_user, db_rows):
    user = make_user()
    admin_group = db_rows("SELECT res_id FROM ir_model_data WHERE module = 'base' AND name = 'group_system'")[0][0]
    result = user.sync([{"uuid": _uuid(), "model": "res.users", "operation": "write", "res_id": user.uid,
                         "values": {"groups_id": [[4, admin_group]]}, "original": {}}])["results"][0]
    assert result["status"] == "rejected"
    assert result["error"]["code"] in ("access_denied", "bad_request")
    assert db_rows("SELECT count(*) FROM res_groups_users_rel WHERE uid = %s AND gid = %s",
                   [user.uid, admin_group])[0][0] == 0


def test_a_user_cannot_touch_system_parameters_through_sync(make_user, db_rows):
    user = make_user()
    result = user.sync([{"uuid": _uuid(), "model": "ir.config_parameter", "operation": "create", "res_id": None,
                         "values": {"key": "offline_mode.sec_probe", "value": "1"}}])["results"][0]
    assert result["status"] == "rejected"
    assert result["error"]["code"] == "access_denied"
    assert db_rows("SELECT count(*) FROM ir_config_parameter WHERE key = 'offline_mode.sec_probe'")[0][0] == 0


def test_an_oversized_request_is_refused_whole_without_a_server_error(make_user, db_rows):
    user = make_user()
    marker = _uuid()
    changes = [{"uuid": marker, "model": "res.partner", "operation": "create", "res_id": None,
                "values": {"name": marker, "comment": "x" * (64 * 1024 * 1024)}}]
    try:
        response = user.post("/offline_mode/sync", {"client_id": "x", "changes": changes})
    except requests.ConnectionError:
        response = None  # the server may close the connection on a body this large: also a refusal
    if response is not None:
        assert response.status_code < 500
        assert response.status_code == 413 or "error" in response.json()
    assert db_rows("SELECT count(*) FROM res_partner WHERE name = %s", [marker])[0][0] == 0
