#!/usr/bin/env bash
# Lineup's exact top-K beside FAISS and NumPy, in one run on the same vectors and the same
# (single) core count: generates the vectors once, runs the peers, then `lineup bench retrieval`.
#   benchmarks/retrieval/compare.sh [DATA_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
data="${1:-/tmp/lineup-retrieval-data}"
python3 -c "import faiss, threadpoolctl" 2>/dev/null || python3 -m pip install -q "faiss-cpu==1.15.1" threadpoolctl
swift build -c release --product lineup
python3 benchmarks/retrieval/peers.py generate --out "$data"
echo "== peers (FAISS, NumPy)"
python3 benchmarks/retrieval/peers.py run --data "$data"
echo "== Lineup"
OPENBLAS_NUM_THREADS=1 .build/release/lineup bench retrieval --data "$data"
