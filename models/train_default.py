#!/usr/bin/env python3
"""Train Lineup's shipped default stage-2 model with XGBoost.

Reads the ranking training data that `lineup demo-training --out DIR` writes
(DIR/train.libsvm, DIR/valid.libsvm, DIR/meta.json), trains a LambdaMART ranker
(XGBoost `rank:ndcg`) with early stopping on the validation days, and writes

    OUT/default.json       the model, XGBoost JSON (Booster.save_model), best iteration only
    OUT/default.card.json  its model card: schema, data window, hyper-parameters,
                           per-round metrics, validation NDCG, baselines, feature gains

Usage:

    swift run -c release lineup demo-training --out /tmp/lineup-demo-training
    python3 models/train_default.py --data /tmp/lineup-demo-training [--out models] [--rounds N] [--seed S]

Until `lineup train` exists this script is how models/default.json is made.

Reading the files. Absent features in the LIBSVM lines are MISSING (NaN), not zero: the
files are parsed here rather than with scikit-learn's loader, which fills absent entries
with 0. A present value of 0 stays 0.

Position bias. The labels are what simulated users did with a list Lineup's fallback order
showed them, and a user looks at the widget in position p (0-based) with probability about
(1/(p+1))^eta (eta = 1 in the demo's simulator): a widget shown first collects engagement
that a widget shown tenth never had the chance to. Taken at face value, such labels favour
the order that was served, in training and in evaluation alike. So by default:

- training is XGBoost's unbiased LambdaMART (`lambdarank_unbiased`), which takes the rows'
  order within a group as the shown positions (it is: lines are written in served order)
  and estimates the position bias as it goes; the card records its estimate;
- early stopping watches IPS-DCG@5 on the validation days: DCG@5 with each label's gain
  divided by the probability that its position was looked at, an unbiased estimate of the
  DCG@5 a new order would earn (for a position-based examination model);
- the card reports the plain NDCG@5/@10 on the logged labels as well, for the model and for
  two simple orders (the served order and the retrieval score), with a word of warning:
  on logged labels the served order has an advantage no reordering can share.

`--no-unbiased --stop-on ndcg@5` trains plain LambdaMART with early stopping on the
logged labels' NDCG@5 instead.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np

try:
    import xgboost as xgb
except ImportError:  # a clear message instead of a traceback
    sys.exit("train_default.py: error: xgboost is not installed (pip install xgboost)")

VERSION = "default"
EVAL_KS = (5, 10)
IPS_K = 5
IPS_METRIC = f"ips-dcg@{IPS_K}"
MAX_MODEL_BYTES = 3 * 1024 * 1024


class DataError(Exception):
    """Something about the input directory that stops training, said plainly."""


# --------------------------------------------------------------------------- input


def read_meta(directory: Path) -> dict:
    path = directory / "meta.json"
    if not directory.is_dir():
        raise DataError(f"{directory}: no such directory (make it with `lineup demo-training --out {directory}`)")
    if not path.is_file():
        raise DataError(f"{path}: missing (the directory should come from `lineup demo-training --out DIR`)")
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise DataError(f"{path}: not valid JSON ({error})") from None
    features = meta.get("features")
    if not isinstance(features, list) or not features or not all(isinstance(f, str) and f for f in features):
        raise DataError(f"{path}: `features` must be a non-empty list of feature names")
    if len(set(features)) != len(features):
        duplicates = sorted({f for f in features if features.count(f) > 1})
        raise DataError(f"{path}: duplicate feature names {duplicates}")
    if "schema_version" not in meta:
        raise DataError(f"{path}: `schema_version` is missing")
    return meta


def read_libsvm(path: Path, n_features: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Parses `label qid:N idx:value ...` lines into a dense float32 matrix with NaN where a
    feature is absent, the labels, and the group sizes (one group per contiguous qid run)."""
    if not path.is_file():
        raise DataError(f"{path}: missing")
    labels: list[float] = []
    qids: list[int] = []
    counts: list[int] = []
    rests: list[str] = []
    with path.open("r", encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split(None, 2)
            if len(parts) < 2 or not parts[1].startswith("qid:"):
                raise DataError(f"{path}:{number}: expected `label qid:N idx:value ...`, found {line[:80]!r}")
            try:
                labels.append(float(parts[0]))
                qids.append(int(parts[1][4:]))
            except ValueError:
                raise DataError(f"{path}:{number}: bad label or qid in {line[:80]!r}") from None
            rest = parts[2] if len(parts) == 3 else ""
            counts.append(rest.count(":"))
            rests.append(rest)
    n_rows = len(labels)
    if n_rows == 0:
        raise DataError(f"{path}: no rows")

    # All `idx:value` pairs at once: numpy's C parser reads "3 0.5 7 1" as numbers.
    n_pairs = int(sum(counts))
    try:
        flat = np.fromstring(" ".join(rests).replace(":", " "), dtype=np.float64, sep=" ")
    except ValueError:
        flat = None
    if flat is None or flat.size != 2 * n_pairs:
        raise DataError(f"{path}: {first_bad_pair(path)}")
    columns = flat[0::2]
    values = flat[1::2]
    if n_pairs and (np.any(columns != np.floor(columns)) or columns.min() < 0):
        raise DataError(f"{path}: feature indices must be non-negative integers (0-based)")
    columns = columns.astype(np.int64)
    if n_pairs and columns.max() >= n_features:
        raise DataError(
            f"{path}: feature index {int(columns.max())} found, but meta.json lists {n_features} features "
            f"(indices 0..{n_features - 1}): feature count mismatch between the data and meta.json")
    if np.isnan(values).any():
        raise DataError(f"{path}: a present value is NaN; missing features must be left out of the line")
    rows = np.repeat(np.arange(n_rows, dtype=np.int64), np.asarray(counts, dtype=np.int64))
    matrix = np.full((n_rows, n_features), np.nan, dtype=np.float32)
    matrix[rows, columns] = values.astype(np.float32)

    y = np.asarray(labels, dtype=np.float32)
    if np.any(y < 0) or np.any(y != np.floor(y)) or np.any(y > 31):
        raise DataError(f"{path}: labels must be integer grades 0..31 (found {sorted(set(y.tolist()))[:10]})")

    q = np.asarray(qids, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, q[1:] != q[:-1]])
    if np.unique(q[starts]).size != starts.size:
        raise DataError(f"{path}: the lines of a qid must be contiguous")
    sizes = np.diff(np.r_[starts, n_rows])
    return matrix, y, sizes


def first_bad_pair(path: Path) -> str:
    """Names the first token that is not an `idx:value` pair (the slow path, for errors)."""
    with path.open("r", encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            for token in line.split()[2:]:
                index, colon, value = token.partition(":")
                try:
                    int(index), float(value)
                except ValueError:
                    colon = ""
                if not colon:
                    return f"line {number}: `{token}` is not an `idx:value` pair"
    return "could not parse every `idx:value` pair"


# --------------------------------------------------------------------------- metrics


class Groups:
    """The query groups of one split as a padded [groups × longest] table, so that a metric
    of every group comes out of a few array operations. A row's position is its line's place
    in its group: the position it was shown in."""

    def __init__(self, y: np.ndarray, sizes: np.ndarray):
        self.sizes = sizes
        self.count = int(sizes.size)
        self.longest = int(sizes.max())
        starts = np.r_[0, np.cumsum(sizes)[:-1]]
        self.row = np.repeat(np.arange(self.count), sizes)
        self.position = np.arange(y.size) - np.repeat(starts, sizes)
        self.gain = np.zeros((self.count, self.longest))
        self.gain[self.row, self.position] = np.exp2(y.astype(np.float64)) - 1.0
        self.has_positive = self.gain.max(axis=1) > 0

    def order(self, scores: np.ndarray | None) -> np.ndarray:
        """Each group's positions by decreasing score, ties in line order (a stable sort, as
        XGBoost's metric sorts); `None` is line order, the order that was served."""
        if scores is None:
            return np.broadcast_to(np.arange(self.longest), self.gain.shape)
        table = np.full(self.gain.shape, np.inf)
        table[self.row, self.position] = -np.asarray(scores, dtype=np.float64)
        return np.argsort(table, axis=1, kind="stable")

    @staticmethod
    def discounts(k: int, longest: int) -> np.ndarray:
        return 1.0 / np.log2(np.arange(2, min(k, longest) + 2, dtype=np.float64))

    def ndcg(self, scores: np.ndarray | None, k: int) -> np.ndarray:
        """NDCG@k of each group on the logged labels: gains 2^rel - 1, discounts
        1/log2(rank + 1); NaN for a group without a positive label (it has no ideal DCG)."""
        discounts = self.discounts(k, self.longest)
        top = self.order(scores)[:, : discounts.size]
        dcg = np.take_along_axis(self.gain, top, axis=1) @ discounts
        ideal = -np.sort(-self.gain, axis=1)[:, : discounts.size] @ discounts
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.has_positive, dcg / ideal, np.nan)

    def ips_dcg(self, scores: np.ndarray | None, k: int, propensity: np.ndarray) -> np.ndarray:
        """IPS-DCG@k of each group: DCG@k with each shown widget's gain divided by the
        probability that its shown position was looked at, `propensity[position]`. Its mean
        over groups estimates without bias the DCG@k the order would earn from users who
        look at position p with that probability; groups without a positive count 0."""
        weighted = np.zeros_like(self.gain)
        weighted[self.row, self.position] = self.gain[self.row, self.position] / propensity[self.position]
        discounts = self.discounts(k, self.longest)
        top = self.order(scores)[:, : discounts.size]
        return np.take_along_axis(weighted, top, axis=1) @ discounts


def summarise(per_group: np.ndarray) -> dict:
    """Lineup's figure (mean over groups with a positive) and XGBoost's two conventions for
    groups without one: `ndcg@k` counts them as 1, `ndcg@k-` as 0."""
    defined = ~np.isnan(per_group)
    total = float(np.nansum(per_group))
    n, p = per_group.size, int(defined.sum())
    return {
        "ndcg": total / p if p else float("nan"),
        "xgboost_ndcg": (total + (n - p)) / n,
        "xgboost_ndcg_minus": total / n,
    }


def paired(a: np.ndarray, b: np.ndarray) -> dict:
    """Mean of a - b over groups with its standard error."""
    d = a - b
    return {"difference": float(d.mean()), "standard_error": float(d.std(ddof=1) / np.sqrt(d.size))}


def order_scores_by_feature(column: np.ndarray) -> np.ndarray:
    """Scores that sort by a feature descending, missing values last."""
    return np.where(np.isnan(column), -np.inf, column.astype(np.float64))


# --------------------------------------------------------------------------- main


def fail(message: str) -> int:
    print(f"train_default.py: error: {message}", file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Train Lineup's default stage-2 model (XGBoost rank:ndcg) from `lineup demo-training` data.")
    parser.add_argument("--data", required=True, type=Path, help="directory written by `lineup demo-training --out DIR`")
    parser.add_argument("--out", default=Path(__file__).resolve().parent, type=Path,
                        help="where default.json and default.card.json go (default: this script's folder, models/)")
    parser.add_argument("--rounds", type=int, default=300, help="boosting rounds at most (default 300)")
    parser.add_argument("--seed", type=int, default=42, help="XGBoost's seed (default 42)")
    parser.add_argument("--early-stopping", type=int, default=30, metavar="ROUNDS",
                        help="rounds without a better validation score before stopping (default 30)")
    parser.add_argument("--stop-on", choices=(IPS_METRIC, "ndcg@5"), default=IPS_METRIC,
                        help=f"validation metric early stopping watches (default {IPS_METRIC}, position-debiased)")
    parser.add_argument("--no-unbiased", dest="unbiased", action="store_false",
                        help="plain LambdaMART on the logged labels (default: unbiased LambdaMART)")
    parser.add_argument("--examination-decay", type=float, default=1.0, metavar="ETA",
                        help="position bias the IPS metric assumes: position p (0-based) is looked at with "
                             "probability (1/(p+1))^ETA (default 1, the demo simulator's)")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    if args.early_stopping < 1:
        parser.error("--early-stopping must be at least 1")
    if args.examination_decay < 0:
        parser.error("--examination-decay must not be negative")

    began = time.perf_counter()
    timings: dict[str, float] = {}
    try:
        meta = read_meta(args.data)
        features: list[str] = meta["features"]
        n_features = len(features)
        x_train, y_train, g_train = read_libsvm(args.data / "train.libsvm", n_features)
        x_valid, y_valid, g_valid = read_libsvm(args.data / "valid.libsvm", n_features)
        for split, y, sizes in (("train", y_train, g_train), ("valid", y_valid, g_valid)):
            expected = meta.get(split, {})
            for key, found in (("rows", y.size), ("groups", sizes.size)):
                if key in expected and int(expected[key]) != int(found):
                    raise DataError(
                        f"{args.data / (split + '.libsvm')}: {found} {key}, but meta.json says {expected[key]} "
                        "(a truncated or mismatched file?)")
        if "retrieval_score" not in features:
            raise DataError(f"{args.data / 'meta.json'}: no `retrieval_score` feature for the baseline order")
    except (DataError, OSError) as error:
        return fail(str(error))
    timings["read"] = time.perf_counter() - began

    train_groups, valid_groups = Groups(y_train, g_train), Groups(y_valid, g_valid)
    longest = max(train_groups.longest, valid_groups.longest)
    propensity = (1.0 / np.arange(1, longest + 1, dtype=np.float64)) ** args.examination_decay

    def split_info(y: np.ndarray, groups: Groups) -> dict:
        return {
            "rows": int(y.size),
            "groups": groups.count,
            "positives": int((y > 0).sum()),
            "groups_with_positive": int(groups.has_positive.sum()),
            "group_sizes": [int(groups.sizes.min()), int(groups.sizes.max())],
            "label_counts": {str(int(k)): int(v) for k, v in zip(*np.unique(y, return_counts=True))},
        }

    train_info, valid_info = split_info(y_train, train_groups), split_info(y_valid, valid_groups)
    print(f"read {train_info['rows']} train rows ({train_info['groups']} groups), "
          f"{valid_info['rows']} valid rows ({valid_info['groups']} groups), {n_features} features "
          f"in {timings['read']:.1f} s", flush=True)

    dtrain = xgb.DMatrix(x_train, label=y_train, missing=np.nan, feature_names=features, nthread=2)
    dtrain.set_group(g_train)
    dvalid = xgb.DMatrix(x_valid, label=y_valid, missing=np.nan, feature_names=features, nthread=2)
    dvalid.set_group(g_valid)
    groups_of = {id(dtrain): train_groups, id(dvalid): valid_groups}

    def ips_metric(predt: np.ndarray, matrix: xgb.DMatrix) -> tuple[str, float]:
        return IPS_METRIC, float(groups_of[id(matrix)].ips_dcg(predt, IPS_K, propensity).mean())

    params = {
        "objective": "rank:ndcg",
        "lambdarank_pair_method": "topk",
        "lambdarank_num_pair_per_sample": 32,
        "lambdarank_unbiased": args.unbiased,
        "ndcg_exp_gain": True,
        "tree_method": "hist",
        "max_depth": 6,
        "eta": 0.1,
        "min_child_weight": 1.0,
        "subsample": 1.0,
        "colsample_bytree": 1.0,
        "lambda": 1.0,
        "max_bin": 256,
        "eval_metric": ["ndcg@5", "ndcg@10"],
        "nthread": 2,
        "seed": args.seed,
    }
    if args.unbiased:
        params["lambdarank_bias_norm"] = 1.0
    history: dict = {}
    stopper = xgb.callback.EarlyStopping(
        rounds=args.early_stopping, metric_name=args.stop_on, data_name="valid", maximize=True, save_best=False)
    started = time.perf_counter()
    booster = xgb.train(
        params, dtrain, num_boost_round=args.rounds, evals=[(dtrain, "train"), (dvalid, "valid")],
        custom_metric=ips_metric, evals_result=history, verbose_eval=25, callbacks=[stopper])
    timings["train"] = time.perf_counter() - started
    rounds_run = booster.num_boosted_rounds()
    best = int(getattr(booster, "best_iteration", rounds_run - 1))
    print(f"trained {rounds_run} rounds in {timings['train']:.1f} s; best iteration {best} "
          f"(valid {args.stop_on} {history['valid'][args.stop_on][best]:.6f})", flush=True)

    estimated_bias = None
    if args.unbiased:
        objective = json.loads(booster.save_config())["learner"]["objective"]
        if "ti+" in objective:
            estimated_bias = [round(float(v), 4) for v in objective["ti+"][:longest]]

    # Lineup sums every tree of the file, so keep only the trees up to the best iteration.
    model = booster[: best + 1]
    scores = model.predict(dvalid, output_margin=True)
    if not np.array_equal(booster.predict(dvalid, iteration_range=(0, best + 1), output_margin=True), scores):
        return fail("the sliced booster does not score as predict(iteration_range=...)")

    args.out.mkdir(parents=True, exist_ok=True)
    model_path = args.out / f"{VERSION}.json"
    card_path = args.out / f"{VERSION}.card.json"
    model.save_model(str(model_path))

    # Verify the saved file: the schema's feature names, the best iteration's trees, the same scores.
    saved = json.loads(model_path.read_text(encoding="utf-8"))
    saved_names = saved["learner"].get("feature_names")
    if saved_names != features:
        return fail(f"{model_path} carries feature_names {saved_names}, meta.json has {features}")
    trees = int(saved["learner"]["gradient_booster"]["model"]["gbtree_model_param"]["num_trees"])
    if trees != best + 1:
        return fail(f"{model_path} has {trees} trees, expected {best + 1}")
    reloaded = xgb.Booster(model_file=str(model_path))
    reloaded.set_param({"nthread": 2})
    reloaded_scores = reloaded.predict(dvalid, output_margin=True)
    if not np.array_equal(reloaded_scores, scores):
        difference = float(np.max(np.abs(reloaded_scores.astype(np.float64) - scores)))
        return fail(f"{model_path} reloaded scores the validation rows differently (max |diff| {difference:g})")
    model_bytes = model_path.stat().st_size
    print(f"saved {model_path} ({trees} trees, {model_bytes / 1024:.0f} KiB); reloaded: feature names match, "
          f"{y_valid.size} validation scores identical", flush=True)
    if model_bytes > MAX_MODEL_BYTES:
        print(f"train_default.py: warning: {model_path} is {model_bytes / 1e6:.1f} MB, above the 3 MB aim",
              file=sys.stderr)

    # Validation figures of the model and of two simple orders, on the same groups.
    started = time.perf_counter()
    orders = {
        "model": scores,
        "served_order": None,
        "retrieval_score_order": order_scores_by_feature(x_valid[:, features.index("retrieval_score")]),
    }
    ndcg = {name: {k: valid_groups.ndcg(order, k) for k in EVAL_KS} for name, order in orders.items()}
    ips = {name: valid_groups.ips_dcg(order, IPS_K, propensity) for name, order in orders.items()}
    timings["evaluate"] = time.perf_counter() - started

    # Our NDCG against XGBoost's own evaluation of the saved model, under both of its
    # conventions for groups without a positive label, and against the training log.
    xgb_eval = {}
    for metric in ("ndcg@5", "ndcg@10", "ndcg@5-", "ndcg@10-"):
        probe = xgb.Booster(model_file=str(model_path))
        probe.set_param({"eval_metric": metric, "nthread": 2})
        xgb_eval[metric] = float(probe.eval(dvalid, name="valid").split(":")[-1])
    ours = {k: summarise(ndcg["model"][k]) for k in EVAL_KS}
    agreement = [
        (ours[5]["xgboost_ndcg"], xgb_eval["ndcg@5"]),
        (ours[10]["xgboost_ndcg"], xgb_eval["ndcg@10"]),
        (ours[5]["xgboost_ndcg_minus"], xgb_eval["ndcg@5-"]),
        (ours[10]["xgboost_ndcg_minus"], xgb_eval["ndcg@10-"]),
        (ours[5]["xgboost_ndcg"], history["valid"]["ndcg@5"][best]),
        (float(ips["model"].mean()), history["valid"][IPS_METRIC][best]),
    ]
    worst = max(abs(a - b) for a, b in agreement)
    if worst > 1e-5:
        return fail(f"numpy's NDCG disagrees with XGBoost's by {worst:g}: {agreement}")

    gains = model.get_score(importance_type="total_gain")
    importance = sorted(((name, float(gains.get(name, 0.0))) for name in features),
                        key=lambda item: (-item[1], features.index(item[0])))

    def rounded(values) -> list[float]:
        return [round(float(v), 6) for v in values]

    def figures(name: str) -> dict:
        return {
            **{f"ndcg@{k}": round(summarise(ndcg[name][k])["ndcg"], 6) for k in EVAL_KS},
            IPS_METRIC: round(float(ips[name].mean()), 6),
        }

    data_keys = ("seed", "items", "users", "days", "train_days", "window_start", "served_by")
    versus_served = paired(ips["model"], ips["served_order"])
    card = {
        "version": VERSION,
        "created_at": _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "trainer": f"xgboost {xgb.__version__} via models/train_default.py",
        "objective": params["objective"] + (" (unbiased LambdaMART)" if args.unbiased else ""),
        "schema_version": meta["schema_version"],
        "features": features,
        "data": {
            "source": "lineup demo-training",
            **{key: meta[key] for key in data_keys if key in meta},
            "train": train_info,
            "valid": valid_info,
            "labels": "2: pin, export or dwell of 30 s or more; 1: open, click or drilldown; 0: shown only",
        },
        "hyper_parameters": {
            **params,
            "num_boost_round": args.rounds,
            "early_stopping_rounds": args.early_stopping,
            "early_stopping_on": f"valid {args.stop_on}",
        },
        "rounds_run": rounds_run,
        "best_iteration": best,
        "trees": trees,
        "position_bias": {
            "note": ("probability that the widget shown at position p (0-based, index in the list) is looked at, "
                     "relative to position 0"),
            "assumed_by_ips_metric": rounded(propensity),
            "examination_decay": args.examination_decay,
            "estimated_by_xgboost": estimated_bias,
        },
        "evaluation": {
            "note": (f"per round, as XGBoost logged them: ndcg@k counts a group without a positive label as 1; "
                     f"{IPS_METRIC} is the mean IPS-DCG@{IPS_K} over all groups (see `validation`)"),
            "train": {metric: rounded(history["train"][metric]) for metric in ("ndcg@5", "ndcg@10", IPS_METRIC)},
            "valid": {metric: rounded(history["valid"][metric]) for metric in ("ndcg@5", "ndcg@10", IPS_METRIC)},
        },
        "validation": {
            "note": ("ndcg@k: NDCG@k on the logged labels (gains 2^rel - 1, log2 discounts), averaged over the "
                     f"validation groups with a positive label, ties in score kept in served order. {IPS_METRIC}: "
                     "DCG@5 with each gain divided by `position_bias.assumed_by_ips_metric` of the position it was "
                     "shown in, averaged over all validation groups: an estimate of the DCG@5 users would give the "
                     "order, free of the served order's position advantage"),
            "groups": valid_info["groups"],
            "groups_evaluated": valid_info["groups_with_positive"],
            **figures("model"),
            "xgboost": {
                "note": ("XGBoost's own metric on the saved model, over all groups: ndcg@k counts a group "
                         "without a positive label as 1, ndcg@k- as 0; numpy's figures agree to "
                         f"{max(worst, 1e-15):.0e}"),
                **{metric: round(value, 6) for metric, value in xgb_eval.items()},
            },
        },
        "baselines": {
            "note": ("the same validation groups and definitions as `validation`. On the logged labels (ndcg@k) "
                     "the served order has an edge no other order can share: users looked mostly at its top "
                     f"positions, so its top holds most of the positives; {IPS_METRIC} removes that edge"),
            "served_order": {
                "what": "the logged order (line order within each session): Lineup's fallback order, which served",
                **figures("served_order"),
            },
            "retrieval_score_order": {
                "what": "by the retrieval_score feature alone, descending; missing last; ties in served order",
                **figures("retrieval_score_order"),
            },
            f"model_minus_served_{IPS_METRIC}": {key: round(value, 6) for key, value in versus_served.items()},
        },
        "feature_importance_total_gain": {name: round(gain, 4) for name, gain in importance},
        "model_file": {
            "name": model_path.name,
            "bytes": model_bytes,
            "sha256": hashlib.sha256(model_path.read_bytes()).hexdigest(),
        },
        "timings_seconds": {key: round(value, 1) for key, value in timings.items()},
    }
    card_path.write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")

    model_figures, served, retrieval = figures("model"), figures("served_order"), figures("retrieval_score_order")
    print(f"validation ({valid_info['groups_with_positive']} of {valid_info['groups']} groups have a positive):")
    print(f"  {'':22} {'ndcg@5':>8} {'ndcg@10':>8} {IPS_METRIC:>10}")
    for name, row in (("model", model_figures), ("served order", served), ("retrieval score order", retrieval)):
        print(f"  {name:22} {row['ndcg@5']:8.4f} {row['ndcg@10']:8.4f} {row[IPS_METRIC]:10.4f}")
    print(f"  model - served {IPS_METRIC}: {versus_served['difference']:+.4f} "
          f"(standard error {versus_served['standard_error']:.4f})")
    if estimated_bias is not None:
        shown = min(6, longest)
        print(f"position bias, positions 0..{shown - 1}: assumed {rounded(propensity[:shown])}, "
              f"XGBoost's estimate {estimated_bias[:shown]}")
        if max(abs(a - b) for a, b in zip(propensity[:shown], estimated_bias[:shown])) > 0.15:
            print(f"train_default.py: warning: XGBoost's estimate of the position bias is far from the one "
                  f"{IPS_METRIC} assumes; check --examination-decay", file=sys.stderr)
    print(f"XGBoost's ndcg@5 of the saved model {xgb_eval['ndcg@5']:.6f}, numpy's {ours[5]['xgboost_ndcg']:.6f} "
          f"(groups without a positive count 1; |diff| at most {worst:.1e} over all checks)")
    print(f"wrote {card_path} ({time.perf_counter() - began:.1f} s in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
