#!/usr/bin/env python3
"""LambdaMART's pair settings, Lineup beside XGBoost with the same ones (issue 20).

For each setting below, `lineup train` and `xgboost.train` learn the ranking datasets of
make_data.py (LightGBM's rank example and the synthetic 10k groups) with the benchmark's
hyper-parameters (100 trees, depth 6, eta 0.1, λ 1, min_child_weight 1, hist with 256
bins), and every model is scored the same way: scikit-learn's `ndcg_score(k=10)` per group,
averaged (the issue's figure), and XGBoost's own `ndcg@10`. LightGBM's lambdarank, at its
defaults and at its `lambdarank_truncation_level`, is the third row of each dataset.

Lineup's defaults for `lineup train` are chosen from this table: the rows beside XGBoost run
Lineup with `--pair-hessian xgboost --exp-gain` (XGBoost's own arithmetic), the last two
with Lineup's defaults (LightGBM's pair hessian and linear gains). With `mean`, pairs are
drawn at random, from each trainer's own generator; `--seeds N` repeats those settings
with N seeds (Lineup's --sampling-seed, XGBoost's seed) and reports the mean and spread.

    python3 benchmarks/train/make_data.py --out /tmp/lineup-train-data
    python3 benchmarks/train/pairs.py --data /tmp/lineup-train-data \\
        --binary /work/build-release/release/lineup [--datasets rank,synth-rank] [--seeds 3]
"""
import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import numpy as np  # noqa: E402

import compare  # noqa: E402
import peers  # noqa: E402

# (name, Lineup's flags, XGBoost's parameters). Every setting is XGBoost's own name. The
# rows compared with XGBoost run Lineup with XGBoost's pair hessian and gains (EXACT), so
# that both trainers compute the same lambdas; the last rows are Lineup's defaults
# (LightGBM's hessian, linear gains), beside XGBoost with linear gains.
EXACT = ["--pair-hessian", "xgboost", "--exp-gain"]
SETTINGS = [
    ("topk 32 (XGBoost's default)", EXACT, {}),
    ("topk 10", EXACT + ["--pairs-per-sample", "10"], {"lambdarank_num_pair_per_sample": 10}),
    ("topk 32, no score normalisation", EXACT + ["--no-score-normalization"], {"lambdarank_score_normalization": False}),
    ("mean 1", EXACT + ["--pair-method", "mean"], {"lambdarank_pair_method": "mean"}),
    ("mean 4", EXACT + ["--pair-method", "mean", "--pairs-per-sample", "4"],
     {"lambdarank_pair_method": "mean", "lambdarank_num_pair_per_sample": 4}),
    ("topk 32, linear gains; Lineup: its defaults (+ LightGBM's hessian)", [], {"ndcg_exp_gain": False}),
    ("mean 1, linear gains; Lineup: + LightGBM's hessian", ["--pair-method", "mean"],
     {"lambdarank_pair_method": "mean", "ndcg_exp_gain": False}),
]


def run_lineup(binary, options, dataset, flags, seed, folder):
    out = Path(folder) / f"{dataset.name}.json"
    command = compare.lineup_command(binary, options, dataset, out)
    command[-2:-2] = flags + ["--sampling-seed", str(seed)]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")
    seconds = time.perf_counter() - started
    found = compare.DONE_LINE.search(result.stdout + result.stderr)
    import xgboost as xgb

    booster = xgb.Booster(model_file=str(out))
    quality = peers.quality_xgboost_model(dataset, booster)
    return float(found.group(2)) if found else seconds, quality


def run_xgboost(dataset, params, seed):
    seconds, booster = peers.train_xgboost(dataset, seed=seed, **params)
    return seconds, peers.quality_xgboost_model(dataset, booster)


def run_lightgbm(dataset, params):
    seconds, booster = peers.train_lightgbm(dataset, **params)
    return seconds, peers.quality_lightgbm_model(dataset, booster)


def summary(values):
    if len(values) == 1:
        return f"{values[0]:.4f}"
    return f"{statistics.mean(values):.4f} ± {statistics.stdev(values):.4f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path("/tmp/lineup-train-data"))
    parser.add_argument("--binary", type=Path, default=Path("/work/build-release/release/lineup"))
    parser.add_argument("--datasets", default="rank,synth-rank")
    parser.add_argument("--seeds", type=int, default=1, help="seeds for the mean settings (topk draws nothing)")
    parser.add_argument("--settings", help="comma-separated indices into SETTINGS (default all)")
    args = parser.parse_args()

    options = compare.lineup_options(args.binary)
    if "--pair-method" not in options:
        sys.exit(f"{args.binary} train has no --pair-method: build Lineup at issue 20 or later")
    datasets = peers.load_datasets(args.data, args.datasets.split(","))
    chosen = SETTINGS if not args.settings else [SETTINGS[int(i)] for i in args.settings.split(",")]
    print(f"# {peers.versions()}; Lineup {args.binary}\n")
    print("| dataset | setting | trainer | NDCG@10 (sklearn) | NDCG@10 (XGBoost's) | train s |")
    print("|---|---|---|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as folder:
        for dataset in datasets:
            for name, flags, params in chosen:
                seeds = range(args.seeds) if "mean" in name else range(1)
                for trainer in ("Lineup", "XGBoost"):
                    results = []
                    for seed in seeds:
                        peers.log(f"{dataset.name}: {name}, {trainer}, seed {seed}")
                        if trainer == "Lineup":
                            results.append(run_lineup(args.binary, options, dataset, flags, seed, folder))
                        else:
                            results.append(run_xgboost(dataset, params, seed))
                    sk = [q["ndcg@10 sklearn"] for _, q in results]
                    xg = [q["ndcg@10"] for _, q in results]
                    seconds = statistics.median(s for s, _ in results)
                    print(f"| {dataset.name} | {name} | {trainer} | {summary(sk)} | {summary(xg)} | {seconds:.2f} |",
                          flush=True)
            for name, params in [("LightGBM's defaults (truncation 30)", {}),
                                 ("truncation level 10", {"lambdarank_truncation_level": 10})]:
                seconds, quality = run_lightgbm(dataset, params)
                print(f"| {dataset.name} | {name} | LightGBM | {quality['ndcg@10 sklearn']:.4f} | "
                      f"{quality['ndcg@10']:.4f} | {seconds:.2f} |", flush=True)


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
