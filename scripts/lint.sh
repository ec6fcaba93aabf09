#!/usr/bin/env bash
# Lints the project: ruff for Python (rules in pyproject.toml), ESLint with
# Odoo 18's JavaScript rules and Prettier formatting (.eslintrc.json).
# Exits non-zero on any finding. `scripts/lint.sh --fix` fixes what can be fixed.
source "$(dirname "$0")/common.sh"

require_venv
[ -x "$REPO_DIR/node_modules/.bin/eslint" ] || die "ESLint is missing: run 'make setup'."
fix=()
[ "${1:-}" != --fix ] || fix=(--fix)
cd "$REPO_DIR"
status=0
"$VENV_DIR/bin/ruff" check "${fix[@]}" offline_mode tests bench scripts || status=1
node_modules/.bin/eslint "${fix[@]}" --max-warnings 0 offline_mode || status=1
exit $status
