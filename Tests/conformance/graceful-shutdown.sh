#!/usr/bin/env bash
# The impression log survives a graceful shutdown: with a flush interval of a minute, a
# response served just before SIGTERM must be in the database after the process exits.
set -euo pipefail
binary="${1:-.build/debug/lineup}"
cd "$(dirname "$0")/../.."
work="$(mktemp -d)"
port="${LINEUP_SHUTDOWN_PORT:-18081}"
log="$work/server.log"
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT

LINEUP_IMPRESSION_FLUSH_INTERVAL_MS=60000 \
    "$binary" serve --host 127.0.0.1 --port "$port" --database "$work/lineup.sqlite" --log-level warning \
    >"$log" 2>&1 &
server=$!
call() {  # method path body
    python3 - "$1" "http://127.0.0.1:$port$2" "${3:-}" <<'PY'
import json, sys, urllib.request
method, url, body = sys.argv[1], sys.argv[2], sys.argv[3]
request = urllib.request.Request(url, data=body.encode() if body else None, method=method,
                                 headers={"Content-Type": "application/json"})
print(urllib.request.urlopen(request, timeout=5).read().decode())
PY
}
for _ in $(seq 1 100); do
    call GET /readyz >/dev/null 2>&1 && break
    sleep 0.2
done
call POST /v1/items/batch '{"items": [{"id": "w1", "title": "Revenue", "type": "kpi"}, {"id": "w2", "title": "Churn", "type": "chart"}]}' >/dev/null
request_id="$(call POST /v1/rank '{"user_id": "u1", "surface": "home", "k": 2}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["request_id"])')"
kill -TERM "$server"
wait "$server" || { echo "the server exited with an error:"; cat "$log"; exit 1; }
logged="$("$binary" export --database "$work/lineup.sqlite" | grep -c "\"request_id\":\"$request_id\"" || true)"
if [ "$logged" != "2" ]; then
    echo "expected the 2 widgets of $request_id in the impression log after SIGTERM, found $logged"; cat "$log"; exit 1
fi
echo "graceful shutdown: response $request_id was written to the impression log"
