#!/usr/bin/env python3
"""Fixtures for `TrainedModelTests`: models `lineup train` wrote, and what XGBoost predicts with them.

For each case below, this script writes seeded training rows (LIBSVM, 0-based indices,
absent features missing, plus a group file for ranking), runs `lineup train` on them with
the case's parameters, loads the model file it wrote with `xgboost.Booster(model_file=...)`
and records XGBoost's predictions and margins on the training rows, in `manifest.json`.

The Swift test then checks two things: Lineup, trained again on the same rows with the
same parameters, writes the same trees (training is deterministic); and Lineup's
predictions with that model equal XGBoost's recorded ones to 1e-5 (XGBoost loads what
Lineup's trainer writes and scores it the same).

    swift build -c release --product lineup
    python3 Tests/LineupTrainingTests/Fixtures/generate.py .build/release/lineup

Regenerate after a change to the trainer that changes its models (the test says so).
Needs numpy and xgboost (3.2.0 made these).
"""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import xgboost

HERE = Path(__file__).resolve().parent

CASES = [
    {
        "name": "binary_sampled",
        "objective": "binary:logistic",
        "rows": 3000,
        "features": 6,
        "params": {"rounds": 25, "max-depth": 5, "learning-rate": 0.3, "subsample": 0.8,
                   "colsample-bytree": 0.7, "max-bin": 32, "sampling-seed": 11, "lambda": 2, "gamma": 0.1},
    },
    {
        "name": "rank_leaves",
        "objective": "rank:ndcg",
        "rows": 3000,
        "features": 5,
        "params": {"rounds": 20, "max-depth": 6, "max-leaves": 12, "learning-rate": 0.2,
                   "min-child-weight": 0.1, "sampling-seed": 3},
    },
]


def rows_for(case, rng):
    n, f = case["rows"], case["features"]
    x = rng.normal(size=(n, f)).astype(np.float32)
    # Ties and missing values, as logged features have them.
    x[:, 1] = np.round(x[:, 1] * 2) / 2
    x[rng.random(n) < 0.15, 2] = np.nan
    score = 1.5 * x[:, 0] - np.where(np.isnan(x[:, 2]), 0.8, x[:, 2]) + 0.5 * x[:, 1] * x[:, 3] + rng.normal(scale=0.5, size=n)
    groups = None
    if case["objective"] == "binary:logistic":
        labels = (score > 0).astype(np.float32)
    else:
        labels = np.clip(np.floor(score + 1.5), 0, 3).astype(np.float32)
        groups = []
        left = n
        while left > 0:
            size = min(left, int(rng.integers(5, 16)))
            groups.append(size)
            left -= size
    return x, labels, groups


def libsvm(x, labels):
    lines = []
    for row, label in zip(x, labels):
        cells = [f"{int(label)}"] + [f"{j}:{repr(float(v))}" for j, v in enumerate(row) if not np.isnan(v)]
        lines.append(" ".join(cells))
    return "\n".join(lines) + "\n"


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    binary = sys.argv[1]
    manifest = {"xgboost": xgboost.__version__, "cases": []}
    for index, case in enumerate(CASES):
        rng = np.random.default_rng(20261122 + index)
        x, labels, groups = rows_for(case, rng)
        name = case["name"]
        data = HERE / f"{name}.libsvm"
        data.write_text(libsvm(x, labels))
        command = [binary, "train", "--data", str(data), "--features", str(case["features"]),
                   "--objective", case["objective"], "--out", str(HERE / f"{name}.model.json"), "--report-every", "1000"]
        if groups is not None:
            (HERE / f"{name}.group").write_text("\n".join(map(str, groups)) + "\n")
            command += ["--group", str(HERE / f"{name}.group")]
        for key, value in case["params"].items():
            command += [f"--{key}", str(value)]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        (HERE / f"{name}.model.card.json").unlink()  # dates and timings: not a fixture
        booster = xgboost.Booster(model_file=str(HERE / f"{name}.model.json"))
        matrix = xgboost.DMatrix(x, missing=np.nan)
        manifest["cases"].append({
            "name": name, "objective": case["objective"], "features": case["features"],
            "params": case["params"], "groups": groups is not None,
            "xgboost_predictions": [float(v) for v in booster.predict(matrix)],
            "xgboost_margins": [float(v) for v in booster.predict(matrix, output_margin=True)],
        })
    (HERE / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    print(f"wrote {len(CASES)} cases to {HERE}")


if __name__ == "__main__":
    main()
