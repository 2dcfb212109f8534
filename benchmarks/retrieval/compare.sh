#!/usr/bin/env bash
# Lineup's exact top-K beside FAISS and NumPy, interleaved on the same vectors, one thread
# each: builds the release binary, generates the vectors once, then runs compare.py.
#   benchmarks/retrieval/compare.sh [DATA_DIR] [compare.py options...]
set -euo pipefail
cd "$(dirname "$0")/../.."
data="${1:-/tmp/lineup-retrieval-data}"
shift || true
python3 -c "import faiss, threadpoolctl" 2>/dev/null || python3 -m pip install -q "faiss-cpu==1.15.1" threadpoolctl
swift build -c release --product lineup
python3 benchmarks/retrieval/peers.py generate --out "$data"
python3 benchmarks/retrieval/compare.py --data "$data" --binary .build/release/lineup "$@"
