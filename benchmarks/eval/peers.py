#!/usr/bin/env python3
"""Offline-evaluation metrics: the data, and scikit-learn's timings on it.

    python3 benchmarks/eval/peers.py generate --out /tmp/lineup-eval-data
    python3 benchmarks/eval/peers.py run --data /tmp/lineup-eval-data --rounds 3 --json /tmp/peers.json

`generate` writes, seeded:
- auc_scores.f64 / auc_labels.u8: 10,000,000 scores (float64, a fifth of them rounded to
  three decimals so ties occur) and 0/1 labels, positives more likely at high scores;
- ndcg_scores.f64 / ndcg_labels.u8: 100,000 requests x 20 items (row-major), scores with
  ties, graded labels 0-3;
- meta.json: the shapes and scikit-learn's values (roc_auc_score; ndcg_score at k=10 on
  gains 2^label - 1), which `lineup bench eval` must reproduce to 1e-9.

`run` times scikit-learn's `roc_auc_score` on the 10M and `ndcg_score(gains, scores, k=10)`
on the 100k x 20 matrix (its default, tie-aware), `--rounds` times each, and prints and
writes the median seconds.
"""
import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

AUC_ROWS = 10_000_000
REQUESTS, ITEMS, K = 100_000, 20, 10


def generate(out: Path) -> None:
    from sklearn.metrics import ndcg_score, roc_auc_score
    import sklearn

    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(11)
    scores = rng.random(AUC_ROWS)
    tied = rng.random(AUC_ROWS) < 0.2
    scores[tied] = np.round(scores[tied], 3)
    labels = (rng.random(AUC_ROWS) < 0.05 + 0.3 * scores).astype(np.uint8)
    scores.astype("<f8").tofile(out / "auc_scores.f64")
    labels.tofile(out / "auc_labels.u8")

    ndcg_scores = np.round(rng.random((REQUESTS, ITEMS)), 2)
    ndcg_labels = rng.choice(np.array([0, 0, 0, 0, 1, 1, 2, 3], dtype=np.uint8), size=(REQUESTS, ITEMS))
    ndcg_labels[rng.random(REQUESTS) < 0.1] = 0
    ndcg_scores.astype("<f8").tofile(out / "ndcg_scores.f64")
    ndcg_labels.tofile(out / "ndcg_labels.u8")

    auc = float(roc_auc_score(labels, scores))
    # scikit-learn averages over every request, counting requests without a positive as 0;
    # Lineup averages over requests with a positive. Record both the raw per-request mean
    # and the count, so the check converts exactly.
    gains = 2.0 ** ndcg_labels - 1
    per_request = ndcg_score(gains, ndcg_scores, k=K)  # mean over all requests
    with_positive = int((ndcg_labels.max(axis=1) > 0).sum())
    meta = {"auc_rows": AUC_ROWS, "requests": REQUESTS, "items": ITEMS, "k": K, "sklearn": sklearn.__version__,
            "auc": auc, "ndcg_mean_all": float(per_request), "requests_with_positive": with_positive,
            "ndcg": float(per_request) * REQUESTS / with_positive}
    (out / "meta.json").write_text(json.dumps(meta, indent=2))
    print(json.dumps(meta, indent=2))


def run(data: Path, rounds: int, json_path: Path | None) -> None:
    from sklearn.metrics import ndcg_score, roc_auc_score
    import sklearn

    meta = json.loads((data / "meta.json").read_text())
    scores = np.fromfile(data / "auc_scores.f64", dtype="<f8")
    labels = np.fromfile(data / "auc_labels.u8", dtype=np.uint8)
    ndcg_scores = np.fromfile(data / "ndcg_scores.f64", dtype="<f8").reshape(meta["requests"], meta["items"])
    ndcg_labels = np.fromfile(data / "ndcg_labels.u8", dtype=np.uint8).reshape(meta["requests"], meta["items"])
    gains = 2.0 ** ndcg_labels - 1

    def timed(call):
        samples = []
        for _ in range(rounds):
            start = time.perf_counter()
            value = call()
            samples.append(time.perf_counter() - start)
        return statistics.median(samples), value

    auc_seconds, auc = timed(lambda: roc_auc_score(labels, scores))
    ndcg_seconds, ndcg = timed(lambda: ndcg_score(gains, ndcg_scores, k=meta["k"]))
    if abs(auc - meta["auc"]) > 1e-12 or abs(ndcg - meta["ndcg_mean_all"]) > 1e-12:
        sys.exit("scikit-learn disagrees with the recorded values: regenerate the data")
    result = {"sklearn": sklearn.__version__, "numpy": np.__version__, "rounds": rounds,
              "auc_10m_seconds": auc_seconds, "ndcg_100k_seconds": ndcg_seconds}
    print(json.dumps(result, indent=2))
    if json_path:
        json_path.write_text(json.dumps(result, indent=2))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("generate")
    g.add_argument("--out", type=Path, required=True)
    r = sub.add_parser("run")
    r.add_argument("--data", type=Path, required=True)
    r.add_argument("--rounds", type=int, default=3)
    r.add_argument("--json", type=Path)
    args = parser.parse_args()
    if args.command == "generate":
        generate(args.out)
    else:
        run(args.data, args.rounds, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
