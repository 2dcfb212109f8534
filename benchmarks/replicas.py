#!/usr/bin/env python3
"""Replicas on PostgreSQL against one server on SQLite: ingestion, rank latency,
propagation lag and readiness on a large log.

Starts its own throwaway PostgreSQL cluster (Tests/conformance/postgres.sh, durable
defaults: fsync on, synchronous_commit=on) in a temporary directory unless --postgres-url
names one, and `lineup serve` processes from --binary with the working directory set to the
repository (they read models/). Every figure is measured in the same run:

1. Durable ingestion. Two replicas on one fresh PostgreSQL database, the client threads
   split evenly between them; then the same load against ONE replica on a fresh SQLite
   file (synchronous=FULL). Batches come from benchmarks/ingest.py's generator (UUIDv7
   ids, 3,000 users, 300 widgets), sent over keep-alive connections; a batch counts when
   its 200 arrives, and a 200 means committed. Reported: events/s (median of --runs runs)
   and the p50/p99 latency of one batch (medians over the runs). Target: >= 30,000
   events/s through two replicas.
2. Rank latency. Both sides hold the demo world (`serve --demo`: 300 widgets, 2,000 users,
   four weeks of their events). wrk POSTs /v1/rank {"user_id", "surface": "home", "k": 5}
   for users drawn at random from the catalog. wrk here is closed-loop: a fixed number of
   connections, each sending its next request when the previous answer arrives (Debian's
   wrk has no -R pacing, so the figures are not corrected for coordinated omission).
   The same totals (--wrk-threads threads, --wrk-connections connections) are used on
   both sides: one wrk against the SQLite server; on PostgreSQL one wrk per replica, run
   at the same time, each with half the threads and connections. Reported: requests/s
   and the latency distribution (p50/p90/p99/max) merged exactly from wrk's histograms.
3. Propagation lag A -> B. For --lag-users users never seen before, a `pin` event is
   POSTed to replica A; from the moment A answers 200 (committed) replica B's rank is
   polled every --poll-ms until the pinned widget comes first with `pinned: true`.
   Reported: p50/p99/max of (B's answer showing the pin) - (A's 200), so one rank round
   trip and up to one poll interval are included.
4. Readiness on a large log. A copy of the demo database gets synthetic events added
   with SQL (generate_series, not HTTP) until the log holds --events events: the demo's
   users and widgets, types among view/open/click/dwell/export/filter_change, times
   spread over the last 30 days in log order, UUIDv7-shaped unique ids, seq continuing
   the log, event_log's counters updated; then VACUUM ANALYZE as a database in service
   would have had. A fresh replica is started and timed from process start until
   /readyz answers 200; its "warmed up" log line (events=..., seconds=...) is reported.
   The table was just written, so it is in the OS page cache: a warm-cache figure.

Before each measurement the script waits for PostgreSQL to be idle (autovacuum after a
load). Each measurement also prints the CPU seconds spent by lineup, PostgreSQL and the client,
and by the rest of the machine (from /proc/stat, approximate): a large rest means
something else ran at the same time and the figure is not to be trusted. At the end:
a summary table, the core count, the BLAS the servers loaded, and the warning and error
lines of every server's log; then everything as one JSON line.

Reproduce (about 10 min on 2 cores, most of it the 10M-event fill and the replica's
warm-up; --events 1000000 --runs 1 for a quick check):

    swift build -c release --product lineup --scratch-path /work/build-release
    python3 benchmarks/replicas.py --binary /work/build-release/release/lineup
"""
import argparse
import http.client
import json
import os
import random
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ingest  # noqa: E402  (the batch generator, sender and CPU reader: one copy of each)

REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
POSTGRES_SH = os.path.join(REPOSITORY, "Tests", "conformance", "postgres.sh")
EVENT_COLUMNS = ["seq", "event_id", "user_id", "session_id", "item_id", "type", "value", "ts",
                 "request_id", "context", "received_at"]


# --- processes ---------------------------------------------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One `lineup serve` process, its output in a log file."""

    def __init__(self, name, binary, work, database_url=None, sqlite=None, demo=False, connections=None):
        self.name = name
        self.port = free_port()
        self.log_path = os.path.join(work, f"{name}.log")
        # Only the settings chosen here: nothing LINEUP_* leaks in from the caller's shell.
        env = {k: v for k, v in os.environ.items() if not k.startswith("LINEUP_")}
        command = [binary, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "info"]
        if database_url:
            env["LINEUP_DATABASE_URL"] = database_url  # in the environment, never on the command line
            if connections:
                env["LINEUP_DATABASE_CONNECTIONS"] = str(connections)
        else:
            command += ["--database", sqlite]
        if demo:
            command.append("--demo")
        self.log = open(self.log_path, "w")
        self.started = time.perf_counter()
        self.process = subprocess.Popen(command, cwd=REPOSITORY, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.ready_seconds = None

    def wait_ready(self, timeout, interval=0.05):
        """Polls /readyz until 200; returns seconds since the process started."""
        deadline = self.started + timeout
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}; see {self.log_path}:\n"
                                   + self.log_text()[-2000:])
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/readyz", timeout=2) as r:
                    if r.status == 200:
                        self.ready_seconds = time.perf_counter() - self.started
                        return self.ready_seconds
            except OSError:
                pass
            time.sleep(interval)
        raise RuntimeError(f"{self.name} not ready after {timeout} s; see {self.log_path}")

    def cpu(self):
        return ingest.cpu_seconds(self.process.pid)

    def rss_mib(self):
        with open(f"/proc/{self.process.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def log_text(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


class PsqlError(RuntimeError):
    pass


class Postgres:
    """The PostgreSQL server the replicas share: a throwaway cluster, or --postgres-url."""

    def __init__(self, work, url=None):
        self.directory = None if url else os.path.join(work, "postgres")
        if url is None:
            url = subprocess.run([POSTGRES_SH, "start", self.directory], check=True, capture_output=True,
                                 text=True).stdout.strip()
        self.url = url
        self.created = []

    def url_for(self, database):
        parts = urllib.parse.urlsplit(self.url)
        return urllib.parse.urlunsplit(parts._replace(path="/" + database))

    def psql(self, sql, database=None, quiet=True):
        """Runs SQL through psql; returns its output (tuples only, unaligned when quiet)."""
        url = self.url_for(database) if database else self.url
        flags = ["-X", "-v", "ON_ERROR_STOP=1"] + (["-qAt"] if quiet else [])
        done = subprocess.run(["psql", url, *flags, "-c", sql], capture_output=True, text=True)
        if done.returncode != 0:
            raise PsqlError(f"psql failed ({done.returncode}): {done.stderr.strip()}\n  SQL: {sql.strip()[:300]}")
        return done.stdout

    def create_database(self, name, template=None):
        sql = f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")
        for attempt in range(20):  # a template's last sessions may take a moment to leave
            try:
                self.psql(sql)
                break
            except PsqlError as error:
                if attempt == 19 or "being accessed by other users" not in str(error):
                    raise
                time.sleep(0.5)
        self.created.append(name)
        return self.url_for(name)

    def backend_cpu(self):
        """User + system CPU of the cluster's processes so far (zero for an external server)."""
        if self.directory is None:
            return 0.0
        total = 0.0
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                with open(f"/proc/{pid}/comm") as f:
                    if f.read().strip() != "postgres":
                        continue
                total += ingest.cpu_seconds(int(pid))
            except OSError:
                continue
        return total

    def settle(self, limit=300.0):
        """Waits until the cluster is idle (its autovacuum, checkpoints) so that its
        background work does not land in the next measurement; returns the seconds waited."""
        started = time.perf_counter()
        while time.perf_counter() - started < limit:
            before = self.backend_cpu()
            time.sleep(2)
            if self.backend_cpu() - before < 0.1:
                break
        waited = time.perf_counter() - started
        if waited > 2.5:
            print(f"  (waited {waited:.0f} s for PostgreSQL's background work to finish)", flush=True)
        return waited

    def close(self):
        if self.directory:
            subprocess.run([POSTGRES_SH, "stop", self.directory], check=False)
        else:
            for name in self.created:
                subprocess.run(["psql", self.url, "-X", "-qc", f'DROP DATABASE IF EXISTS "{name}"'], check=False)


def machine_busy():
    """Core-seconds the whole machine has spent busy so far (from /proc/stat), to tell
    whether something besides this benchmark took CPU during a measurement."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    user, nice, system, _, _, irq, softirq = fields[:7]  # not idle, iowait or steal
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def percentile(sorted_values, p):
    return sorted_values[min(len(sorted_values) - 1, int(p / 100 * len(sorted_values)))]


# --- 1. ingestion ------------------------------------------------------------------------

def ingest_runs(label, servers, args, postgres=None):
    """--runs runs of --batches batches, the client threads split evenly over `servers`."""
    per_server = args.threads // len(servers)
    warmup = ingest.make_batches(20 * len(servers), args.batch_size, seed=0, ids="uuid7")
    send_spread(servers, warmup, per_server)
    results = []
    for run in range(1, args.runs + 1):
        batches = ingest.make_batches(args.batches, args.batch_size, seed=run, ids="uuid7")
        server_before = sum(s.cpu() for s in servers)
        database_before = postgres.backend_cpu() if postgres else 0.0
        busy_before, client_before = machine_busy(), time.process_time()
        wall, latencies, failures = send_spread(servers, batches, per_server)
        server_cpu = sum(s.cpu() for s in servers) - server_before
        database_cpu = (postgres.backend_cpu() - database_before) if postgres else 0.0
        client_cpu, busy = time.process_time() - client_before, machine_busy() - busy_before
        other = busy - server_cpu - database_cpu - client_cpu
        if failures:
            raise RuntimeError(f"{label}: {len(failures)} batches failed, first: {failures[0]}")
        events = len(batches) * args.batch_size
        latencies.sort()
        p50, p99 = statistics.median(latencies) * 1000, percentile(latencies, 99) * 1000
        results.append((events / wall, p50, p99))
        cpu = (f"CPU: lineup {server_cpu:.1f} s" + (f", postgres {database_cpu:.1f} s" if postgres else "")
               + f", client {client_cpu:.1f} s, rest of the machine ~{other:.1f} s of {os.cpu_count() * wall:.1f}")
        print(f"  {label} run {run}: {events} events in {wall:.2f} s = {events / wall:,.0f} events/s; "
              f"batch p50 {p50:.1f} ms, p99 {p99:.1f} ms; {cpu}", flush=True)
    return {"events_per_second": statistics.median(r[0] for r in results),
            "p50_ms": statistics.median(r[1] for r in results),
            "p99_ms": statistics.median(r[2] for r in results)}


def send_spread(servers, batches, threads_per_server):
    """ingest.send_all against each server at once, each given an equal share of the batches;
    the wall time runs until the last share is acknowledged."""
    shares = [batches[i::len(servers)] for i in range(len(servers))]
    outcomes = [None] * len(servers)

    def send(i):
        outcomes[i] = ingest.send_all(servers[i].port, shares[i], threads_per_server)

    started = time.perf_counter()
    senders = [threading.Thread(target=send, args=(i,)) for i in range(len(servers))]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join()
    wall = time.perf_counter() - started
    return wall, [x for o in outcomes for x in o[1]], [x for o in outcomes for x in o[2]]


def part_ingest(args, postgres, work):
    print(f"\n1. Durable ingestion: {args.threads} client threads, batches of {args.batch_size}, "
          f"{args.batches} batches ({args.batches * args.batch_size:,} events) a run, {args.runs} runs", flush=True)
    url = postgres.create_database("lineup_ingest")
    a = Server("ingest-pg-a", args.binary, work, database_url=url, connections=args.pool)
    b = None
    try:
        a.wait_ready(args.ready_timeout)
        b = Server("ingest-pg-b", args.binary, work, database_url=url, connections=args.pool)
        b.wait_ready(args.ready_timeout)
        print(f"  two replicas on PostgreSQL, {args.threads // 2} threads each "
              f"(pool {args.pool or 16} connections a replica)", flush=True)
        postgres.settle()
        replicated = ingest_runs("2 x PostgreSQL", [a, b], args, postgres)
    finally:
        for s in (a, b):
            if s:
                s.stop()
    s = Server("ingest-sqlite", args.binary, work, sqlite=os.path.join(work, "ingest.sqlite"))
    try:
        s.wait_ready(args.ready_timeout)
        print(f"  one server on SQLite (synchronous=FULL), {args.threads} threads", flush=True)
        postgres.settle()
        single = ingest_runs("1 x SQLite", [s], args, postgres)
    finally:
        s.stop()
    return {"postgres_2_replicas": replicated, "sqlite_1": single}


# --- 2. rank latency ---------------------------------------------------------------------

WRK_SCRIPT = """-- POST /v1/rank for users drawn at random; writes wrk's latency histogram to a file.
local users = {%(users)s}
local out = "%(out)s"
local headers = {["Content-Type"] = "application/json"}
local seeds = %(seed)d
setup = function(thread)
  seeds = seeds + 1
  thread:set("seed", seeds)
end
init = function(args)
  math.randomseed(seed)
end
request = function()
  local body = '{"user_id":"' .. users[math.random(#users)] .. '","surface":"home","k":5}'
  return wrk.format("POST", "/v1/rank", headers, body)
end
done = function(summary, latency, requests)
  local f = io.open(out, "w")
  f:write(string.format("summary %%d %%d %%d %%d %%d %%d\\n", summary.requests, summary.duration,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, summary.errors.timeout, latency.max))
  for i = 1, #latency do
    local value, count = latency(i)
    f:write(string.format("%%d %%d\\n", value, count))
  end
  f:close()
end
"""


def run_wrk(servers, users, args, work, label, duration):
    """One wrk per server, at once, sharing --wrk-threads and --wrk-connections; returns the
    merged figures."""
    n = len(servers)
    threads, connections = max(1, args.wrk_threads // n), max(1, args.wrk_connections // n)
    user_list = ",".join(f'"{u}"' for u in users)
    processes = []
    for i, server in enumerate(servers):
        slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
        out = os.path.join(work, f"wrk-{slug}-{i}.txt")
        script = os.path.join(work, f"rank-{slug}-{i}.lua")
        with open(script, "w") as f:
            f.write(WRK_SCRIPT % {"users": user_list, "out": out, "seed": 1000 * (i + 1)})
        command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "-s", script, "--latency",
                   f"http://127.0.0.1:{server.port}"]
        processes.append((command, out, subprocess.Popen(command, stdout=subprocess.PIPE, text=True)))
    try:
        for _, _, process in processes:
            process.wait()
    finally:
        for _, _, process in processes:
            if process.poll() is None:
                process.kill()
    histogram, requests, errors, status_errors, slowest = {}, 0, 0, 0, 0
    seconds = 0.0
    for command, out, process in processes:
        stdout, _ = process.communicate()
        if process.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{stdout}")
        with open(out) as f:
            head = f.readline().split()
            requests += int(head[1])
            seconds = max(seconds, int(head[2]) / 1e6)
            errors += int(head[3])
            status_errors += int(head[4])
            slowest = max(slowest, int(head[6]))
            for line in f:
                value, count = map(int, line.split())
                histogram[value] = histogram.get(value, 0) + count
    total = sum(histogram.values())

    def at(p):
        rank, seen = p / 100 * total, 0
        for value in sorted(histogram):
            seen += histogram[value]
            if seen >= rank:
                return value / 1000
        return slowest / 1000

    return {"requests_per_second": requests / seconds, "requests": requests, "p50_ms": at(50), "p90_ms": at(90),
            "p99_ms": at(99), "max_ms": slowest / 1000, "socket_errors": errors, "non_2xx": status_errors,
            "wrk": [" ".join(c[:-1]) + " URL" for c, _, _ in processes]}


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def rank_load(servers, users, args, work, label, postgres=None):
    run_wrk(servers, users, args, work, label + " warm-up", 3)  # caches, connections; not counted
    before = (sum(s.cpu() for s in servers), postgres.backend_cpu() if postgres else 0.0, children_cpu(), machine_busy())
    started = time.perf_counter()
    result = run_wrk(servers, users, args, work, label, args.wrk_duration)
    wall = time.perf_counter() - started
    server_cpu = sum(s.cpu() for s in servers) - before[0]
    database_cpu = (postgres.backend_cpu() if postgres else 0.0) - before[1]
    wrk_cpu = children_cpu() - before[2]
    other = machine_busy() - before[3] - server_cpu - database_cpu - wrk_cpu
    result["cpu"] = {"lineup": server_cpu, "postgres": database_cpu, "wrk": wrk_cpu, "rest": other}
    for command in result["wrk"]:
        print(f"  {command}", flush=True)
    print(f"  {label}: {result['requests_per_second']:,.0f} requests/s; p50 {result['p50_ms']:.2f} ms, "
          f"p90 {result['p90_ms']:.2f} ms, p99 {result['p99_ms']:.2f} ms, max {result['max_ms']:.1f} ms; "
          f"{result['non_2xx']} non-2xx, {result['socket_errors']} socket errors", flush=True)
    print(f"  CPU: lineup {server_cpu:.1f} s" + (f", postgres {database_cpu:.1f} s" if postgres else "")
          + f", wrk {wrk_cpu:.1f} s, rest of the machine ~{other:.1f} s of {os.cpu_count() * wall:.1f}", flush=True)
    return result


def check_users(server, users):
    """The user ids taken from PostgreSQL's demo world exist on `server` too."""
    for user in (users[0], users[-1]):
        with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/v1/users/{user}", timeout=10) as r:
            assert r.status == 200, f"{server.name} has no user {user}"


# --- 3. propagation lag ------------------------------------------------------------------

def post_json(conn, path, payload):
    conn.request("POST", path, body=json.dumps(payload).encode(), headers={"Content-Type": "application/json"})
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        raise RuntimeError(f"POST {path}: {response.status} {body[:300]!r}")
    return json.loads(body)


def propagation_lag(a, b, items, args):
    """Seconds from A's 200 for a pin until B ranks the widget first, pinned, per user."""
    rng = random.Random(7)
    to_a = http.client.HTTPConnection("127.0.0.1", a.port, timeout=30)
    to_b = http.client.HTTPConnection("127.0.0.1", b.port, timeout=30)
    lags, polls, timeouts = [], [], 0
    tag = int(time.time())
    for i in range(args.lag_users):
        user, widget = f"u-lag-{tag}-{i:04d}", items[(i * 37) % len(items)]
        now = time.time()
        event = {"event_id": ingest.time_ordered_id(int(now * 1000), rng), "user_id": user, "item_id": widget,
                 "type": "pin", "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now))
                 + f".{int(now * 1000) % 1000:03d}Z"}
        post_json(to_a, "/v1/events", {"events": [event]})
        acknowledged = time.perf_counter()
        count = 0
        while True:
            ranking = post_json(to_b, "/v1/rank", {"user_id": user, "surface": "home", "k": 5})
            count += 1
            first = ranking["items"][0] if ranking["items"] else {}
            if first.get("item_id") == widget and first.get("pinned"):
                lags.append(time.perf_counter() - acknowledged)
                polls.append(count)
                break
            if time.perf_counter() - acknowledged > 10:
                timeouts += 1
                break
            time.sleep(args.poll_ms / 1000)
    to_a.close()
    to_b.close()
    lags.sort()
    return {"users": args.lag_users, "p50_ms": statistics.median(lags) * 1000, "p99_ms": percentile(lags, 99) * 1000,
            "max_ms": lags[-1] * 1000, "median_polls": statistics.median(polls),
            "first_poll_share": sum(1 for p in polls if p == 1) / len(polls), "timeouts": timeouts}


def part_rank_and_lag(args, postgres, work, parts):
    results = {}
    url = postgres.create_database("lineup_demo")
    a = Server("demo-pg-a", args.binary, work, database_url=url, demo=True, connections=args.pool)
    b = None
    try:
        started = time.perf_counter()
        a.wait_ready(args.ready_timeout)
        print(f"\n   (demo world loaded on PostgreSQL through replica A in {time.perf_counter() - started:.0f} s)")
        b = Server("demo-pg-b", args.binary, work, database_url=url, connections=args.pool)
        b.wait_ready(args.ready_timeout)
        users = postgres.psql("SELECT id FROM users ORDER BY id", "lineup_demo").split()
        items = postgres.psql("SELECT id FROM items ORDER BY id", "lineup_demo").split()
        events = int(postgres.psql("SELECT count(*) FROM events", "lineup_demo"))
        results["demo"] = {"users": len(users), "items": len(items), "events": events}
        print(f"   demo world: {len(items)} widgets, {len(users)} users ({users[0]}..{users[-1]}), "
              f"{events:,} events", flush=True)
        if 2 in parts:
            print(f"\n2. Rank latency, closed loop ({args.wrk_threads} wrk threads, {args.wrk_connections} "
                  f"connections in total, {args.wrk_duration} s)", flush=True)
            postgres.settle()
            results["rank_postgres_2_replicas"] = rank_load([a, b], users, args, work, "2 x PostgreSQL", postgres)
        if 3 in parts:
            print(f"\n3. Propagation lag A -> B ({args.lag_users} users, B polled every {args.poll_ms} ms)", flush=True)
            lag = propagation_lag(a, b, items, args)
            results["lag"] = lag
            print(f"  pin acknowledged by A -> first in B's rank: p50 {lag['p50_ms']:.1f} ms, "
                  f"p99 {lag['p99_ms']:.1f} ms, max {lag['max_ms']:.1f} ms; {lag['first_poll_share']:.0%} seen on B's "
                  f"first poll, median {lag['median_polls']:.0f} polls; {lag['timeouts']} not seen within 10 s", flush=True)
    finally:
        for s in (a, b):
            if s:
                s.stop()
    if 2 in parts:
        s = Server("demo-sqlite", args.binary, work, sqlite=os.path.join(work, "demo.sqlite"), demo=True)
        try:
            s.wait_ready(args.ready_timeout)
            print("\n2. (continued) Rank latency, one server on SQLite with the same demo world", flush=True)
            check_users(s, users)
            postgres.settle()
            results["rank_sqlite_1"] = rank_load([s], users, args, work, "1 x SQLite", postgres)
        finally:
            s.stop()
    return results


# --- 4. readiness on a large log ---------------------------------------------------------

FILL_SQL = """
INSERT INTO events (seq, event_id, user_id, session_id, item_id, type, value, ts, request_id, context, received_at)
SELECT f.seq,
       -- UUIDv7-shaped: 48 bits of milliseconds (rising with seq), version 7, then md5 bits
       substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-7' || substr(r, 1, 3) || '-' ||
           substr('89ab', 1 + (f.seq %% 4)::int, 1) || substr(r, 4, 3) || '-' || substr(r, 7, 12),
       u.ids[1 + (f.seq * 7919) %% cardinality(u.ids)],
       's-b-' || (f.seq / 20),
       w.ids[1 + (f.seq * 104729) %% cardinality(w.ids)],
       (ARRAY['view','view','view','open','click','dwell','export','filter_change'])[1 + (f.seq * 31) %% 8],
       CASE WHEN (f.seq * 31) %% 8 = 5 THEN (f.seq %% 120)::float8 END,
       f.ts,
       CASE WHEN f.seq %% 4 = 0 THEN 'r-b-' || (f.seq / 10) END,
       (ARRAY['{"device":"desktop"}','{"device":"mobile"}','{"device":"tablet"}'])[1 + f.seq %% 3],
       f.ts + 0.05
FROM (SELECT s AS seq, %(start)s + (s - %(origin)d) * %(step)s AS ts,
             lpad(to_hex((%(ms)d + s)::bigint), 12, '0') AS h, md5(s::text) AS r
      FROM generate_series(%(first)d::bigint, %(last)d::bigint) AS s) AS f,
     (SELECT array_agg(id ORDER BY id) AS ids FROM users) AS u,
     (SELECT array_agg(id ORDER BY id) AS ids FROM items) AS w
"""


def fill_events(postgres, database, target, chunk=1_000_000):
    """Adds events with SQL until the log holds `target`; returns (added, seconds)."""
    last_seq, rows = map(int, postgres.psql("SELECT last_seq, rows FROM event_log WHERE id = 1", database).split("|"))
    add = max(0, target - rows)
    now = time.time()
    start, step = now - 30 * 86400, (30 * 86400 - 600) / max(add, 1)  # the last 30 days, in log order
    started = time.perf_counter()
    first = last_seq + 1
    while first <= last_seq + add:
        last = min(first + chunk - 1, last_seq + add)
        postgres.psql(FILL_SQL % {"start": repr(start), "step": repr(step), "origin": last_seq + 1, "first": first,
                                  "last": last, "ms": int(start * 1000)}, database)
        print(f"  filled {last - last_seq:,}/{add:,} ({time.perf_counter() - started:.0f} s)", flush=True)
        first = last + 1
    postgres.psql(f"UPDATE event_log SET last_seq = {last_seq + add}, rows = {rows + add} WHERE id = 1", database)
    return add, time.perf_counter() - started


def check_schema(postgres, database):
    """The events table still has the columns FILL_SQL writes."""
    print(postgres.psql("\\d events", database, quiet=False).rstrip())
    columns = postgres.psql("SELECT column_name FROM information_schema.columns WHERE table_name = 'events' "
                            "ORDER BY ordinal_position", database).split()
    if columns != EVENT_COLUMNS:
        raise RuntimeError(f"events has columns {columns}, the fill writes {EVENT_COLUMNS}")


WARMED = re.compile(r"events=(\d+).*?seconds=([\d.]+)|seconds=([\d.]+).*?events=(\d+)")


def part_readiness(args, postgres, work, have_demo):
    print(f"\n4. Readiness of a fresh replica on a log of {args.events:,} events", flush=True)
    if not have_demo:  # the demo database is the template; made here when part 2/3 did not run
        url = postgres.create_database("lineup_demo")
        s = Server("demo-pg-a", args.binary, work, database_url=url, demo=True, connections=args.pool)
        try:
            s.wait_ready(args.ready_timeout)
        finally:
            s.stop()
    postgres.create_database("lineup_large", template="lineup_demo")
    check_schema(postgres, "lineup_large")
    added, fill_seconds = fill_events(postgres, "lineup_large", args.events)
    started = time.perf_counter()
    postgres.psql("VACUUM ANALYZE events", "lineup_large")
    vacuum_seconds = time.perf_counter() - started
    total = int(postgres.psql("SELECT count(*) FROM events", "lineup_large"))
    size = postgres.psql("SELECT pg_size_pretty(pg_total_relation_size('events'))", "lineup_large").strip()
    print(f"  {added:,} events added in {fill_seconds:.0f} s, VACUUM ANALYZE {vacuum_seconds:.0f} s; "
          f"events: {total:,} rows, {size} with indexes", flush=True)
    url = postgres.url_for("lineup_large")
    postgres.settle()
    busy, database_cpu = machine_busy(), postgres.backend_cpu()
    s = Server("large-pg", args.binary, work, database_url=url, connections=args.pool)
    try:
        ready = s.wait_ready(args.ready_timeout)
        rss, cpu = s.rss_mib(), s.cpu()
        database_cpu = postgres.backend_cpu() - database_cpu
        other = machine_busy() - busy - cpu - database_cpu
    finally:
        s.stop()
    log = s.log_text()
    line = next((l for l in log.splitlines() if "warmed up" in l), "")
    match = WARMED.search(line)
    warm_events = int(match.group(1) or match.group(4)) if match else None
    warm_seconds = float(match.group(2) or match.group(3)) if match else None
    print(f"  process start -> /readyz 200: {ready:.1f} s; RSS then {rss:,.0f} MiB; CPU: lineup {cpu:.1f} s, "
          f"postgres {database_cpu:.1f} s, rest of the machine ~{other:.1f} s of {os.cpu_count() * ready:.1f}")
    print(f"  log: {line.strip()}", flush=True)
    return {"events": total, "fill_seconds": fill_seconds, "vacuum_seconds": vacuum_seconds, "table_size": size,
            "ready_seconds": ready, "warmed_up_events": warm_events, "warmed_up_seconds": warm_seconds,
            "rss_mib": rss, "cpu_seconds": cpu, "postgres_cpu_seconds": database_cpu, "other_cpu_seconds": other,
            "warmed_up_line": line.strip()}


# --- report ------------------------------------------------------------------------------

def problems(work):
    """Warning and error lines from every server's log, and the BLAS line."""
    blas, issues = None, []
    for name in sorted(os.listdir(work)):
        if not name.endswith(".log"):
            continue
        with open(os.path.join(work, name), errors="replace") as f:
            for line in f:
                if "BLAS:" in line and blas is None:
                    blas = line.split("BLAS:", 1)[1].strip()
                if re.search(r"\b(warning|error|critical)\b", line) and "no tokens configured" not in line:
                    issues.append(f"{name}: {line.rstrip()}")
    return blas, issues


def summary(results, timings, blas):
    print("\n## Summary")
    print(f"machine: {os.cpu_count()} cores; BLAS: {blas or 'not logged'}")
    rows = []
    if "ingest" in results:
        for key, label in (("postgres_2_replicas", "2 replicas, PostgreSQL"), ("sqlite_1", "1 server, SQLite")):
            r = results["ingest"][key]
            rows.append((f"ingest, {label}", f"{r['events_per_second']:,.0f} events/s",
                         f"batch p50 {r['p50_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms"))
    for key, label in (("rank_postgres_2_replicas", "2 replicas, PostgreSQL"), ("rank_sqlite_1", "1 server, SQLite")):
        r = results.get("rank", {}).get(key)
        if r:
            rows.append((f"rank, {label}", f"{r['requests_per_second']:,.0f} requests/s",
                         f"p50 {r['p50_ms']:.2f} ms, p90 {r['p90_ms']:.2f} ms, p99 {r['p99_ms']:.2f} ms"))
    lag = results.get("rank", {}).get("lag")
    if lag:
        rows.append(("propagation A -> B", f"{lag['users']} pins",
                     f"p50 {lag['p50_ms']:.1f} ms, p99 {lag['p99_ms']:.1f} ms, max {lag['max_ms']:.1f} ms"))
    if "readiness" in results:
        r = results["readiness"]
        rows.append((f"ready on {r['events']:,} events", f"{r['ready_seconds']:.1f} s to /readyz 200",
                     f"warmed up: events={r['warmed_up_events']} seconds={r['warmed_up_seconds']}"))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(("measure", "figure", "detail"), widths)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |")
    print("time per part: " + ", ".join(f"{k} {v:.0f} s" for k, v in timings.items()))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=".build/release/lineup")
    parser.add_argument("--postgres-url", help="an existing server (trust auth, may CREATE DATABASE); "
                        "default: a throwaway cluster in a temporary directory")
    parser.add_argument("--parts", default="1,2,3,4", help="which parts to run, e.g. 1,4")
    parser.add_argument("--runs", type=int, default=3, help="ingestion runs; the median is reported")
    parser.add_argument("--threads", type=int, default=8, help="ingestion client threads in total")
    parser.add_argument("--batches", type=int, default=400, help="ingestion batches a run")
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--pool", type=int, help="LINEUP_DATABASE_CONNECTIONS per replica (default: the server's, 16)")
    parser.add_argument("--wrk-threads", type=int, default=2, help="wrk threads in total")
    parser.add_argument("--wrk-connections", type=int, default=16, help="wrk connections in total")
    parser.add_argument("--wrk-duration", type=int, default=20, help="seconds of measured rank load")
    parser.add_argument("--lag-users", type=int, default=200)
    parser.add_argument("--poll-ms", type=float, default=2.0)
    parser.add_argument("--events", type=int, default=10_000_000, help="events in the log for the readiness part")
    parser.add_argument("--ready-timeout", type=float, default=3600.0, help="seconds a server may take to be ready")
    args = parser.parse_args()
    args.binary = os.path.abspath(args.binary)
    parts = {int(p) for p in args.parts.split(",")}
    if not os.access(args.binary, os.X_OK):
        raise SystemExit(f"no binary at {args.binary} (swift build -c release --product lineup)")
    if (2 in parts) and not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install -y wrk)")

    def interrupted(number, frame):  # SIGTERM or SIGINT (ignored in background jobs otherwise): clean up
        raise SystemExit(f"stopped by signal {number}")

    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGINT, interrupted)
    work = tempfile.mkdtemp(prefix="lineup-replicas-")
    os.chmod(work, 0o755)  # the cluster's directory inside it belongs to the postgres user
    postgres = None
    results, timings = {}, {}
    try:
        postgres = Postgres(work, args.postgres_url)
        print(f"machine: {os.cpu_count()} cores; binary {args.binary}; work directory {work}", flush=True)
        if 1 in parts:
            started = time.perf_counter()
            results["ingest"] = part_ingest(args, postgres, work)
            timings["ingestion"] = time.perf_counter() - started
        if parts & {2, 3}:
            started = time.perf_counter()
            results["rank"] = part_rank_and_lag(args, postgres, work, parts)
            timings["demo + rank + lag"] = time.perf_counter() - started
        if 4 in parts:
            started = time.perf_counter()
            results["readiness"] = part_readiness(args, postgres, work, have_demo=bool(parts & {2, 3}))
            timings["fill + readiness"] = time.perf_counter() - started
        blas, issues = problems(work)
        summary(results, timings, blas)
        print(f"\nwarning/error lines in the servers' logs (besides 'no tokens configured'): {len(issues)}")
        for line in issues[:40]:
            print("  " + line)
        print(json.dumps({"cores": os.cpu_count(), "blas": blas, "timings_s": timings, **results}, default=str))
    finally:
        if postgres:
            postgres.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
