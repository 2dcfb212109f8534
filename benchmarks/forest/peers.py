#!/usr/bin/env python3
"""Boosted-tree scoring peers: XGBoost and LightGBM, single-threaded, on one shared model and rows.

Stage 2 of Lineup scores candidates with a forest in XGBoost's JSON format. This script
trains that forest with XGBoost (binary:logistic, 300 trees, max_depth 6, 40 features,
some missing) and a LightGBM model of the same size on the same data, writes the rows
`lineup bench forest` reads, and times the peers on them:

- XGBoost 3.x `inplace_predict` (its low-overhead path: no DMatrix) on 1, 200 and 10,000 rows;
- LightGBM `Booster.predict` on the same sizes;
- XGBoost `predict(pred_contribs=True)` (exact path-dependent TreeSHAP) on 20 rows, from a
  DMatrix built before timing.

Everything runs on one thread: OMP_NUM_THREADS=1 is set before either library loads, and
every call passes nthread=1 / num_threads=1. A call's time is wall-clock per call; the
figure reported is the median over every call of every round.

    python3 benchmarks/forest/peers.py generate --out /tmp/lineup-forest-data
    python3 benchmarks/forest/peers.py run --data /tmp/lineup-forest-data [--rounds 5] [--json FILE]

Files and what is measured: benchmarks/forest/README.md.
"""
import os

# Before NumPy, XGBoost and LightGBM load their OpenMP and BLAS runtimes, which read these once.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse
import json
import platform
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np

FEATURES = 40
TRAIN_ROWS = 50_000
BENCH_ROWS = 10_000
SEED = 403_006
TREES = 300
MAX_DEPTH = 6
LIGHTGBM_LEAVES = 63
LEARNING_RATE = 0.1
CONTRIB_ROWS = 20
SIZES = (1, 200, 10_000)
ROUND_SECONDS = 0.4  # calls per round are chosen so that one round takes about this long
MAX_CALLS = 2_000
MIN_CALLS = 3

MODEL_FILE = "model.json"
LIGHTGBM_FILE = "lightgbm.txt"
ROWS_FILE = "rows.f32"
META_FILE = "meta.json"
PRED_FILE = "xgboost_pred.f32"
CONTRIBS_FILE = "xgboost_contribs20.f32"


def log(message):
    print(message, file=sys.stderr, flush=True)


def versions():
    import lightgbm
    import xgboost

    return {"python": platform.python_version(), "numpy": np.__version__, "xgboost": xgboost.__version__,
            "lightgbm": lightgbm.__version__}


# ---------------------------------------------------------------- data


def make_rows(rng, rows):
    """40 features: continuous, skewed, counts and 0/1 flags, like the ranking features
    (scores, decayed counts, ages, flags); 12 columns have 5-40% missing values."""
    X = rng.standard_normal((rows, FEATURES)).astype(np.float32)
    for j in range(FEATURES):
        if j % 5 == 1:
            X[:, j] = rng.poisson(2.0 + j % 7, rows)
        elif j % 5 == 3:
            X[:, j] = np.exp(X[:, j])
        elif j % 10 == 4:
            X[:, j] = rng.random(rows) < 0.3
    missing = np.zeros(FEATURES)
    missing[::FEATURES // 12 + 1] = np.linspace(0.05, 0.40, len(missing[::FEATURES // 12 + 1]))
    X[rng.random((rows, FEATURES)) < missing] = np.nan
    return X


def make_labels(rng, X):
    Z = np.nan_to_num(X, nan=-1.0).astype(np.float64)
    w = np.random.default_rng(SEED + 1).standard_normal(FEATURES) / np.sqrt(FEATURES)
    logit = (Z @ w + np.sin(2 * Z[:, 0]) + 0.5 * (Z[:, 1] > 3) * Z[:, 2] - 0.3 * np.abs(Z[:, 5])
             + 0.4 * np.isnan(X[:, 0]) + 0.3 * np.tanh(Z[:, 7] * Z[:, 8]))
    return (rng.random(len(X)) < 1 / (1 + np.exp(-logit))).astype(np.float64)


def generate(out):
    import lightgbm as lgb
    import xgboost as xgb

    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    X = make_rows(rng, TRAIN_ROWS)
    y = make_labels(rng, X)
    rows = make_rows(rng, BENCH_ROWS)

    started = time.perf_counter()
    params = {"objective": "binary:logistic", "max_depth": MAX_DEPTH, "eta": LEARNING_RATE, "nthread": 1,
              "seed": SEED, "tree_method": "hist"}
    booster = xgb.train(params, xgb.DMatrix(X, label=y, missing=np.nan, nthread=1), num_boost_round=TREES)
    booster.save_model(str(out / MODEL_FILE))
    log(f"XGBoost: {TREES} trees in {time.perf_counter() - started:.1f} s -> {out / MODEL_FILE}")

    started = time.perf_counter()
    lgb_params = {"objective": "binary", "num_leaves": LIGHTGBM_LEAVES, "learning_rate": LEARNING_RATE,
                  "num_threads": 1, "seed": SEED, "deterministic": True, "force_row_wise": True,
                  "verbosity": -1}
    lgb_model = lgb.train(lgb_params, lgb.Dataset(X, label=y), num_boost_round=TREES)
    lgb_model.save_model(str(out / LIGHTGBM_FILE))
    log(f"LightGBM: {TREES} trees in {time.perf_counter() - started:.1f} s -> {out / LIGHTGBM_FILE}")

    rows.astype("<f4").tofile(out / ROWS_FILE)
    loaded = xgb.Booster(model_file=str(out / MODEL_FILE))
    loaded.set_param({"nthread": 1})
    pred = loaded.inplace_predict(rows, missing=np.nan)
    pred.astype("<f4").tofile(out / PRED_FILE)
    contribs = loaded.predict(xgb.DMatrix(rows[:CONTRIB_ROWS], missing=np.nan, nthread=1), pred_contribs=True)
    contribs.astype("<f4").tofile(out / CONTRIBS_FILE)

    model = json.loads((out / MODEL_FILE).read_text())
    trees = model["learner"]["gradient_booster"]["model"]["trees"]
    meta = {
        "rows": BENCH_ROWS,
        "features": FEATURES,
        "dtype": "float32",
        "byte_order": "little",
        "layout": "row-major",
        "missing": "NaN",
        "files": {"xgboost_model": MODEL_FILE, "lightgbm_model": LIGHTGBM_FILE, "rows": ROWS_FILE,
                  "xgboost_pred": PRED_FILE, "xgboost_contribs": CONTRIBS_FILE},
        "reference": {
            "xgboost_pred": f"inplace_predict of all {BENCH_ROWS} rows (probabilities), float32",
            "xgboost_contribs": f"predict(pred_contribs=True) of the first {CONTRIB_ROWS} rows: "
                                f"{CONTRIB_ROWS} x {FEATURES + 1} float32 (bias last)",
        },
        "seed": SEED,
        "training_rows": TRAIN_ROWS,
        "missing_fraction": float(np.isnan(rows).mean()),
        "xgboost": {"params": params, "rounds": TREES, "trees": len(trees),
                    "nodes": sum(int(t["tree_param"]["num_nodes"]) for t in trees),
                    "base_score": model["learner"]["learner_model_param"]["base_score"]},
        "lightgbm": {"params": lgb_params, "rounds": TREES, "trees": lgb_model.num_trees()},
        "versions": versions(),
    }
    (out / META_FILE).write_text(json.dumps(meta, indent=2) + "\n")
    log(f"wrote {ROWS_FILE} ({BENCH_ROWS} x {FEATURES} float32), {PRED_FILE}, {CONTRIBS_FILE}, {META_FILE} in {out}")


# ---------------------------------------------------------------- timing


def time_calls(fn, rounds):
    """Per-call wall times (µs) over `rounds` rounds. fn(k) makes call number k. A few
    warm-up calls first; their times pick how many calls a round makes."""
    warm = []
    for k in range(MIN_CALLS):
        started = time.perf_counter_ns()
        fn(k)
        warm.append(time.perf_counter_ns() - started)
    per_call = max(min(warm) / 1e9, 1e-7)
    calls = int(min(MAX_CALLS, max(MIN_CALLS, ROUND_SECONDS / per_call)))
    times = []
    k = 0
    for _ in range(rounds):
        for _ in range(calls):
            started = time.perf_counter_ns()
            fn(k)
            times.append((time.perf_counter_ns() - started) / 1e3)
            k += 1
    return times, calls


def blocks(rows, size):
    """Call k scores rows [k*size, k*size + size) modulo the row count (contiguous, so no
    copy), so successive calls see different rows, as `lineup bench forest` does."""
    count = len(rows) // size
    views = [rows[i * size:(i + 1) * size] for i in range(count)]
    return lambda k: views[k % count]


def summary(peer, call, size, times, calls, rounds):
    return {"peer": peer, "call": call, "rows": size, "median_us": statistics.median(times), "min_us": min(times),
            "calls_per_round": calls, "rounds": rounds}


def environment():
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {**versions(), "cpu_count": os.cpu_count(), "cpu": cpu, "machine": platform.machine(),
            "env": {var: os.environ.get(var) for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS")}}


def load(data):
    meta = json.loads((data / META_FILE).read_text())
    expected = meta["rows"] * meta["features"] * 4
    path = data / meta["files"]["rows"]
    if path.stat().st_size != expected:
        sys.exit(f"{path}: {path.stat().st_size} bytes, expected {expected}; run `generate` again")
    rows = np.fromfile(path, dtype="<f4").reshape(meta["rows"], meta["features"])
    return meta, rows


def run(data, rounds, json_path):
    import lightgbm as lgb
    import xgboost as xgb

    meta, rows = load(data)
    booster = xgb.Booster(model_file=str(data / meta["files"]["xgboost_model"]))
    booster.set_param({"nthread": 1})
    lgb_model = lgb.Booster(model_file=str(data / meta["files"]["lightgbm_model"]))

    reference = np.fromfile(data / meta["files"]["xgboost_pred"], dtype="<f4")
    agreement = float(np.max(np.abs(booster.inplace_predict(rows, missing=np.nan) - reference)))
    if agreement > 1e-6:
        sys.exit(f"XGBoost {xgb.__version__} disagrees with the recorded predictions by {agreement:.3g}")

    results = []
    for size in SIZES:
        block = blocks(rows, size)
        log(f"xgboost inplace_predict, {size} rows")
        times, calls = time_calls(lambda k: booster.inplace_predict(block(k), missing=np.nan), rounds)
        results.append(summary("xgboost", "inplace_predict", size, times, calls, rounds))
    for size in SIZES:
        block = blocks(rows, size)
        log(f"lightgbm predict, {size} rows")
        times, calls = time_calls(lambda k: lgb_model.predict(block(k), num_threads=1), rounds)
        results.append(summary("lightgbm", "predict", size, times, calls, rounds))
    matrices = [xgb.DMatrix(rows[i * CONTRIB_ROWS:(i + 1) * CONTRIB_ROWS], missing=np.nan, nthread=1)
                for i in range(8)]
    log(f"xgboost predict(pred_contribs=True), {CONTRIB_ROWS} rows")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        times, calls = time_calls(lambda k: booster.predict(matrices[k % len(matrices)], pred_contribs=True), rounds)
    results.append(summary("xgboost", "predict(pred_contribs=True)", CONTRIB_ROWS, times, calls, rounds))

    env = environment()
    print(describe_environment(env, meta))
    print()
    print(markdown_table(results))
    if json_path:
        flat = {f"{r['peer']}_{'contribs' if 'contribs' in r['call'] else 'predict'}_{r['rows']}_us": r["median_us"]
                for r in results}
        report = {"environment": env, "model": {k: meta[k] for k in ("xgboost", "lightgbm", "seed", "rows", "features")},
                  "rounds": rounds, "results": results, **flat}
        Path(json_path).write_text(json.dumps(report, indent=2) + "\n")


def format_us(us):
    return f"{us:,.1f} µs" if us < 1000 else f"{us / 1000:,.2f} ms"


def describe_environment(env, meta):
    return "\n".join([
        f"CPUs: {env['cpu_count']} ({env['cpu'] or env['machine']}); Python {env['python']}, numpy {env['numpy']}, "
        f"xgboost {env['xgboost']}, lightgbm {env['lightgbm']}; 1 thread (OMP_NUM_THREADS={env['env']['OMP_NUM_THREADS']})",
        f"Model: XGBoost binary:logistic, {meta['xgboost']['trees']} trees, max_depth {meta['xgboost']['params']['max_depth']}, "
        f"{meta['xgboost']['nodes']:,} nodes; LightGBM {meta['lightgbm']['trees']} trees, "
        f"num_leaves {meta['lightgbm']['params']['num_leaves']}; {meta['features']} features, "
        f"{meta['missing_fraction']:.1%} of row values missing",
    ])


def markdown_table(results):
    lines = ["| peer | call | rows | median per call | per row | calls × rounds |",
             "| --- | --- | ---: | ---: | ---: | ---: |"]
    for r in results:
        lines.append(f"| {r['peer']} | {r['call']} | {r['rows']:,} | {format_us(r['median_us'])} | "
                     f"{format_us(r['median_us'] / r['rows'])} | {r['calls_per_round']} × {r['rounds']} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    gen = commands.add_parser("generate", help="train both models and write the rows")
    gen.add_argument("--out", type=Path, required=True)
    bench = commands.add_parser("run", help="time XGBoost and LightGBM on the generated files")
    bench.add_argument("--data", type=Path, required=True)
    bench.add_argument("--rounds", type=int, default=5)
    bench.add_argument("--json", type=Path, help="also write machine-readable results here")
    args = parser.parse_args()
    if args.command == "generate":
        generate(args.out)
    else:
        run(args.data, args.rounds, args.json)


if __name__ == "__main__":
    main()
