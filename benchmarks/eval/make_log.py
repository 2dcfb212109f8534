#!/usr/bin/env python3
"""Fill a Lineup database with a synthetic impression log, for `lineup eval` at scale.

Issue 5 asks that `lineup eval` over a log of 10M impression rows finish in constant
memory. This writes N responses of K widgets each (10M rows: --requests 1000000 --items 10)
straight into the `impressions` and `impression_items` tables of a database Lineup created,
with scores, feature vectors (27 little-endian float32s) and click/export events carrying
the request ids, about 12% of widgets engaged, more often near the top.

    lineup demo --database /tmp/lineup-10m.sqlite --items 10 --users 10 --days 1   # creates the schema
    python3 benchmarks/eval/make_log.py --database /tmp/lineup-10m.sqlite --requests 1000000
    /usr/bin/time -v lineup eval --database /tmp/lineup-10m.sqlite --k 5,10
"""
import argparse
import sqlite3
import struct
import sys
import time
import uuid

import numpy as np

FEATURES = 27


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True)
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--items", type=int, default=10, help="widgets per response")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()

    db = sqlite3.connect(args.database)
    if not db.execute("SELECT name FROM sqlite_master WHERE name = 'impression_items'").fetchone():
        sys.exit(f"{args.database} has no impression log: create it with `lineup demo --database {args.database} --items 10 --users 10 --days 1`")
    db.execute("PRAGMA synchronous = OFF")
    rng = np.random.default_rng(args.seed)
    start_ts = 1_790_000_000.0
    started = time.time()
    chunk = 20_000
    event_number = 0
    for first in range(0, args.requests, chunk):
        count = min(chunk, args.requests - first)
        times = start_ts + (first + np.arange(count)) * 2.0
        scores = rng.random((count, args.items)).astype(np.float32)
        order = np.argsort(-scores, axis=1)
        scores = np.take_along_axis(scores, order, axis=1)  # served in score order
        features = rng.random((count, args.items, FEATURES)).astype("<f4")
        engaged = rng.random((count, args.items)) < (0.3 / (1 + np.arange(args.items)) + 0.4 * scores)
        ids = [str(uuid.UUID(int=int(rng.integers(0, 2**63)) << 64 | (first + r))) for r in range(count)]
        db.executemany(
            "INSERT INTO impressions (request_id, ts, user_id, surface, context, ranker, model_version, schema_version) "
            "VALUES (?, ?, ?, 'home', NULL, 'two_stage', 'synthetic', 1)",
            [(ids[r], float(times[r]), f"u{(first + r) % 50_000:05d}") for r in range(count)])
        db.executemany(
            "INSERT INTO impression_items (request_id, position, item_id, score, retrieval_score, pinned, features) "
            "VALUES (?, ?, ?, ?, 0.5, 0, ?)",
            [(ids[r], p + 1, f"w{int(order[r, p]):04d}", float(scores[r, p]), features[r, p].tobytes())
             for r in range(count) for p in range(args.items)])
        events = []
        for r, p in zip(*np.nonzero(engaged)):
            event_number += 1
            events.append((f"s{event_number}", f"u{(first + r) % 50_000:05d}", f"w{int(order[r, p]):04d}",
                           "export" if rng.random() < 0.2 else "click", float(times[r] + 30), ids[r], float(times[r] + 31)))
        db.executemany(
            "INSERT INTO events (event_id, user_id, item_id, type, ts, request_id, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            events)
        db.commit()
        done = first + count
        if done % 100_000 == 0 or done == args.requests:
            print(f"make_log: {done}/{args.requests} responses, {done * args.items} rows, {event_number} events "
                  f"({time.time() - started:.0f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
