#!/usr/bin/env bash
# Starts the real Lineup server on a scratch database and runs schemathesis against it with
# openapi.yaml: every generated request, valid or not, must get a response that conforms to
# the spec (status code, content type, headers, body schema) and none may get a 5xx.
set -euo pipefail
binary="${1:-.build/debug/lineup}"
cd "$(dirname "$0")/../.."
work="$(mktemp -d)"
port="${LINEUP_CONFORMANCE_PORT:-18080}"
log="$work/server.log"

# Models (and those the fuzzed POST /v1/models/train writes) live in the scratch directory.
mkdir -p "$work/models"
cp models/default.json models/default.card.json "$work/models/"
LINEUP_ADMIN_TOKENS=conformance-admin LINEUP_CLIENT_TOKENS=conformance-client LINEUP_MODELS_DIRECTORY="$work/models" \
    "$binary" serve --host 127.0.0.1 --port "$port" --database "$work/lineup.sqlite" --log-level warning \
    >"$log" 2>&1 &
server=$!
cleanup() { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

ready() { python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=1)" "http://127.0.0.1:$port/readyz" 2>/dev/null; }
for _ in $(seq 1 100); do
    ready && break
    sleep 0.2
done
ready || { echo "server did not start:"; cat "$log"; exit 1; }

status=0
python3 -m schemathesis.cli run openapi.yaml \
    --url "http://127.0.0.1:$port" \
    --header "Authorization: Bearer conformance-admin" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
    --mode all \
    --max-examples "${LINEUP_CONFORMANCE_EXAMPLES:-40}" \
    --seed 7 \
    --no-color || status=$?
if [ "$status" -ne 0 ]; then
    echo "--- server log"
    tail -n 50 "$log"
fi
if ! kill -0 "$server" 2>/dev/null; then
    echo "the server died during the run"; cat "$log"; exit 1
fi
exit "$status"
