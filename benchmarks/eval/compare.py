#!/usr/bin/env python3
"""Lineup's evaluation metrics beside scikit-learn, interleaved, with ratios per repeat.

The machine is shared and its speed drifts from minute to minute, so peers and Lineup run
alternately (peers, Lineup, peers, Lineup, ...) on the same data; the table gives the
median over repeats of each side's median time and the median of the per-repeat ratios
(scikit-learn's time / Lineup's: > 1 means Lineup is faster), against issue 5's targets:

- pooled AUC over 10M scores: >= 3x `roc_auc_score`;
- NDCG@10 over 100k requests x 20 items: >= 20x `ndcg_score` (tie-aware, its default).

    python3 benchmarks/eval/peers.py generate --out /tmp/lineup-eval-data
    python3 benchmarks/eval/compare.py --data /tmp/lineup-eval-data --binary .build/release/lineup [--repeats 5]

`lineup bench eval` checks its values against scikit-learn's recorded ones (1e-9) before
it reports a time.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
MEASURES = [
    ("AUC, 10M scores", "auc_10m_seconds", "roc_auc_score", 3.0),
    ("NDCG@10, 100k × 20", "ndcg_100k_seconds", "ndcg_score", 20.0),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--binary", type=Path, default=Path(".build/release/lineup"))
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    peers, lineup = [], []
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "result.json"
        for repeat in range(args.repeats):
            print(f"repeat {repeat + 1}/{args.repeats}: scikit-learn", file=sys.stderr, flush=True)
            subprocess.run([sys.executable, str(HERE / "peers.py"), "run", "--data", str(args.data), "--rounds",
                            str(args.rounds), "--json", str(out)], check=True, stdout=subprocess.DEVNULL)
            peers.append(json.loads(out.read_text()))
            print(f"repeat {repeat + 1}/{args.repeats}: Lineup", file=sys.stderr, flush=True)
            subprocess.run([str(args.binary), "bench", "eval", "--data", str(args.data), "--rounds", str(args.rounds),
                            "--json", str(out)], check=True, stdout=subprocess.DEVNULL,
                           env=dict(os.environ, OPENBLAS_NUM_THREADS="1"))
            lineup.append(json.loads(out.read_text()))

    print(f"CPUs: {os.cpu_count()} ({platform.processor() or platform.machine()}); scikit-learn {peers[0]['sklearn']}, "
          f"numpy {peers[0]['numpy']}, Python {platform.python_version()}; one thread each")
    print(f"{args.repeats} repeats of {args.rounds} rounds; times are medians over repeats of per-round medians; "
          "ratio = scikit-learn / Lineup, median over repeats")
    print()
    print("| measure | scikit-learn | **Lineup** | ratio | ratio range | target | met |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for label, key, peer, target in MEASURES:
        ratios = [p[key] / l[key] for p, l in zip(peers, lineup)]
        ratio = statistics.median(ratios)
        print(f"| {label} | {statistics.median(p[key] for p in peers):.3f} s ({peer}) | "
              f"**{statistics.median(l[key] for l in lineup):.3f} s** | **{ratio:.1f}×** | "
              f"{min(ratios):.1f}–{max(ratios):.1f} | ≥ {target:g}× | {'yes' if min(ratios) >= target else 'median only' if ratio >= target else '**no**'} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
