#!/usr/bin/env python3
"""Event ingestion over HTTP on loopback: events/s and batch latency.

Starts a release build of `lineup serve` on a fresh SQLite file, then sends batches of
events (500 by default, every event id unique) over keep-alive connections from a few
client threads. A batch counts when its 200 arrives, and a 200 means the batch is
committed (synchronous=FULL unless --synchronous says otherwise). Prints throughput and
the p50/p99 latency of one batch.

    swift build -c release --product lineup
    python3 benchmarks/ingest.py
"""
import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from datetime import datetime, timedelta, timezone

EVENT_TYPES = ["view", "open", "click", "drilldown", "dwell", "pin", "export", "filter_change"]
DEVICES = ["desktop", "mobile", "tablet"]


def time_ordered_id(milliseconds, rng):
    """A UUIDv7: 48 bits of Unix milliseconds, then random bits, so ids sort by time."""
    value = (milliseconds & ((1 << 48) - 1)) << 80 | 0x7 << 76 | rng.getrandbits(12) << 64 | 0b10 << 62 | rng.getrandbits(62)
    return str(uuid.UUID(int=value))


def make_batches(count, size, seed, ids):
    """Realistic batches: 3,000 users and 300 widgets, every event from a different user
    than its neighbours, ids unique per run (UUIDv7 by default, or random UUIDv4)."""
    import random
    rng = random.Random(seed)
    start = datetime.now(timezone.utc) - timedelta(days=1)
    base_ms = int(time.time() * 1000) + seed * 10_000_000
    batches = []
    n = 0
    for b in range(count):
        events = []
        for _ in range(size):
            n += 1
            event_id = str(uuid.UUID(int=rng.getrandbits(128), version=4)) if ids == "uuid4" else time_ordered_id(base_ms + n, rng)
            event = {
                "event_id": event_id,
                "user_id": f"u-{(n * 7919) % 3000:05d}",
                "session_id": f"s-{n // 20}",
                "item_id": f"w-{(n * 104729) % 300:04d}",
                "type": EVENT_TYPES[n % len(EVENT_TYPES)],
                "timestamp": (start + timedelta(milliseconds=n)).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                "context": {"device": DEVICES[n % 3]},
            }
            if event["type"] == "dwell":
                event["value"] = float(n % 120)
            if n % 4 == 0:
                event["request_id"] = f"r-{n // 10}"
            events.append(event)
        batches.append(json.dumps({"events": events}).encode())
    return batches


def wait_ready(port, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("server did not become ready")


def send_all(port, batches, connections):
    latencies = []
    lock = threading.Lock()
    queue = list(reversed(batches))
    failures = []

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                if not queue:
                    break
                body = queue.pop()
            t = time.perf_counter()
            conn.request("POST", "/v1/events", body=body, headers={"Content-Type": "application/json"})
            response = conn.getresponse()
            payload = response.read()
            elapsed = time.perf_counter() - t
            with lock:
                if response.status != 200:
                    failures.append((response.status, payload[:200]))
                latencies.append(elapsed)
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies, failures


def cpu_seconds(pid):
    """User + system CPU time of a process so far, from /proc."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=".build/release/lineup")
    parser.add_argument("--batches", type=int, default=400)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--port", type=int, default=18181)
    parser.add_argument("--runs", type=int, default=3, help="measured runs; the median is reported")
    parser.add_argument("--synchronous", choices=["full", "normal"], default="full")
    parser.add_argument("--ids", choices=["uuid7", "uuid4"], default="uuid7",
                        help="time-ordered (UUIDv7, ULID-like) or random (UUIDv4) event ids")
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="lineup-bench-")
    env = dict(os.environ, LINEUP_SYNCHRONOUS=args.synchronous)
    server = subprocess.Popen(
        [args.binary, "serve", "--port", str(args.port), "--database", os.path.join(work, "bench.sqlite"),
         "--log-level", "warning"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_ready(args.port)
        print(f"machine: {os.cpu_count()} cores; synchronous={args.synchronous}; "
              f"{args.connections} connections; {args.batch_size} events a batch; {args.ids} event ids", flush=True)
        warmup = make_batches(20, args.batch_size, seed=0, ids=args.ids)
        send_all(args.port, warmup, args.connections)
        results = []
        for run in range(1, args.runs + 1):
            batches = make_batches(args.batches, args.batch_size, seed=run, ids=args.ids)
            server_before, client_before = cpu_seconds(server.pid), time.process_time()
            wall, latencies, failures = send_all(args.port, batches, args.connections)
            server_cpu = cpu_seconds(server.pid) - server_before
            client_cpu = time.process_time() - client_before
            if failures:
                raise SystemExit(f"{len(failures)} batches failed, first: {failures[0]}")
            events = args.batches * args.batch_size
            latencies.sort()
            p50 = statistics.median(latencies) * 1000
            p99 = latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))] * 1000
            results.append((events / wall, p50, p99))
            print(f"run {run}: {events} events in {wall:.2f} s = {events / wall:,.0f} events/s; "
                  f"batch p50 {p50:.1f} ms, p99 {p99:.1f} ms; CPU: server {server_cpu:.2f} s "
                  f"({server_cpu / events * 1e6:.1f} us/event), client {client_cpu:.2f} s", flush=True)
        rate = statistics.median(r[0] for r in results)
        p50 = statistics.median(r[1] for r in results)
        p99 = statistics.median(r[2] for r in results)
        print(f"median of {args.runs} runs: {rate:,.0f} events/s; batch of {args.batch_size}: "
              f"p50 {p50:.1f} ms, p99 {p99:.1f} ms")
        print(json.dumps({"events_per_second": round(rate), "p50_ms": round(p50, 2), "p99_ms": round(p99, 2),
                          "runs": args.runs, "synchronous": args.synchronous, "connections": args.connections,
                          "ids": args.ids}))
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    sys.exit(main())
