"""Hostile and malformed payloads against /offline_mode/sync (property-based).

Whatever is sent: never an HTTP 5xx; a malformed request (and only that: a
missing or invalid client_id, changes that are not a list, too many, too large)
is refused whole with a JSON-RPC error and applies nothing; otherwise every
change gets exactly one well-formed result, in order, carrying its uuid as sent;
and the database stays consistent with the ledger.
"""
import json
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

EXAMPLES = 1000
STATUSES = {"applied", "conflict", "rejected"}
ERROR_CODES = {"access_denied", "validation", "missing_record", "bad_request", "dependency_failed", "unsupported"}
MARKER = "fuzz-"
MAX_BATCH = 500
MAX_REQUEST_BYTES = 10 * 1024 * 1024
MAX_ECHOED_UUID_LENGTH = 256

# NUL and a lone surrogate: JSON carries both, PostgreSQL stores neither.
text = st.text(alphabet=string.printable + "éß中\u0000\u202e\ud800", max_size=40)
# Past PostgreSQL's integer (ids, integer fields) and bigint ranges.
huge_integers = st.integers(min_value=2**31 - 2, max_value=2**70) | st.integers(max_value=-(2**31) + 1)
junk = st.recursive(
    st.none() | st.booleans() | st.integers() | huge_integers | st.floats(allow_nan=True) | text,
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
res_ids = (st.none() | st.integers(min_value=-5, max_value=60) | st.integers() | huge_integers
           | uuids.map(lambda uuid: "virtual:" + uuid) | st.just("virtual:nowhere") | st.just("virtual:") | junk)
field_names = st.sampled_from(["name", "comment", "function", "expected_revenue", "user_id", "category_id",
                               "color", "parent_id", "active", "id", "create_uid", "write_date",
                               "no_such_field", "", "__proto__"])
field_values = (st.none() | st.booleans() | st.integers() | huge_integers | st.floats() | text | huge_text
                | deep_nesting | st.lists(huge_integers, max_size=2)
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


def _is_client_made_id(value):
    if not isinstance(value, str) or not 0 < len(value) <= 64 or "\x00" in value:
        return False
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


def _malformed(payload):
    """Whether the request as a whole is malformed; None when too close to the size limit to tell."""
    size = len(json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": payload}))
    if abs(size - MAX_REQUEST_BYTES) < 100:
        return None
    changes = payload.get("changes")
    return (size > MAX_REQUEST_BYTES or not _is_client_made_id(payload.get("client_id"))
            or not isinstance(changes, list) or len(changes) > MAX_BATCH)


def _echoed(change):
    uuid = change.get("uuid", "") if isinstance(change, dict) else ""
    if not isinstance(uuid, str):
        uuid = json.dumps(uuid, default=repr)
    if len(uuid) > MAX_ECHOED_UUID_LENGTH:
        uuid = uuid[:MAX_ECHOED_UUID_LENGTH] + "…"
    return uuid.encode("utf-8", "backslashreplace").decode()


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
    assert result["uuid"] == _echoed(change), result


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
        malformed = _malformed(payload)
        if malformed is not None:
            assert ("error" in body) == malformed, (
                f"{'refused' if 'error' in body else 'accepted'} whole: {str(body)[:500]}")
        if "error" in body:
            tried["refused whole"] += 1
            assert "Traceback" not in str(body["error"].get("message", "")), body
            assert ledger_size() == before, "a refused request applied something"
            return
        results = body["result"]["results"]
        assert len(results) == len(payload["changes"])
        tried["changes"] += len(results)
        for sent, result in zip(payload["changes"], results, strict=True):
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
