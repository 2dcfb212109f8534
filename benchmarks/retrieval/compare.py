#!/usr/bin/env python3
"""Lineup's exact top-K beside FAISS and NumPy, interleaved, with ratios per repeat.

The machine is shared and its speed drifts by tens of percent from minute to minute, so
one peer run followed by one Lineup run compares two different machines. This driver
alternates them catalog by catalog (peers then Lineup on one catalog, seconds apart; the
other way round in odd repeats) on the same vectors and reports, per catalog and batch
size, the median over repeats of each side's per-query median and the median of the
per-repeat ratios (faster peer's time / Lineup's time, > 1 means Lineup is faster). Batch 1 is also put against the single-core read bandwidth that peers.py
measures in the same repeat.

    python3 benchmarks/retrieval/compare.py --data /tmp/lineup-retrieval-data \
        --binary .build/release/lineup [--repeats 5] [--rounds 3] [--catalogs ...] [--json FILE]

The vectors must exist (`peers.py generate --out DIR`); the binary must be a release build.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def run_peers(data, catalogs, rounds, k, out):
    subprocess.run([sys.executable, str(HERE / "peers.py"), "run", "--data", str(data), "--rounds", str(rounds),
                    "--k", str(k), "--catalogs", catalogs, "--json", str(out)],
                   check=True, stdout=subprocess.DEVNULL)
    return json.loads(Path(out).read_text())


def run_lineup(binary, data, catalogs, rounds, k, concurrency, out):
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    subprocess.run([str(binary), "bench", "retrieval", "--data", str(data), "--rounds", str(rounds), "--k", str(k),
                    "--catalogs", catalogs, "--concurrency", str(concurrency), "--json", str(out)],
                   check=True, stdout=subprocess.DEVNULL, env=env)
    return json.loads(Path(out).read_text())


def median(values):
    return statistics.median(values) if values else float("nan")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--binary", type=Path, default=Path(".build/release/lineup"))
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--k", type=int, default=200)
    parser.add_argument("--catalogs", default="10k-128,100k-64,1M-64")
    parser.add_argument("--concurrency", type=int, default=32,
                        help="callers for Lineup's micro-batching measurement, in the last repeat (0 skips)")
    parser.add_argument("--json", type=Path, help="also write every repeat's raw results here")
    args = parser.parse_args()
    if not args.binary.exists():
        sys.exit(f"no binary at {args.binary}: build it with `swift build -c release --product lineup`")
    names = [name for name in args.catalogs.split(",") if name]

    repeats = []
    with tempfile.TemporaryDirectory() as tmp:
        for repeat in range(args.repeats):
            record = {"peers": None, "lineup": None}
            for name in names:
                concurrency = args.concurrency if repeat == args.repeats - 1 and name == names[-1] else 0
                print(f"repeat {repeat + 1}/{args.repeats}: {name}", file=sys.stderr, flush=True)
                sides = ["peers", "lineup"] if repeat % 2 == 0 else ["lineup", "peers"]
                for side in sides:
                    if side == "peers":
                        result = run_peers(args.data, name, args.rounds, args.k, Path(tmp) / "peers.json")
                        result["catalogs"][0]["read_bandwidth_bytes_per_s"] = result["read_bandwidth_bytes_per_s"]
                    else:
                        result = run_lineup(args.binary, args.data, name, args.rounds, args.k, concurrency,
                                            Path(tmp) / "lineup.json")
                    if record[side] is None:
                        record[side] = result
                    else:
                        record[side]["catalogs"] += result["catalogs"]
                        if result.get("concurrency"):
                            record[side]["concurrency"] = result["concurrency"]
            repeats.append(record)

    first = repeats[0]
    env = first["peers"]["environment"]
    blas = [f"{lib['owner']}: {lib['internal_api']} {lib['version']} ({lib['architecture']})"
            for lib in env["blas"] if lib.get("source") == "threadpoolctl"]
    print(f"Lineup BLAS: {first['lineup']['blas']} ({first['lineup']['blas_path']}); peers' BLAS: {'; '.join(blas)}")
    bandwidths = [c["read_bandwidth_bytes_per_s"] for r in repeats for c in r["peers"]["catalogs"]]
    print(f"Single-core read bandwidth (peers.py, per catalog and repeat): median {median(bandwidths) / 1e9:.1f} GB/s "
          f"(range {min(bandwidths) / 1e9:.1f}-{max(bandwidths) / 1e9:.1f})")
    print(f"{args.repeats} repeats, each: per catalog, peers and Lineup back to back, {args.rounds} rounds of 256 queries, k={args.k}, 1 thread; "
          "times are medians over repeats of per-query medians (ms); ratio = faster peer / Lineup, median over repeats")
    print()
    print("| catalog | batch | FAISS | NumPy | **Lineup** | ratio (≥ 1: Lineup faster) | ratio range | Lineup of read bandwidth | ids = FAISS |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for name in names:
        for batch in (1, 64):
            faiss, numpy, ours, ratios, fractions = [], [], [], [], []
            for r in repeats:
                catalog = next(c for c in r["peers"]["catalogs"] if c["catalog"] == name)
                times = {res["peer"]: res["median_ms"] for res in catalog["results"] if res["batch"] == batch}
                mine = next(c for c in r["lineup"]["catalogs"] if c["name"] == name)
                lineup_ms = mine["batch1_ms"] if batch == 1 else mine["batch64_ms"]
                faiss.append(times["faiss"])
                numpy.append(times["numpy"])
                ours.append(lineup_ms)
                ratios.append(min(times.values()) / lineup_ms)
                if batch == 1:
                    fractions.append(catalog["bytes"] / (lineup_ms / 1e3) / catalog["read_bandwidth_bytes_per_s"])
            ids = next(c for c in repeats[-1]["lineup"]["catalogs"] if c["name"] == name)["ids_equal_to_faiss"]
            fraction = f"{median(fractions):.0%}" if fractions else "—"
            print(f"| {name} | {batch} | {median(faiss):.3f} | {median(numpy):.3f} | **{median(ours):.3f}** | "
                  f"**{median(ratios):.2f}×** | {min(ratios):.2f}–{max(ratios):.2f} | {fraction} | {ids} |")
    concurrency = repeats[-1]["lineup"].get("concurrency")
    if concurrency:
        print()
        print(f"Micro-batching ({concurrency['catalog']}, last repeat): one caller at a time "
              f"{concurrency['sequential_queries_per_second']:,.0f} queries/s; {concurrency['callers']} concurrent callers "
              f"(window {concurrency['window_ms']:g} ms) "
              f"{concurrency['concurrent_queries_per_second']:,.0f} queries/s "
              f"({concurrency['concurrent_queries_per_second'] / concurrency['sequential_queries_per_second']:.2f}×), "
              f"latency p50 {concurrency['p50_ms']:.2f} ms, p99 {concurrency['p99_ms']:.2f} ms")
    if args.json:
        args.json.write_text(json.dumps(repeats, indent=2) + "\n")


if __name__ == "__main__":
    main()
