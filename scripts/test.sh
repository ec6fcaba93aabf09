#!/usr/bin/env bash
# Runs the test suites and prints one closing count. Usage: test.sh [lint|addon|system]
#   lint   — ruff and ESLint/Prettier with Odoo's rules (scripts/lint.sh): one check
#   addon  — the addon's Python tests (Odoo's runner), its hoot unit tests and
#            browser tours (headless Chromium through HttpCase), on a throwaway database
#   system — the suites under tests/ (faults, fuzz, load, security) against real
#            Odoo servers, on a throwaway database
# Without an argument, both. Exits non-zero on any failure or skipped test.
source "$(dirname "$0")/common.sh"

ODOO_PATH=$(find_odoo)
require_venv
"$VENV_DIR/bin/python" -c 'import websocket' 2>/dev/null \
    || die "websocket-client is missing: browser tests would be skipped. Run 'make setup'."
command -v chromium >/dev/null || die "chromium is missing: browser tests would be skipped. Run 'make setup'."

suites=${1:-lint addon system}
passed=0 failed=0 skipped=0
logs=$(mktemp -d -t offline_mode_tests.XXXXXX)

run_lint() {
    say "Lint: ruff (Python), ESLint with Odoo's rules and Prettier (JavaScript)"
    if bash "$REPO_DIR/scripts/lint.sh"; then
        passed=$((passed + 1))
    else
        echo "Lint failed: see above ('bash scripts/lint.sh --fix' fixes the formatting)."
        failed=$((failed + 1))
    fi
}

run_addon_tests() {
    local db=offline_mode_test_$$ log=$logs/addon.log port rc
    port=$("$VENV_DIR/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    trap 'dropdb --if-exists -U "$DB_USER" "$db" >/dev/null 2>&1 || true; rm -rf "$HOME/.local/share/Odoo/filestore/$db"' RETURN
    say "Addon tests: installing offline_mode into the throwaway database $db"
    set +e
    odoo_bin -d "$db" -i offline_mode --test-tags "${TEST_TAGS:-/offline_mode}" \
        --stop-after-init --http-port="$port" --log-level=test --max-cron-threads=0 > "$log" 2>&1
    rc=$?
    set -e
    grep -E ' (ERROR|CRITICAL) |FAIL:|^Traceback|\[HOOT\] (passed|failed)' "$log" || true

    # Odoo's runner ends with "<F> failed, <E> error(s) of <N> tests when loading database".
    local report total broken skips hoot
    report=$(grep -oE '[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests when loading database' "$log" | tail -1 || true)
    [ -n "$report" ] || { echo "Odoo's test runner printed no result (exit code $rc); see $log"; failed=$((failed + 1)); return; }
    read -r f e total < <(echo "$report" | sed -E 's/([0-9]+) failed, ([0-9]+) error\(s\) of ([0-9]+) tests.*/\1 \2 \3/')
    broken=$((f + e))
    skips=$(grep -cE 'odoo\.addons\.offline_mode\.tests\.[a-z_.]+: skipped ' "$log" || true)
    # The hoot suite is one Odoo test; its own count proves the JS tests really ran.
    hoot=$(grep -oE '\[HOOT\] passed [0-9]+ tests' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)
    echo "Addon tests: $total run (one is the hoot suite: $hoot JS unit tests passed), $broken failed, $skips skipped; log: $log"
    if [ -z "${TEST_TAGS:-}" ] && [ "$hoot" = 0 ]; then
        echo "The hoot unit tests did not run."; broken=$((broken + 1))
    fi
    [ "$rc" = 0 ] || [ "$broken" != 0 ] || { echo "Odoo exited with $rc"; broken=1; }
    passed=$((passed + total - broken - skips)) failed=$((failed + broken)) skipped=$((skipped + skips))
}

run_system_tests() {
    local xml=$logs/system.xml
    say "System suites (tests/): faults, fuzz, load, security against real Odoo servers"
    set +e
    (cd "$REPO_DIR/tests" && DB_USER="$DB_USER" "$VENV_DIR/bin/python" -m pytest -p no:odoo --junitxml="$xml" ${PYTEST_ARGS:-})
    set -e
    [ -f "$xml" ] || { echo "pytest wrote no report"; failed=$((failed + 1)); return; }
    read -r t f e s < <("$VENV_DIR/bin/python" -c '
import sys, xml.etree.ElementTree as ET
suite = ET.parse(sys.argv[1]).getroot()
suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
print(*(suite.get(k) for k in ("tests", "failures", "errors", "skipped")))' "$xml")
    [ "$t" != 0 ] || { echo "pytest ran no test"; failed=$((failed + 1)); }
    passed=$((passed + t - f - e - s)) failed=$((failed + f + e)) skipped=$((skipped + s))
}

for suite in $suites; do
    case $suite in
        lint) run_lint ;;
        addon) run_addon_tests ;;
        system) run_system_tests ;;
        *) die "unknown suite '$suite' (lint, addon or system)" ;;
    esac
done

echo
echo "Result: $passed passed, $failed failed, $skipped skipped"
[ "$skipped" = 0 ] || echo "A skipped test counts as a failure here: every suite must really run."
[ "$failed" = 0 ] && [ "$skipped" = 0 ] && [ "$passed" != 0 ]
