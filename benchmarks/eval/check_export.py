#!/usr/bin/env python3
"""Check `lineup eval` against scikit-learn on the same served data, end to end.

Runs `lineup export` and `lineup eval --json` on a database, recomputes NDCG@K (gains
2^label - 1, scikit-learn's `ndcg_score` per response, averaged over responses with a
positive label; single-widget responses with a positive count 1) and the pooled AUC
(`roc_auc_score`) from the export, and fails when any differs by more than 1e-9.

    lineup serve --demo &                      # the README's first command
    lineup demo-traffic --sessions 500
    python3 benchmarks/eval/check_export.py --binary .build/release/lineup --database data/lineup.sqlite
"""
import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import sklearn
from sklearn.metrics import ndcg_score, roc_auc_score


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=".build/release/lineup")
    parser.add_argument("--database", default="data/lineup.sqlite")
    parser.add_argument("--k", default="1,3,5,10")
    args = parser.parse_args()
    cutoffs = [int(k) for k in args.k.split(",")]

    with tempfile.TemporaryDirectory() as scratch:
        export = Path(scratch) / "export.jsonl"
        subprocess.run([args.binary, "export", "--database", args.database, "--out", str(export)], check=True,
                       stdout=subprocess.DEVNULL)
        lineup = json.loads(subprocess.run([args.binary, "eval", "--database", args.database, "--json", "--k", args.k],
                                           check=True, capture_output=True, text=True).stdout)["overall"]
        requests = {}
        for line in export.read_text().splitlines():
            row = json.loads(line)
            requests.setdefault(row["request_id"], []).append(row)

    failures = 0
    print(f"{len(requests)} responses; scikit-learn {sklearn.__version__}")
    for k in cutoffs:
        values = []
        for items in requests.values():
            labels = np.array([item["label"] for item in items])
            if labels.max() <= 0:
                continue
            scores = np.array([item["score"] for item in items])
            values.append(1.0 if len(items) == 1 else ndcg_score((2.0 ** labels - 1)[None, :], scores[None, :], k=k))
        reference = float(np.mean(values)) if values else None
        got = next(c["ndcg"] for c in lineup["cutoffs"] if c["k"] == k)
        failures += report(f"NDCG@{k}", got, reference)
    labels = np.array([item["label"] > 0 for items in requests.values() for item in items])
    scores = np.array([item["score"] for items in requests.values() for item in items])
    reference = float(roc_auc_score(labels, scores)) if 0 < labels.sum() < labels.size else None
    failures += report("AUC", lineup["auc"], reference)
    return 1 if failures else 0


def report(name, got, reference):
    same = (got is None and reference is None) or (got is not None and reference is not None and abs(got - reference) <= 1e-9)
    print(f"{name:8} lineup {got!r:24} scikit-learn {reference!r:24} {'equal' if same else 'DIFFERENT'}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
