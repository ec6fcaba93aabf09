# Shared settings for the setup, run and test scripts (sourced, not executed).
set -euo pipefail

REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV_DIR=${VENV_DIR:-$REPO_DIR/.venv}
# Where setup remembers the Odoo source tree, so later commands (and CI) find it
# without ODOO_PATH in their environment.
STATE_DIR=${XDG_CONFIG_HOME:-$HOME/.config}/offline_mode
ODOO_PATH_FILE=$STATE_DIR/odoo_path
# Odoo refuses the superuser role "postgres"; the OS user's own role is used instead.
DB_USER=${DB_USER:-$(id -un)}
HTTP_PORT=${HTTP_PORT:-8069}

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Prints the Odoo 18.0 source tree to use: $ODOO_PATH, then the path setup
# recorded, then an importable `odoo` package. Fails with what to set.
find_odoo() {
    local candidate=${ODOO_PATH:-}
    if [ -z "$candidate" ] && [ -f "$ODOO_PATH_FILE" ]; then
        candidate=$(cat "$ODOO_PATH_FILE")
    fi
    if [ -z "$candidate" ]; then
        local py
        for py in "$VENV_DIR/bin/python" python3; do
            candidate=$("$py" -c 'import odoo, os; print(os.path.dirname(os.path.dirname(odoo.__file__)))' 2>/dev/null) && break
            candidate=
        done
    fi
    if [ -z "$candidate" ]; then
        die "no Odoo 18.0 source tree found.
Set ODOO_PATH to the folder of an Odoo 18.0 community checkout (the one holding
odoo-bin and addons/), e.g.   ODOO_PATH=/opt/odoo-18.0 make setup"
    fi
    if [ ! -f "$candidate/odoo-bin" ] || [ ! -f "$candidate/odoo/release.py" ]; then
        die "$candidate is not an Odoo source tree (no odoo-bin / odoo/release.py). Point ODOO_PATH at one."
    fi
    if ! grep -q "^version_info = (18, 0" "$candidate/odoo/release.py"; then
        die "$candidate is not Odoo 18.0 ($(grep '^version_info' "$candidate/odoo/release.py")). offline_mode targets Odoo 18.0."
    fi
    (cd "$candidate" && pwd)
}

require_venv() {
    [ -x "$VENV_DIR/bin/python" ] || die "no virtualenv at $VENV_DIR: run 'make setup' first."
}

# Runs Odoo from the tree in $ODOO_PATH with our addon folder next to Odoo's own.
odoo_bin() {
    "$VENV_DIR/bin/python" "$ODOO_PATH/odoo-bin" \
        --addons-path="$ODOO_PATH/addons,$ODOO_PATH/odoo/addons,$REPO_DIR" \
        --db_user="$DB_USER" "$@"
}
