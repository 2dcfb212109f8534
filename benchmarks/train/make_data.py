#!/usr/bin/env python3
"""Training data for the `lineup train` benchmark: LightGBM's examples and two synthetic sets.

Writes, into --out (default /tmp/lineup-train-data), four datasets in the form `lineup
train --data` reads (LIBSVM with 0-based feature indices, absent features missing, and a
group file of one query-group size per line, as XGBoost and LightGBM read them), the same
rows as NumPy arrays for the Python peers, and `meta.json` describing them:

| dataset | from | rows | features | objective | rounds |
|---|---|---|---|---|---|
| `rank` | LightGBM `examples/lambdarank` rank.train / rank.test | 3,005 / 768 (201 / 50 groups) | 301 | rank:ndcg | 100 |
| `binary` | LightGBM `examples/binary_classification` binary.train / binary.test | 7,000 / 500 | 28 | binary:logistic | 100 |
| `synth-binary` | seeded NumPy, 40 dense features, nonlinear label | 100,000 (train only) | 40 | binary:logistic | 300 |
| `synth-rank` | seeded NumPy, 10,000 groups of 20 rows, graded labels 0-4 | 200,000 (train only) | 40 | rank:ndcg | 100 |

Feature indices. LightGBM's rank files use 1-based indices 1..300 (as LIBSVM files
usually do). They are kept as they are: LightGBM's index k is Lineup's (0-based) index k,
so the feature count is 301 and feature 0 is missing in every row. This is also how
XGBoost and LightGBM themselves read those files (both take LIBSVM indices as 0-based
column numbers), so the column numbers of all three models agree. The binary files are
tab-separated, label first, then 28 dense features (zeros are values): they become LIBSVM
lines that write every one of the 28 features, indices 0..27.

Arrays. For each split, `NAME.SPLIT.X.npy` (float32, rows x features, NaN where the LIBSVM
line has no entry) and `NAME.SPLIT.y.npy` (float32 labels) hold exactly the values of the
LIBSVM file: every value is written as the shortest decimal that parses back to the same
float32 (NumPy's repr), so a reader that rounds correctly (Lineup's, `float(s)`, `strtof`)
gets identical values. Synthetic features are rounded to 3 decimals before that, which keeps
the files small (as LightGBM's examples, which have 2-3 decimals).

LightGBM's example files ship with the repository in benchmarks/data/lightgbm-examples
(unchanged, with LightGBM's MIT licence); --examples DIR reads them from elsewhere.

    python3 benchmarks/train/make_data.py [--out /tmp/lineup-train-data] \
        [--examples benchmarks/data/lightgbm-examples]
"""
import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

EXAMPLES = Path(__file__).resolve().parent.parent / "data" / "lightgbm-examples"
SEED = 600_006
SYNTH_BINARY_ROWS = 100_000
SYNTH_FEATURES = 40
SYNTH_GROUPS = 10_000
SYNTH_GROUP_SIZE = 20


def log(message):
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- writing


def format_values(X):
    """Each float32 value as the shortest text that parses back to the same float32."""
    return np.asarray(X, dtype=np.float32).astype(str)


def write_libsvm(path, X, y):
    """One line per row: label, then `index:value` for every non-NaN value, 0-based indices."""
    X = np.asarray(X, dtype=np.float32)
    labels = [f"{v:g}" for v in np.asarray(y, dtype=np.float64)]
    present = ~np.isnan(X)
    text = format_values(np.where(present, X, 0))
    indices = np.arange(X.shape[1]).astype(str)
    with open(path, "w") as out:
        if present.all():
            # dense: build each line from the row's strings
            pairs = np.char.add(np.char.add(indices, ":"), text)
            for label, row in zip(labels, pairs):
                out.write(label + " " + " ".join(row) + "\n")
        else:
            for r, label in enumerate(labels):
                cols = np.flatnonzero(present[r])
                out.write(label + "".join(f" {c}:{text[r, c]}" for c in cols) + "\n")


def write_groups(path, groups):
    Path(path).write_text("".join(f"{int(g)}\n" for g in groups))


def save_split(out, name, split, X, y, groups=None):
    X = np.asarray(X, dtype=np.float32)
    y = np.asarray(y, dtype=np.float32)
    files = {"libsvm": f"{name}.{split}.libsvm", "X": f"{name}.{split}.X.npy", "y": f"{name}.{split}.y.npy"}
    write_libsvm(out / files["libsvm"], X, y)
    np.save(out / files["X"], X)
    np.save(out / files["y"], y)
    info = {"rows": int(X.shape[0]), "files": files}
    if groups is not None:
        groups = np.asarray(groups, dtype=np.int64)
        assert groups.sum() == X.shape[0], (name, split, groups.sum(), X.shape)
        files["group"] = f"{name}.{split}.group"
        write_groups(out / files["group"], groups)
        info["groups"] = int(len(groups))
    log(f"  {name}.{split}: {X.shape[0]:,} rows x {X.shape[1]} features"
        + (f", {len(groups):,} groups" if groups is not None else "") + f", {np.isnan(X).mean():.1%} missing")
    return info


# ---------------------------------------------------------------- LightGBM's examples


def read_lightgbm_libsvm(path):
    """LightGBM's LIBSVM rows as (labels, [(index, value), ...] per row), indices as written."""
    labels, rows = [], []
    for line in Path(path).read_text().splitlines():
        parts = line.split()
        if not parts:
            continue
        labels.append(float(parts[0]))
        rows.append([(int(k), float(v)) for k, v in (p.split(":") for p in parts[1:])])
    return np.array(labels), rows


def lightgbm_rank(examples, out):
    splits = {}
    for split in ("train", "test"):
        splits[split] = read_lightgbm_libsvm(examples / f"rank.{split}")
    # LightGBM's index k stays index k: the feature count is the largest index + 1.
    features = 1 + max(k for _, rows in splits.values() for row in rows for k, _ in row)
    info = {"features": features, "objective": "rank:ndcg", "rounds": 100, "metric": "ndcg@10",
            "source": f"{examples}/rank.{{train,test}} (+ .query), LightGBM examples/lambdarank",
            "indices": "LightGBM's index k kept as Lineup's 0-based index k (feature 0 never present)",
            "splits": {}}
    for split, (labels, rows) in splits.items():
        X = np.full((len(rows), features), np.nan, dtype=np.float32)
        for r, row in enumerate(rows):
            for k, v in row:
                X[r, k] = v
        groups = np.loadtxt(examples / f"rank.{split}.query", dtype=np.int64)
        info["splits"][split] = save_split(out, "rank", split, X, labels, groups)
    return info


def lightgbm_binary(examples, out):
    info = {"features": 28, "objective": "binary:logistic", "rounds": 100, "metric": "auc",
            "source": f"{examples}/binary.{{train,test}}, LightGBM examples/binary_classification",
            "indices": "TSV column j (after the label) is index j - 1; all 28 written, zeros are values",
            "splits": {}}
    for split in ("train", "test"):
        table = np.loadtxt(examples / f"binary.{split}", delimiter="\t", dtype=np.float64)
        assert table.shape[1] == 29, table.shape
        info["splits"][split] = save_split(out, "binary", split, table[:, 1:], table[:, 0])
    return info


# ---------------------------------------------------------------- synthetic


def synthetic_binary(out):
    """100k x 40 dense float32 features of mixed shapes; label drawn from a nonlinear logit."""
    rng = np.random.default_rng(SEED)
    n, d = SYNTH_BINARY_ROWS, SYNTH_FEATURES
    X = rng.standard_normal((n, d)).astype(np.float32)
    X[:, 10:20] = rng.uniform(0, 1, (n, 10))
    X[:, 20:30] = rng.exponential(1.0, (n, 10))
    X[:, 30:35] = rng.poisson(3.0, (n, 5))
    X = np.round(X.astype(np.float64), 3).astype(np.float32)
    Z = X.astype(np.float64)
    w = np.random.default_rng(SEED + 1).standard_normal(d) / np.sqrt(d)
    logit = (0.5 * Z @ w + np.sin(2 * Z[:, 0]) + Z[:, 1] * Z[:, 2] - 0.8 * np.abs(Z[:, 3])
             + 1.5 * (Z[:, 10] > 0.7) * (Z[:, 11] - 0.5) + 0.6 * np.log1p(Z[:, 20]) - 0.2 * Z[:, 30]
             + 0.5 * np.tanh(Z[:, 4] * Z[:, 5]) + 0.5)
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(np.float32)
    return {"features": d, "objective": "binary:logistic", "rounds": 300, "metric": "auc (training rows)",
            "source": f"synthetic, seed {SEED}: 40 dense float32 features (normal, uniform, exponential, "
                      "Poisson counts), label ~ Bernoulli(sigmoid(nonlinear logit))",
            "positives": float(y.mean()),
            "splits": {"train": save_split(out, "synth-binary", "train", X, y)}}


def synthetic_rank(out):
    """10,000 groups x 20 rows x 40 features; graded labels 0-4 from a nonlinear relevance plus noise."""
    rng = np.random.default_rng(SEED + 2)
    groups, size, d = SYNTH_GROUPS, SYNTH_GROUP_SIZE, SYNTH_FEATURES
    n = groups * size
    X = rng.standard_normal((n, d)).astype(np.float32)
    # query-level features, the same for every row of a group (like a user's or context's)
    X[:, 30:35] = np.repeat(rng.standard_normal((groups, 5)), size, axis=0)
    X[:, 20:25] = rng.exponential(1.0, (n, 5))
    X[:, 25:30] = rng.uniform(0, 1, (n, 5))
    X = np.round(X.astype(np.float64), 3).astype(np.float32)
    Z = X.astype(np.float64)
    w = np.random.default_rng(SEED + 3).standard_normal(d) / np.sqrt(d)
    relevance = (0.6 * Z @ w + np.sin(1.5 * Z[:, 0]) + Z[:, 1] * Z[:, 30] + 0.7 * np.maximum(Z[:, 2], 0)
                 - 0.5 * np.abs(Z[:, 3] - Z[:, 31]) + 0.8 * np.log1p(Z[:, 20]) * (Z[:, 25] > 0.5)
                 + 0.3 * np.tanh(Z[:, 4] * Z[:, 5]) + 0.6 * rng.standard_normal(n))
    # graded labels by fixed cut points: about 45% 0, 25% 1, 17% 2, 9% 3, 4% 4
    cuts = np.quantile(relevance, [0.45, 0.70, 0.87, 0.96])
    y = np.digitize(relevance, cuts).astype(np.float32)
    return {"features": d, "objective": "rank:ndcg", "rounds": 100, "metric": "ndcg@10 (training rows)",
            "source": f"synthetic, seed {SEED + 2}: {groups:,} groups x {size} rows, 40 float32 features "
                      "(5 constant within a group), labels 0-4 from a nonlinear relevance plus noise",
            "label_counts": np.bincount(y.astype(int), minlength=5).tolist(),
            "splits": {"train": save_split(out, "synth-rank", "train", X, y, np.full(groups, size))}}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/lineup-train-data"))
    parser.add_argument("--examples", type=Path, default=EXAMPLES,
                        help="directory of LightGBM's example files (rank.train, rank.train.query, ..., "
                             "binary.test); default: the repository's copy, %(default)s")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    datasets = {}
    log("LightGBM examples:")
    datasets["rank"] = lightgbm_rank(args.examples, args.out)
    datasets["binary"] = lightgbm_binary(args.examples, args.out)
    log("synthetic:")
    datasets["synth-binary"] = synthetic_binary(args.out)
    datasets["synth-rank"] = synthetic_rank(args.out)
    meta = {"format": "LIBSVM, 0-based indices, absent = missing; group files: one group size per line; "
                      "X.npy float32 with NaN for missing",
            "seed": SEED, "datasets": datasets}
    (args.out / "meta.json").write_text(json.dumps(meta, indent=2) + "\n")
    log(f"wrote {sum(len(d['splits']) for d in datasets.values())} splits of {len(datasets)} datasets and "
        f"{args.out / 'meta.json'} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
