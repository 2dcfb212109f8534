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
import sys
from pathlib import Path

import numpy as np
import xgboost as xgb

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "models"))
from train_default import read_libsvm, read_meta  # noqa: E402  (absent entries read as missing)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, required=True, help="lineup demo-training's output directory")
    parser.add_argument("--out", type=Path, required=True, help="where to write the model (XGBoost JSON)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    meta = read_meta(args.data)
    names = meta["features"]
    x, y, _ = read_libsvm(args.data / "train.libsvm", len(names))
    train = xgb.DMatrix(x, label=(y > 0).astype(np.float32), missing=np.nan, feature_names=names)
    params = {"objective": "binary:logistic", "max_depth": 6, "eta": 0.1, "tree_method": "hist",
              "nthread": 2, "seed": args.seed}
    booster = xgb.train(params, train, num_boost_round=300)
    booster.save_model(str(args.out))
    depths = [tree_depth(t) for t in booster.get_dump(dump_format="json")]
    print(f"{args.out}: {len(depths)} trees, depth ≤ {max(depths)}, {len(names)} features, xgboost {xgb.__version__}")
    return 0


def tree_depth(dump: str) -> int:
    import json

    def depth(node: dict) -> int:
        return 0 if "leaf" in node else 1 + max(depth(child) for child in node["children"])

    return depth(json.loads(dump))


if __name__ == "__main__":
    sys.exit(main())
