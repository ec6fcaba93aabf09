#!/usr/bin/env bash
# Installs everything offline_mode needs around an Odoo 18.0 source tree.
# Idempotent: run it again at any time; it only does what is missing.
source "$(dirname "$0")/common.sh"

ODOO_PATH=$(find_odoo)
mkdir -p "$STATE_DIR"
echo "$ODOO_PATH" > "$ODOO_PATH_FILE"
say "Odoo 18.0 source: $ODOO_PATH (recorded in $ODOO_PATH_FILE)"

SUDO=
if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || die "not root and no sudo: install the Debian packages as root, or run setup as root."
    SUDO=sudo
fi

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
postgres_answers() { command -v pg_isready >/dev/null && pg_isready -q -h localhost; }

# --- Debian packages --------------------------------------------------------
packages=(libpq-dev libldap2-dev libsasl2-dev build-essential chromium)
command -v npm >/dev/null || packages+=(nodejs npm)  # the JavaScript lint (ESLint, Prettier)
postgres_answers || packages+=(postgresql postgresql-client)
python3 -c 'import ensurepip' 2>/dev/null || packages+=(python3-venv)
[ -f "$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["include"])')/Python.h" ] || packages+=(python3-dev)
missing=()
for package in "${packages[@]}"; do
    installed "$package" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    say "Installing Debian packages: ${missing[*]}"
    $SUDO apt-get update
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
fi

# --- PostgreSQL server and role --------------------------------------------
if ! postgres_answers; then
    say "Starting PostgreSQL"
    $SUDO service postgresql start || $SUDO pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start
    for _ in $(seq 30); do postgres_answers && break; sleep 1; done
    postgres_answers || die "PostgreSQL does not answer on localhost after starting it."
fi
[ "$DB_USER" != postgres ] || die "Odoo refuses the database role 'postgres': run setup as another user, or set DB_USER."
if ! psql -d postgres -tAc 'select 1' >/dev/null 2>&1 \
   || [ "$(psql -d postgres -tAc "select rolcreatedb or rolsuper from pg_roles where rolname = current_user")" != t ]; then
    say "Creating the PostgreSQL role '$DB_USER' (may create databases)"
    as_postgres=(runuser -u postgres --)
    [ -n "$SUDO" ] && as_postgres=(sudo -u postgres)
    if "${as_postgres[@]}" psql -d postgres -tAc "select 1 from pg_roles where rolname = '$DB_USER'" | grep -q 1; then
        "${as_postgres[@]}" psql -d postgres -c "ALTER ROLE \"$DB_USER\" CREATEDB"
    else
        "${as_postgres[@]}" createuser --createdb "$DB_USER"
    fi
fi

# --- Python virtualenv ------------------------------------------------------
[ -x "$VENV_DIR/bin/python" ] || { say "Creating virtualenv $VENV_DIR"; python3 -m venv "$VENV_DIR"; }
pip=("$VENV_DIR/bin/python" -m pip --disable-pip-version-check -q)
stamp="$VENV_DIR/.offline_mode-requirements"
fingerprint=$(cat "$ODOO_PATH/requirements.txt" "$REPO_DIR/requirements.txt"; echo "$ODOO_PATH")
if [ "$(cat "$stamp" 2>/dev/null)" != "$fingerprint" ]; then
    say "Installing Odoo's and offline_mode's Python requirements"
    "${pip[@]}" install --upgrade pip wheel packaging
    "$VENV_DIR/bin/python" "$REPO_DIR/scripts/odoo_requirements.py" "$ODOO_PATH/requirements.txt" > "$VENV_DIR/odoo-requirements.txt"
    "${pip[@]}" install -r "$VENV_DIR/odoo-requirements.txt" -r "$REPO_DIR/requirements.txt"
    echo "$fingerprint" > "$stamp"
fi

# The JavaScript lint tools, at the versions package-lock.json pins.
if [ ! -x "$REPO_DIR/node_modules/.bin/eslint" ] || [ "$REPO_DIR/package-lock.json" -nt "$REPO_DIR/node_modules/.package-lock.json" ]; then
    say "Installing the JavaScript lint tools (npm ci)"
    (cd "$REPO_DIR" && npm ci --no-audit --no-fund --loglevel=error)
fi

# Odoo itself importable from the virtualenv (pytest-odoo needs it), straight from its tree.
"$VENV_DIR/bin/python" -c 'import sysconfig, sys; open(sysconfig.get_paths()["purelib"] + "/odoo-source.pth", "w").write(sys.argv[1] + "\n")' "$ODOO_PATH"

say "Setup complete. Next: 'make test' to run the tests, 'make run' to start Odoo."
