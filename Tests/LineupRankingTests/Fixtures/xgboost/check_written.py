#!/usr/bin/env python3
"""Does XGBoost load the models Lineup writes, and predict what Lineup predicts?

For every case of manifest.json: `lineup predict --write-model` reads the fixture model and
writes it back as Lineup writes XGBoost JSON; XGBoost then loads that file and predicts the
fixture rows. The predictions must equal XGBoost's on the original model (recorded in the
fixtures) and Lineup's own, to 1e-5.

    swift build --product lineup
    python3 Tests/LineupRankingTests/Fixtures/xgboost/check_written.py --binary .build/debug/lineup
"""
import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import xgboost as xgb

HERE = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=".build/debug/lineup")
    args = parser.parse_args()
    manifest = json.loads((HERE / "manifest.json").read_text())
    failures = 0
    with tempfile.TemporaryDirectory() as scratch:
        for case in manifest["cases"]:
            files = case["files"]
            written = Path(scratch) / f"{case['name']}.json"
            rows = HERE / files["rows_csv"]
            lineup = subprocess.run([args.binary, "predict", "--model", str(HERE / files["model"]), "--input", str(rows),
                                     "--write-model", str(written)], check=True, capture_output=True, text=True).stdout
            ours = np.array([float(line) for line in lineup.split()])
            data = np.genfromtxt(rows, delimiter=",", missing_values="", filling_values=np.nan, ndmin=2)
            booster = xgb.Booster(model_file=str(written))
            theirs = booster.inplace_predict(data, missing=np.nan)
            recorded = np.loadtxt(HERE / files["pred"], delimiter=",", ndmin=1)
            worst = max(float(np.max(np.abs(theirs - recorded))), float(np.max(np.abs(theirs - ours))))
            ok = worst <= 1e-5
            failures += not ok
            print(f"{case['name']:28} XGBoost {xgb.__version__} on Lineup's file: max difference {worst:.2e} {'ok' if ok else 'FAILED'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
