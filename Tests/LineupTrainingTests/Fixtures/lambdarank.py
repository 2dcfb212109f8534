#!/usr/bin/env python3
"""Fixtures for `LambdaRankTests`: XGBoost's own LambdaMART on a click log, case by case.

Writes a seeded click log (`clicks.libsvm`, `clicks.group`): query groups of 8 to 19 rows
in the order a noisy first ranker showed them, four integer features (so that every
trainer bins them alike; a fifth of the last one missing), and a click per row drawn from
a position-based model
(examination falling with the shown position, times a click probability rising with a
hidden relevance). XGBoost then trains on it with each case's parameters, and
`lambdarank.json` records what it wrote: the position bias (`ti+`, `tj-`) of the unbiased
cases and the margins of the training rows.

The Swift test trains Lineup on the same rows with the same parameters and expects the
same bias estimates and margins, within the tolerances it states.

    python3 Tests/LineupTrainingTests/Fixtures/lambdarank.py

Needs numpy and xgboost (3.2.0 made these).
"""
import json
from pathlib import Path

import numpy as np
import xgboost

HERE = Path(__file__).resolve().parent

# XGBoost's parameter names. Every case: rank:ndcg, hist, base_score 0 (Lineup's for
# ranking), one thread.
CASES = [
    {"name": "unbiased_top8", "rounds": 5,
     "params": {"lambdarank_unbiased": True, "lambdarank_num_pair_per_sample": 8, "max_depth": 3, "eta": 0.3}},
    {"name": "unbiased_defaults", "rounds": 30,
     "params": {"lambdarank_unbiased": True, "max_depth": 5, "eta": 0.3}},
    {"name": "unbiased_bias_norm", "rounds": 10,
     "params": {"lambdarank_unbiased": True, "lambdarank_bias_norm": 0.5, "lambdarank_num_pair_per_sample": 12,
                "max_depth": 4, "eta": 0.1}},
    {"name": "biased_defaults", "rounds": 20,
     "params": {"max_depth": 4, "eta": 0.3}},
    {"name": "biased_unnormalised", "rounds": 10,
     "params": {"lambdarank_num_pair_per_sample": 4, "lambdarank_score_normalization": False, "max_depth": 3,
                "eta": 0.2, "lambda": 2.0}},
]

EXAMINATION = [0.68, 0.61, 0.48, 0.34, 0.28, 0.20, 0.11, 0.10, 0.08, 0.06]


def shortest(value):
    """The shortest decimal that reads back as the same float32."""
    return float(np.format_float_positional(np.float32(value), unique=True, trim="-"))


def click_log(rng):
    sizes = rng.integers(8, 20, 150)
    rows, clicks = [], []
    for size in sizes:
        features = rng.integers(0, 6, (size, 4)).astype(np.float32)
        relevance = features[:, 0] + 0.5 * features[:, 1] - 0.3 * features[:, 2] + rng.normal(0, 1, size)
        shown = np.argsort(-(relevance + rng.normal(0, 2, size)), kind="stable")
        features, relevance = features[shown], relevance[shown]
        examined = np.array([EXAMINATION[min(p, 9)] for p in range(size)])
        clicked = rng.random(size) < examined / (1 + np.exp(-(relevance - 3)))
        rows.append(features)
        clicks.append(clicked.astype(np.float32))
    x = np.vstack(rows)
    # Missing values, as logged features have them (a widget never engaged has no recency):
    # both trainers learn which way they go, and weigh "missing against present" splits.
    x[rng.random(len(x)) < 0.2, 3] = np.nan
    return x, np.concatenate(clicks), [int(s) for s in sizes]


def main():
    rng = np.random.default_rng(20261203)
    x, y, sizes = click_log(rng)
    lines = [f"{int(label)} " + " ".join(f"{j}:{int(v)}" for j, v in enumerate(row) if not np.isnan(v))
             for row, label in zip(x, y)]
    (HERE / "clicks.libsvm").write_text("\n".join(lines) + "\n")
    (HERE / "clicks.group").write_text("\n".join(map(str, sizes)) + "\n")
    qid = np.repeat(np.arange(len(sizes)), sizes)
    train = xgboost.DMatrix(x, y, qid=qid, missing=np.nan)
    cases = []
    for case in CASES:
        params = {"objective": "rank:ndcg", "tree_method": "hist", "base_score": 0.0, "nthread": 1, "seed": 0,
                  **case["params"]}
        booster = xgboost.train(params, train, case["rounds"])
        objective = json.loads(booster.save_config())["learner"]["objective"]
        cases.append({
            "name": case["name"], "rounds": case["rounds"], "params": case["params"],
            "ti_plus": [shortest(v) for v in objective.get("ti+", [])],
            "tj_minus": [shortest(v) for v in objective.get("tj-", [])],
            "margins": [shortest(v) for v in booster.predict(xgboost.DMatrix(x, missing=np.nan), output_margin=True)],
        })
    manifest = {"xgboost": xgboost.__version__, "features": 4, "cases": cases}
    # Float32 values as their shortest decimals, a case per line.
    text = json.dumps(manifest, separators=(",", ":"), default=str)
    (HERE / "lambdarank.json").write_text(text.replace('{"name"', '\n{"name"') + "\n")
    print(f"wrote {len(cases)} cases, {len(y)} rows in {len(sizes)} groups, {int(y.sum())} clicks")


if __name__ == "__main__":
    main()
