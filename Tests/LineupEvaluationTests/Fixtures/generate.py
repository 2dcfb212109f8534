#!/usr/bin/env python3
"""Reference values for LineupEvaluation's tests, computed by scikit-learn.

Writes metrics.json: seeded datasets of ranked responses (scores with heavy ties, graded
labels 0-3, lists of 1 to 30 widgets, responses without a positive, responses whose items
all tie) and, for each dataset and cut-off K:

- NDCG@K by scikit-learn's `ndcg_score` (default `ignore_ties=False`) on gains 2^label - 1,
  one call per response, averaged over responses with a positive label; a response with a
  single widget (which scikit-learn refuses) and a positive label counts 1;
- AUC by scikit-learn's `roc_auc_score`, pooled over every widget (label > 0 positive);
- MRR, Recall@K, the engagement rate and the per-position rates by this script's own numpy
  (scikit-learn has no such functions): score order, ties broken by the served position.

Regenerate with:  python3 Tests/LineupEvaluationTests/Fixtures/generate.py
"""
import json
import sys
from pathlib import Path

import numpy as np
import sklearn
from sklearn.metrics import ndcg_score, roc_auc_score

OUT = Path(__file__).resolve().parent / "metrics.json"
CUTOFFS = [1, 3, 5, 10, 50]


def dataset(seed, requests, max_items, score_levels, all_tied_share, no_positive_share):
    rng = np.random.default_rng(seed)
    result = []
    for r in range(requests):
        n = int(rng.integers(1, max_items + 1))
        if score_levels:
            scores = rng.integers(0, score_levels, size=n) / score_levels  # heavy ties
        else:
            scores = rng.normal(size=n)
        if rng.random() < all_tied_share:
            scores = np.full(n, 0.5)
        labels = rng.choice([0, 0, 0, 1, 1, 2, 3], size=n)
        if rng.random() < no_positive_share:
            labels = np.zeros(n, dtype=int)
        positions = rng.permutation(n) + 1
        result.append({"scores": [float(s) for s in scores], "labels": [int(x) for x in labels],
                       "positions": [int(p) for p in positions]})
    return result


def reference(requests):
    per_k = {}
    for k in CUTOFFS:
        ndcgs, recalls = [], []
        for req in requests:
            labels = np.array(req["labels"])
            if labels.max() <= 0:
                continue
            if len(labels) == 1:
                ndcgs.append(1.0)
            else:
                gains = (2.0 ** labels - 1)[None, :]
                ndcgs.append(float(ndcg_score(gains, np.array(req["scores"])[None, :], k=k)))
            order = served_order(req)
            top = order[:k]
            recalls.append(float((labels[top] > 0).sum() / (labels > 0).sum()))
        per_k[str(k)] = {"ndcg": float(np.mean(ndcgs)) if ndcgs else None,
                         "recall": float(np.mean(recalls)) if recalls else None}
    mrr = []
    for req in requests:
        labels = np.array(req["labels"])
        if labels.max() <= 0:
            continue
        order = served_order(req)
        first = int(np.argmax(labels[order] > 0))
        mrr.append(1.0 / (first + 1))
    all_scores = np.concatenate([req["scores"] for req in requests])
    all_labels = np.concatenate([req["labels"] for req in requests])
    positive = all_labels > 0
    auc = float(roc_auc_score(positive, all_scores)) if 0 < positive.sum() < positive.size else None
    positions = np.concatenate([req["positions"] for req in requests])
    curve = []
    for p in range(1, int(positions.max()) + 1):
        shown = positions == p
        curve.append({"position": p, "impressions": int(shown.sum()),
                      "engagement_rate": float(positive[shown].mean()) if shown.any() else None})
    return {
        "requests": len(requests), "impressions": int(all_labels.size),
        "requests_with_positive": sum(1 for req in requests if max(req["labels"]) > 0),
        "engagement_rate": float(positive.mean()), "auc": auc, "mrr": float(np.mean(mrr)) if mrr else None,
        "cutoffs": per_k, "positions": curve,
    }


def served_order(req):
    """Indices by score descending, ties by served position ascending."""
    scores = np.array(req["scores"])
    positions = np.array(req["positions"])
    return np.lexsort((positions, -scores))


def main():
    specs = [
        ("ties", dict(seed=1, requests=150, max_items=30, score_levels=4, all_tied_share=0.1, no_positive_share=0.2)),
        ("continuous", dict(seed=2, requests=150, max_items=20, score_levels=0, all_tied_share=0.0, no_positive_share=0.1)),
        ("short", dict(seed=3, requests=200, max_items=3, score_levels=2, all_tied_share=0.2, no_positive_share=0.3)),
    ]
    cases = []
    for name, spec in specs:
        requests = dataset(**spec)
        cases.append({"name": name, "requests": requests, "expected": reference(requests)})
    OUT.write_text(json.dumps({"sklearn": sklearn.__version__, "numpy": np.__version__, "cutoffs": CUTOFFS,
                               "cases": cases}, separators=(",", ":")))
    print(f"wrote {OUT} ({OUT.stat().st_size // 1024} KB), scikit-learn {sklearn.__version__}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
