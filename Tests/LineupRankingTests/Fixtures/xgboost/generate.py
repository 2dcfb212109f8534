#!/usr/bin/env python3
"""XGBoost-compatibility fixtures for LineupRanking: models, rows and XGBoost's own outputs.

    python3 -m pip install "xgboost>=3,<4" numpy
    python3 Tests/LineupRankingTests/Fixtures/xgboost/generate.py [--out DIR] [--check]

Every reference value here comes from XGBoost itself: a model is trained, saved with
`Booster.save_model("<name>.model.json")`, loaded back into a fresh `xgboost.Booster`
from that file, and its `predict()` outputs on the rows written beside it are recorded.
Nothing is typed in by hand. Seeds are fixed and everything runs on one thread, so running
the script again with the same XGBoost gives byte-identical files (`--check` regenerates
into a temporary directory and compares, without touching the committed files).

Per case `<name>` (see manifest.json for the list and what each one covers):

- `<name>.model.json`   the model, as `Booster.save_model` writes it.
- `<name>.rows.csv`     test rows: no header, comma-separated float32 values written in
                        their shortest round-trip form (parsing a cell as Float, or as
                        Double then converting to Float, gives the same float32: the script
                        checks both), an EMPTY cell is a missing value.
- `<name>.rows.libsvm`  the same rows in LIBSVM: `0` (a dummy label) then `index:value`
                        pairs with 0-based feature indices, missing values absent. 0-based
                        is what XGBoost's text reader assumes by default (`indexing_mode=0`
                        in `DMatrix("f.libsvm?format=libsvm")`); the script loads the file
                        that way and checks that XGBoost predicts the same from it.
- `<name>.pred.csv`     `predict()`: one value per line (the objective's transform applied).
- `<name>.margin.csv`   `predict(output_margin=True)`: one value per line.
- `<name>.contribs.csv` `predict(pred_contribs=True)`: per row, one TreeSHAP value per
                        feature then the bias, comma-separated.
Outputs are float32 printed with '%.9g' (enough to round-trip a float32).

Rows (about 50-200 per case): ordinary held-out rows drawn like the training data (with
its missing values), dense rows, rows that are mostly missing, one all-missing row, rows
with one feature set EXACTLY to a split threshold taken from the model (XGBoost goes left
iff x < threshold in float32, so these must go right), rows with that feature set to the
next float32 below the threshold (must go left), "path" rows that set every split of one
root-to-leaf walk to its threshold, and a few rows with extreme values (±1e30, -0.0).

Unsupported models, which Lineup must refuse, are listed under "refused" in
manifest.json with the word the refusal message must name.

Tested with xgboost 3.2.0; manifest.json records the version that wrote the files.
"""
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # before XGBoost loads its OpenMP runtime

import argparse
import filecmp
import json
import sys
import tempfile
import warnings
from fractions import Fraction
from pathlib import Path

import numpy as np
import xgboost as xgb

HERE = Path(__file__).resolve().parent
NTHREAD = 1
MAX_FIXTURE_BYTES = 3 * 1024 * 1024

# name, objective, max_depth, rounds, features, base_score (None: XGBoost estimates it),
# extra parameters, data settings, note. Depths 1..10 each appear at least once.
CASES = [
    dict(name="binary_single_tree_d1", objective="binary:logistic", max_depth=1, rounds=1, features=5,
         base_score=None, seed=101,
         note="one tree, a single split (depth 1); base_score estimated (boost_from_average)"),
    dict(name="regression_d2_base", objective="reg:squarederror", max_depth=2, rounds=30, features=8,
         base_score=2.5, seed=102, names=True,
         note="squared error, base_score set to 2.5 (no transform); feature names set"),
    dict(name="binary_many_trees_d3", objective="binary:logistic", max_depth=3, rounds=200, features=12,
         base_score=None, seed=103, params={"eta": 0.1},
         note="200 trees of depth 3; base_score estimated"),
    dict(name="ndcg_d4", objective="rank:ndcg", max_depth=4, rounds=30, features=15, base_score=None,
         seed=104, ranking="graded", names=True,
         note="LambdaMART NDCG with qid, graded labels 0-4; base_score left unset; feature names set"),
    dict(name="reg_logistic_d5", objective="reg:logistic", max_depth=5, rounds=25, features=10,
         base_score=None, seed=105, labels="probability",
         note="logistic regression on labels in [0, 1]; base_score estimated, stored as a probability"),
    dict(name="binary_d6_base", objective="binary:logistic", max_depth=6, rounds=40, features=20,
         base_score=0.3, seed=106, missing_heavy=True,
         note="base_score set to 0.3 (a probability: margin is logit(0.3)); several features missing "
              "for 85-97% of rows, so default directions decide most rows"),
    dict(name="pairwise_d7", objective="rank:pairwise", max_depth=7, rounds=20, features=18, base_score=0.0,
         seed=107, ranking="graded",
         note="RankNet pairwise with qid; base_score set to 0"),
    dict(name="regression_d8", objective="reg:squarederror", max_depth=8, rounds=15, features=25,
         base_score=None, seed=108, params={"tree_method": "exact"}, missing_heavy=True,
         note="tree_method exact (thresholds are midpoints); base_score estimated (mean); "
              "mostly-missing features"),
    dict(name="map_d9", objective="rank:map", max_depth=9, rounds=12, features=20, base_score=None,
         seed=109, ranking="binary",
         note="LambdaMART MAP with qid and 0/1 labels; base_score left unset"),
    dict(name="binary_d10", objective="binary:logistic", max_depth=10, rounds=8, features=30,
         base_score=None, seed=110, rows=6000, params={"min_child_weight": 0.0, "lambda": 0.1},
         missing_heavy=True,
         note="depth 10 trees with 30 features and mostly-missing features; base_score estimated"),
    dict(name="reg_logistic_d3_base", objective="reg:logistic", max_depth=3, rounds=20, features=6,
         base_score=0.8, seed=111, labels="probability",
         note="reg:logistic with base_score set to 0.8 (margin logit(0.8))"),
    dict(name="binary_leaf_only", objective="binary:logistic", max_depth=4, rounds=3, features=5,
         base_score=None, seed=112, params={"gamma": 1e9},
         note="min_split_loss so high that every tree is a single leaf (no split): TreeSHAP puts "
              "everything in the bias"),
    dict(name="regression_parallel_trees", objective="reg:squarederror", max_depth=4, rounds=6, features=9,
         base_score=None, seed=113,
         params={"num_parallel_tree": 3, "subsample": 0.8, "colsample_bynode": 0.8},
         note="num_parallel_tree=3 (a boosted random forest): 3 trees per round, all summed"),
]


# ---------------------------------------------------------------- data


def make_data(case, rows, rng):
    """Features: a mix of continuous, integer-valued (counts, so thresholds equal data
    values) and 0/1 columns, with missing values; some columns mostly missing."""
    n = case["features"]
    X = rng.standard_normal((rows, n)).astype(np.float32)
    kinds = np.array(["cont"] * n, dtype=object)
    kinds[1::4] = "count"
    kinds[3::7] = "binary"
    for j in range(n):
        if kinds[j] == "count":
            X[:, j] = rng.poisson(3.0, rows)
        elif kinds[j] == "binary":
            X[:, j] = rng.random(rows) < 0.4
        elif j % 3 == 2:
            X[:, j] = np.exp(X[:, j])  # skewed, positive
    w = rng.standard_normal(n).astype(np.float32)
    signal = np.nan_to_num(X) @ w / np.sqrt(n)
    signal += 0.8 * np.sin(2 * np.nan_to_num(X[:, 0])) + 0.5 * (np.nan_to_num(X[:, 1]) > 2)
    # missing values: 5-25% per column, and (when asked) a few columns missing for 85-97%
    rates = rng.uniform(0.05, 0.25, n)
    if case.get("missing_heavy"):
        heavy = rng.choice(n, size=max(2, n // 5), replace=False)
        rates[heavy] = rng.uniform(0.85, 0.97, len(heavy))
    mask = rng.random((rows, n)) < rates
    # missingness itself carries signal, so default directions are learned, not arbitrary
    signal += 0.7 * mask[:, 0] - 0.5 * mask[:, min(2, n - 1)]
    X[mask] = np.nan
    return X, signal.astype(np.float64)


def make_labels(case, signal, rng):
    noise = rng.standard_normal(len(signal))
    objective = case["objective"]
    if objective == "reg:squarederror":
        return 3.0 + 2.0 * signal + 0.3 * noise
    if case.get("labels") == "probability":
        return 1.0 / (1.0 + np.exp(-(1.5 * signal + 0.3 * noise)))
    if case.get("ranking") == "graded":
        return np.clip(np.round(1.6 + 1.2 * signal + 0.5 * noise), 0, 4)
    return (signal + 0.5 * noise > 0.2).astype(np.float64)  # binary, and rank:map


def feature_names(case):
    if not case.get("names"):
        return None
    return [f"f{j:02d}_{word}" for j, word in
            zip(range(case["features"]), ["cosine", "opens", "age_days", "pinned", "hour", "views"] * 10)]


def train(case):
    rng = np.random.default_rng(case["seed"])
    rows = case.get("rows", 2000)
    X, signal = make_data(case, rows, rng)
    y = make_labels(case, signal, rng)
    kwargs = {"feature_names": feature_names(case)}
    if case.get("ranking"):
        qid = np.sort(rng.integers(0, rows // 20, rows))
        kwargs["qid"] = qid
    dtrain = xgb.DMatrix(X, label=y, missing=np.nan, nthread=NTHREAD, **kwargs)
    params = {"objective": case["objective"], "max_depth": case["max_depth"], "nthread": NTHREAD,
              "seed": case["seed"], "tree_method": "hist"}
    params.update(case.get("params", {}))
    if case["base_score"] is not None:
        params["base_score"] = case["base_score"]
    booster = xgb.train(params, dtrain, num_boost_round=case["rounds"])
    return booster, rng


# ---------------------------------------------------------------- the model's trees


def trees_of(model_json):
    return model_json["learner"]["gradient_booster"]["model"]["trees"]


def splits_of(tree):
    """(node, feature, float32 threshold) of every split node."""
    left = tree["left_children"]
    return [(i, tree["split_indices"][i], np.float32(tree["split_conditions"][i]))
            for i in range(len(left)) if left[i] != -1]


def tree_depth(tree, node=0):
    left, right = tree["left_children"][node], tree["right_children"][node]
    if left == -1:
        return 0
    return 1 + max(tree_depth(tree, left), tree_depth(tree, right))


def path_row(tree, base):
    """`base` with every split on one root-to-leaf walk set to its threshold: a feature met
    for the first time gets x = threshold (so the walk goes right), a feature already set
    follows XGBoost's rule (left iff x < threshold; missing: the default direction)."""
    row = base.copy()
    assigned = set()
    node = 0
    while tree["left_children"][node] != -1:
        f = tree["split_indices"][node]
        thr = np.float32(tree["split_conditions"][node])
        if f not in assigned:
            row[f] = thr
            assigned.add(f)
        x = row[f]
        if np.isnan(x):
            node = tree["left_children"][node] if tree["default_left"][node] else tree["right_children"][node]
        else:
            node = tree["left_children"][node] if x < thr else tree["right_children"][node]
    return row


def make_rows(case, model_json, rng):
    n = case["features"]
    held, _ = make_data(case, 400, rng)
    trees = trees_of(model_json)
    splits = [(t, f, thr) for t, tree in enumerate(trees) for (_, f, thr) in splits_of(tree)]
    out = [held[:50]]  # ordinary rows, with the data's missing values
    dense = held[50:70].copy()
    dense[np.isnan(dense)] = rng.standard_normal(np.isnan(dense).sum()).astype(np.float32)
    out.append(dense)
    sparse = held[70:84].copy()
    sparse[rng.random(sparse.shape) < 0.75] = np.nan
    out.append(sparse)
    out.append(np.full((1, n), np.nan, dtype=np.float32))
    if splits:
        picks = rng.choice(len(splits), size=min(40, len(splits)), replace=False)
        at = held[100:100 + len(picks)].copy()
        below = held[150:150 + len(picks)].copy()
        for r, k in enumerate(picks):
            _, f, thr = splits[k]
            at[r, f] = thr
            below[r, f] = np.nextafter(thr, np.float32(-np.inf), dtype=np.float32)
        out += [at, below[:20]]
        with_splits = [tree for tree in trees if tree["left_children"][0] != -1]
        for r in range(min(30, 3 * len(with_splits))):
            tree = with_splits[rng.integers(len(with_splits))]
            out.append(path_row(tree, held[200 + r])[None, :])
    extreme = held[250:254].copy()
    extreme[0, :] = np.float32(1e30)
    extreme[1, :] = np.float32(-1e30)
    extreme[2, ::2] = np.float32(-0.0)
    extreme[3, ::2] = np.float32(0.0)
    out.append(extreme)
    return np.concatenate(out).astype(np.float32)


# ---------------------------------------------------------------- writing


def shortest(x):
    """The shortest decimal that reads back as this float32, if reading it as a Double and
    then rounding to Float gives the same value too; otherwise the exact Double value."""
    x = np.float32(x)
    text = np.format_float_positional(x, unique=True, trim="-") if 1e-4 <= abs(x) < 1e7 or x == 0 \
        else np.format_float_scientific(x, unique=True, trim="-")
    if np.float32(float(text)) != x or np.signbit(np.float32(float(text))) != np.signbit(x):
        text = repr(float(x))
    return text


def write_csv_rows(path, X):
    with open(path, "w") as f:
        for row in X:
            f.write(",".join("" if np.isnan(v) else shortest(v) for v in row) + "\n")


LIBSVM_FORMS = (shortest, lambda v: "%.9g" % v, lambda v: repr(float(v)), lambda v: "%.17g" % v)


def libsvm_texts(X):
    """A decimal for every distinct value of X that XGBoost's own LIBSVM reader reads back
    as exactly that float32. Its parser (dmlc-core's) is not correctly rounded: it reads
    about 3% of shortest float32 strings 1 ulp off, which flips rows that sit on a split
    threshold. Forms are tried shortest first; every one of them also reads back exactly
    with a correctly rounded parser (Float or Double). (It also reads -0 as +0, harmless:
    -0.0 < t exactly when 0.0 < t.)"""
    present = np.ascontiguousarray(X[~np.isnan(X)], dtype=np.float32)
    values = np.unique(present.view(np.uint32)).view(np.float32)  # by bits: 0.0 and -0.0 apart
    chosen = {}
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Text file input has been deprecated since 3.1"
        pending = list(values)
        for form in LIBSVM_FORMS:
            probe = Path(tmp) / "probe.libsvm"
            texts = [form(v) for v in pending]
            probe.write_text("".join(f"0 0:{t}\n" for t in texts))
            read = xgb.DMatrix(f"{probe}?format=libsvm", nthread=NTHREAD).get_data().toarray()[:, 0]
            left = []
            for v, t, r in zip(pending, texts, read):
                exact = np.float32(float(t)) == v and np.signbit(np.float32(float(t))) == np.signbit(v)
                if exact and r == v:  # its reader drops the sign of -0, which compares as 0 anyway
                    chosen[(float(v), bool(np.signbit(v)))] = t
                else:
                    left.append(v)
            pending = left
            if not pending:
                break
    for v in pending:  # kept correct for a correctly rounded reader
        chosen[(float(v), bool(np.signbit(v)))] = shortest(v)
    return chosen, len(pending)


def write_libsvm_rows(path, X):
    texts, misread = libsvm_texts(X)
    with open(path, "w") as f:
        for row in X:
            cells = [f"{j}:{texts[(float(v), bool(np.signbit(v)))]}" for j, v in enumerate(row) if not np.isnan(v)]
            f.write(" ".join(["0"] + cells) + "\n")
    return misread


def read_libsvm_rows(path, n):
    """The LIBSVM rows read with a correctly rounded parser, missing = absent."""
    rows = []
    for line in Path(path).read_text().splitlines():
        row = np.full(n, np.nan, dtype=np.float32)
        for cell in line.split()[1:]:
            index, value = cell.split(":")
            row[int(index)] = np.float32(float(value))
        rows.append(row)
    return np.array(rows, dtype=np.float32)


def read_csv_rows(path, n):
    rows = []
    for line in Path(path).read_text().splitlines():
        cells = line.split(",")
        assert len(cells) == n, (path, len(cells), n)
        rows.append([np.nan if c == "" else np.float32(c) for c in cells])
    return np.array(rows, dtype=np.float32)


def write_values(path, values):
    values = np.asarray(values, dtype=np.float32)
    with open(path, "w") as f:
        if values.ndim == 1:
            f.writelines("%.9g\n" % v for v in values)
        else:
            f.writelines(",".join("%.9g" % v for v in row) + "\n" for row in values)


def read_values(path):
    return np.array([[float(c) for c in line.split(",")] for line in Path(path).read_text().splitlines()])


def predictions(booster, X, names):
    d = xgb.DMatrix(X, missing=np.nan, feature_names=names, nthread=NTHREAD)
    return {
        "pred": booster.predict(d),
        "margin": booster.predict(d, output_margin=True),
        "contribs": booster.predict(d, pred_contribs=True),
        # the margin of an empty range of trees: base_score after XGBoost's link (logit for
        # the logistic objectives), what every row starts from
        "base_margin": float(booster.predict(d, output_margin=True, iteration_range=(1, 1))[0]),
    }


def json_float_strings(model_path):
    """Every float in the model file as written, with the value it has as a float32 when
    read through a Double; a string whose float32's shortest form differs would not survive
    a Double-then-Float reader."""
    bad = []

    def check(text):
        value = np.float32(float(text))
        if Fraction(np.format_float_scientific(value, unique=True)) != Fraction(text):
            bad.append(text)
        return float(text)

    json.loads(Path(model_path).read_text(), parse_float=check)
    return bad


def generate_case(case, out):
    booster, rng = train(case)
    name = case["name"]
    model_file = out / f"{name}.model.json"
    booster.save_model(str(model_file))
    model_json = json.loads(model_file.read_text())
    loaded = xgb.Booster(model_file=str(model_file))
    loaded.set_param({"nthread": NTHREAD})
    names = model_json["learner"]["feature_names"] or None

    X = make_rows(case, model_json, rng)
    files = {"model": model_file.name, "rows_csv": f"{name}.rows.csv", "rows_libsvm": f"{name}.rows.libsvm",
             "pred": f"{name}.pred.csv", "margin": f"{name}.margin.csv", "contribs": f"{name}.contribs.csv"}
    write_csv_rows(out / files["rows_csv"], X)
    X = read_csv_rows(out / files["rows_csv"], case["features"])  # score exactly what the file holds
    misread = write_libsvm_rows(out / files["rows_libsvm"], X)
    if misread:
        print(f"  warning: XGBoost's LIBSVM reader misreads {misread} values in every form tried")
    result = predictions(loaded, X, names)
    for key in ("pred", "margin", "contribs"):
        write_values(out / files[key], result[key])

    trees = trees_of(model_json)
    params = model_json["learner"]["learner_model_param"]
    splits = [s for tree in trees for s in splits_of(tree)]
    at_threshold = sum(int(np.any(X[:, f] == thr)) for (_, f, thr) in splits)
    return {
        "name": name,
        "files": files,
        "objective": case["objective"],
        "max_depth": case["max_depth"],
        "deepest_tree": max(tree_depth(tree) for tree in trees),
        "trees": len(trees),
        "rounds": case["rounds"],
        "num_parallel_tree": int(model_json["learner"]["gradient_booster"]["model"]["gbtree_model_param"]
                                 ["num_parallel_tree"]),
        "features": case["features"],
        "feature_names": bool(names),
        "base_score_set": case["base_score"] is not None,
        "base_score_param": case["base_score"],
        "base_score_json": params["base_score"],
        "boost_from_average": params["boost_from_average"],
        "base_margin": result["base_margin"],
        "rows": len(X),
        "rows_with_missing": int(np.isnan(X).any(axis=1).sum()),
        "splits": len(splits),
        "splits_with_a_row_at_threshold": at_threshold,
        "predict_equals_margin": bool(np.array_equal(result["pred"], result["margin"])),
        "training": {"rows": case.get("rows", 2000), "seed": case["seed"],
                     "params": {"tree_method": "hist", **case.get("params", {})},
                     "qid": bool(case.get("ranking"))},
        "note": case["note"],
    }


# ---------------------------------------------------------------- refused models


def refused_models(out):
    rng = np.random.default_rng(900)
    X = rng.standard_normal((300, 5)).astype(np.float32)
    X[rng.random(X.shape) < 0.1] = np.nan
    y = (np.nan_to_num(X[:, 0]) + 0.3 * rng.standard_normal(300) > 0).astype(np.float64)
    base = {"nthread": NTHREAD, "seed": 900}
    made = []

    def save(file, params, dmatrix, rounds, word, where, note):
        booster = xgb.train({**base, **params}, dmatrix, num_boost_round=rounds)
        booster.save_model(str(out / file))
        made.append({"file": file, "must_name": word, "where_in_json": where, "note": note})

    save("refused_dart.model.json", {"booster": "dart", "objective": "binary:logistic", "rate_drop": 0.2,
                                     "max_depth": 2},
         xgb.DMatrix(X, label=y, nthread=NTHREAD), 3, "dart",
         'learner.gradient_booster.name == "dart" (trees under gradient_booster.gbtree.model, '
         "weights in gradient_booster.weight_drop)",
         "DART booster: each tree is scaled by a weight")
    classes = np.digitize(np.nan_to_num(X[:, 1]), [-0.5, 0.5]).astype(np.float64)
    save("refused_multiclass.model.json", {"objective": "multi:softprob", "num_class": 3, "max_depth": 2},
         xgb.DMatrix(X, label=classes, nthread=NTHREAD), 2, "multi:softprob",
         'learner.objective.name == "multi:softprob"; learner_model_param.num_class == "3"; '
         "tree_info holds the class of each tree",
         "multi-class: one tree per class per round")
    Xc = X.copy()
    Xc[:, 0] = rng.integers(0, 5, 300)
    yc = np.isin(Xc[:, 0], [1, 3]).astype(np.float64)
    save("refused_categorical.model.json", {"objective": "binary:logistic", "max_depth": 2},
         xgb.DMatrix(Xc, label=yc, feature_types=["c", "q", "q", "q", "q"], enable_categorical=True,
                     nthread=NTHREAD), 2, "categorical",
         'split_type has 1 for a categorical split; categories/categories_nodes/... non-empty; '
         'learner.feature_types has "c"',
         "a categorical feature (feature_types c, enable_categorical)")
    Y = np.stack([np.nan_to_num(X[:, 0]) + np.nan_to_num(X[:, 1]), np.nan_to_num(X[:, 2])], axis=1)
    save("refused_vector_leaf.model.json", {"objective": "reg:squarederror", "tree_method": "hist", "max_depth": 2,
                                            "multi_strategy": "multi_output_tree"},
         xgb.DMatrix(X, label=Y, nthread=NTHREAD), 2, "vector",
         'tree_param.size_leaf_vector == "2"; leaf_weights present; learner_model_param.num_target == "2"',
         "multi-target regression with vector leaves (multi_strategy multi_output_tree)")
    save("refused_gblinear.model.json", {"booster": "gblinear", "objective": "binary:logistic"},
         xgb.DMatrix(X, label=y, nthread=NTHREAD), 2, "gblinear",
         'learner.gradient_booster.name == "gblinear" (gradient_booster.model.weights, no trees)',
         "linear booster")
    return made


# ---------------------------------------------------------------- verification


def margin_from_json(model_json, X):
    """The margin computed from the JSON alone, by the rules a reader must follow: start
    from base_score (a JSON array in a string, float32; through logit -logf(1/x - 1) after
    clamping to [1e-6, 1 - 1e-6] for the logistic objectives, as is otherwise), then per
    tree walk from node 0: a missing value goes to left_children if default_left else
    right_children; otherwise left iff x < split_conditions (float32); a leaf
    (left_children == -1) adds its split_conditions value (not base_weights, which is the
    unscaled weight for some tree methods)."""
    learner = model_json["learner"]
    base = np.float32(json.loads(learner["learner_model_param"]["base_score"])[0])
    if learner["objective"]["name"] in ("binary:logistic", "reg:logistic"):
        p = np.float32(min(max(base, np.float32(1e-6)), np.float32(1 - 1e-6)))
        base = np.float32(-np.log(np.float32(1) / p - np.float32(1)))
    margin = np.full(len(X), base, dtype=np.float64)
    for tree in trees_of(model_json):
        left, right, default_left = tree["left_children"], tree["right_children"], tree["default_left"]
        feature = tree["split_indices"]
        threshold = np.asarray(tree["split_conditions"], dtype=np.float32)
        for r, row in enumerate(X):
            node = 0
            while left[node] != -1:
                x = row[feature[node]]
                if np.isnan(x):
                    node = left[node] if default_left[node] else right[node]
                else:
                    node = left[node] if x < threshold[node] else right[node]
            margin[r] += threshold[node]
    return margin


def verify(out, manifest):
    """Reload every model in a fresh Booster, score the rows read back from both files,
    and compare with the recorded outputs; check float round-trips and the size."""
    problems = []
    for case in manifest["cases"]:
        files = case["files"]
        booster = xgb.Booster(model_file=str(out / files["model"]))
        booster.set_param({"nthread": NTHREAD})
        names = booster.feature_names
        X = read_csv_rows(out / files["rows_csv"], case["features"])
        same = read_libsvm_rows(out / files["rows_libsvm"], case["features"])
        if not np.array_equal(X, same, equal_nan=True) or not np.array_equal(np.signbit(X), np.signbit(same)):
            problems.append(f"{case['name']}: the LIBSVM rows differ from the CSV rows")
        d = xgb.DMatrix(X, missing=np.nan, feature_names=names, nthread=NTHREAD)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Text file input has been deprecated since 3.1"
            dl = xgb.DMatrix(f"{out / files['rows_libsvm']}?format=libsvm", nthread=NTHREAD)
        if dl.num_col() != case["features"]:
            problems.append(f"{case['name']}: libsvm has {dl.num_col()} columns")
        dl.feature_names = names
        recorded = {key: read_values(out / files[key]) for key in ("pred", "margin", "contribs")}
        for source, dm in (("csv", d), ("libsvm", dl)):
            got = {"pred": booster.predict(dm), "margin": booster.predict(dm, output_margin=True),
                   "contribs": booster.predict(dm, pred_contribs=True)}
            for key, want in recorded.items():
                diff = np.max(np.abs(got[key].reshape(want.shape).astype(np.float64) - want))
                if not np.all(np.float32(want) == got[key].reshape(want.shape)):
                    problems.append(f"{case['name']} {key} from {source}: max diff {diff:.3g}")
        contribs, margin = recorded["contribs"], recorded["margin"][:, 0]
        ours = margin_from_json(json.loads((out / files["model"]).read_text()), X)
        if np.max(np.abs(ours - margin)) > 1e-5:
            problems.append(f"{case['name']}: margin from the JSON rules off by {np.max(np.abs(ours - margin)):.3g}")
        additivity = np.max(np.abs(contribs.sum(axis=1) - margin))
        if additivity > 1e-4:
            problems.append(f"{case['name']}: contributions sum differs from the margin by {additivity:.3g}")
        bad = json_float_strings(out / files["model"])
        if bad:
            problems.append(f"{case['name']}: floats not round-tripping through Double: {bad[:5]}")
        for line in (out / files["rows_csv"]).read_text().splitlines():
            for cell in line.split(","):
                if cell and (np.float32(float(cell)) != np.float32(cell)):
                    problems.append(f"{case['name']}: cell {cell} does not round-trip")
    for item in manifest["refused"]:
        xgb.Booster(model_file=str(out / item["file"]))  # XGBoost itself loads them
    size = sum(p.stat().st_size for p in out.iterdir() if p.is_file())
    if size > MAX_FIXTURE_BYTES:
        problems.append(f"fixture directory is {size} bytes, over {MAX_FIXTURE_BYTES}")
    return problems, size


# ---------------------------------------------------------------- main


def generate(out):
    out.mkdir(parents=True, exist_ok=True)
    cases = []
    for case in CASES:
        entry = generate_case(case, out)
        cases.append(entry)
        print(f"{entry['name']}: {entry['objective']}, max_depth {entry['max_depth']} (deepest "
              f"{entry['deepest_tree']}), {entry['trees']} trees, {entry['features']} features, "
              f"base_score {entry['base_score_json']} -> margin {entry['base_margin']:.9g}, {entry['rows']} rows "
              f"({entry['rows_with_missing']} with missing), {entry['splits_with_a_row_at_threshold']}/"
              f"{entry['splits']} splits with a row exactly at the threshold")
        for key, file in entry["files"].items():
            print(f"  wrote {file} ({(out / file).stat().st_size} bytes)")
    refused = refused_models(out)
    for item in refused:
        print(f"refused: wrote {item['file']} ({(out / item['file']).stat().st_size} bytes), must name "
              f"'{item['must_name']}'")
    manifest = {
        "generator": "generate.py",
        "xgboost": xgb.__version__,
        "numpy": np.__version__,
        "formats": {
            "rows_csv": "no header; comma-separated float32 in shortest round-trip form; empty cell = missing",
            "rows_libsvm": "'0' label then index:value, 0-based indices (XGBoost's default indexing_mode=0); "
                           "missing values absent",
            "pred": "predict(), one per line, %.9g",
            "margin": "predict(output_margin=True), one per line, %.9g",
            "contribs": "predict(pred_contribs=True): per row features... then bias, %.9g",
            "base_margin": "predict(output_margin=True, iteration_range=(1, 1)) of one row: base_score after "
                           "the objective's link, the margin before any tree",
        },
        "tolerances": {"pred": 1e-5, "margin": 1e-5, "contribs": 1e-4},
        "cases": cases,
        "refused": refused,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    print("wrote manifest.json")
    return manifest


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE)
    parser.add_argument("--check", action="store_true",
                        help="regenerate into a temporary directory and compare with --out, changing nothing")
    args = parser.parse_args()
    if not xgb.__version__.startswith("3."):
        sys.exit(f"xgboost {xgb.__version__}: the fixtures are written with XGBoost 3.x")
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            manifest = generate(Path(tmp))
            names = [p.name for p in Path(tmp).iterdir()]
            _, mismatch, errors = filecmp.cmpfiles(Path(tmp), args.out, names, shallow=False)
        if mismatch or errors:
            sys.exit(f"differs from {args.out}: {mismatch + errors}")
        print(f"identical: {len(names)} files")
        return
    manifest = generate(args.out)
    problems, size = verify(args.out, manifest)
    print(f"verified: {len(manifest['cases'])} cases reloaded from JSON and re-scored from the CSV and LIBSVM "
          f"rows; directory {size / 1024:.0f} KiB")
    if problems:
        print("PROBLEMS:\n  " + "\n  ".join(problems))
        sys.exit(1)


if __name__ == "__main__":
    main()
