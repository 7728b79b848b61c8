#!/usr/bin/env bash
# Runs the demo: a task worker in the background and gunicorn in the foreground.
# Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
HOST=${DEMO_HOST:-127.0.0.1}
PORT=${DEMO_PORT:-8000}
export DEMO_MODE=${DEMO_MODE:-1}

if (exec 3<>"/dev/tcp/$HOST/$PORT") 2>/dev/null; then
  echo "Port $PORT on $HOST is already in use: stop the other server (or set DEMO_PORT)." >&2
  exit 1
fi

$PY manage.py db_worker --queue-name '*' --no-reload > var/worker.log 2>&1 &
WORKER=$!
trap 'kill $WORKER 2>/dev/null || true' EXIT INT TERM
# The daily job (cron in production, README "Running at scale"): staff reminders and digests.
# Idempotent per day, so starting the demo again the same day sends nothing twice.
$PY manage.py notifications_daily >> var/worker.log 2>&1 || echo "notifications_daily failed: see var/worker.log" >&2

$PY manage.py demo_logins
echo
echo "motcua is running on http://$HOST:$PORT  (task worker log: var/worker.log; Ctrl-C to stop)"
echo
exec_gunicorn() {
  .venv/bin/gunicorn motcua.wsgi --chdir src --bind "$HOST:$PORT" --workers 2 --threads 4 \
    --access-logfile - --error-logfile - --log-level warning
}
exec_gunicorn
