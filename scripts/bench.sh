#!/usr/bin/env bash
# make bench: for each scale, demo data in PostgreSQL (database crm_bench_<scale>, reused when present)
# and, for S and M, in SQLite (var/bench/sqlite-<scale>/); one `manage.py bench` run on each; then the
# report in docs/benchmarks.md, with the latest results of the other scales (so that L, measured on its own,
# joins S and M in one report). Usage: scripts/bench.sh SCALE...
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
REPEAT=${BENCH_REPEAT:-10}
PG=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
SEED=${SEED:-42}
ROOT=$(pwd)
# E-mails of the measured operations (approvals notify by mail) stay in memory, not on the console.
export EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend
mkdir -p var/bench/results
for SCALE in "$@"; do rm -f "var/bench/results/$SCALE-"*.json; done

prepare_and_measure() {  # $1 scale, $2 label; DATABASE_URL / CRM_VAR_DIR set by the caller
  echo "== scale $1 on $2"
  $PY manage.py migrate --noinput -v0
  $PY manage.py generate_demo --scale "$1" --seed "$SEED" --if-empty
  $PY manage.py demo_users >/dev/null
  $PY manage.py refresh_rollups            # reused data: bring the roll-ups and the snapshot up to date
  $PY manage.py refresh_profitability
  $PY manage.py bench --scale "$1" --repeat "$REPEAT" --output "$ROOT/var/bench/results/$1-$2.json"
}

for SCALE in "$@"; do
  lower=$(echo "$SCALE" | tr 'A-Z' 'a-z')
  db="crm_bench_$lower"
  psql "$PG/postgres" -qtAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1 \
    || psql "$PG/postgres" -qc "CREATE DATABASE $db"
  DATABASE_URL="$PG/$db" prepare_and_measure "$SCALE" postgresql
  if [[ "$SCALE" != "L" ]]; then
    CRM_VAR_DIR="$ROOT/var/bench/sqlite-$lower" prepare_and_measure "$SCALE" sqlite
  fi
done
$PY manage.py bench_report
