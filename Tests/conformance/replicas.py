#!/usr/bin/env python3
"""Replicas of `lineup serve` sharing one PostgreSQL database keep their promises.

Usage: LINEUP_TEST_POSTGRES_URL=postgres://lineup@127.0.0.1:PORT/postgres?sslmode=disable \
           python3 Tests/conformance/replicas.py .build/debug/lineup

Each scenario runs on a fresh database (CREATE DATABASE through psql, dropped afterwards)
with two replicas, A and B, started here on free loopback ports from the repository root
(where `models/` is) and stopped at the end whatever happens. What was committed is read
back with psql. One line per scenario gives its measured figures; a broken promise makes
the run exit with status 1 after saying what was seen, with the tail of the replica's log.

1. Event on A, rank on B within 1 s. A replica applies the others' events by tailing the
   log (LISTEN/NOTIFY to wake, polling every 250 ms as the guarantee). For 30 users a `pin`
   is sent to A, then B is asked to rank every 10 ms until the widget comes first, pinned:
   the lag from A's acknowledgement must stay under 1 s (p50, p99 and max are printed).
2. A model activated on A is served by B. Models and the active version live in the
   database: `PUT /v1/models/active` null on A must reach B's listing and its rank
   responses (the fallback order) within 1 s, and "default" put on B must reach A likewise.
3. Four concurrent settlers on two replicas reward each decision once. 400 responses of a
   surface with layouts are served through both replicas; then four threads (two per
   replica) send the reward events at the same time: each event to both replicas with the
   same event_id (one is a duplicate), and a second event with another id for the same
   decision (both replicas try to settle it). Every rewarded decision must have
   layout_reward = 1, the others none yet, and bandit_evidence must count each reward
   exactly once per (segment, arm) (settlers lock decisions FOR UPDATE SKIP LOCKED and
   write evidence under an advisory lock); both replicas' posteriors must agree.
4. SIGKILL of one replica during ingestion. Four threads send batches of 100 events to A and
   B alternately; after 2 s B is killed. A batch B never answered is not acknowledged; its
   thread resends it to A (same ids, as a client retries) and uses A from then on. Every
   acknowledged event must be stored exactly once, and A must answer rank requests
   throughout.
5. The database restarted under load, on a cluster of this scenario's own (postgres.sh
   start; pg_ctl restart -m fast keeps the port, read from postmaster.opts). Two threads
   ingest through A and B, retrying a refused batch after its Retry-After. So that the
   restart catches writes in flight every time, a psql session holds the lock each insert
   takes first (event_log's row) until the server stops it. Every write must be answered:
   a 200, or while the database is away 503 problem+json with Retry-After (never a 500 and
   never silence); every acknowledged event must be stored; both replicas, the same
   processes, must be ready and writing again within 30 s, and B must again follow A's
   events within 1 s.
"""

import contextlib
import glob
import http.client
import json
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timezone

REPOSITORY = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CATALOG = [f"w-{n:02d}" for n in range(20)]
FOLLOW_LIMIT = 1.0  # seconds for a change on one replica to reach the other
RECOVERY_LIMIT = 30.0  # seconds for replicas to be ready again after the database restarts
LOG_TAIL_LINES = 40

# Loopback only: an http_proxy in the environment must not see these requests.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class Failure(Exception):
    """A broken promise; `replica` names the one whose log tells the story, if one does."""

    def __init__(self, message, replica=None):
        super().__init__(message)
        self.replica = replica


class Unreachable(Exception):
    """No HTTP answer at all: connection refused or reset, or a timeout."""


# ---------------------------------------------------------------------------- helpers


class Response:
    def __init__(self, status, headers, raw):
        self.status = status
        self.headers = headers
        self.raw = raw

    @property
    def json(self):
        return json.loads(self.raw)

    @property
    def content_type(self):
        return (self.headers.get("Content-Type") or "").split(";")[0].strip()

    def __str__(self):
        return f"{self.status} {self.raw[:300].decode(errors='replace')}"


def call(port, method, path, body=None, timeout=15):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with OPENER.open(request, timeout=timeout) as answer:
            return Response(answer.status, answer.headers, answer.read())
    except urllib.error.HTTPError as error:
        return Response(error.code, error.headers, error.read())
    except (OSError, http.client.HTTPException) as error:  # URLError, resets and timeouts are OSErrors
        raise Unreachable(f"{method} {path} on port {port}: {error}") from error


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def now_rfc3339():
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def event(event_id, user, item, kind, request_id=None):
    fields = {"event_id": event_id, "user_id": user, "item_id": item, "type": kind, "timestamp": now_rfc3339()}
    if request_id is not None:
        fields["request_id"] = request_id
    return fields


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def milliseconds(seconds):
    return f"{seconds * 1000:.0f} ms"


def wait_until(condition, timeout, interval=0.01):
    """Polls `condition` until it returns something truthy; returns it with the time taken, or (None, timeout)."""
    start = time.monotonic()
    while True:
        result = condition()
        elapsed = time.monotonic() - start
        if result:
            return result, elapsed
        if elapsed > timeout:
            return None, elapsed
        time.sleep(interval)


def run_threads(targets):
    threads = [threading.Thread(target=target, daemon=True) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


# ------------------------------------------------------------------------ PostgreSQL


def database_url(server_url, name):
    parts = urllib.parse.urlsplit(server_url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def psql(url, sql):
    """Rows of `sql` as lists of strings (psql's unaligned output)."""
    done = subprocess.run(["psql", url, "-X", "-v", "ON_ERROR_STOP=1", "-Atc", sql], capture_output=True, text=True)
    if done.returncode != 0:
        raise Failure(f"psql failed on `{sql}`: {done.stderr.strip()}")
    return [line.split("|") for line in done.stdout.splitlines()]


def stored_event_ids(url, prefix):
    """The distinct event ids stored under `prefix`, and the number of rows holding them."""
    ids = [row[0] for row in psql(url, f"SELECT event_id FROM events WHERE event_id LIKE '{prefix}%'")]
    return set(ids), len(ids)


class Cluster:
    """A throwaway PostgreSQL server of our own (postgres.sh), which this script may restart."""

    def __init__(self):
        self.directory = tempfile.mkdtemp(prefix="lineup-replicas-pg-")
        self.script = os.path.join(REPOSITORY, "Tests", "conformance", "postgres.sh")
        started = subprocess.run([self.script, "start", self.directory], capture_output=True, text=True)
        if started.returncode != 0:
            raise Failure(f"postgres.sh start failed: {started.stderr.strip()}")
        self.url = started.stdout.strip().splitlines()[-1]

    @property
    def data(self):
        return os.path.join(self.directory, "data")

    def options(self):
        with open(os.path.join(self.data, "postmaster.opts")) as file:
            return file.read().strip()

    def restart(self):
        """`pg_ctl restart -m fast`: the server reuses postmaster.opts (port and socket directory)."""
        bindir = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda path: int(path.split("/")[-2]))[-1]
        command = [f"{bindir}/pg_ctl", "-D", self.data, "-m", "fast", "-w", "-t", "60",
                   "-l", os.path.join(self.directory, "server.log"), "restart"]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--"] + command
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            raise Failure(f"pg_ctl restart failed: {done.stdout.strip()} {done.stderr.strip()}")

    def stop(self):
        subprocess.run([self.script, "stop", self.directory], capture_output=True)
        shutil.rmtree(self.directory, ignore_errors=True)


# --------------------------------------------------------------------------- replicas


class Replica:
    """One `lineup serve` process on a free loopback port, its output in a log file."""

    def __init__(self, name, binary, url, log_path):
        self.name = name
        self.port = free_port()
        self.log_path = log_path
        self.killed = False
        environment = {key: value for key, value in os.environ.items() if not key.startswith("LINEUP_")}
        environment["LINEUP_DATABASE_URL"] = url
        with open(log_path, "wb") as log:
            self.process = subprocess.Popen(
                [binary, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning"],
                cwd=REPOSITORY, env=environment, stdout=log, stderr=subprocess.STDOUT)

    def call(self, method, path, body=None, timeout=15):
        return call(self.port, method, path, body, timeout)

    def expect(self, method, path, body=None, status=200):
        response = self.call(method, path, body)
        if response.status != status:
            raise Failure(f"{method} {path} on {self.name} answered {response}, expected {status}", self)
        return response.json

    def rank(self, user, surface="home", k=5):
        return self.expect("POST", "/v1/rank", {"user_id": user, "surface": surface, "k": k})

    def ingest(self, events):
        return self.expect("POST", "/v1/events", {"events": events})

    def ready(self):
        try:
            return self.call("GET", "/readyz", timeout=5).status == 200
        except Unreachable:
            return False

    def wait_ready(self, timeout=60):
        def ready_or_exited():
            return self.process.poll() is not None or self.ready()

        wait_until(ready_or_exited, timeout, interval=0.1)
        if self.process.poll() is not None:
            raise Failure(f"replica {self.name} exited with status {self.process.returncode} while starting", self)
        if not self.ready():
            raise Failure(f"replica {self.name} was not ready within {timeout:.0f} s", self)

    def kill(self):
        self.killed = True
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        """SIGTERM (a graceful shutdown), SIGKILL after 10 s; False when it came to that."""
        if self.process.poll() is not None:
            return True
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
            return True
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            return False

    def log_tail(self):
        try:
            with open(self.log_path, errors="replace") as log:
                return "".join(log.readlines()[-LOG_TAIL_LINES:])
        except OSError as error:
            return f"(no log: {error})"


class Lab:
    """What every scenario needs: the binary, a PostgreSQL server, a work directory; and the
    replicas of the scenario running now, whose logs a failure shows."""

    def __init__(self, binary, server_url, workdir):
        self.binary = binary
        self.server_url = server_url
        self.workdir = workdir
        self.replicas = []
        self.databases = 0

    @contextlib.contextmanager
    def pair(self, scenario, server_url=None):
        """A fresh database on `server_url` (the test server by default) and replicas A and B on it."""
        server_url = server_url or self.server_url
        self.databases += 1
        name = f"lineup_replicas_{os.getpid()}_{self.databases}"
        psql(server_url, f"CREATE DATABASE {name}")
        url = database_url(server_url, name)
        self.replicas = []
        try:
            for letter in "AB":
                log = os.path.join(self.workdir, f"{scenario}-{letter}.log")
                self.replicas.append(Replica(letter, self.binary, url, log))
            for replica in self.replicas:
                replica.wait_ready()
            a, b = self.replicas
            seed_catalog(a, b)
            yield a, b, url
            for replica in self.replicas:
                if not replica.killed and replica.process.poll() is not None:
                    raise Failure(f"replica {replica.name} exited with status {replica.process.returncode}", replica)
        finally:
            for replica in self.replicas:
                if not replica.stop():
                    print(f"note: replica {replica.name} had not exited 10 s after SIGTERM and was killed", flush=True)
            with contextlib.suppress(Failure):
                psql(server_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def seed_catalog(a, b):
    """A small catalog written on A, and waited for on B (which follows the change feed)."""
    items = [{"id": item, "title": f"Widget {item}", "type": "kpi" if n % 2 else "chart", "tags": [f"t{n % 3}"]}
             for n, item in enumerate(CATALOG)]
    a.expect("POST", "/v1/items/batch", {"items": items})
    # B's rank reads its memory, which follows the change feed; `GET /v1/items/{id}` would
    # read the database and say nothing of it.
    found, _ = wait_until(lambda: len(b.rank("catalog-probe", k=len(CATALOG))["items"]) == len(CATALOG), timeout=10)
    if not found:
        raise Failure("replica B did not serve the catalog written on A within 10 s", b)


# -------------------------------------------------------------------------- scenarios


def wait_for_pin(replica, user, widget, timeout):
    """Seconds until `replica` ranks `widget` first and pinned for `user`, or None."""

    def pinned_first():
        top = replica.rank(user)["items"][0]
        return top["item_id"] == widget and top["pinned"]

    found, elapsed = wait_until(pinned_first, timeout)
    return elapsed if found else None


def scenario_event_follow(lab):
    with lab.pair("1-event-follow") as (a, b, _):
        lags = []
        for n in range(30):
            user, widget = f"u-follow-{n:02d}", CATALOG[(7 * n + 3) % len(CATALOG)]
            counts = a.ingest([event(f"pin-{n:02d}", user, widget, "pin")])
            if counts.get("stored") != 1:
                raise Failure(f"A stored {counts} for a new pin event", a)
            lag = wait_for_pin(b, user, widget, timeout=10)
            if lag is None:
                raise Failure(f"B never ranked {widget} first and pinned for {user} (10 s after A stored the pin)", b)
            lags.append(lag)
        slow = [lag for lag in lags if lag > FOLLOW_LIMIT]
        if slow:
            raise Failure(f"{len(slow)} of 30 pins reached B after more than {FOLLOW_LIMIT} s: "
                          f"{', '.join(milliseconds(lag) for lag in slow)}", b)
        return (f"30 pins, lag p50 {milliseconds(percentile(lags, 0.5))}, p99 {milliseconds(percentile(lags, 0.99))}, "
                f"max {milliseconds(max(lags))}")


def wait_for_model(replica, version, timeout):
    """Seconds until `replica` lists `version` as active (None: no model) and ranks with it."""

    def serving():
        listed = replica.expect("GET", "/v1/models").get("active")
        ranking = replica.rank("u-model")
        served = ranking.get("model_version") if ranking["ranker"] == "two_stage" else None
        return listed == version and served == version

    found, elapsed = wait_until(serving, timeout)
    if not found:
        raise Failure(f"{replica.name} did not list and serve model {version!r} within {timeout} s", replica)
    return elapsed


def scenario_model_follow(lab):
    with lab.pair("2-model-follow") as (a, b, url):
        if a.expect("GET", "/v1/models").get("active") != "default":
            raise Failure("a new database should start with the shipped model `default` active", a)
        answer = a.expect("PUT", "/v1/models/active", {"version": None})
        if "active" in answer:
            raise Failure(f"PUT null on A answered active={answer['active']!r}", a)
        to_b = wait_for_model(b, None, timeout=5)
        answer = b.expect("PUT", "/v1/models/active", {"version": "default"})
        if answer.get("active") != "default":
            raise Failure(f"PUT default on B answered active={answer.get('active')!r}", b)
        to_a = wait_for_model(a, "default", timeout=5)
        stored = psql(url, "SELECT coalesce(active, '') FROM model_state")[0][0]
        if stored != "default":
            raise Failure(f"model_state.active is {stored!r} after PUT default on B")
        for lag, replica in ((to_b, b), (to_a, a)):
            if lag > FOLLOW_LIMIT:
                raise Failure(f"the model change reached {replica.name} after {milliseconds(lag)}", replica)
        return f"null A→B in {milliseconds(to_b)}, default B→A in {milliseconds(to_a)}"


LAYOUT_SURFACE = "board"


def serve_layout_decisions(a, b, count):
    """`count` rank responses of the layout surface, half through each replica (4 threads)."""
    decisions, errors, lock = [], [], threading.Lock()

    def serve(replica, offset):
        for n in range(offset, count, 4):
            user = f"u-layout-{n:04d}"
            try:
                ranking = replica.rank(user, LAYOUT_SURFACE)
            except (Failure, Unreachable) as error:
                with lock:
                    errors.append(error)
                return
            with lock:
                decisions.append((ranking["request_id"], user, ranking["items"][0]["item_id"], ranking.get("layout")))

    run_threads([lambda replica=replica, offset=offset: serve(replica, offset)
                 for offset, replica in enumerate((a, b, a, b))])
    if errors:
        raise Failure(f"serving rank responses failed: {errors[0]}")
    without = [request_id for request_id, _, _, layout in decisions if not layout]
    if without:
        raise Failure(f"{len(without)} responses of a surface with layouts carried no layout, e.g. {without[0]}")
    return decisions


def send_rewards(a, b, rewarded):
    """Every reward event to both replicas at once from four threads: two events per decision
    (`-x` and `-y` ids), each sent to A and to B. Returns the summed stored/duplicate counts."""
    totals, errors, lock = {"stored": 0, "duplicates": 0}, [], threading.Lock()
    start = threading.Barrier(4)

    def send(replica, suffix, kind):
        start.wait()
        for first in range(0, len(rewarded), 5):
            batch = [event(f"reward-{n:04d}-{suffix}", user, item, kind, request_id)
                     for n, (request_id, user, item) in enumerate(rewarded[first:first + 5], start=first)]
            try:
                counts = replica.ingest(batch)
            except (Failure, Unreachable) as error:
                with lock:
                    errors.append(error)
                return
            with lock:
                totals["stored"] += counts["stored"]
                totals["duplicates"] += counts["duplicates"]

    run_threads([lambda: send(a, "x", "click"), lambda: send(b, "x", "click"),
                 lambda: send(a, "y", "open"), lambda: send(b, "y", "open")])
    if errors:
        raise Failure(f"sending reward events failed: {errors[0]}")
    return totals


def expected_evidence(rows):
    """(segment, arm) → successes the rewarded decisions must add: each counts in its own
    segment and in the whole surface ("")."""
    expected = {}
    for _, arm, segment, reward in rows:
        if reward == "1":
            for key in {("", arm), (segment, arm)}:
                expected[key] = expected.get(key, 0) + 1
    return expected


def bandit_successes(replica):
    state = replica.expect("GET", f"/v1/surfaces/{LAYOUT_SURFACE}/bandit")
    whole = next(segment for segment in state["segments"] if segment["segment"] == "")
    return sum(arm["successes"] for arm in whole["arms"]), sum(arm["failures"] for arm in whole["arms"])


def configure_layouts(a, b):
    """Two layouts on the surface, configured on A and waited for on B."""
    layouts = [{"id": "grid-3", "name": "Three columns", "params": {"columns": 3}},
               {"id": "list", "name": "List", "params": {"columns": 1}}]
    a.expect("PUT", f"/v1/surfaces/{LAYOUT_SURFACE}/layouts", {"layouts": layouts})
    found, _ = wait_until(lambda: "layout" in b.rank("u-layout-probe", LAYOUT_SURFACE), timeout=5, interval=0.05)
    if not found:
        raise Failure("B served no layout for 5 s after A configured the surface's layouts", b)


def layout_decisions(url):
    """Every decision of the surface in the impression log: [request_id, arm, segment, reward or ""]."""
    return psql(url, f"SELECT request_id, layout_arm, coalesce(layout_segment, ''), coalesce(layout_reward::text, '') "
                     f"FROM impressions WHERE surface = '{LAYOUT_SURFACE}' AND layout_arm IS NOT NULL")


def scenario_settlement(lab):
    with lab.pair("3-settlement") as (a, b, url):
        configure_layouts(a, b)
        decisions = serve_layout_decisions(a, b, 400)
        served = {request_id for request_id, _, _, _ in decisions}
        logged, _ = wait_until(lambda: served <= {row[0] for row in layout_decisions(url)}, timeout=10, interval=0.2)
        if not logged:
            raise Failure("the 400 layout decisions served were not all in the impression log within 10 s")
        rewarded = [(request_id, user, item) for n, (request_id, user, item, _) in enumerate(decisions) if n % 4 != 3]
        totals = send_rewards(a, b, rewarded)
        events = 2 * len(rewarded)
        if totals != {"stored": events, "duplicates": events}:
            raise Failure(f"{events} distinct reward events, each sent to both replicas, were counted {totals}; "
                          f"expected stored {events} and duplicates {events}")

        def settled():
            rows = layout_decisions(url)
            return rows if sum(reward != "" for _, _, _, reward in rows) >= len(rewarded) else None

        rows, settling = wait_until(settled, timeout=10, interval=0.2)
        rows = rows or layout_decisions(url)
        check_rewards(rows, {request_id for request_id, _, _ in rewarded})
        check_evidence(url, rows)
        for replica in (a, b):
            found, _ = wait_until(lambda r=replica: bandit_successes(r) == (len(rewarded), 0), timeout=3, interval=0.05)
            if not found:
                raise Failure(f"{replica.name}'s posteriors for segment '' count (successes, failures) "
                              f"{bandit_successes(replica)}, expected ({len(rewarded)}, 0)", replica)
        return (f"{len(decisions)} decisions served, {len(rewarded)} rewarded by {events} events each sent to both "
                f"replicas from 4 threads ({2 * events} sends): every one settled once "
                f"within {milliseconds(settling)}, "
                f"bandit_evidence '' = {len(rewarded)} successes, 0 failures, on both replicas too")


def check_rewards(rows, rewarded):
    by_request = {row[0]: row[3] for row in rows}
    missing = [request_id for request_id in rewarded if by_request.get(request_id) != "1"]
    if missing:
        raise Failure(f"{len(missing)} of {len(rewarded)} rewarded decisions do not have layout_reward = 1, e.g. "
                      f"{missing[0]} has {by_request.get(missing[0])!r}")
    wrong = [request_id for request_id, reward in by_request.items() if request_id not in rewarded and reward != ""]
    if wrong:
        raise Failure(f"{len(wrong)} decisions without a reward event were settled before their window closed, "
                      f"e.g. {wrong[0]} = {by_request[wrong[0]]}")


def check_evidence(url, rows):
    expected = expected_evidence(rows)
    stored = {(segment, arm): (float(successes), float(failures)) for segment, arm, successes, failures in psql(
        url, f"SELECT segment, arm, successes, failures FROM bandit_evidence WHERE surface = '{LAYOUT_SURFACE}'")}
    for key in sorted(set(expected) | set(stored)):
        successes, failures = stored.get(key, (0.0, 0.0))
        if abs(successes - expected.get(key, 0)) > 1e-9 or failures != 0:
            raise Failure(f"bandit_evidence (segment {key[0]!r}, arm {key[1]!r}) holds {successes:g} successes and "
                          f"{failures:g} failures; the impression log has {expected.get(key, 0)} rewarded decisions "
                          f"and none settled at 0. All rows: {sorted(stored.items())}")


class Ledger:
    """What ingesting threads saw, under a lock: the acknowledged event ids, the batches left
    unanswered, the 503 refusals, and the broken promises."""

    def __init__(self):
        self.lock = threading.Lock()
        self.acknowledged = set()
        self.batches = 0
        self.duplicates = 0
        self.unacknowledged = 0
        self.refusals = []  # Responses
        self.hung = []  # (replica, batch, monotonic time sent) of writes never answered
        self.errors = []  # (replica, message)

    def acknowledge(self, batch, counts):
        with self.lock:
            self.acknowledged.update(item["event_id"] for item in batch)
            self.batches += 1
            self.duplicates += counts.get("duplicates", 0)

    def lose(self):
        with self.lock:
            self.unacknowledged += 1

    def refuse(self, response):
        with self.lock:
            self.refusals.append(response)

    def hang(self, replica, batch, sent):
        with self.lock:
            self.hung.append((replica, batch, sent))

    def fail(self, replica, message):
        with self.lock:
            self.errors.append((replica, message))

    def check(self):
        if self.errors:
            replica, message = self.errors[0]
            raise Failure(message, replica)


def view_batch(prefix, thread, number, size):
    """`size` view events whose ids are unique to (prefix, thread, number)."""
    return [event(f"{prefix}-{thread}-{number:05d}-{n:03d}", f"u-{prefix}-{n % 50:02d}", CATALOG[n % len(CATALOG)],
                  "view") for n in range(size)]


def post_batch(replica, batch, timeout=15):
    return replica.call("POST", "/v1/events", {"events": batch}, timeout)


def scenario_sigkill(lab):
    with lab.pair("4-sigkill") as (a, b, url):
        ledger, stop = Ledger(), threading.Event()
        ranks = {"answered": 0, "slowest": 0.0}

        def ingest(thread):
            b_gone = False
            for number in range(10 ** 6):
                if stop.is_set():
                    return
                batch = view_batch("kill", thread, number, 100)
                replica = a if b_gone or (number + thread) % 2 == 0 else b
                while True:
                    try:
                        response = post_batch(replica, batch)
                        break
                    except Unreachable as error:
                        if replica is a or not b.killed:
                            return ledger.fail(replica, f"{replica.name} gave no answer to a batch: {error}")
                        ledger.lose()  # B is gone and never acknowledged this batch:
                        b_gone, replica = True, a  # the client resends it to A, same event ids
                if response.status != 200:
                    return ledger.fail(replica, f"{replica.name} answered a batch with {response}")
                ledger.acknowledge(batch, response.json)

        def rank_on_a():
            while not stop.is_set():
                started = time.monotonic()
                try:
                    a.rank(f"u-kill-{ranks['answered'] % 50:02d}")
                except (Failure, Unreachable) as error:
                    return ledger.fail(a, f"rank on A failed: {error}")
                ranks["answered"] += 1
                ranks["slowest"] = max(ranks["slowest"], time.monotonic() - started)
                time.sleep(0.02)

        threads = [threading.Thread(target=ingest, args=(n,), daemon=True) for n in range(4)]
        threads.append(threading.Thread(target=rank_on_a, daemon=True))
        for thread in threads:
            thread.start()
        time.sleep(2)
        b.kill()
        time.sleep(3)
        stop.set()
        for thread in threads:
            thread.join()
        ledger.check()
        a.rank("u-kill-after")
        check_stored_once(url, "kill", ledger.acknowledged)
        return (f"{ledger.batches} batches ({len(ledger.acknowledged)} events) acknowledged; "
                f"{ledger.unacknowledged} unanswered by the killed B and resent to A ({ledger.duplicates} of their "
                f"events B had stored); every acknowledged event stored once; A answered {ranks['answered']} ranks "
                f"throughout, slowest {milliseconds(ranks['slowest'])}")


def check_stored_once(url, prefix, acknowledged):
    stored, rows = stored_event_ids(url, prefix)
    if rows != len(stored):
        raise Failure(f"{rows - len(stored)} event ids are stored more than once")
    missing = acknowledged - stored
    if missing:
        raise Failure(f"{len(missing)} of {len(acknowledged)} acknowledged events are not stored, "
                      f"e.g. {sorted(missing)[:3]}")


def is_refusal(response):
    """What a replica must answer while the database is away: 503 problem+json with Retry-After."""
    return (response.status == 503 and response.headers.get("Retry-After") is not None
            and response.content_type == "application/problem+json")


def scenario_database_restart(lab):
    cluster = Cluster()
    try:
        with lab.pair("5-database-restart", cluster.url) as (a, b, url):
            return restart_under_load(cluster, a, b, url)
    finally:
        cluster.stop()


INGEST_TIMEOUT = 10  # seconds; a replica must answer a write (503 at worst) within about 3 s


def restart_under_load(cluster, a, b, url):
    ledger, stop = Ledger(), threading.Event()
    pids = (a.process.pid, b.process.pid)
    options = cluster.options()

    def ingest(replica, thread):
        for number in range(10 ** 6):
            batch = view_batch("restart", thread, number, 50)
            while not stop.is_set():  # the same batch again after a refusal
                sent = time.monotonic()
                try:
                    response = post_batch(replica, batch, timeout=INGEST_TIMEOUT)
                except Unreachable:
                    return ledger.hang(replica, batch, sent)
                if response.status == 200:
                    ledger.acknowledge(batch, response.json)
                    break
                if not is_refusal(response):
                    return ledger.fail(replica, f"{replica.name} answered a batch with {response} (Retry-After "
                                                f"{response.headers.get('Retry-After')!r}, {response.content_type!r})")
                ledger.refuse(response)
                time.sleep(min(float(response.headers["Retry-After"]), 5))
            if stop.is_set():
                return

    threads = [threading.Thread(target=ingest, args=(replica, n), daemon=True) for n, replica in enumerate((a, b))]
    for thread in threads:
        thread.start()
    time.sleep(2)
    blocker = hold_log_lock(url)
    in_flight = wait_for_blocked_writes(url, 2)
    begun = time.monotonic()
    cluster.restart()
    outage = time.monotonic() - begun
    blocker.wait()
    recovery = {replica.name: wait_for_recovery(replica, begun) for replica in (a, b)}
    time.sleep(1)
    stop.set()
    for thread in threads:
        thread.join()
    problems = []  # every broken promise of the restart, not only the first

    def check(function, *arguments):
        try:
            return function(*arguments)
        except Failure as failure:
            problems.append(failure)

    check(check_hung_writes, ledger, url, begun, recovery)
    check(ledger.check)
    check(check_same_servers, cluster, options, (a, b), pids)
    check(check_refusals, ledger)
    check(check_stored_once, url, "restart", ledger.acknowledged)
    lag = check(wait_for_pin_across, a, b)
    if problems:
        raise Failure("\n     and ".join(map(str, problems)), problems[0].replica)
    retry_after = sorted({response.headers["Retry-After"] for response in ledger.refusals})
    return (f"pg_ctl restart took {milliseconds(outage)} with {in_flight} writes in flight; "
            f"{len(ledger.refusals)} writes refused with 503 "
            f"problem+json, Retry-After {', '.join(retry_after)} s, none 500; ready and writing again "
            f"{recovery['A']:.1f} s (A) and {recovery['B']:.1f} s (B) after the restart began; "
            f"{len(ledger.acknowledged)} acknowledged events all stored once; B follows A again in {milliseconds(lag)}")


def check_same_servers(cluster, options, replicas, pids):
    if cluster.options() != options:
        raise Failure(f"the restarted server runs with other options: {cluster.options()} (was {options})")
    for replica, pid in zip(replicas, pids):
        if replica.process.pid != pid or replica.process.poll() is not None:
            raise Failure(f"replica {replica.name} exited during the database restart", replica)


def check_refusals(ledger):
    if not ledger.refusals:
        raise Failure("no write was refused during the restart, although writes were in flight: expected "
                      "503 problem+json with Retry-After while the database was away")


def hold_log_lock(url):
    """A psql session holding the lock every event insert takes first (event_log's row), so
    that the ingesting threads' writes are in flight in the database when it restarts."""
    return subprocess.Popen(
        ["psql", url, "-X", "-q", "-c", "BEGIN", "-c", "SELECT 1 FROM event_log WHERE id = 1 FOR UPDATE",
         "-c", "SELECT pg_sleep(60)"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_for_blocked_writes(url, count):
    """The number of sessions waiting for a lock, once at least `count` are."""
    def waiting():
        sessions = int(psql(url, "SELECT count(*) FROM pg_stat_activity "
                                 "WHERE datname = current_database() AND wait_event_type = 'Lock'")[0][0])
        return sessions if sessions >= count else None

    found, _ = wait_until(waiting, timeout=5, interval=0.05)
    if not found:
        raise Failure("the replicas' writes did not wait for the log's lock held by psql within 5 s")
    return found


def wait_for_recovery(replica, begun):
    """Seconds from `begun` until `replica` is ready and acknowledges a write of its own."""
    probes = iter(range(10 ** 6))

    def recovered():
        if not replica.ready():
            return False
        try:
            probe = [event(f"probe-{replica.name}-{next(probes)}", "u-probe", CATALOG[0], "view")]
            return post_batch(replica, probe, timeout=5).status == 200
        except Unreachable:
            return False

    found, _ = wait_until(recovered, RECOVERY_LIMIT - (time.monotonic() - begun), interval=0.1)
    if not found:
        raise Failure(f"{replica.name} was not ready and writing again within {RECOVERY_LIMIT:.0f} s "
                      f"of the database restart", replica)
    return time.monotonic() - begun


def check_hung_writes(ledger, url, begun, recovery):
    """A write that got no answer at all is a broken promise: say when it was sent and what became of it."""
    problems = []
    for replica, batch, sent in ledger.hung:
        ids = ", ".join(f"'{item['event_id']}'" for item in batch)
        stored = psql(url, f"SELECT count(*) FROM events WHERE event_id IN ({ids})")[0][0]
        when = f"{begun - sent:.2f} s before" if sent < begun else f"{sent - begun:.2f} s after"
        problems.append(Failure(
            f"{replica.name} never answered a POST /v1/events of {len(batch)} events (first id "
            f"{batch[0]['event_id']}) sent {when} pg_ctl restart began: no response within {INGEST_TIMEOUT} s, "
            f"{stored} of its events stored; meanwhile {replica.name} was ready and acknowledged new writes "
            f"{recovery[replica.name]:.1f} s after the restart began", replica))
    if problems:
        raise Failure("\n     and ".join(map(str, problems)), problems[0].replica)


def wait_for_pin_across(a, b):
    a.ingest([event("restart-pin", "u-restart-pin", CATALOG[5], "pin")])
    lag = wait_for_pin(b, "u-restart-pin", CATALOG[5], timeout=10)
    if lag is None or lag > FOLLOW_LIMIT:
        shown = "not within 10 s" if lag is None else f"after {milliseconds(lag)}"
        state = "ready" if b.ready() else "not ready"
        raise Failure(f"after the database restart, a pin stored by A reached B's ranking {shown} "
                      f"(limit {FOLLOW_LIMIT} s), though B is {state}: B no longer follows A", b)
    return lag


SCENARIOS = [
    ("event on A -> rank on B", scenario_event_follow),
    ("model activated on A -> served by B", scenario_model_follow),
    ("4 concurrent settlers on 2 replicas -> every reward once", scenario_settlement),
    ("SIGKILL of a replica during ingestion", scenario_sigkill),
    ("database restarted under load", scenario_database_restart),
]


# ------------------------------------------------------------------------------- main


def report_failure(lab, title, error):
    print(f"FAIL {title}: {error}")
    replicas = [error.replica] if getattr(error, "replica", None) else lab.replicas
    for replica in replicas:
        print(f"--- last lines of replica {replica.name}'s log ({replica.log_path}):")
        print(replica.log_tail().rstrip() or "(empty)")
    sys.stdout.flush()


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: replicas.py BINARY (with LINEUP_TEST_POSTGRES_URL set)")
    binary = os.path.abspath(sys.argv[1])
    server_url = os.environ.get("LINEUP_TEST_POSTGRES_URL")
    if not server_url:
        sys.exit("replicas.py: set LINEUP_TEST_POSTGRES_URL to a PostgreSQL server's maintenance database URL")
    if shutil.which("psql") is None:
        sys.exit("replicas.py: psql is needed (apt-get install postgresql-client)")
    workdir = tempfile.mkdtemp(prefix="lineup-replicas-")
    lab = Lab(binary, server_url, workdir)
    failed = 0
    started = time.monotonic()
    try:
        for title, scenario in SCENARIOS:
            lab.replicas = []
            try:
                print(f"ok   {title}: {scenario(lab)}", flush=True)
            except (Failure, Unreachable) as error:
                failed += 1
                report_failure(lab, title, error)
    finally:
        if not failed:
            shutil.rmtree(workdir, ignore_errors=True)
    elapsed = time.monotonic() - started
    if failed:
        print(f"replicas: {failed} of {len(SCENARIOS)} scenarios failed ({elapsed:.0f} s); logs in {workdir}")
        sys.exit(1)
    print(f"replicas: all {len(SCENARIOS)} scenarios hold ({elapsed:.0f} s)")


if __name__ == "__main__":
    main()
