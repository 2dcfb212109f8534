#!/usr/bin/env python3
"""`lineup train` beside XGBoost and LightGBM, interleaved, on the data of make_data.py.

The machine is shared and its speed drifts by tens of percent from minute to minute, so
all three trainers run in one driver, dataset by dataset and repeat by repeat: for each
repeat, for each dataset, Lineup (a subprocess), then XGBoost, then LightGBM (in this
process, through peers.py). Times are medians over repeats; "vs XGBoost" is the median
over repeats of (trainer's time / XGBoost's time in the same repeat): below 1 is faster.

Lineup is run as

    lineup train --data TRAIN.libsvm [--group TRAIN.group] --features N --objective O
        --rounds R --max-depth 6 --learning-rate 0.1 [--lambda 1 --min-child-weight 1
        --gamma 0 --max-bin 255 --threads T] --out DIR/DATASET.json

(the bracketed options only when `lineup train --help` lists them; with --threads 1 and a
build without `--threads`, `--single-thread` instead). Two Lineup times are
reported: the whole subprocess's wall time (reading the LIBSVM text, training, writing the
JSON model and its card), and the time it prints on its last line, `train: N trees in X s`
(its trainer's clock: binning and boosting, without parsing and writing).
The peers' time is from in-memory arrays to a booster (DMatrix / Dataset, then training).

On the first repeat, each Lineup model is loaded into XGBoost (`xgb.Booster(model_file=)`),
whose predictions must equal `lineup predict --model M --input ROWS.libsvm` to 1e-5 on
the rows quality is measured on, and every model's quality is measured with the same code:
XGBoost's `ndcg@10` (Booster.eval for XGBoost's and Lineup's models; the same definition in
NumPy for LightGBM's, checked against Booster.eval) and scikit-learn's per-group
`ndcg_score(k=10)`, or ROC AUC. See README.md.

    python3 benchmarks/train/make_data.py --out /tmp/lineup-train-data
    python3 benchmarks/train/compare.py --data /tmp/lineup-train-data \\
        [--binary .build-release/release/lineup] [--repeats 3] [--datasets rank,binary] [--threads 2]
        [--models DIR] [--json FILE]
"""
import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE))

import numpy as np  # noqa: E402

import peers  # noqa: E402  (sets the OpenMP thread count before XGBoost and LightGBM load)

TRAINERS = ("Lineup", "XGBoost", "LightGBM")
LINEUP_MAX_BIN = 255
PREDICTION_TOLERANCE = 1e-5
DONE_LINE = re.compile(r"train: (\d+) trees in ([0-9.]+) s")


# ---------------------------------------------------------------- Lineup


def lineup_options(binary):
    """The options `lineup train --help` lists."""
    result = subprocess.run([str(binary), "train", "--help"], capture_output=True, text=True)
    return set(re.findall(r"(--[a-z][a-z0-9-]*)", result.stdout + result.stderr))


def lineup_command(binary, options, dataset, out):
    train = dataset.train
    command = [str(binary), "train", "--data", str(train.libsvm)]
    if train.group_file is not None:
        command += ["--group", str(train.group_file)]
    command += ["--features", str(dataset.features), "--objective", dataset.objective,
                "--rounds", str(dataset.rounds), "--max-depth", str(peers.MAX_DEPTH),
                "--learning-rate", str(peers.LEARNING_RATE)]
    optional = [("--lambda", peers.LAMBDA), ("--min-child-weight", peers.MIN_CHILD_WEIGHT), ("--gamma", 0),
                ("--max-bin", LINEUP_MAX_BIN), ("--threads", peers.THREADS)]
    for flag, value in optional:
        if flag in options:
            command += [flag, f"{value:g}"]
    if peers.THREADS == 1 and "--threads" not in options and "--single-thread" in options:
        command.append("--single-thread")
    return command + ["--out", str(out)]


def lineup_threads(options):
    if "--threads" in options:
        return f"--threads {peers.THREADS}"
    if peers.THREADS == 1 and "--single-thread" in options:
        return "--single-thread"
    return "on all cores (its default; this build has no --threads)"


def train_lineup(binary, options, dataset, out, rounds=None):
    """(process seconds, reported seconds, trees, command)."""
    command = lineup_command(binary, options, dataset, out)
    if rounds is not None:
        command[command.index("--rounds") + 1] = str(rounds)
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    lines = [line for line in (result.stdout + "\n" + result.stderr).splitlines() if DONE_LINE.search(line)]
    if not lines:
        sys.exit(f"no `train: N trees in X s` line from {' '.join(command)}:\n{result.stdout}{result.stderr}")
    found = DONE_LINE.search(lines[-1])
    return seconds, float(found.group(2)), int(found.group(1)), command


def lineup_predictions(binary, model, rows):
    result = subprocess.run([str(binary), "predict", "--model", str(model), "--input", str(rows),
                             "--format", "libsvm"], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"lineup predict --model {model} --input {rows} failed:\n{result.stderr}")
    return np.array([float(line) for line in result.stdout.split()], dtype=np.float64)


def check_lineup_model(binary, dataset, model, matrix):
    """Loads Lineup's model into XGBoost; XGBoost's predictions (probabilities for
    binary:logistic, margins for rank:ndcg) against `lineup predict`'s. Returns
    (booster, max |difference|, rows)."""
    import xgboost as xgb

    booster = xgb.Booster(model_file=str(model))
    booster.set_param({"nthread": peers.THREADS})
    theirs = booster.predict(matrix).astype(np.float64)
    ours = lineup_predictions(binary, model, dataset.quality.libsvm)
    if ours.shape != theirs.shape:
        sys.exit(f"{dataset.name}: lineup predict gave {ours.shape[0]} predictions, XGBoost {theirs.shape[0]}")
    return booster, float(np.max(np.abs(ours - theirs))), len(ours)


# ---------------------------------------------------------------- driver


def median(values):
    return statistics.median(values) if values else float("nan")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("/tmp/lineup-train-data"))
    parser.add_argument("--binary", type=Path, default=REPO / ".build-release/release/lineup")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--datasets", help="comma-separated subset of " + ",".join(peers.DATASETS))
    parser.add_argument("--threads", type=int, default=peers.THREADS,
                        help="threads for XGBoost and LightGBM, and for Lineup when it takes --threads (1: "
                             "--single-thread); default %(default)s, the machine's cores")
    parser.add_argument("--models", type=Path, help="keep the models of the last repeat here (default: a temporary "
                                                    "directory)")
    parser.add_argument("--json", type=Path, help="also write every repeat's raw results here")
    args = parser.parse_args()
    warnings.filterwarnings("ignore", category=UserWarning)
    peers.THREADS = args.threads
    if not args.binary.exists():
        sys.exit(f"no binary at {args.binary}: build it with `swift build -c release --product lineup`")
    datasets = peers.load_datasets(args.data, args.datasets.split(",") if args.datasets else None)
    options = lineup_options(args.binary)
    if "--data" not in options:
        sys.exit(f"{args.binary} train --help lists no --data: this build cannot train from LIBSVM files")

    # Load both libraries (and their OpenMP runtimes) now, not inside the first timed call.
    import lightgbm  # noqa: F401
    import xgboost  # noqa: F401

    times = {(d.name, t): [] for d in datasets for t in TRAINERS}
    process_times = {d.name: [] for d in datasets}
    quality = {}
    checks = {}
    commands = {}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        models = args.models or Path(tmp)
        models.mkdir(parents=True, exist_ok=True)
        # Warm-up, untimed: each trainer once, 5 rounds on the smallest dataset (page cache,
        # thread pools, lazy initialisation).
        smallest = min(datasets, key=lambda d: d.train.rows * d.features)
        print(f"warm-up on {smallest.name}", file=sys.stderr, flush=True)
        train_lineup(args.binary, options, smallest, models / "warm-up.json", rounds=5)
        peers.train_xgboost(smallest, rounds=5)
        peers.train_lightgbm(smallest, rounds=5)
        for repeat in range(args.repeats):
            for dataset in datasets:
                label = f"repeat {repeat + 1}/{args.repeats}, {dataset.name}"
                first = repeat == 0
                matrix = peers.xgboost_matrix(dataset.quality) if first else None

                print(f"{label}: Lineup", file=sys.stderr, flush=True)
                model = models / f"{dataset.name}.json"
                process, reported, trees, command = train_lineup(args.binary, options, dataset, model)
                if trees != dataset.rounds:  # no early stopping without --valid; a shortfall is a bug
                    sys.exit(f"{dataset.name}: Lineup trained {trees} trees, expected {dataset.rounds}")
                times[(dataset.name, "Lineup")].append(reported)
                process_times[dataset.name].append(process)
                commands[dataset.name] = command
                if first:
                    booster, difference, rows = check_lineup_model(args.binary, dataset, model, matrix)
                    checks[dataset.name] = {"max_abs_difference": difference, "rows": rows,
                                            "ok": difference <= PREDICTION_TOLERANCE}
                    quality[(dataset.name, "Lineup")] = peers.quality_xgboost_model(dataset, booster, matrix)

                print(f"{label}: XGBoost", file=sys.stderr, flush=True)
                seconds, booster = peers.train_xgboost(dataset)
                times[(dataset.name, "XGBoost")].append(seconds)
                if first:
                    quality[(dataset.name, "XGBoost")] = peers.quality_xgboost_model(dataset, booster, matrix)
                del booster

                print(f"{label}: LightGBM", file=sys.stderr, flush=True)
                seconds, booster = peers.train_lightgbm(dataset)
                times[(dataset.name, "LightGBM")].append(seconds)
                if first:
                    quality[(dataset.name, "LightGBM")] = peers.quality_lightgbm_model(dataset, booster)
                del booster, matrix
    elapsed = time.perf_counter() - started

    env = peers.versions()
    print(f"CPUs: {env['cpu_count']} ({env['cpu']}); xgboost {env['xgboost']}, lightgbm {env['lightgbm']}, "
          f"scikit-learn {env['scikit-learn']}, numpy {env['numpy']}, Python {env['python']}")
    print(f"Lineup: {args.binary} (built {time.strftime('%Y-%m-%d %H:%M', time.localtime(args.binary.stat().st_mtime))}"
          f"), repository at {git_head()}; XGBoost nthread {peers.THREADS}, LightGBM num_threads {peers.THREADS}, "
          f"Lineup {lineup_threads(options)}")
    print(f"{args.repeats} repeat(s), each: per dataset Lineup, XGBoost, LightGBM; times are medians over repeats "
          f"(whole run {elapsed:.0f} s)")
    print("train s: Lineup's own `train: N trees in X s` (binning + boosting); peers: arrays -> DMatrix/Dataset -> trained booster. "
          "process s: the whole `lineup train` subprocess (parse LIBSVM, train, write model and card). "
          "vs XGBoost: median of per-repeat time / XGBoost's time (< 1: faster than XGBoost)")
    print("Quality: NDCG@10 = XGBoost's ndcg@10 (gain 2^label - 1, empty groups 1), with scikit-learn's "
          "ndcg_score@10 in brackets; rank and binary on their test files, synthetic sets on their training rows")
    print()
    print("| dataset | rows × features | trainer | trees | train s | vs XGBoost | process s | quality |")
    print("|---|---|---|---:|---:|---:|---:|---|")
    summary = []
    for dataset in datasets:
        xgb_times = times[(dataset.name, "XGBoost")]
        for trainer in TRAINERS:
            own = times[(dataset.name, trainer)]
            ratios = [a / b for a, b in zip(own, xgb_times)]
            ratio = median(ratios)
            spread = f" ({min(ratios):.2f}–{max(ratios):.2f})" if len(ratios) > 1 and trainer != "XGBoost" else ""
            process = ""
            if trainer == "Lineup":
                process = f"{median(process_times[dataset.name]):.2f}"
                p_ratio = median([a / b for a, b in zip(process_times[dataset.name], xgb_times)])
                process += f" ({p_ratio:.2f}×)"
            q = quality[(dataset.name, trainer)]
            name = f"**{trainer}**" if trainer == "Lineup" else trainer
            print(f"| {dataset.name} | {dataset.train.rows:,} × {dataset.features} | {name} | {dataset.rounds} | "
                  f"{median(own):.2f} | {ratio:.2f}×{spread} | {process or '—'} | "
                  f"{peers.format_quality(dataset, q)} |")
            summary.append({"dataset": dataset.name, "trainer": trainer, "rounds": dataset.rounds,
                            "train_seconds": own, "median_train_seconds": median(own),
                            "ratio_to_xgboost": ratio, "ratios": ratios,
                            "process_seconds": process_times[dataset.name] if trainer == "Lineup" else None,
                            "quality_split": dataset.quality_split, "quality": q})
    print()
    failed = []
    for dataset in datasets:
        check = checks[dataset.name]
        verdict = "ok" if check["ok"] else "**FAILED**"
        if not check["ok"]:
            failed.append(dataset.name)
        print(f"- {dataset.name}: Lineup's model in XGBoost vs `lineup predict` on {check['rows']:,} "
              f"{dataset.quality_split} rows: max |difference| {check['max_abs_difference']:.2e} "
              f"(tolerance {PREDICTION_TOLERANCE:g}): {verdict}")
    print()
    print("Lineup commands (last repeat; --out in a temporary directory):")
    print()
    print("```sh")
    for dataset in datasets:
        print(" ".join(commands[dataset.name]))
    print("```")
    if args.json:
        args.json.write_text(json.dumps({"environment": env, "binary": str(args.binary), "options": sorted(options),
                                         "repeats": args.repeats, "summary": summary, "checks": checks,
                                         "commands": commands}, indent=2) + "\n")
    if failed:
        sys.exit(f"Lineup's predictions differ from XGBoost's on {', '.join(failed)}")


def git_head():
    try:
        head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
        return f"commit {head}"
    except (OSError, subprocess.CalledProcessError):
        return "an unknown commit"


if __name__ == "__main__":
    main()
