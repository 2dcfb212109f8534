#!/usr/bin/env python3
"""Position-debiased LambdaMART on simulated clicks (issue 20): XGBoost, LightGBM and `lineup train`.

The setting of XGBoost's learning-to-rank demo (demo/guide-python/learning_to_rank.py, its
click half, and the PBM helpers in xgboost.testing.data), on LightGBM's small rank example
instead of MSLR-10K, written anew here:

1. A weak first ranker orders every query of rank.train: XGBoost rank:ndcg trained on a
   random 10% of rank.train's rows with their true grades, 10 trees (depth 6, eta 0.3,
   XGBoost's defaults otherwise). Its scores, descending (ties in file order), give each
   row its displayed position 0, 1, 2, ...
2. Clicks from a position-based model, one independent draw per row and click seed:
   P(click) = examination[position] * attractiveness[grade], examination by position
   [0.68, 0.61, 0.48, 0.34, 0.28, 0.20, 0.11, 0.10, 0.08, 0.06] (0.06 beyond the tenth),
   attractiveness by grade [0.1, 0.16, 0.28, 0.52, 1.0].
3. Every trainer learns from the clicks (label 1 clicked, 0 not), each query's rows in
   displayed order (what XGBoost's `lambdarank_unbiased` reads as the position), and is
   judged on rank.test's TRUE grades: NDCG@10 as scikit-learn's `ndcg_score(k=10)` per
   query (linear gain = grade), averaged over the 50 queries (benchmarks/train/peers.py's
   `ndcg_sklearn`, the definition of the issue's figures). XGBoost's own `ndcg@10`
   (gain 2^grade - 1) goes into the JSON line too.

Systems, each with 100 trees, depth 6, eta 0.1, lambda 1, min_child_weight 1, no
sampling (benchmarks/train's settings):
- XGBoost rank:ndcg with the demo's ranking settings: lambdarank_pair_method topk,
  lambdarank_num_pair_per_sample 12, lambdarank_bias_norm 1, ndcg_exp_gain true;
  lambdarank_unbiased false (biased) and true (unbiased).
- LightGBM lambdarank (benchmarks/train's settings), plain, and with the rows' positions
  given to its Dataset (`position=`, LightGBM >= 4.1's own position-bias correction).
- Lineup: `lineup train --data CLICKS.libsvm --group ...` (biased: it has no unbiased mode
  yet), its model loaded into XGBoost to be scored.
- For context: the weak first ranker (the floor) and XGBoost (biased and unbiased),
  LightGBM and Lineup trained on the TRUE grades of the same rows (the ceiling).

The unbiased XGBoost model's estimated position biases are read from its saved JSON model,
`learner.objective["ti+"]` and `learner.objective["tj-"]` (one value per position up to
the truncation level, lambdarank_num_pair_per_sample, position 0 = 1).

    python3 benchmarks/unbiased/clicks.py [--seeds 5] [--sessions 1] [--binary /work/build-release/release/lineup]
        [--no-lineup] [--json FILE]

Progress lines go to stderr; a markdown table, then one JSON line, to stdout.
"""
import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from types import SimpleNamespace

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE.parent / "train"))

import numpy as np  # noqa: E402

import peers  # noqa: E402  (sets the OpenMP thread count before XGBoost and LightGBM load)
import make_data  # noqa: E402
import compare  # noqa: E402

EXAMPLES = REPO / "benchmarks" / "data" / "lightgbm-examples"
DEFAULT_BINARY = Path("/work/build-release/release/lineup")

EXAMINATION = np.array([0.68, 0.61, 0.48, 0.34, 0.28, 0.20, 0.11, 0.10, 0.08, 0.06])
EXAMINATION_BEYOND = 0.06
ATTRACTIVENESS = np.array([0.1, 0.16, 0.28, 0.52, 1.0])

WEAK_SHARE = 0.10
WEAK_TREES = 10
WEAK_SEED = 1994
CLICK_SEED_BASE = 2000

ROUNDS = 100
XGB_RANKING = {"lambdarank_pair_method": "topk", "lambdarank_num_pair_per_sample": 12,
               "lambdarank_bias_norm": 1.0, "ndcg_exp_gain": True}


def log(message):
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- data


def load_split(split):
    """(X float32 with NaN for absent, y grades, group sizes) of LightGBM's rank.{split};
    LightGBM's index k is column k, as in benchmarks/train (301 columns)."""
    labels, rows = make_data.read_lightgbm_libsvm(EXAMPLES / f"rank.{split}")
    X = np.full((len(rows), 301), np.nan, dtype=np.float32)
    for r, row in enumerate(rows):
        for k, v in row:
            X[r, k] = v
    groups = np.loadtxt(EXAMPLES / f"rank.{split}.query", dtype=np.int64, ndmin=1)
    assert groups.sum() == len(labels)
    return X, labels.astype(np.int64), groups


def split_namespace(X, y, groups):
    return SimpleNamespace(X=X, y=y.astype(np.float32), groups=groups, rows=len(y), libsvm=None, group_file=None)


def weak_ranker(X, y, groups):
    """The first ranker: XGBoost rank:ndcg on a random WEAK_SHARE of the rows (true grades),
    WEAK_TREES trees; returns the booster."""
    import xgboost as xgb

    rng = np.random.default_rng(WEAK_SEED)
    qid = np.repeat(np.arange(len(groups)), groups)
    chosen = np.sort(rng.permutation(len(y))[: int(len(y) * WEAK_SHARE)])  # sorted: grouped by query
    matrix = xgb.DMatrix(X[chosen], label=y[chosen], qid=qid[chosen], missing=np.nan, nthread=peers.THREADS)
    params = {"objective": "rank:ndcg", "tree_method": "hist", "nthread": peers.THREADS, "seed": WEAK_SEED}
    return xgb.train(params, matrix, num_boost_round=WEAK_TREES), len(chosen)


def displayed_order(scores, groups):
    """Row indices of the whole file with each query's rows sorted by score descending (stable),
    and each row's position (0 = top) in that order."""
    order, positions = [], []
    for part in peers.group_slices(groups, len(scores)):
        idx = np.arange(part.start, part.stop)
        ranked = idx[np.argsort(-scores[part], kind="stable")]
        order.append(ranked)
        positions.append(np.arange(len(ranked)))
    return np.concatenate(order), np.concatenate(positions)


def examination(positions):
    return np.where(positions < len(EXAMINATION), EXAMINATION[np.minimum(positions, len(EXAMINATION) - 1)],
                    EXAMINATION_BEYOND)


def draw_clicks(grades, positions, seed):
    rng = np.random.default_rng(seed)
    p = examination(positions) * ATTRACTIVENESS[grades]
    return (rng.random(len(grades)) < p).astype(np.int64)


# ---------------------------------------------------------------- trainers


def xgb_params(**overrides):
    dataset = SimpleNamespace(objective="rank:ndcg")
    return peers.xgboost_params(dataset, **XGB_RANKING, **overrides)


def train_xgboost(X, labels, groups, unbiased):
    import xgboost as xgb

    params = xgb_params(lambdarank_unbiased=unbiased)
    started = time.perf_counter()
    matrix = xgb.DMatrix(X, label=labels, missing=np.nan, nthread=peers.THREADS)
    matrix.set_group(groups)
    booster = xgb.train(params, matrix, num_boost_round=ROUNDS)
    return time.perf_counter() - started, booster


def train_lightgbm(X, labels, groups, positions=None):
    import lightgbm as lgb

    params = peers.lightgbm_params(SimpleNamespace(ranking=True))
    started = time.perf_counter()
    train = lgb.Dataset(X, label=labels, group=groups, position=positions, params=params)
    booster = lgb.train(params, train, num_boost_round=ROUNDS)
    return time.perf_counter() - started, booster


def position_biases(booster, path):
    """(ti+, tj-) from the saved JSON model's learner.objective."""
    booster.save_model(str(path))
    objective = json.loads(Path(path).read_text())["learner"]["objective"]
    return [float(v) for v in objective["ti+"]], [float(v) for v in objective["tj-"]]


class Lineup:
    def __init__(self, binary, workdir, test, extra_flags=()):
        self.binary = binary
        self.extra_flags = list(extra_flags)
        self.workdir = workdir
        self.options = compare.lineup_options(binary)
        if "--data" not in self.options:
            sys.exit(f"{binary} train --help lists no --data: this build cannot train from LIBSVM files")
        self.test_libsvm = workdir / "rank.test.libsvm"
        make_data.write_libsvm(self.test_libsvm, test.X, test.y)
        self.checked = None
        self.last_command = None
        self.last_unbiased_command = None
        # `lineup train --unbiased` (issue 20) is run once the binary lists the option.
        self.unbiased = "--unbiased" in self.options

    def run(self, command):
        """(process seconds, reported seconds, trees), as compare.train_lineup measures them."""
        started = time.perf_counter()
        result = subprocess.run(command, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        if result.returncode != 0:
            sys.exit(f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}{result.stderr}")
        lines = [line for line in (result.stdout + "\n" + result.stderr).splitlines() if compare.DONE_LINE.search(line)]
        if not lines:
            sys.exit(f"no `train: N trees in X s` line from {' '.join(command)}:\n{result.stdout}{result.stderr}")
        found = compare.DONE_LINE.search(lines[-1])
        return seconds, float(found.group(2)), int(found.group(1))

    def train(self, name, X, labels, groups, unbiased=False):
        """(seconds as Lineup reports them, process seconds, booster loaded into XGBoost). With
        unbiased, the files written by the biased call of the same name are reused."""
        import xgboost as xgb

        data = self.workdir / f"{name}.libsvm"
        group_file = self.workdir / f"{name}.group"
        if not unbiased:
            make_data.write_libsvm(data, X, labels)
            make_data.write_groups(group_file, groups)
        dataset = SimpleNamespace(train=SimpleNamespace(libsvm=data, group_file=group_file), features=X.shape[1],
                                  objective="rank:ndcg", rounds=ROUNDS)
        model = self.workdir / f"{name}{'-unbiased' if unbiased else ''}.json"
        command = compare.lineup_command(self.binary, self.options, dataset, model)
        command[-2:-2] = self.extra_flags + (["--unbiased"] if unbiased else [])
        process, reported, trees = self.run(command)
        if trees != ROUNDS:
            sys.exit(f"{name}: Lineup trained {trees} trees, expected {ROUNDS}")
        if unbiased:
            self.last_unbiased_command = command
        else:
            self.last_command = command
        self.last_model = model
        booster = xgb.Booster(model_file=str(model))
        booster.set_param({"nthread": peers.THREADS})
        if self.checked is None:  # once: XGBoost's reading of the model predicts what Lineup predicts
            ours = compare.lineup_predictions(self.binary, model, self.test_libsvm)
            theirs = booster.predict(test_matrix(), output_margin=True).astype(np.float64)
            self.checked = float(np.max(np.abs(ours - theirs)))
            if self.checked > compare.PREDICTION_TOLERANCE:
                sys.exit(f"Lineup's model in XGBoost differs from `lineup predict` by {self.checked:g}")
        return reported, process, booster


# ---------------------------------------------------------------- quality

TEST = None
_TEST_MATRIX = None


def test_matrix():
    global _TEST_MATRIX
    if _TEST_MATRIX is None:
        import xgboost as xgb

        _TEST_MATRIX = xgb.DMatrix(TEST.X, label=TEST.y, missing=np.nan, nthread=peers.THREADS)
        _TEST_MATRIX.set_group(TEST.groups)
    return _TEST_MATRIX


def quality(scores):
    return {"ndcg@10 sklearn": peers.ndcg_sklearn(TEST.y, scores, TEST.groups),
            "ndcg@10 xgboost": peers.ndcg_xgboost(TEST.y, scores, TEST.groups)}


def xgb_quality(booster):
    return quality(booster.predict(test_matrix(), output_margin=True))


def lgb_quality(booster):
    return quality(booster.predict(TEST.X, raw_score=True, num_threads=peers.THREADS))


# ---------------------------------------------------------------- driver


def load_average():
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def summarise(values):
    return {"mean": statistics.fmean(values), "sd": statistics.stdev(values) if len(values) > 1 else 0.0,
            "min": min(values), "max": max(values), "n": len(values)}


def main():
    global TEST
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5, help="click seeds (default %(default)s)")
    parser.add_argument("--binary", type=Path, default=DEFAULT_BINARY, help="the lineup binary (default %(default)s)")
    parser.add_argument("--sessions", type=int, default=1,
                        help="click sessions per query (default %(default)s, as XGBoost's demo): each session shows "
                             "the query's list again and is a query group of its own")
    parser.add_argument("--no-lineup", action="store_true", help="peers only")
    parser.add_argument("--lineup-flags", default="",
                        help="extra `lineup train` options for both Lineup runs, e.g. the pair method once it has one "
                             "(quoted, split on spaces)")
    parser.add_argument("--json", type=Path, help="also write the JSON line here")
    args = parser.parse_args()
    warnings.filterwarnings("ignore", category=UserWarning)
    started_all = time.perf_counter()

    import lightgbm  # noqa: F401  (load both OpenMP runtimes before anything is timed)
    import xgboost  # noqa: F401

    log("loading LightGBM's rank.train / rank.test")
    X_train, y_train, g_train = load_split("train")
    X_test, y_test, g_test = load_split("test")
    TEST = split_namespace(X_test, y_test, g_test)

    log(f"weak first ranker: XGBoost rank:ndcg, {WEAK_TREES} trees, {WEAK_SHARE:.0%} of rank.train's rows")
    weak, weak_rows = weak_ranker(X_train, y_train, g_train)
    weak_train_scores = weak.predict(xgboost.DMatrix(X_train, missing=np.nan))
    order, positions = displayed_order(weak_train_scores, g_train)
    X = X_train[order]
    grades = y_train[order]
    # The click log: every query shown --sessions times, each showing a group of its own.
    session_rows = np.concatenate([np.arange(len(grades))] * args.sessions)
    X_log, grades_log, positions_log = X[session_rows], grades[session_rows], positions[session_rows]
    g_log = np.tile(g_train, args.sessions)
    results = {}  # system -> {"quality": [...], "seconds": [...]}

    def record(system, q, seconds, extra=None):
        entry = results.setdefault(system, {"quality": [], "seconds": [], "extra": []})
        entry["quality"].append(q)
        entry["seconds"].append(seconds)
        if extra is not None:
            entry["extra"].append(extra)
        timing = f", {seconds:.2f} s" if seconds is not None else ""
        log(f"  {system}: NDCG@10 {q['ndcg@10 sklearn']:.4f} (sklearn){timing}")

    record("weak first ranker (floor)", xgb_quality(weak), None)
    lineup = None
    tmp = tempfile.TemporaryDirectory(prefix="lineup-unbiased-")
    workdir = Path(tmp.name)
    lineup_note = None
    if args.no_lineup:
        lineup_note = "not run (--no-lineup)"
    elif not args.binary.exists():
        lineup_note = (f"not run: no binary at {args.binary} (build it with `swift build -c release --product lineup "
                       f"--scratch-path /work/build-release`)")
    else:
        lineup = Lineup(args.binary, workdir, TEST, args.lineup_flags.split())
    if lineup_note:
        log(f"Lineup {lineup_note}")

    # Warm-up, untimed: 5 rounds of each peer.
    global ROUNDS
    saved, ROUNDS = ROUNDS, 5
    train_xgboost(X, grades, g_train, True)
    train_lightgbm(X, grades, g_train)
    ROUNDS = saved

    log("ceiling: trained on the true grades (rows in displayed order)")
    seconds, booster = train_xgboost(X, grades, g_train, False)
    record("XGBoost rank:ndcg, true grades", xgb_quality(booster), seconds)
    seconds, booster = train_xgboost(X, grades, g_train, True)
    record("XGBoost unbiased, true grades", xgb_quality(booster), seconds)
    seconds, booster = train_lightgbm(X, grades, g_train)
    record("LightGBM lambdarank, true grades", lgb_quality(booster), seconds)
    if lineup:
        reported, process, booster = lineup.train("grades", X, grades, g_train)
        record("Lineup, true grades", xgb_quality(booster), reported, {"process_seconds": process})

    click_stats = []
    biases = []
    for s in range(args.seeds):
        seed = CLICK_SEED_BASE + s
        clicks = draw_clicks(grades_log, positions_log, seed)
        per_group = np.add.reduceat(clicks, np.r_[0, np.cumsum(g_log)[:-1]])
        click_stats.append({"seed": seed, "clicks": int(clicks.sum()), "click_rate": float(clicks.mean()),
                            "groups_with_a_click": int((per_group > 0).sum()), "groups": len(g_log)})
        log(f"click seed {seed} ({s + 1}/{args.seeds}): {clicks.sum()} clicks on {len(clicks)} rows, "
            f"{(per_group > 0).sum()}/{len(g_log)} groups with a click")
        seconds, booster = train_xgboost(X_log, clicks, g_log, False)
        record("XGBoost rank:ndcg (biased)", xgb_quality(booster), seconds)
        seconds, booster = train_xgboost(X_log, clicks, g_log, True)
        t_plus, t_minus = position_biases(booster, workdir / f"xgboost-unbiased-{seed}.json")
        biases.append({"seed": seed, "ti+": t_plus, "tj-": t_minus})
        record("XGBoost lambdarank_unbiased", xgb_quality(booster), seconds)
        seconds, booster = train_lightgbm(X_log, clicks, g_log)
        record("LightGBM lambdarank (biased)", lgb_quality(booster), seconds)
        seconds, booster = train_lightgbm(X_log, clicks, g_log, positions=positions_log)
        record("LightGBM lambdarank + position", lgb_quality(booster), seconds)
        if lineup:
            reported, process, booster = lineup.train(f"clicks-{seed}", X_log, clicks, g_log)
            record("Lineup (biased)", xgb_quality(booster), reported, {"process_seconds": process})
            if lineup.unbiased:
                reported, process, booster = lineup.train(f"clicks-{seed}", X_log, clicks, g_log, unbiased=True)
                objective = json.loads(lineup.last_model.read_text()).get("learner", {}).get("objective", {})
                record("Lineup unbiased", xgb_quality(booster), reported,
                       {"process_seconds": process, "ti+": objective.get("ti+"), "tj-": objective.get("tj-")})
    elapsed = time.perf_counter() - started_all
    tmp.cleanup()

    # ------------------------------------------------------------ report
    env = peers.versions()
    print(f"xgboost {env['xgboost']}, lightgbm {env['lightgbm']}, scikit-learn {env['scikit-learn']}, "
          f"numpy {env['numpy']}, Python {env['python']}; {env['cpu_count']} CPUs ({env['cpu']}); "
          f"peers nthread/num_threads {peers.THREADS}; repository at {compare.git_head()}")
    if lineup:
        built = time.strftime("%Y-%m-%d %H:%M", time.gmtime(args.binary.stat().st_mtime))
        print(f"Lineup: {args.binary} (built {built} UTC), on all cores (no --threads); its model in XGBoost "
              f"vs `lineup predict` on rank.test: max |difference| {lineup.checked:.1e}")
    print(f"{args.seeds} click seeds ({CLICK_SEED_BASE}..{CLICK_SEED_BASE + args.seeds - 1}); weak first ranker: "
          f"XGBoost rank:ndcg, {WEAK_TREES} trees, trained on {weak_rows} of rank.train's {len(y_train)} rows "
          f"(true grades); whole run {elapsed:.0f} s, load average at the end {load_average()}")
    mean_rate = statistics.fmean(c["click_rate"] for c in click_stats)
    print("Ceiling rows: the same rows, in displayed order, with their true grades; XGBoost unbiased there "
          "corrects a position bias the grades do not have (the weak ranker's order shows in them).")
    print(f"click log: {args.sessions} session(s) per query, {len(g_log)} groups, {len(grades_log)} rows; clicks: "
          f"{mean_rate:.1%} of displayed rows on average ("
          + ", ".join(str(c["clicks"]) for c in click_stats) + " per seed); groups with a click: "
          + ", ".join(str(c["groups_with_a_click"]) for c in click_stats) + f" of {len(g_log)}")
    print("NDCG@10 on rank.test's true grades, scikit-learn ndcg_score(k=10) per query (linear gain), mean of 50 "
          "queries; over click seeds: mean, sample standard deviation, min–max. Train s: median; peers: arrays -> "
          "DMatrix/Dataset -> booster; Lineup: its own `train: N trees in X s`.")
    print()
    print("| system | trained on | NDCG@10 mean | sd | min–max | XGBoost ndcg@10 (exp. gain) mean | train s |")
    print("|---|---|---:|---:|---|---:|---:|")
    summary = []
    for system, entry in results.items():
        values = [q["ndcg@10 sklearn"] for q in entry["quality"]]
        exp = [q["ndcg@10 xgboost"] for q in entry["quality"]]
        stats = summarise(values)
        on = ("clicks" if len(values) == args.seeds and "true grades" not in system and "floor" not in system
              else "true grades (10% sample)" if "floor" in system else "true grades")
        seconds = [s for s in entry["seconds"] if s is not None]
        secs = f"{statistics.median(seconds):.2f}" if seconds else "—"
        spread = f"{stats['min']:.4f}–{stats['max']:.4f}" if len(values) > 1 else "(one run)"
        sd = f"{stats['sd']:.4f}" if len(values) > 1 else "—"
        name = f"**{system}**" if system.startswith("Lineup") else system
        print(f"| {name} | {on} | {stats['mean']:.4f} | {sd} | {spread} | {statistics.fmean(exp):.4f} | {secs} |")
        summary.append({"system": system, "trained_on": on, "ndcg10_sklearn": values, "ndcg10_xgboost": exp,
                        "stats": stats, "train_seconds": entry["seconds"],
                        "process_seconds": [e["process_seconds"] for e in entry["extra"]] or None})
    if not lineup:
        print(f"| **Lineup (biased)** | clicks | {lineup_note} | | | | |")
    if not (lineup and lineup.unbiased):
        print("| **Lineup unbiased** | clicks | comes with the implementation (issue 20): "
              "run once `lineup train --help` lists --unbiased | | | | |")
    print()
    paired = {}
    pairs = [("XGBoost: unbiased − biased", "XGBoost lambdarank_unbiased", "XGBoost rank:ndcg (biased)"),
             ("LightGBM: + position − biased", "LightGBM lambdarank + position", "LightGBM lambdarank (biased)"),
             ("Lineup (biased) − XGBoost biased", "Lineup (biased)", "XGBoost rank:ndcg (biased)"),
             ("Lineup: unbiased − biased", "Lineup unbiased", "Lineup (biased)"),
             ("Lineup unbiased − XGBoost unbiased", "Lineup unbiased", "XGBoost lambdarank_unbiased")]
    print("Paired by click seed (same clicks), NDCG@10 (sklearn) differences:")
    print()
    print("| difference | mean | sd | min–max | seeds > 0 |")
    print("|---|---:|---:|---|---:|")
    for label, a, b in pairs:
        if a not in results or b not in results:
            continue
        d = [x["ndcg@10 sklearn"] - y["ndcg@10 sklearn"] for x, y in zip(results[a]["quality"], results[b]["quality"])]
        st = summarise(d)
        paired[label] = {"differences": d, "stats": st}
        sd = f"{st['sd']:.4f}" if len(d) > 1 else "—"
        print(f"| {label} | {st['mean']:+.4f} | {sd} | {st['min']:+.4f}–{st['max']:+.4f} | "
              f"{sum(x > 0 for x in d)}/{len(d)} |")
    if "Lineup unbiased" not in results:
        print("| Lineup: unbiased − biased | comes with the implementation | | | |")
    print()
    positions_n = len(biases[0]["ti+"])
    t_plus = np.mean([b["ti+"] for b in biases], axis=0)
    t_minus = np.mean([b["tj-"] for b in biases], axis=0)
    truth = examination(np.arange(positions_n)) / EXAMINATION[0]
    print(f"XGBoost lambdarank_unbiased's estimates, saved model JSON learner.objective[\"ti+\"] / [\"tj-\"], "
          f"mean over {len(biases)} seeds (min–max), beside the simulator's examination / examination[0]:")
    print()
    print("| position | ti+ | tj- | examination ratio (truth) |")
    print("|---:|---|---|---:|")
    for p in range(positions_n):
        tp = [b["ti+"][p] for b in biases]
        tm = [b["tj-"][p] for b in biases]
        print(f"| {p} | {t_plus[p]:.3f} ({min(tp):.3f}–{max(tp):.3f}) | {t_minus[p]:.3f} ({min(tm):.3f}–{max(tm):.3f}) "
              f"| {truth[p]:.3f} |")
    lineup_biases = [e for e in results.get("Lineup unbiased", {}).get("extra", []) if e.get("ti+")]
    if lineup_biases:
        print()
        print(f"Lineup unbiased's estimates, its model JSON learner.objective[\"ti+\"] / [\"tj-\"], mean over "
              f"{len(lineup_biases)} seeds:")
        print()
        print("| position | ti+ | tj- |")
        print("|---:|---:|---:|")
        for p in range(min(len(e["ti+"]) for e in lineup_biases)):
            print(f"| {p} | {statistics.fmean(e['ti+'][p] for e in lineup_biases):.3f} | "
                  f"{statistics.fmean(e['tj-'][p] for e in lineup_biases):.3f} |")
    elif lineup and lineup.unbiased:
        print()
        print("Lineup unbiased's model JSON has no learner.objective[\"ti+\"] / [\"tj-\"] (XGBoost writes them there)")
    if lineup:
        print()
        print("Lineup command(s) (last seed; files in a temporary directory):")
        print()
        print("```sh")
        print(" ".join(str(c) for c in lineup.last_command))
        if lineup.last_unbiased_command:
            print(" ".join(str(c) for c in lineup.last_unbiased_command))
        print("```")
    record_json = {"benchmark": "unbiased-clicks", "environment": env, "seeds": args.seeds,
                   "click_seeds": [c["seed"] for c in click_stats], "clicks": click_stats,
                   "sessions_per_query": args.sessions, "paired": paired,
                   "weak_ranker": {"trees": WEAK_TREES, "rows": weak_rows, "seed": WEAK_SEED},
                   "xgboost_ranking": XGB_RANKING, "rounds": ROUNDS, "max_depth": peers.MAX_DEPTH,
                   "eta": peers.LEARNING_RATE, "systems": summary,
                   "position_bias": {"where": "learner.objective['ti+'], learner.objective['tj-']",
                                     "mean_ti+": t_plus.tolist(), "mean_tj-": t_minus.tolist(),
                                     "per_seed": biases, "examination_ratio": truth.tolist(),
                                     "lineup_per_seed": lineup_biases},
                   "lineup": {"binary": str(args.binary), "ran": bool(lineup), "note": lineup_note,
                              "unbiased_ran": bool(lineup and lineup.unbiased), "extra_flags": args.lineup_flags,
                              "unbiased_command": ([str(c) for c in lineup.last_unbiased_command]
                                                   if lineup and lineup.last_unbiased_command else None),
                              "command": [str(c) for c in lineup.last_command] if lineup else None,
                              "max_abs_difference_in_xgboost": lineup.checked if lineup else None},
                   "lineup_unbiased": ("run" if lineup and lineup.unbiased else "comes with the implementation"),
                   "seconds": elapsed,
                   "load_average": load_average(), "repository": compare.git_head()}
    line = json.dumps(record_json, separators=(",", ":"))
    print()
    print(line)
    if args.json:
        args.json.write_text(line + "\n")


if __name__ == "__main__":
    main()
