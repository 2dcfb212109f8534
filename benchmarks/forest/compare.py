#!/usr/bin/env python3
"""Lineup's forest scoring beside XGBoost and LightGBM, interleaved, with ratios per repeat.

The machine is shared and its speed drifts by tens of percent from minute to minute, so
one peer run followed by one Lineup run compares two different machines. This driver
alternates them (peers, Lineup, peers, Lineup, ...) on the same model and rows and
reports, per measurement, the median over repeats of each side's per-call median and the
median of the per-repeat ratios (peer's time / Lineup's time: > 1 means Lineup is faster),
against the targets of issue 4:

- 200 rows: ≥ 4× XGBoost `inplace_predict`;
- 1 row: ≥ 4× LightGBM `predict`;
- TreeSHAP on 20 rows: ≥ 2× XGBoost `predict(pred_contribs=True)`;
- 10,000 rows (and 1 and 200 against the other peer): reported, no target.

    python3 benchmarks/forest/compare.py --data /tmp/lineup-forest-data \
        --binary .build/release/lineup [--repeats 5] [--rounds 3] [--json FILE]

The data must exist (`peers.py generate --out DIR`); the binary must be a release build.
Lineup is run as
`lineup bench forest --model DIR/model.json --rows DIR/rows.f32 --features 40 --rounds N
--reference DIR/xgboost_pred.f32 --json FILE` (which first checks its predictions against XGBoost's to 1e-5)
and must write `{"predict_1_us", "predict_200_us", "predict_10000_us", "contribs_20_us"}`
(median microseconds per call).
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

# label, Lineup's key, peer, peer's key (in peers.py's JSON), target ratio (None: reported only)
MEASURES = [
    ("predict, 1 row", "predict_1_us", "LightGBM", "lightgbm_predict_1_us", 4.0),
    ("predict, 1 row", "predict_1_us", "XGBoost", "xgboost_predict_1_us", None),
    ("predict, 200 rows", "predict_200_us", "XGBoost", "xgboost_predict_200_us", 4.0),
    ("predict, 200 rows", "predict_200_us", "LightGBM", "lightgbm_predict_200_us", None),
    ("predict, 10,000 rows", "predict_10000_us", "XGBoost", "xgboost_predict_10000_us", None),
    ("predict, 10,000 rows", "predict_10000_us", "LightGBM", "lightgbm_predict_10000_us", None),
    ("TreeSHAP, 20 rows", "contribs_20_us", "XGBoost", "xgboost_contribs_20_us", 2.0),
]
LINEUP_KEYS = ("predict_1_us", "predict_200_us", "predict_10000_us", "contribs_20_us")


def run_peers(data, rounds, out):
    subprocess.run([sys.executable, str(HERE / "peers.py"), "run", "--data", str(data), "--rounds", str(rounds),
                    "--json", str(out)], check=True, stdout=subprocess.DEVNULL)
    return json.loads(Path(out).read_text())


def run_lineup(binary, data, features, rounds, out):
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    subprocess.run([str(binary), "bench", "forest", "--model", str(data / "model.json"),
                    "--rows", str(data / "rows.f32"), "--features", str(features), "--rounds", str(rounds),
                    "--reference", str(data / "xgboost_pred.f32"),
                    "--json", str(out)], check=True, stdout=subprocess.DEVNULL, env=env)
    result = json.loads(Path(out).read_text())
    missing = [key for key in LINEUP_KEYS if not isinstance(result.get(key), (int, float))]
    if missing:
        sys.exit(f"{binary} bench forest wrote no {', '.join(missing)} in {out}")
    return result


def median(values):
    return statistics.median(values) if values else float("nan")


def format_us(us):
    return f"{us:,.1f} µs" if us < 1000 else f"{us / 1000:,.2f} ms"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--binary", type=Path, default=Path(".build/release/lineup"))
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write every repeat's raw results here")
    args = parser.parse_args()
    if not args.binary.exists():
        sys.exit(f"no binary at {args.binary}: build it with `swift build -c release --product lineup`")
    meta_path = args.data / "meta.json"
    if not meta_path.exists():
        sys.exit(f"no {meta_path}: run `python3 benchmarks/forest/peers.py generate --out {args.data}` first")
    meta = json.loads(meta_path.read_text())

    repeats = []
    with tempfile.TemporaryDirectory() as tmp:
        for repeat in range(args.repeats):
            print(f"repeat {repeat + 1}/{args.repeats}: peers", file=sys.stderr, flush=True)
            peers = run_peers(args.data, args.rounds, Path(tmp) / "peers.json")
            print(f"repeat {repeat + 1}/{args.repeats}: Lineup", file=sys.stderr, flush=True)
            lineup = run_lineup(args.binary, args.data, meta["features"], args.rounds, Path(tmp) / "lineup.json")
            repeats.append({"peers": peers, "lineup": lineup})

    env = repeats[0]["peers"]["environment"]
    print(f"CPUs: {env['cpu_count']} ({env['cpu'] or env['machine']}); xgboost {env['xgboost']}, "
          f"lightgbm {env['lightgbm']}, numpy {env['numpy']}, Python {env['python']}; everything on 1 thread")
    print(f"Model: {meta['xgboost']['trees']} trees, max_depth {meta['xgboost']['params']['max_depth']}, "
          f"{meta['xgboost']['nodes']:,} nodes, {meta['features']} features (binary:logistic; LightGBM "
          f"{meta['lightgbm']['trees']} trees of {meta['lightgbm']['params']['num_leaves']} leaves on the same data)")
    print(f"{args.repeats} repeats, each: peers.py run then lineup bench forest, {args.rounds} rounds; times are "
          "medians over repeats of per-call medians; ratio = peer / Lineup (> 1: Lineup faster), median over repeats")
    print()
    print("| measure | peer | peer time | **Lineup** | ratio | ratio range | target | met |")
    print("|---|---|---:|---:|---:|---:|---:|---|")
    summary = []
    for label, ours_key, peer, peer_key, target in MEASURES:
        peer_times = [r["peers"][peer_key] for r in repeats]
        ours = [r["lineup"][ours_key] for r in repeats]
        ratios = [p / o for p, o in zip(peer_times, ours)]
        ratio = median(ratios)
        met = "—" if target is None else ("yes" if ratio >= target else "**no**")
        print(f"| {label} | {peer} | {format_us(median(peer_times))} | **{format_us(median(ours))}** | "
              f"**{ratio:.2f}×** | {min(ratios):.2f}–{max(ratios):.2f} | "
              f"{'—' if target is None else f'≥ {target:g}×'} | {met} |")
        summary.append({"measure": label, "peer": peer, "peer_us": median(peer_times), "lineup_us": median(ours),
                        "ratio": ratio, "ratios": ratios, "target": target})
    extra = {key: value for key, value in repeats[-1]["lineup"].items()
             if key not in LINEUP_KEYS and isinstance(value, (int, float, str, bool))}
    if extra:
        print()
        print("Lineup also reported (last repeat): " + ", ".join(f"{k} = {v}" for k, v in extra.items()))
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "repeats": repeats}, indent=2) + "\n")


if __name__ == "__main__":
    main()
