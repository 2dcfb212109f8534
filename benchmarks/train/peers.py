#!/usr/bin/env python3
"""Gradient-boosting training peers: XGBoost (hist) and LightGBM on the data of make_data.py.

`lineup train` (issue 6) grows histogram gradient-boosted trees and writes XGBoost JSON.
This module trains its two obvious peers with the same hyper-parameters on the same rows
and judges every model, whoever trained it, with the same metric code:

- XGBoost 3.x: `xgb.train` with `tree_method` hist, `nthread` 2;
- LightGBM 4.x: `lgb.train`, `num_threads` 2, trees limited to depth 6 / 64 leaves.

Hyper-parameters (all three trainers): 100 trees (300 on synth-binary), max_depth 6,
learning rate 0.1, L2 lambda 1, min_child_weight (min_sum_hessian_in_leaf) 1, no minimum
split gain, no row or column sampling, max_bin 256 (XGBoost's default; LightGBM and
Lineup allow at most 255). Objectives: binary:logistic / `binary`, and LambdaMART:
rank:ndcg / `lambdarank`. The ranking parameters are each library's defaults, which with
groups of at most 27 rows (rank) and 20 (synth-rank) all train on every pair of rows with
different labels, gains 2^label - 1: XGBoost `lambdarank_pair_method` topk with
`lambdarank_num_pair_per_sample` unset (32), `ndcg_exp_gain` true, `lambdarank_normalization`
and `lambdarank_score_normalization` true; LightGBM `lambdarank_truncation_level` 30,
`label_gain` 2^i - 1, `lambdarank_norm` true. See README.md for what changes with other
settings (the issue's reference figures used `lambdarank_num_pair_per_sample` 10).

Training time: wall-clock from in-memory NumPy arrays to a trained booster, i.e. building
the DMatrix / Dataset (the binning) plus boosting; reading files is not included.

Quality, one definition per task for every model:
- rank (on rank.test) and synth-rank (on its training rows): **NDCG@10 as XGBoost's own
  `ndcg@10` eval metric defines it**: per query group, rows sorted by score descending (ties
  in row order), DCG@10 = sum of (2^label - 1) / log2(position + 1), divided by the ideal
  DCG@10 of the group's labels; a group without a relevant row scores 1; mean over groups.
  XGBoost and Lineup models are scored with `Booster.eval` (Lineup's model is loaded into
  XGBoost); LightGBM's with `ndcg_xgboost` here, which must equal `Booster.eval` on the
  XGBoost model to 1e-6 (checked on every run). Also reported: scikit-learn's
  `ndcg_score(k=10)` per group, averaged (linear gain, ties averaged), the definition behind
  the issue's figures 0.7785 / 0.7650.
- binary (on binary.test) and synth-binary (on its training rows): ROC AUC
  (`sklearn.metrics.roc_auc_score`, equal to XGBoost's `auc`).

    python3 benchmarks/train/peers.py run --data /tmp/lineup-train-data [--repeats 3] [--datasets rank,binary]
    python3 benchmarks/train/peers.py reference --data /tmp/lineup-train-data

`run` times the peers alone; `reference` reproduces the issue's reference figures (and
shows how the XGBoost ranking defaults move them). `compare.py` imports this module.
"""
import os

# OpenMP and BLAS read these once, when the libraries load. Two threads: the machine's cores.
THREADS = 2
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, str(THREADS))

import argparse
import json
import platform
import re
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np

MAX_DEPTH = 6
LEARNING_RATE = 0.1
LAMBDA = 1.0
MIN_CHILD_WEIGHT = 1.0
XGBOOST_MAX_BIN = 256
LIGHTGBM_MAX_BIN = 255
LIGHTGBM_LEAVES = 64  # 2^max_depth: a full depth-6 tree
NDCG_AT = 10
SEED = 0

DATASETS = ("rank", "binary", "synth-binary", "synth-rank")
# The split each dataset's quality is measured on.
QUALITY_SPLIT = {"rank": "test", "binary": "test", "synth-binary": "train", "synth-rank": "train"}


def log(message):
    print(message, file=sys.stderr, flush=True)


def versions():
    import lightgbm
    import sklearn
    import xgboost

    return {"python": platform.python_version(), "numpy": np.__version__, "xgboost": xgboost.__version__,
            "lightgbm": lightgbm.__version__, "scikit-learn": sklearn.__version__, "cpu_count": os.cpu_count(),
            "cpu": cpu_name(), "threads": THREADS}


def cpu_name():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


# ---------------------------------------------------------------- data


class Split:
    """One split of a dataset: X (float32, NaN = missing), y, optional group sizes, file paths."""

    def __init__(self, data, info):
        files = info["files"]
        self.libsvm = data / files["libsvm"]
        self.group_file = data / files["group"] if "group" in files else None
        self.X = np.load(data / files["X"])
        self.y = np.load(data / files["y"])
        self.groups = np.loadtxt(self.group_file, dtype=np.int64, ndmin=1) if self.group_file else None
        self.rows = len(self.y)


class Dataset:
    def __init__(self, data, name, info):
        self.name = name
        self.info = info
        self.features = info["features"]
        self.objective = info["objective"]
        self.rounds = info["rounds"]
        self.ranking = self.objective == "rank:ndcg"
        self.splits = {split: Split(data, s) for split, s in info["splits"].items()}
        self.train = self.splits["train"]
        self.quality_split = QUALITY_SPLIT.get(name, "test" if "test" in self.splits else "train")
        self.quality = self.splits[self.quality_split]
        self.metric = f"ndcg@{NDCG_AT}" if self.ranking else "auc"


def load_meta(data):
    path = Path(data) / "meta.json"
    if not path.exists():
        sys.exit(f"no {path}: run `python3 benchmarks/train/make_data.py --out {data}` first")
    return json.loads(path.read_text())


def load_datasets(data, names=None):
    meta = load_meta(data)
    names = names or [n for n in DATASETS if n in meta["datasets"]]
    unknown = [n for n in names if n not in meta["datasets"]]
    if unknown:
        sys.exit(f"unknown dataset(s) {', '.join(unknown)}; {data}/meta.json has {', '.join(meta['datasets'])}")
    return [Dataset(Path(data), n, meta["datasets"][n]) for n in names]


# ---------------------------------------------------------------- training


def xgboost_params(dataset, **overrides):
    params = {
        "objective": dataset.objective, "tree_method": "hist", "nthread": THREADS, "seed": SEED,
        "max_depth": MAX_DEPTH, "eta": LEARNING_RATE, "lambda": LAMBDA, "alpha": 0.0, "gamma": 0.0,
        "min_child_weight": MIN_CHILD_WEIGHT, "max_bin": XGBOOST_MAX_BIN, "subsample": 1.0,
        "colsample_bytree": 1.0,
    }
    params.update(overrides)
    return params


def lightgbm_params(dataset, **overrides):
    params = {
        "objective": "lambdarank" if dataset.ranking else "binary", "num_threads": THREADS, "seed": SEED,
        "max_depth": MAX_DEPTH, "num_leaves": LIGHTGBM_LEAVES, "learning_rate": LEARNING_RATE,
        "lambda_l2": LAMBDA, "lambda_l1": 0.0, "min_gain_to_split": 0.0,
        "min_sum_hessian_in_leaf": MIN_CHILD_WEIGHT, "min_data_in_leaf": 1, "max_bin": LIGHTGBM_MAX_BIN,
        "bagging_fraction": 1.0, "feature_fraction": 1.0, "verbosity": -1,
    }
    params.update(overrides)
    return params


def xgboost_matrix(split, threads=None):
    import xgboost as xgb

    matrix = xgb.DMatrix(split.X, label=split.y, missing=np.nan, nthread=threads or THREADS)
    if split.groups is not None:
        matrix.set_group(split.groups)
    return matrix


def train_xgboost(dataset, rounds=None, **overrides):
    """(seconds, booster): DMatrix from the arrays, then xgb.train."""
    import xgboost as xgb

    params = xgboost_params(dataset, **overrides)
    started = time.perf_counter()
    booster = xgb.train(params, xgboost_matrix(dataset.train, params["nthread"]), num_boost_round=rounds or dataset.rounds)
    return time.perf_counter() - started, booster


def train_lightgbm(dataset, absent_as_zero=False, rounds=None, **overrides):
    """(seconds, booster): lgb.Dataset from the arrays (NaN = missing), then lgb.train.
    With absent_as_zero, features absent from a LIBSVM line are 0 instead, as LightGBM
    reads LIBSVM files and sparse matrices (the array is made before the clock starts)."""
    import lightgbm as lgb

    params = lightgbm_params(dataset, **overrides)
    X = np.nan_to_num(dataset.train.X, nan=0.0) if absent_as_zero else dataset.train.X
    started = time.perf_counter()
    train = lgb.Dataset(X, label=dataset.train.y, group=dataset.train.groups, params=params)
    booster = lgb.train(params, train, num_boost_round=rounds or dataset.rounds)
    return time.perf_counter() - started, booster


# ---------------------------------------------------------------- quality


def group_slices(groups, rows):
    if groups is None:
        return [slice(0, rows)]
    ends = np.cumsum(groups)
    return [slice(int(e - g), int(e)) for g, e in zip(groups, ends)]


def ndcg_xgboost(labels, scores, groups, k=NDCG_AT, exp_gain=True, empty=1.0):
    """XGBoost's `ndcg@k` (rank_metric.cc): per group, stable sort by score descending,
    DCG@k with gain 2^label - 1 (label with exp_gain false) and discount 1/log2(i + 2) for
    0-based position i, over the ideal DCG@k; a group whose ideal DCG is 0 scores `empty`
    (1 for `ndcg@k`, 0 for `ndcg@k-`); unweighted mean over groups."""
    labels = np.asarray(labels, dtype=np.float64)
    scores = np.asarray(scores, dtype=np.float32)
    values = []
    for part in group_slices(groups, len(labels)):
        y, s = labels[part], scores[part]
        gain = np.exp2(y) - 1 if exp_gain else y
        top = min(k, len(y))
        discount = 1 / np.log2(np.arange(2, top + 2))
        order = np.argsort(-s, kind="stable")
        ideal = float(np.sort(gain)[::-1][:top] @ discount)
        values.append(float(gain[order][:top] @ discount) / ideal if ideal > 0 else empty)
    return float(np.mean(values))


def ndcg_sklearn(labels, scores, groups, k=NDCG_AT):
    """scikit-learn's `ndcg_score(k=k)` on each group (linear gain, tied scores averaged,
    a group without a relevant row scores 0), averaged over groups; one-row groups count 1
    (scikit-learn refuses them). Groups of one size go to scikit-learn together, as the rows
    of one 2-D call, which averages them the same way."""
    from sklearn.metrics import ndcg_score

    labels = np.asarray(labels, dtype=np.float64)
    scores = np.asarray(scores, dtype=np.float64)
    by_size = {}
    for part in group_slices(groups, len(labels)):
        by_size.setdefault(part.stop - part.start, []).append(part.start)
    total, count = 0.0, 0
    for size, starts in by_size.items():
        if size < 2:
            total += len(starts)
        else:
            index = np.asarray(starts)[:, None] + np.arange(size)[None, :]
            total += ndcg_score(labels[index], scores[index], k=k) * len(starts)
        count += len(starts)
    return total / count


def auc(labels, scores):
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(labels, scores))


def xgboost_eval(booster, matrix, metric):
    """The value of `metric` as `Booster.eval` reports it."""
    booster.set_param({"eval_metric": metric})
    text = booster.eval(matrix, name="eval")
    found = re.search(r"eval-" + re.escape(metric) + r":([-+0-9.eE]+)", text)
    if not found:
        raise RuntimeError(f"no {metric} in Booster.eval output {text!r}")
    return float(found.group(1))


def quality_of_scores(dataset, scores):
    """The quality metrics of raw scores (margins or probabilities: only the order counts)."""
    split = dataset.quality
    if dataset.ranking:
        return {"ndcg@10": ndcg_xgboost(split.y, scores, split.groups),
                "ndcg@10 sklearn": ndcg_sklearn(split.y, scores, split.groups)}
    return {"auc": auc(split.y, scores)}


def quality_xgboost_model(dataset, booster, matrix=None):
    """Quality of a model XGBoost can load (XGBoost's own or Lineup's): `Booster.eval` gives
    the primary figure, and the NumPy definition must agree with it to 1e-6."""
    matrix = matrix if matrix is not None else xgboost_matrix(dataset.quality)
    booster.set_param({"nthread": THREADS})
    scores = booster.predict(matrix, output_margin=True)
    result = quality_of_scores(dataset, scores)
    key = "ndcg@10" if dataset.ranking else "auc"
    official = xgboost_eval(booster, matrix, f"ndcg@{NDCG_AT}" if dataset.ranking else "auc")
    if abs(official - result[key]) > 1e-6:
        raise RuntimeError(f"{dataset.name}: NumPy {key} {result[key]:.9f} differs from XGBoost's "
                           f"Booster.eval {official:.9f}")
    result[key] = official
    return result


def quality_lightgbm_model(dataset, booster, absent_as_zero=False):
    X = np.nan_to_num(dataset.quality.X, nan=0.0) if absent_as_zero else dataset.quality.X
    scores = booster.predict(X, raw_score=True, num_threads=THREADS)
    return quality_of_scores(dataset, scores)


def format_quality(dataset, quality):
    if dataset.ranking:
        return f"NDCG@10 {quality['ndcg@10']:.4f} (sklearn {quality['ndcg@10 sklearn']:.4f})"
    return f"AUC {quality['auc']:.4f}"


# ---------------------------------------------------------------- reference (the figures)


def reference(datasets):
    """Reproduces the issue's reference figures and shows what moves them; returns rows of
    (dataset, trainer, setting, quality dict)."""
    rows = []
    for dataset in datasets:
        if dataset.name == "rank":
            variants = [
                ("XGBoost", "this benchmark's (defaults: topk, pairs unset = 32)", {}),
                ("XGBoost", "issue's: lambdarank_num_pair_per_sample 10 (topk)", {"lambdarank_num_pair_per_sample": 10}),
                ("XGBoost", "lambdarank_pair_method mean", {"lambdarank_pair_method": "mean"}),
                ("XGBoost", "ndcg_exp_gain false", {"ndcg_exp_gain": False}),
            ]
            for trainer, setting, overrides in variants:
                _, booster = train_xgboost(dataset, **overrides)
                rows.append((dataset.name, trainer, setting, quality_xgboost_model(dataset, booster)))
            lgb_variants = [
                ("LightGBM", "this benchmark's (depth 6, 64 leaves, lambda_l2 1, min_data_in_leaf 1)", {}),
                ("LightGBM", "library defaults (31 leaves, no depth limit), absent = missing", "defaults"),
                ("LightGBM", "issue's: library defaults, absent = 0 (as LightGBM reads LIBSVM)", "defaults, zero"),
            ]
        elif dataset.name == "binary":
            _, booster = train_xgboost(dataset)
            rows.append((dataset.name, "XGBoost", "this benchmark's = issue's", quality_xgboost_model(dataset, booster)))
            lgb_variants = [
                ("LightGBM", "this benchmark's (depth 6, 64 leaves, lambda_l2 1, min_data_in_leaf 1)", {}),
                ("LightGBM", "issue's: library defaults (31 leaves, no depth limit)", "defaults"),
            ]
        else:
            continue
        for trainer, setting, overrides in lgb_variants:
            zero = overrides == "defaults, zero"
            if isinstance(overrides, str):
                overrides = {"max_depth": -1, "num_leaves": 31, "lambda_l2": 0.0, "min_sum_hessian_in_leaf": 1e-3,
                             "min_data_in_leaf": 20}
            _, booster = train_lightgbm(dataset, absent_as_zero=zero, **overrides)
            rows.append((dataset.name, trainer, setting, quality_lightgbm_model(dataset, booster, absent_as_zero=zero)))
    return rows


def print_reference(rows):
    print("| dataset | trainer | setting | NDCG@10 (XGBoost's ndcg@10) | NDCG@10 (sklearn ndcg_score) | AUC |")
    print("|---|---|---|---:|---:|---:|")
    for name, trainer, setting, q in rows:
        print(f"| {name} | {trainer} | {setting} | {q.get('ndcg@10', float('nan')):.4f} | "
              f"{q.get('ndcg@10 sklearn', float('nan')):.4f} | {q.get('auc', float('nan')):.4f} |"
              .replace("nan", "—"))


# ---------------------------------------------------------------- CLI


def run(datasets, repeats):
    print(f"CPUs: {os.cpu_count()}; " + ", ".join(f"{k} {v}" for k, v in versions().items()
                                                  if k in ("xgboost", "lightgbm", "numpy", "python")))
    print(f"{repeats} repeats; train s = median wall time from arrays to booster; nthread / num_threads {THREADS}")
    print()
    print("| dataset | rows | trainer | trees | train s (median) | range | quality |")
    print("|---|---:|---|---:|---:|---:|---|")
    for dataset in datasets:
        for trainer, train, judge in (("XGBoost", train_xgboost, quality_xgboost_model),
                                      ("LightGBM", train_lightgbm, quality_lightgbm_model)):
            times = []
            for _ in range(repeats):
                seconds, booster = train(dataset)
                times.append(seconds)
            quality = judge(dataset, booster)
            print(f"| {dataset.name} | {dataset.train.rows:,} | {trainer} | {dataset.rounds} | "
                  f"{statistics.median(times):.2f} | {min(times):.2f}–{max(times):.2f} | "
                  f"{format_quality(dataset, quality)} on {dataset.quality_split} |", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run_parser = sub.add_parser("run", help="time XGBoost and LightGBM on every dataset")
    run_parser.add_argument("--data", type=Path, default=Path("/tmp/lineup-train-data"))
    run_parser.add_argument("--repeats", type=int, default=3)
    run_parser.add_argument("--datasets", help="comma-separated subset of " + ",".join(DATASETS))
    run_parser.add_argument("--threads", type=int, default=THREADS, help="nthread / num_threads (default %(default)s)")
    ref_parser = sub.add_parser("reference", help="reproduce the issue's reference figures on rank and binary")
    ref_parser.add_argument("--data", type=Path, default=Path("/tmp/lineup-train-data"))
    args = parser.parse_args()
    warnings.filterwarnings("ignore", category=UserWarning)
    if args.command == "run":
        globals()["THREADS"] = args.threads
        run(load_datasets(args.data, args.datasets.split(",") if args.datasets else None), args.repeats)
    else:
        print_reference(reference(load_datasets(args.data, ["rank", "binary"])))


if __name__ == "__main__":
    main()
