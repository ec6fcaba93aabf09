#!/usr/bin/env bash
# Runs the whole test suite against a throwaway database: the addon's Python
# tests (Odoo's runner), its hoot unit tests and browser tours (headless
# Chromium through HttpCase). Exits non-zero on any failure or skipped test.
source "$(dirname "$0")/common.sh"

ODOO_PATH=$(find_odoo)
require_venv
"$VENV_DIR/bin/python" -c 'import websocket' 2>/dev/null \
    || die "websocket-client is missing: browser tests would be skipped. Run 'make setup'."
command -v chromium >/dev/null || die "chromium is missing: browser tests would be skipped. Run 'make setup'."

db=offline_mode_test_$$
log=$(mktemp -t offline_mode_test.XXXXXX.log)
port=$("$VENV_DIR/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cleanup() { dropdb --if-exists -U "$DB_USER" "$db" >/dev/null 2>&1 || true; rm -rf "$HOME/.local/share/Odoo/filestore/$db"; }
trap cleanup EXIT

say "Installing offline_mode into the throwaway database $db and running its tests"
set +e
odoo_bin -d "$db" -i offline_mode --test-tags "${TEST_TAGS:-/offline_mode}" \
    --stop-after-init --http-port="$port" --log-level=test --max-cron-threads=0 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e

# Odoo's runner ends with "<F> failed, <E> error(s) of <N> tests when loading database".
report=$(grep -oE '[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests when loading database' "$log" | tail -1 || true)
[ -n "$report" ] || die "Odoo's test runner printed no result (exit code $rc); see $log"
read -r failed errors total < <(echo "$report" | sed -E 's/([0-9]+) failed, ([0-9]+) error\(s\) of ([0-9]+) tests.*/\1 \2 \3/')
skipped=$(grep -cE 'odoo\.addons\.offline_mode\.tests\.[a-z_]+: skipped ' "$log" || true)
broken=$((failed + errors))
# The hoot suite is one Odoo test; its own count proves the JS tests really ran.
hoot=$(grep -oE '\[HOOT\] passed [0-9]+ tests' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)

echo
echo "offline_mode tests: $total run (one of them the hoot suite: $hoot JS unit tests passed), $broken failed (failures and errors), $skipped skipped; full log: $log"
echo "Result: $((total - broken - skipped)) passed, $broken failed, $skipped skipped"
if [ "$rc" != 0 ] || [ "$broken" != 0 ] || [ "$skipped" != 0 ] || [ "$total" = 0 ] || [ "$hoot" = 0 ]; then
    [ "$hoot" != 0 ] || echo "The hoot unit tests did not run."
    [ "$skipped" = 0 ] || echo "A skipped test counts as a failure here: every suite must really run."
    exit 1
fi
