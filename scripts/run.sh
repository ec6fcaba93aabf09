#!/usr/bin/env bash
# Starts Odoo on http://localhost:$HTTP_PORT with offline_mode, Contacts and CRM
# installed (with demo data) in a local database, created on first run.
source "$(dirname "$0")/common.sh"

ODOO_PATH=$(find_odoo)
require_venv
db=${RUN_DB:-offline_mode}

installed=$(psql -U "$DB_USER" -d "$db" -tAc "select state from ir_module_module where name = 'offline_mode'" 2>/dev/null || true)
if [ "$installed" != installed ]; then
    say "Preparing the database '$db' (demo data, offline_mode, Contacts, CRM): about a minute, once"
    odoo_bin -d "$db" -i offline_mode,contacts,crm --stop-after-init --log-level=warn
    update=()
else
    # Keep the database in step with the addon's code on every start.
    update=(-u offline_mode)
fi

say "Odoo is starting on http://localhost:$HTTP_PORT  (log in as admin / admin; Ctrl+C stops it)"
exec "$VENV_DIR/bin/python" "$ODOO_PATH/odoo-bin" \
    --addons-path="$ODOO_PATH/addons,$ODOO_PATH/odoo/addons,$REPO_DIR" --db_user="$DB_USER" \
    -d "$db" --db-filter="^$db\$" --http-port="$HTTP_PORT" "${update[@]}"
