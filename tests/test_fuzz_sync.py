"""Hostile and malformed payloads against /offline_mode/sync (property-based).

Whatever is sent: never an HTTP 5xx; a malformed request is refused whole with a
JSON-RPC error and applies nothing; otherwise every change gets exactly one
well-formed result, in order; and the database stays consistent with the ledger.
"""
import string

from hypothesis import HealthCheck, given, settings, strategies as st

EXAMPLES = 1000
STATUSES = {"applied", "conflict", "rejected"}
ERROR_CODES = {"access_denied", "validation", "missing_record", "bad_request", "dependency_failed", "unsupported"}
MARKER = "fuzz-"

text = st.text(alphabet=string.printable + "éß中\u0000\u202e", max_size=40)
junk = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
    max_leaves=20,
)


def _nested(depth):
    value = []
    for _ in range(depth):
        value = [value]
    return value


deep_nesting = st.integers(min_value=50, max_value=900).map(_nested)
huge_text = st.integers(min_value=10_000, max_value=300_000).map(lambda size: "x" * size)
uuids = st.sampled_from([f"{MARKER}{n}" for n in range(12)])  # small pool: duplicates in and across batches
models = st.sampled_from(["res.partner", "crm.lead", "res.users", "ir.config_parameter", "no.such.model", "", "res_partner"]) | junk
operations = st.sampled_from(["create", "write", "unlink", "archive", "unarchive", "drop", "", "WRITE"]) | junk
res_ids = (st.none() | st.integers(min_value=-5, max_value=60) | st.integers()
           | uuids.map(lambda uuid: "virtual:" + uuid) | st.just("virtual:nowhere") | st.just("virtual:") | junk)
field_names = st.sampled_from(["name", "comment", "function", "expected_revenue", "user_id", "category_id",
                               "active", "id", "create_uid", "write_date", "no_such_field", "", "__proto__"])
field_values = (st.none() | st.booleans() | st.integers() | st.floats() | text | huge_text | deep_nesting
                | uuids.map(lambda uuid: "virtual:" + uuid) | st.lists(st.tuples(st.integers(0, 6), st.integers()), max_size=3)
                | junk)
values = st.dictionaries(field_names, field_values, max_size=4) | junk
change = st.fixed_dictionaries(
    {"uuid": uuids, "model": models, "operation": operations},
    optional={"res_id": res_ids, "values": values, "original": values, "made_at": text | junk, "force": junk,
              "extra_key": junk},
)
# A change missing its uuid, or with a broken one, must still get a result.
broken_uuid_change = change.map(lambda c: {k: v for k, v in c.items() if k != "uuid"}) | st.builds(
    lambda c, u: {**c, "uuid": u}, change, junk | huge_text)
changes = st.lists(change | broken_uuid_change, max_size=8)
client_ids = st.just("fuzz-browser") | text | junk | huge_text
well_formed = st.fixed_dictionaries({"client_id": st.just("fuzz-browser"), "changes": changes})
# Half the payloads are well-formed requests carrying hostile changes; the rest
# are hostile requests, to be refused whole.
params = st.one_of(
    well_formed, well_formed, well_formed,
    st.fixed_dictionaries({"client_id": client_ids, "changes": changes}),
    st.fixed_dictionaries({"client_id": client_ids, "changes": junk}),
    st.dictionaries(text, junk, max_size=3),
)


def _check_result(change, result):
    assert set(result) >= {"uuid", "status", "res_id", "replayed"}, result
    assert result["status"] in STATUSES, result
    assert result["res_id"] is None or isinstance(result["res_id"], int), result
    assert isinstance(result["replayed"], bool), result
    assert ("conflicts" in result) == (result["status"] == "conflict"), result
    assert ("error" in result) == (result["status"] == "rejected"), result
    if "error" in result:
        assert result["error"]["code"] in ERROR_CODES, result
        assert isinstance(result["error"]["message"], str) and result["error"]["message"], result
    if isinstance(change, dict) and isinstance(change.get("uuid"), str) and 0 < len(change["uuid"]) <= 64:
        assert result["uuid"] == change["uuid"], result


def test_hostile_payloads_get_structured_answers_and_keep_the_database_consistent(make_user, db_rows, report):
    fuzzer = make_user()
    tried = {"requests": 0, "refused whole": 0, "changes": 0, "http 5xx": 0}

    def ledger_size():
        return db_rows("SELECT count(*) FROM offline_change WHERE user_id = %s", [fuzzer.uid])[0][0]

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(params)
    def send(payload):
        before = ledger_size()
        response = fuzzer.post("/offline_mode/sync", payload)
        tried["requests"] += 1
        tried["http 5xx"] += response.status_code >= 500
        assert response.status_code < 500, response.text[:500]
        body = response.json()
        if "error" in body:
            tried["refused whole"] += 1
            assert "Traceback" not in str(body["error"].get("message", "")), body
            assert ledger_size() == before, "a refused request applied something"
            return
        results = body["result"]["results"]
        assert len(results) == len(payload["changes"])
        tried["changes"] += len(results)
        for sent, result in zip(payload["changes"], results):
            _check_result(sent, result)

    send()

    # The ledger and the data agree: each applied create made exactly one record,
    # and nothing the ledger does not vouch for was created.
    applied_creates = db_rows(
        "SELECT uuid, model, res_id FROM offline_change "
        "WHERE user_id = %s AND operation = 'create' AND status = 'applied'", [fuzzer.uid])
    for uuid, model, res_id in applied_creates:
        assert isinstance(res_id, int) and res_id > 0, (uuid, model, res_id)
    created = db_rows("SELECT count(*) FROM res_partner WHERE create_uid = %s", [fuzzer.uid])[0][0]
    partner_creates = [row for row in applied_creates if row[1] == "res.partner"]
    assert created <= len(partner_creates)
    assert db_rows("SELECT count(*) FROM offline_change WHERE user_id = %s GROUP BY uuid HAVING count(*) > 1",
                   [fuzzer.uid]) == []
    report(f"Fuzz: {tried['requests']} payloads tried ({tried['refused whole']} refused whole, "
           f"{tried['changes']} changes answered one by one), {tried['http 5xx']} HTTP 5xx")
