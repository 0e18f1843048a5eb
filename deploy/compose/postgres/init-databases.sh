#!/bin/sh
# PostgreSQL init script (runs once, on an empty data directory): one login role and one database
# per service, each owned by its role, closed to every other role. Passwords come from the
# container's environment: CUSTOMER_DB_PASSWORD, STAFFING_DB_PASSWORD, APPRAISAL_DB_PASSWORD,
# AUDIT_DB_PASSWORD (see .env.example).
set -eu

for service in customer staffing appraisal audit; do
    variable="$(printf '%s' "$service" | tr '[:lower:]' '[:upper:]')_DB_PASSWORD"
    password="$(printenv "$variable" || true)"
    if [ -z "$password" ]; then
        echo "init-databases: $variable is not set" >&2
        exit 1
    fi
    psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres \
        -v name="$service" -v password="$password" <<'SQL'
CREATE ROLE :"name" LOGIN PASSWORD :'password';
CREATE DATABASE :"name" OWNER :"name";
REVOKE ALL ON DATABASE :"name" FROM PUBLIC;
SQL
    echo "init-databases: database and role $service created"
done
