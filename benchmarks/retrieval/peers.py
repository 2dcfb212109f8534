#!/usr/bin/env python3
"""Exact top-K retrieval peers: FAISS IndexFlatIP and NumPy, single-threaded.

Retrieval in Lineup is exact maximum inner product over L2-normalised float32 vectors,
so its cost is one pass over the catalog per query (or per batch of queries). This
script measures the two obvious peers on the same vectors `lineup bench retrieval`
reads, so both can be put side by side in one run:

- FAISS `IndexFlatIP`, batch 1 (its SIMD scan) and batch 64 (its BLAS path, forced
  with `distance_compute_blas_threshold = 20`);
- NumPy matmul + argpartition, batch 1 (sgemv) and batch 64 (sgemm).

Everything runs on one core: OMP_NUM_THREADS and OPENBLAS_NUM_THREADS are set to 1
before NumPy or FAISS load, FAISS's OpenMP is set to 1 thread, and threadpoolctl (when
installed) caps every BLAS it sees. Times are per query: each call's time divided by its
batch size, median over all calls of all rounds. Batch 1 is also put against the
machine's single-core streaming read bandwidth, since a flat scan of a catalog larger
than the caches cannot run faster than reading it.

    python3 benchmarks/retrieval/peers.py generate --out /tmp/lineup-retrieval-data
    python3 benchmarks/retrieval/peers.py run --data /tmp/lineup-retrieval-data

`run` also writes FAISS's top-K of the first 64 queries as an exactness reference.
File formats: benchmarks/retrieval/README.md.
"""
import os

# Before NumPy and FAISS load their BLAS and OpenMP runtimes, which read these once.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse
import contextlib
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

try:
    import threadpoolctl
except ImportError:
    threadpoolctl = None

# name: (rows, dim, seed)
CATALOGS = {
    "10k-128": (10_000, 128, 1_010_128),
    "100k-64": (100_000, 64, 1_100_064),
    "1M-64": (1_000_000, 64, 2_000_064),
}
QUERY_COUNT = 256
CLUSTERS = 64
NOISE = 1.0  # norm of a row's noise relative to its unit cluster centre, before normalising
DUPLICATES = 8  # exact duplicate rows; the first DUPLICATES queries are copies of them
GENERATE_CHUNK = 65_536
REFERENCE_QUERIES = 64
BATCH = 64
FAISS_BLAS_THRESHOLD = 20
BANDWIDTH_BYTES = 512 << 20
OPENBLAS_ENV = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def log(message):
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- data generation


def normalise_rows(x):
    """Divide each row by its L2 norm, in place."""
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x


def clustered_rows(rng, centres, count):
    """`count` unit rows, each a random centre plus Gaussian noise of norm about NOISE."""
    dim = centres.shape[1]
    out = np.empty((count, dim), dtype="<f4")
    for start in range(0, count, GENERATE_CHUNK):
        end = min(start + GENERATE_CHUNK, count)
        block = centres[rng.integers(0, len(centres), end - start)]
        block += rng.standard_normal((end - start, dim), dtype=np.float32) * np.float32(NOISE / np.sqrt(dim))
        out[start:end] = normalise_rows(block)
    return out


def expected_metadata(name):
    rows, dim, seed = CATALOGS[name]
    return {
        "name": name,
        "rows": rows,
        "dim": dim,
        "queries": QUERY_COUNT,
        "dtype": "float32",
        "byte_order": "little",
        "layout": "row-major",
        "normalised": "L2",
        "catalog_file": f"{name}.catalog.f32",
        "queries_file": f"{name}.queries.f32",
        "seed": seed,
        "clusters": CLUSTERS,
        "noise": NOISE,
    }


def make_catalog(meta):
    """The catalog and queries of one catalog name, plus the duplicate pairs.

    Row dst of each pair [src, dst] is an exact copy of row src, and query i (for
    i < DUPLICATES) is an exact copy of row src of pair i, so its top two are tied."""
    rng = np.random.default_rng(meta["seed"])
    centres = normalise_rows(rng.standard_normal((CLUSTERS, meta["dim"]), dtype=np.float32))
    catalog = clustered_rows(rng, centres, meta["rows"])
    pairs = rng.choice(meta["rows"], size=(DUPLICATES, 2), replace=False)
    catalog[pairs[:, 1]] = catalog[pairs[:, 0]]
    queries = clustered_rows(rng, centres, meta["queries"])
    queries[:DUPLICATES] = catalog[pairs[:, 0]]
    return catalog, queries, pairs.tolist()


def is_generated(out, meta):
    """Files present with the sizes the metadata implies, and the same generator settings."""
    meta_path = out / f"{meta['name']}.json"
    if not meta_path.exists():
        return False
    written = json.loads(meta_path.read_text())
    if {key: written.get(key) for key in meta} != meta:
        return False
    sizes = {meta["catalog_file"]: meta["rows"], meta["queries_file"]: meta["queries"]}
    return all((out / f).exists() and (out / f).stat().st_size == n * meta["dim"] * 4 for f, n in sizes.items())


def write_atomically(path, array):
    tmp = path.with_name(path.name + ".tmp")
    array.astype("<f4", copy=False).tofile(tmp)
    tmp.replace(path)


def generate(out, names):
    out.mkdir(parents=True, exist_ok=True)
    for name in names:
        meta = expected_metadata(name)
        if is_generated(out, meta):
            log(f"{name}: present, kept")
            continue
        started = time.perf_counter()
        catalog, queries, pairs = make_catalog(meta)
        write_atomically(out / meta["catalog_file"], catalog)
        write_atomically(out / meta["queries_file"], queries)
        meta |= {"duplicates": pairs, "tie_queries": DUPLICATES}
        (out / f"{name}.json").write_text(json.dumps(meta, indent=2) + "\n")
        log(f"{name}: generated in {time.perf_counter() - started:.1f} s")


# ---------------------------------------------------------------- loading


def read_matrix(path, rows, dim):
    expected = rows * dim * 4
    if path.stat().st_size != expected:
        sys.exit(f"{path}: {path.stat().st_size} bytes, expected {expected}; run `generate` again")
    return np.fromfile(path, dtype="<f4").reshape(rows, dim)


def load(data, name):
    meta = json.loads((data / f"{name}.json").read_text())
    catalog = read_matrix(data / meta["catalog_file"], meta["rows"], meta["dim"])
    queries = read_matrix(data / meta["queries_file"], meta["queries"], meta["dim"])
    return meta, catalog, queries


# ---------------------------------------------------------------- the environment


def blas_libraries():
    """Every BLAS loaded so far, as threadpoolctl reports it, or NumPy's build config."""
    if threadpoolctl is None:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return [{"owner": "numpy", "source": "np.show_config", **blas}]
    keys = ("internal_api", "version", "architecture", "threading_layer", "num_threads", "filepath")
    return [
        {"owner": Path(lib["filepath"]).parent.name.removesuffix(".libs"), "source": "threadpoolctl",
         **{key: lib.get(key) for key in keys}}
        for lib in threadpoolctl.threadpool_info()
        if lib["user_api"] == "blas"
    ]


def environment(faiss):
    return {
        "cpu_count": os.cpu_count(),
        "numpy": np.__version__,
        "faiss": faiss.__version__,
        "faiss_simd": faiss.SIMDConfig.get_level_name(),
        "faiss_omp_threads": faiss.omp_get_max_threads(),
        "faiss_default_blas_threshold": faiss.cvar.distance_compute_blas_threshold,
        "threadpoolctl": threadpoolctl.__version__ if threadpoolctl else None,
        "blas": blas_libraries(),
        "env": {var: os.environ.get(var) for var in OPENBLAS_ENV + ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS")},
    }


def best_seconds(fn, repeats):
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def read_bandwidth(repeats=5):
    """Single-core streaming read bandwidth in bytes/s: the best of a few reductions over
    a 512 MiB float32 array (far larger than the caches), each best of `repeats`."""
    a = np.ones(BANDWIDTH_BYTES // 4, dtype=np.float32)
    half = len(a) // 2
    kernels = {
        "np.sum": lambda: a.sum(),
        "np.max": lambda: a.max(),
        "np.dot(first half, second half)": lambda: np.dot(a[:half], a[half:]),
    }
    per_kernel = {name: a.nbytes / best_seconds(fn, repeats) for name, fn in kernels.items()}
    return max(per_kernel.values()), per_kernel


# ---------------------------------------------------------------- the peers


def numpy_top_k(scores, k):
    """Ids and scores of the k largest scores, best first, ties by ascending id."""
    ids = np.argpartition(scores, -k)[-k:]
    top = scores[ids]
    order = np.lexsort((ids, -top))
    return ids[order], top[order]


def numpy_searcher(catalog, k, batch):
    """Search with NumPy: one sgemv (batch 1) or sgemm (batch > 1) into a preallocated
    buffer, then argpartition per query."""
    buffer = np.empty((batch, len(catalog)), dtype=np.float32)

    def search(queries):
        scores = buffer[: len(queries)]
        if len(queries) == 1:
            np.dot(catalog, queries[0], out=scores[0])
        else:
            np.matmul(queries, catalog.T, out=scores)
        return [numpy_top_k(row, k) for row in scores]

    return search


@contextlib.contextmanager
def faiss_blas_threshold(faiss, value):
    previous = faiss.cvar.distance_compute_blas_threshold
    faiss.cvar.distance_compute_blas_threshold = value
    try:
        yield
    finally:
        faiss.cvar.distance_compute_blas_threshold = previous


def per_query_ms(search, queries, batch, rounds):
    """Each call's time divided by its batch size, for every call of every round (ms)."""
    batches = [queries[i : i + batch] for i in range(0, len(queries), batch)]
    search(batches[0])  # warm-up: first-touch of buffers and BLAS workspaces
    times = []
    for _ in range(rounds):
        for queries_batch in batches:
            started = time.perf_counter_ns()
            search(queries_batch)
            times.append((time.perf_counter_ns() - started) / 1e6 / len(queries_batch))
    return times


def summary(peer, batch, times, note):
    return {"peer": peer, "batch": batch, "median_ms": statistics.median(times), "min_ms": min(times),
            "calls": len(times), "note": note}


def agreement(reference_ids, reference_scores, search, queries):
    """How NumPy's top-k of the reference queries compares with FAISS's."""
    found = search(queries[:REFERENCE_QUERIES])
    same_lists = sum(np.array_equal(ids, ref) for (ids, _), ref in zip(found, reference_ids))
    overlap = sum(len(np.intersect1d(ids, ref)) for (ids, _), ref in zip(found, reference_ids))
    max_diff = max(float(np.max(np.abs(top - ref))) for (_, top), ref in zip(found, reference_scores))
    return {"identical_id_lists": int(same_lists), "queries": len(found),
            "recall": overlap / reference_ids.size, "max_abs_score_diff": max_diff}


def measure_faiss(faiss, catalog, queries, k, rounds):
    """FAISS batch 1 and batch BATCH, then its reference top-k; the index (a copy of the
    catalog) is freed on return."""
    index = faiss.IndexFlatIP(catalog.shape[1])
    index.add(catalog)

    def search(q):
        return index.search(q, k)

    results = [summary("faiss", 1, per_query_ms(search, queries, 1, rounds),
                       f"default threshold {faiss.cvar.distance_compute_blas_threshold}: SIMD scan, no BLAS")]
    with faiss_blas_threshold(faiss, FAISS_BLAS_THRESHOLD):
        results.append(summary("faiss", BATCH, per_query_ms(search, queries, BATCH, rounds),
                               f"distance_compute_blas_threshold={FAISS_BLAS_THRESHOLD}: BLAS sgemm"))
    scores, ids = search(queries[:REFERENCE_QUERIES])
    return results, ids, scores


def measure_numpy(catalog, queries, k, rounds):
    return [summary("numpy", batch, per_query_ms(numpy_searcher(catalog, k, batch), queries, batch, rounds),
                    "sgemv + argpartition" if batch == 1 else "sgemm + argpartition")
            for batch in (1, BATCH)]


def write_reference(data, name, k, ids, scores):
    """FAISS's top-k of the first REFERENCE_QUERIES queries: ids as int64, scores as float32."""
    base = data / f"{name}.faiss-top{k}"
    ids.astype("<i8", copy=False).tofile(f"{base}.i64")
    scores.astype("<f4", copy=False).tofile(f"{base}.f32")


def measure_catalog(faiss, data, name, k, rounds):
    meta, catalog, queries = load(data, name)
    log(f"{name}: {meta['rows']} x {meta['dim']}, {len(queries)} queries, k={k}")
    results, reference_ids, reference_scores = measure_faiss(faiss, catalog, queries, k, rounds)
    write_reference(data, name, k, reference_ids, reference_scores)
    results += measure_numpy(catalog, queries, k, rounds)
    check = agreement(reference_ids, reference_scores, numpy_searcher(catalog, k, REFERENCE_QUERIES), queries)
    return {"catalog": name, "rows": meta["rows"], "dim": meta["dim"], "bytes": catalog.nbytes, "k": k,
            "rounds": rounds, "results": results, "numpy_vs_faiss": check}


# ---------------------------------------------------------------- reporting


def describe_environment(env, bandwidth, kernels):
    lines = [f"CPUs: {env['cpu_count']}; numpy {env['numpy']}; faiss {env['faiss']} ({env['faiss_simd']}, "
             f"{env['faiss_omp_threads']} OpenMP thread); threadpoolctl {env['threadpoolctl'] or 'not installed'}"]
    lines += [f"{var}={value if value is not None else '(unset)'}" for var, value in env["env"].items()]
    for lib in env["blas"]:
        if lib["source"] == "threadpoolctl":
            lines.append(f"BLAS of {lib['owner']}: {lib['internal_api']} {lib['version']}, kernel {lib['architecture']}, "
                         f"{lib['threading_layer']}, {lib['num_threads']} thread(s), {lib['filepath']}")
        else:
            lines.append(f"BLAS of numpy (build config): {lib.get('name')} {lib.get('version')}, "
                         f"{lib.get('openblas configuration', '')}")
    lines.append(f"Single-core read bandwidth: {bandwidth / 1e9:.1f} GB/s (best of "
                 + ", ".join(f"{name} {value / 1e9:.1f}" for name, value in kernels.items()) + ")")
    lines.append(f"FAISS chooses BLAS when queries x dim >= distance_compute_blas_threshold "
                 f"(default {env['faiss_default_blas_threshold']}): at batch {BATCH} the default would scan "
                 f"without BLAS; batch {BATCH} runs with {FAISS_BLAS_THRESHOLD}, batch 1 with the default.")
    return "\n".join(lines)


def markdown_table(catalogs):
    rows = ["| catalog | peer | batch | median ms/query | queries/s | of read bandwidth | path |",
            "| --- | --- | ---: | ---: | ---: | ---: | --- |"]
    for cat in catalogs:
        for r in cat["results"]:
            fraction = r.get("bandwidth_fraction")
            rows.append(f"| {cat['catalog']} | {r['peer']} | {r['batch']} | {r['median_ms']:.3f} | "
                        f"{1e3 / r['median_ms']:,.0f} | {f'{fraction:.0%}' if fraction is not None else '—'} | "
                        f"{r['note']} |")
    return "\n".join(rows)


def describe_agreement(catalogs):
    return "\n".join(
        f"{cat['catalog']}: numpy vs FAISS reference (top-{cat['k']}, {c['queries']} queries): "
        f"identical id lists {c['identical_id_lists']}/{c['queries']}, recall {c['recall']:.4f}, "
        f"max |score diff| {c['max_abs_score_diff']:.2g}"
        for cat in catalogs for c in [cat["numpy_vs_faiss"]])


def run(data, names, k, rounds, json_path):
    import faiss

    faiss.omp_set_num_threads(1)
    limits = threadpoolctl.threadpool_limits(1) if threadpoolctl else contextlib.nullcontext()
    with limits:
        env = environment(faiss)
        log("measuring read bandwidth")
        bandwidth, kernels = read_bandwidth()
        catalogs = [measure_catalog(faiss, data, name, k, rounds) for name in names]
    for cat in catalogs:
        for r in cat["results"]:
            if r["batch"] == 1:
                r["bandwidth_fraction"] = cat["bytes"] / (r["median_ms"] / 1e3) / bandwidth
    print(describe_environment(env, bandwidth, kernels))
    print()
    print(markdown_table(catalogs))
    print()
    print(describe_agreement(catalogs))
    if json_path:
        report = {"environment": env, "read_bandwidth_bytes_per_s": bandwidth, "read_bandwidth_kernels": kernels,
                  "faiss_batch_blas_threshold": FAISS_BLAS_THRESHOLD, "catalogs": catalogs}
        Path(json_path).write_text(json.dumps(report, indent=2) + "\n")


def catalog_names(text):
    names = [name for name in text.split(",") if name]
    unknown = [name for name in names if name not in CATALOGS]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown catalog(s) {', '.join(unknown)}; known: {', '.join(CATALOGS)}")
    return names


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    gen = commands.add_parser("generate", help="write the shared vectors (skips files already there)")
    gen.add_argument("--out", type=Path, required=True)
    gen.add_argument("--catalogs", type=catalog_names, default=list(CATALOGS))
    bench = commands.add_parser("run", help="measure FAISS and NumPy on generated vectors")
    bench.add_argument("--data", type=Path, required=True)
    bench.add_argument("--k", type=int, default=200)
    bench.add_argument("--rounds", type=int, default=5)
    bench.add_argument("--catalogs", type=catalog_names, default=list(CATALOGS))
    bench.add_argument("--json", help="also write machine-readable results here")
    args = parser.parse_args()
    if args.command == "generate":
        generate(args.out, args.catalogs)
    else:
        run(args.data, args.catalogs, args.k, args.rounds, args.json)


if __name__ == "__main__":
    main()
