#!/usr/bin/env python3
"""The model size issue 4's rank target names, on Lineup's own features.

Issue 4 asks for `Engine.rank` p99 ≤ 2 ms with a 300-tree, depth-6 model. The shipped
default model is smaller (early stopping keeps fewer trees), so `lineup bench rank` is also
run with this one: XGBoost `binary:logistic`, exactly 300 trees of `max_depth` 6, trained on
the demo training rows (label > 0 is a positive), with the schema's feature names so Lineup
accepts it. Its quality does not matter here, only its size.

    swift run -c release lineup demo-training --out /tmp/lineup-demo-training
    python3 benchmarks/rank/size_model.py --data /tmp/lineup-demo-training --out /tmp/lineup-rank-300.json
    OPENBLAS_NUM_THREADS=1 .build/release/lineup bench rank --model /tmp/lineup-rank-300.json --requests 5000
"""
import argparse
import json
import sys
from pathlib import Path

import numpy as np
import xgboost as xgb



def read_meta(directory: Path) -> list[str]:
    """The feature names `lineup demo-training` wrote beside its rows."""
    path = directory / "meta.json"
    if not path.is_file():
        sys.exit(f"{path}: missing (make the directory with `lineup demo-training --out {directory}`)")
    features = json.loads(path.read_text(encoding="utf-8")).get("features")
    if not isinstance(features, list) or not features:
        sys.exit(f"{path}: `features` must be a non-empty list of feature names")
    return features


def read_libsvm(path: Path, n_features: int) -> tuple[np.ndarray, np.ndarray]:
    """`label qid:N idx:value ...` lines (0-based indices) as a dense float32 matrix, with NaN
    where a feature is absent (Lineup's own reading: absent means missing), and the labels."""
    labels: list[float] = []
    rows: list[int] = []
    columns: list[int] = []
    values: list[float] = []
    with path.open("r", encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if not parts or parts[0].startswith("#"):
                continue
            for pair in parts[1:]:
                key, _, value = pair.partition(":")
                if key == "qid":
                    continue
                rows.append(len(labels))
                columns.append(int(key))
                values.append(float(value))
            labels.append(float(parts[0]))
    if not labels:
        sys.exit(f"{path}: no rows")
    if columns and max(columns) >= n_features:
        sys.exit(f"{path}: feature index {max(columns)} found, but meta.json lists {n_features} features")
    matrix = np.full((len(labels), n_features), np.nan, dtype=np.float32)
    matrix[np.asarray(rows), np.asarray(columns)] = np.asarray(values, dtype=np.float32)
    return matrix, np.asarray(labels, dtype=np.float32)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, required=True, help="lineup demo-training's output directory")
    parser.add_argument("--out", type=Path, required=True, help="where to write the model (XGBoost JSON)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    names = read_meta(args.data)
    x, y = read_libsvm(args.data / "train.libsvm", len(names))
    train = xgb.DMatrix(x, label=(y > 0).astype(np.float32), missing=np.nan, feature_names=names)
    params = {"objective": "binary:logistic", "max_depth": 6, "eta": 0.1, "tree_method": "hist",
              "nthread": 2, "seed": args.seed}
    booster = xgb.train(params, train, num_boost_round=300)
    booster.save_model(str(args.out))
    depths = [tree_depth(t) for t in booster.get_dump(dump_format="json")]
    print(f"{args.out}: {len(depths)} trees, depth ≤ {max(depths)}, {len(names)} features, xgboost {xgb.__version__}")
    return 0


def tree_depth(dump: str) -> int:
    def depth(node: dict) -> int:
        return 0 if "leaf" in node else 1 + max(depth(child) for child in node["children"])

    return depth(json.loads(dump))


if __name__ == "__main__":
    sys.exit(main())
