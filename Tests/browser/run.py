#!/usr/bin/env python3
"""The web pages of Lineup, checked in a real browser (headless Chromium through Selenium).

Usage: python3 Tests/browser/run.py .build/debug/lineup [--screenshots DIR] [--assets-from-checkout]

Starts everything it needs and stops it at the end, whatever happens: `lineup serve --demo`
on a fresh SQLite database and a free loopback port, from the repository root, with its
models in a scratch copy of models/ (a model trained here is written there, not into the
checkout); a second server with client and admin tokens for the bad-token check; a static
file server on the repository root for the SDK's unit tests; and Chromium through
chromedriver, both taken from /usr/bin (Selenium never downloads a browser or a driver).

Each check prints `ok   <name>: <what was measured>` or `FAIL <name>: <why>`; the run ends
with `browser: N checks passed` and exits 1 when any check failed.

 1. sdk unit tests: /Tests/browser/sdk.test.html, served statically, reports
    window.__sdkTests.done with no failure.
 2. demo order: /demo?user=U shows the widgets in the order of POST /v1/rank for U
    (surface home, k 12), asked by this script just before and just after the page loaded
    (the page's own events may move the order later, so either answer counts).
 3. layout follows params: #widgets carries the served layout's arm (data-layout, the one
    #served names), its columns (data-columns, class layout-list for one column, otherwise
    layout-grid) from GET /v1/surfaces, and the cards really stand in that many columns;
    on the first load and after #rerank (or a reload), twice.
 4. pin: a widget that is not first, pinned with its button, is first after a reload and
    marked data-pinned="true".
 5. hide: a widget hidden with its button is gone after a reload, and
    GET /v1/users/U/export holds both the pin and the hide events.
 6. why this: a card's why button shows a non-empty reason in .why .why-reason.
 7. console models: /console marks the active model of GET /v1/models; a second model is
    trained with the console's #train-form (on rank responses and clicks sent here first;
    through POST /v1/models/train if the page has no form), listed, and activated with its
    button; GET /v1/models then says it is active and the page marks it.
 8. bad token: on the server with tokens, a wrong token typed into #token makes #problem
    show the problem detail the API answers for that token.
 9. no console errors: the browser's console had no SEVERE entry and no
    Content-Security-Policy violation on /demo and /console during checks 2-7 and 10.
10. phone width: at 390x844 the demo's cards stand in one column and nothing overflows
    horizontally.
11. console examination: the demo server's models directory also holds a copy of the shipped
    model whose card carries a position_bias (unbiased LambdaMART's t+ and t-); /console
    shows its "Examination by position" segment with a chart of both series whose points
    are the card's estimates at positions 1..N (its trailing zeros, positions no pair
    reached, left out), drawn in order, and the line that says what they mean.

--screenshots DIR writes demo.png (1280 px wide), demo-phone.png (390 px) and console.png
(1280 px, down to the models section with its examination chart, the shipped model serving
again); an image
taller than 1800 px (two screens on the phone) is cut below the last card that fits.

--assets-from-checkout makes the servers read the pages from Sources/LineupWeb/Assets
(LINEUP_WEB_ASSETS_DIRECTORY) instead of the copies built into the binary, for working on
the pages without rebuilding; CI tests the built-in copies, which are what ships.
"""

import argparse
import contextlib
import functools
import http.client
import http.server
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import datetime, timezone

REPOSITORY = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ASSETS = os.path.join(REPOSITORY, "Sources", "LineupWeb", "Assets")
READY_TIMEOUT = 150.0  # seconds for `serve --demo` to load the demo world (about 30 s in a debug build)
PAGE_TIMEOUT = 20.0  # seconds for a page to show what it should
STEP_TIMEOUT = 15.0  # seconds for one interaction to take effect (the machine may be busy: these are bounds, not waits)
SURFACE = "home"
K = 12
ADMIN_TOKEN = "browser-admin-token"
CLIENT_TOKEN = "browser-client-token"
WRONG_TOKEN = "browser-wrong-token"
LOG_TAIL_LINES = 60
DESKTOP = (1280, 900)
PHONE = (390, 844)

CARDS = "#widgets article.card[data-item-id]"

# A model trained with unbiased LambdaMART, as its card tells it: the shipped model under another version, its
# card carrying examination estimates for 12 positions of 32 tracked (the rest no pair reached: 0).
EXAMINED_VERSION = "browser-unbiased"
EXAMINED_BIAS = {
    "plus": [1.0, 0.93, 0.71, 0.58, 0.49, 0.43, 0.38, 0.34, 0.31, 0.29, 0.27, 0.26] + [0.0] * 20,
    "minus": [1.0, 1.08, 1.17, 1.22, 1.26, 1.3, 1.32, 1.35, 1.37, 1.38, 1.4, 1.41] + [0.0] * 20,
}

# Loopback only: an http_proxy in the environment must see neither this script's requests
# nor Selenium's to chromedriver, nor Chromium's.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
for _name in ("no_proxy", "NO_PROXY"):
    os.environ[_name] = ",".join(filter(None, [os.environ.get(_name), "127.0.0.1", "localhost"]))
# Selenium Manager stays offline: the browser and the driver are given by path.
os.environ["SE_OFFLINE"] = "true"


class Failure(Exception):
    """A check's promise is broken; the message says what was expected and what was seen."""


class Skip(Exception):
    """A check could not run because what it builds on failed."""


# ------------------------------------------------------------------------------ HTTP


class Answer:
    def __init__(self, status, headers, raw):
        self.status = status
        self.headers = headers
        self.raw = raw

    @property
    def json(self):
        return json.loads(self.raw)

    def __str__(self):
        return f"{self.status} {self.raw[:300].decode(errors='replace')}"


def call(port, method, path, body=None, token=None, timeout=30):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method, headers=headers)
    try:
        with OPENER.open(request, timeout=timeout) as answer:
            return Answer(answer.status, answer.headers, answer.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.headers, error.read())
    except (OSError, http.client.HTTPException) as error:
        raise Failure(f"{method} {path} on port {port}: no answer ({error})") from error


def expect(answer, status, what):
    if answer.status != status:
        raise Failure(f"{what}: expected {status}, got {answer}")
    return answer.json


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def now_rfc3339():
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def poll(condition, timeout, interval=0.1):
    """Calls `condition` until it returns something truthy, and returns that; its last (falsy) answer after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(interval)


# --------------------------------------------------------------------------- servers


class LineupServer:
    """`lineup serve` in a process group of its own, on a scratch database and models directory."""

    def __init__(self, binary, name, demo, tokens, assets_from_checkout, cors_origins=None, examined=False):
        self.name = name
        self.port = free_port()
        self.directory = tempfile.mkdtemp(prefix=f"lineup-browser-{name}-")
        self.models = os.path.join(self.directory, "models")
        os.mkdir(self.models)
        for file in ("default.json", "default.card.json"):
            shutil.copy(os.path.join(REPOSITORY, "models", file), self.models)
        if examined:
            self.add_examined_model()
        self.log_path = os.path.join(self.directory, "server.log")
        # Only what is set here: a LINEUP_* variable of the caller's environment must not change the run.
        environment = {key: value for key, value in os.environ.items() if not key.startswith("LINEUP_")}
        environment["LINEUP_MODELS_DIRECTORY"] = self.models
        environment["LINEUP_IMPRESSION_FLUSH_INTERVAL_MS"] = "100"
        if tokens:
            environment["LINEUP_ADMIN_TOKENS"] = ADMIN_TOKEN
            environment["LINEUP_CLIENT_TOKENS"] = CLIENT_TOKEN
        if assets_from_checkout:
            environment["LINEUP_WEB_ASSETS_DIRECTORY"] = ASSETS
        if cors_origins:
            environment["LINEUP_CORS_ORIGINS"] = ",".join(cors_origins)
        command = [binary, "serve", "--host", "127.0.0.1", "--port", str(self.port),
                   "--database", os.path.join(self.directory, "lineup.sqlite"), "--log-level", "warning"]
        if demo:
            command.append("--demo")
        self.log = open(self.log_path, "wb")
        # Run from its scratch directory, not the checkout: the pages and lineup.js must come from the
        # binary itself wherever it is installed (the caller passes a copy outside the repository).
        self.process = subprocess.Popen(command, cwd=self.directory, env=environment, stdin=subprocess.DEVNULL,
                                        stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        self.started = time.monotonic()
        self.ready_after = None

    def add_examined_model(self):
        """EXAMINED_VERSION: the shipped model and its card under that version, the card with EXAMINED_BIAS."""
        shutil.copy(os.path.join(REPOSITORY, "models", "default.json"), os.path.join(self.models, f"{EXAMINED_VERSION}.json"))
        with open(os.path.join(REPOSITORY, "models", "default.card.json"), encoding="utf-8") as file:
            card = json.load(file)
        card.update(version=EXAMINED_VERSION, pair_method="topk", position_bias=EXAMINED_BIAS)
        card.pop("loop", None)
        with open(os.path.join(self.models, f"{EXAMINED_VERSION}.card.json"), "w", encoding="utf-8") as file:
            json.dump(card, file, indent=2, sort_keys=True)

    def wait_ready(self, timeout=READY_TIMEOUT):
        """Waits for GET /readyz to answer 200; raises Failure with the server's log otherwise."""
        if self.ready_after is not None:
            return
        deadline = self.started + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise Failure(f"the {self.name} server exited with status {self.process.returncode}:\n{self.log_tail()}")
            with contextlib.suppress(Failure):
                if call(self.port, "GET", "/readyz", timeout=2).status == 200:
                    self.ready_after = time.monotonic() - self.started
                    return
            time.sleep(0.2)
        raise Failure(f"the {self.name} server was not ready within {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self):
        with contextlib.suppress(OSError):
            self.log.flush()
        try:
            with open(self.log_path, errors="replace") as file:
                lines = file.read().splitlines()
        except OSError as error:
            return f"(no log: {error})"
        return "\n".join("    " + line for line in lines[-LOG_TAIL_LINES:])

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self):
        stop_process_group(self.process, 15)
        self.log.close()
        shutil.rmtree(self.directory, ignore_errors=True)


def stop_process_group(process, grace):
    """SIGTERM to the process's group, then SIGKILL after `grace` seconds."""
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


class StaticFiles:
    """A directory (the repository root, for the SDK tests page) over HTTP on a free loopback port, in a thread."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                          ".js": "text/javascript", ".mjs": "text/javascript", ".json": "application/json"}

        def log_message(self, format, *args):
            pass

    def __init__(self, directory=REPOSITORY):
        handler = functools.partial(self.Handler, directory=directory)
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


# --------------------------------------------------------------------------- browser


def find_program(name, fallback):
    found = shutil.which(name) or (fallback if os.access(fallback, os.X_OK) else None)
    if not found:
        raise Failure(f"{name} is not installed (apt-get install chromium chromium-driver)")
    return found


class Browser:
    """Headless Chromium through chromedriver, both from the machine, in a scratch profile."""

    def __init__(self):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        self.profile = tempfile.mkdtemp(prefix="lineup-browser-profile-")
        options = webdriver.ChromeOptions()
        options.binary_location = find_program("chromium", "/usr/bin/chromium")
        for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", f"--window-size={DESKTOP[0]},{DESKTOP[1]}",
                         f"--user-data-dir={self.profile}", "--no-proxy-server", "--no-first-run",
                         "--disable-extensions", "--disable-dev-shm-usage", "--disable-background-networking",
                         "--lang=en-US"):
            options.add_argument(argument)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        # Chromium's crash handlers leave the process group; this mark in their environment finds them.
        self.mark = f"BROWSER_TESTS_RUN={uuid.uuid4()}".encode()
        environment = dict(os.environ, BROWSER_TESTS_RUN=self.mark.split(b"=", 1)[1].decode())
        self.service = Service(executable_path=find_program("chromedriver", "/usr/bin/chromedriver"),
                               log_output=subprocess.DEVNULL, env=environment, popen_kw={"start_new_session": True})
        self.driver = None
        try:
            self.driver = webdriver.Chrome(service=self.service, options=options)
        except BaseException:
            self.close()
            raise
        self.driver.set_page_load_timeout(PAGE_TIMEOUT)
        # Every document of the run records its Content-Security-Policy violations, beside the console log.
        self.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": """
            window.__cspViolations = [];
            document.addEventListener('securitypolicyviolation', (e) => {
                window.__cspViolations.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') +
                    (e.sourceFile ? ' at ' + e.sourceFile + ':' + e.lineNumber : ''));
            });
        """})
        self.version = self.driver.capabilities.get("browserVersion", "?")

    def close(self):
        if self.driver is not None:
            with contextlib.suppress(Exception):
                self.driver.quit()
        process = getattr(self.service, "process", None)
        stop_process_group(process, 5)
        # What is left of this run's Chromium (its crash handlers end a moment after it) is stopped by id.
        if poll(lambda: not self.marked_processes(), 3, 0.2) is False:
            for pid in self.marked_processes():
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
        shutil.rmtree(self.profile, ignore_errors=True)

    def marked_processes(self):
        """The processes that carry this run's mark in their environment."""
        found = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit() or int(entry) == os.getpid():
                continue
            try:
                with open(f"/proc/{entry}/environ", "rb") as file:
                    if self.mark in file.read().split(b"\0"):
                        found.append(int(entry))
            except OSError:
                pass
        return found


# ---------------------------------------------------------------------------- checks

JS_CARDS = f"return [...document.querySelectorAll('{CARDS}')].map(c => c.dataset.itemId);"
JS_TEXT = "const e = document.querySelector(arguments[0]); return e ? e.textContent.trim() : null;"
JS_VISIBLE_TEXT = """
    const e = document.querySelector(arguments[0]);
    if (!e) return null;
    const style = getComputedStyle(e), box = e.getBoundingClientRect();
    if (e.hidden || style.display === 'none' || style.visibility === 'hidden' || box.width === 0 || box.height === 0) return '';
    return e.textContent.trim();
"""


def short(value, limit=200):
    text = value if isinstance(value, str) else json.dumps(value)
    return text if len(text) <= limit else text[:limit] + "…"


class Run:
    def __init__(self, arguments):
        self.arguments = arguments
        self.results = []  # (name, ok, message)
        self.console = []  # (page, level, message) seen on /demo and /console
        self.visited = set()  # of those pages
        self.demo_user = None
        self.pinned = None
        self.hidden = None
        self.layouts = None
        self.demo = None
        self.tokens = None
        self.static = None
        self.example = None
        self.example_directory = None
        self.installed = None
        self.browser = None

    # ---------------------------------------------------------------- plumbing

    @property
    def driver(self):
        return self.browser.driver

    def check(self, name, function):
        started = time.monotonic()
        try:
            message = function()
            self.results.append((name, True, message))
            print(f"ok   {name}: {message} ({time.monotonic() - started:.1f} s)", flush=True)
        except Skip as skip:
            self.results.append((name, False, f"not run: {skip}"))
            print(f"FAIL {name}: not run: {skip}", flush=True)
        except Failure as failure:
            self.results.append((name, False, str(failure)))
            print(f"FAIL {name}: {failure}", flush=True)
        except Exception as error:  # a harness or WebDriver error is a failure of that check, said plainly
            self.results.append((name, False, repr(error)))
            detail = "".join(traceback.format_exception_only(type(error), error)).strip()
            print(f"FAIL {name}: {detail}", flush=True)
            traceback.print_exc(limit=4, file=sys.stdout)
        finally:
            self.drain_console()

    def wait(self, what, condition, timeout=STEP_TIMEOUT, seen=None):
        """Polls `condition()` until it answers something truthy, and returns that; else a Failure naming `what`
        and, from `seen()`, what was there instead."""
        result = poll(condition, timeout)
        if not result:
            observed = f"; saw {seen()}" if seen else ""
            raise Failure(f"{what}: not within {timeout:.0f} s{observed}")
        return result

    def script(self, source, *arguments):
        return self.driver.execute_script(source, *arguments)

    def text(self, selector):
        return self.script(JS_TEXT, selector)

    def page_summary(self):
        """What the page shows, for a failure message: its title, #problem and the start of its text."""
        try:
            return self.script("""
                const problem = document.querySelector('#problem');
                return {url: location.pathname + location.search, title: document.title,
                        problem: problem ? problem.textContent.trim().slice(0, 200) : null,
                        text: (document.body ? document.body.innerText : '').trim().slice(0, 160)};
            """)
        except Exception as error:
            return repr(error)

    def drain_console(self):
        """Moves the browser's console entries since the last call into self.console, labelled by page."""
        if self.browser is None:
            return
        try:
            entries = self.driver.get_log("browser")
            path = urllib.parse.urlsplit(self.driver.current_url)
            violations = self.script("return window.__cspViolations ? window.__cspViolations.splice(0) : [];") or []
        except Exception:
            return
        page = self.page_label(path)
        if page:
            self.visited.add(page)
        for entry in entries:
            self.console.append((page, entry.get("level", "?"), entry.get("message", "")))
        for violation in violations:
            self.console.append((page, "CSP", violation))

    def page_label(self, path):
        """`/demo` or `/console` of the demo server; other pages (the SDK tests, the server with tokens) are not checked."""
        if self.demo is not None and path.port == self.demo.port and path.path.rstrip("/") in ("/demo", "/console"):
            return path.path.rstrip("/")
        return None

    def navigate(self, url):
        self.drain_console()  # what the previous document logged stays with it
        self.driver.get(url)

    def reload(self):
        self.drain_console()
        self.driver.refresh()

    def use_viewport(self, size, mobile=False):
        width, height = size
        if mobile:
            self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                "width": width, "height": height, "deviceScaleFactor": 1, "mobile": True})
        else:
            self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
            self.driver.set_window_size(width, height)

    def demo_ready(self):
        if self.demo is None:
            raise Skip("the demo server did not start (its log is above)")
        self.demo.wait_ready()

    def open_demo(self, user=None):
        """Opens /demo?user=U and waits for its cards; returns their item ids in page order."""
        self.demo_ready()
        user = user or self.demo_user
        self.navigate(self.demo.url(f"/demo?user={urllib.parse.quote(user)}"))
        return self.wait_for_cards(f"/demo?user={user}")

    def wait_for_cards(self, where):
        def cards():
            ids = self.script(JS_CARDS)
            return ids if ids else None
        ids = self.wait(f"{where} showed no `{CARDS}`", cards, PAGE_TIMEOUT, seen=self.page_summary)
        # The page renders one response: wait until the card list stops changing for a moment.
        settled = time.monotonic()
        while time.monotonic() - settled < 0.3:
            time.sleep(0.1)
            again = self.script(JS_CARDS)
            if again != ids:
                ids, settled = again, time.monotonic()
        return ids

    def card_button(self, item, action):
        """The selector of a card's button, which must be there."""
        selector = f'#widgets article.card[data-item-id="{item}"] button[data-action="{action}"]'
        if not self.script("return !!document.querySelector(arguments[0]);", selector):
            actions = self.script(
                "const c = document.querySelector(arguments[0]); return c ? [...c.querySelectorAll('button')].map(b => b.dataset.action || b.textContent.trim()) : null;",
                f'#widgets article.card[data-item-id="{item}"]')
            raise Failure(f"no `{selector}` (the card's buttons: {actions})")
        return selector

    def click_selector(self, selector, attempts=3):
        """Clicks the first element `selector` finds, finding it again when the page redrew it meanwhile."""
        from selenium.common.exceptions import StaleElementReferenceException
        from selenium.webdriver.common.by import By

        for attempt in range(attempts):
            elements = self.driver.find_elements(By.CSS_SELECTOR, selector)
            if not elements:
                raise Failure(f"no `{selector}` ({self.page_summary()})")
            try:
                self.click(elements[0])
                return
            except StaleElementReferenceException:
                time.sleep(0.2)
        raise Failure(f"`{selector}` was drawn anew {attempts} times while being clicked")

    def click(self, element):
        """A user's click: scrolled into view, the pointer over it first (buttons may show on hover)."""
        from selenium.webdriver.common.action_chains import ActionChains

        self.script("arguments[0].scrollIntoView({block: 'center'});", element)
        ActionChains(self.driver).move_to_element(element).click().perform()
        self.accept_dialog()

    def accept_dialog(self):
        from selenium.common.exceptions import NoAlertPresentException

        with contextlib.suppress(NoAlertPresentException):
            self.driver.switch_to.alert.accept()

    def export_events(self, user):
        answer = call(self.demo.port, "GET", f"/v1/users/{urllib.parse.quote(user)}/export")
        if answer.status != 200:
            return []
        return answer.json.get("events", [])

    def wait_for_event(self, user, kind, item):
        def stored():
            return [event for event in self.export_events(user) if event["type"] == kind and event["item_id"] == item]
        started = time.monotonic()
        events = self.wait(
            f"no `{kind}` event for {item} in GET /v1/users/{user}/export", stored, STEP_TIMEOUT,
            seen=lambda: sorted({(e["type"], e["item_id"]) for e in self.export_events(user)
                                 if e["type"] in ("pin", "unpin", "hide", "unhide")}))
        return events, time.monotonic() - started

    def rank(self, user):
        answer = call(self.demo.port, "POST", "/v1/rank", {"user_id": user, "surface": SURFACE, "k": K})
        ranking = expect(answer, 200, f"POST /v1/rank for {user}")
        return [item["item_id"] for item in ranking["items"]]

    def surface_layouts(self):
        if self.layouts is None:
            listing = expect(call(self.demo.port, "GET", "/v1/surfaces"), 200, "GET /v1/surfaces")
            surfaces = {surface["surface"]: surface for surface in listing["surfaces"]}
            if SURFACE not in surfaces:
                raise Failure(f"GET /v1/surfaces has no surface {SURFACE!r} (has {sorted(surfaces)})")
            self.layouts = {layout["id"]: layout for layout in surfaces[SURFACE]["layouts"]}
        return self.layouts

    # ------------------------------------------------------------------ checks

    def sdk_unit_tests(self):
        page = "/Tests/browser/sdk.test.html"
        if not os.path.exists(os.path.join(REPOSITORY, page.lstrip("/"))):
            raise Failure(f"{page.lstrip('/')} is not in the checkout")
        self.navigate(self.static.url(page))
        state = lambda: self.script("return window.__sdkTests || null;")
        errors = []
        opened = time.monotonic()

        def finished():
            errors.extend(f"[{entry['level']}] {entry['message']}" for entry in self.driver.get_log("browser")
                          if entry["level"] == "SEVERE")
            current = state()
            # A page whose scripts failed never reports: give up once it has said so for a few seconds.
            return (current or {}).get("done") or (current is None and errors and time.monotonic() - opened > 5)
        self.wait("window.__sdkTests.done did not become true", finished, 60,
                  seen=lambda: short(state()) if state() is not None else f"no window.__sdkTests ({self.page_summary()})")
        if not (state() or {}).get("done"):
            raise Failure(f"no window.__sdkTests after {time.monotonic() - opened:.0f} s; the console says: "
                          + "; ".join(short(error, 240) for error in errors[:5]))
        result = state()
        count = lambda value: len(value) if isinstance(value, list) else int(value or 0)
        passed, failed = count(result.get("passed")), count(result.get("failed"))
        failures = result.get("failures") or []
        if failed or failures:
            listed = "; ".join(short(f if isinstance(f, str) else json.dumps(f), 300) for f in failures[:20])
            raise Failure(f"{failed} of {passed + failed} failed: {listed}")
        if passed == 0:
            raise Failure(f"no test passed ({short(result)})")
        return f"{passed} passed, 0 failed in {self.driver.current_url.split('/', 3)[-1]}"

    def demo_order(self):
        self.demo_ready()
        before = self.rank(self.demo_user)
        shown = self.open_demo()
        if shown == before:
            return f"{len(shown)} cards for {self.demo_user} in POST /v1/rank's order ({', '.join(shown[:4])}, …)"
        after = self.rank(self.demo_user)
        if shown == after:
            return f"{len(shown)} cards for {self.demo_user} in POST /v1/rank's order asked after the page loaded"
        raise Failure(f"the page shows {shown}; POST /v1/rank {{user_id: {self.demo_user}, surface: {SURFACE}, k: {K}}} "
                      f"answered {before} before the page loaded and {after} after")

    def layout_state(self):
        return self.script("""
            const w = document.querySelector('#widgets');
            if (!w) return null;
            const served = document.querySelector('#served [data-field="layout"]');
            const cards = [...w.querySelectorAll('article.card[data-item-id]')].map(c => {
                const b = c.getBoundingClientRect(); return [Math.round(b.left), Math.round(b.top)]; });
            return {layout: w.dataset.layout || null, columns: w.dataset.columns || null,
                    classes: [...w.classList], served: served ? served.textContent.trim() : null,
                    servedValue: served ? (served.dataset.value || null) : null, cards: cards,
                    request: (document.querySelector('#served [data-field="request"]') || {}).textContent || null};
        """)

    def verify_layout(self):
        """The page's layout against GET /v1/surfaces; returns a description of it."""
        layouts = self.surface_layouts()
        state = self.layout_state()
        if state is None:
            raise Failure(f"no #widgets ({self.page_summary()})")
        arm = state["layout"]
        if not arm:
            raise Failure(f"#widgets has no data-layout (classes {state['classes']})")
        if arm not in layouts:
            raise Failure(f"#widgets data-layout={arm!r} is not a layout of {SURFACE} ({sorted(layouts)})")
        served = state["servedValue"] or state["served"]
        if served is None:
            raise Failure('no #served [data-field="layout"]')
        if served != arm and arm not in re.split(r"[^\w.-]+", served):
            raise Failure(f'#widgets data-layout={arm!r} but #served [data-field="layout"] says {served!r}')
        params = layouts[arm]["params"]
        columns = params.get("columns")
        if columns is None:
            raise Failure(f"layout {arm} has no columns param ({params})")
        if state["columns"] != str(columns):
            raise Failure(f"layout {arm} has columns {columns} but #widgets data-columns={state['columns']!r}")
        wanted = "layout-list" if columns == 1 else "layout-grid"
        unwanted = "layout-grid" if columns == 1 else "layout-list"
        if wanted not in state["classes"] or unwanted in state["classes"]:
            raise Failure(f"layout {arm} ({columns} column{'s' if columns != 1 else ''}) wants class {wanted} on #widgets, "
                          f"which has {state['classes']}")
        lefts = sorted({left for left, _ in state["cards"]})
        expected = min(columns, len(state["cards"]))
        if len(lefts) != expected:
            raise Failure(f"layout {arm} has {columns} columns but the cards stand in {len(lefts)} "
                          f"(left edges {lefts}) at {DESKTOP[0]} px")
        return f"{arm} ({columns} column{'s' if columns != 1 else ''}, {params.get('density', '-')})"

    def layout_follows_params(self):
        self.demo_ready()
        if not self.script(f"return document.querySelectorAll('{CARDS}').length > 0 && !!document.querySelector('#widgets');"):
            self.open_demo()
        seen = [self.verify_layout()]
        from selenium.webdriver.common.by import By

        for _ in range(2):
            request = (self.layout_state() or {}).get("request")
            if self.driver.find_elements(By.CSS_SELECTOR, "#rerank"):
                self.click_selector("#rerank")
                # A new response: the served request id changes.
                self.wait(f'#served [data-field="request"] unchanged ({request!r}) after clicking #rerank',
                          lambda: (self.layout_state() or {}).get("request") not in (None, request), PAGE_TIMEOUT)
                self.wait_for_cards("after #rerank")
            else:
                self.open_demo()
            seen.append(self.verify_layout())
        how = "#rerank" if self.driver.find_elements(By.CSS_SELECTOR, "#rerank") else "reload"
        return f"3 responses ({how}): {'; '.join(seen)}"

    def pin(self):
        self.demo_ready()
        cards = self.open_demo()
        if len(cards) < 2:
            raise Failure(f"need two cards to pin one that is not first; the page shows {cards}")
        item = cards[min(2, len(cards) - 1)]
        self.click_selector(self.card_button(item, "pin"))
        _, took = self.wait_for_event(self.demo_user, "pin", item)
        self.pinned = item
        self.reload()
        after = self.wait_for_cards("the reloaded demo")
        if not after or after[0] != item:
            raise Failure(f"pinned {item} (position {cards.index(item) + 1}); after a reload the cards are {after}")
        flag = self.script(f"return document.querySelector('{CARDS}').dataset.pinned || null;")
        if flag != "true":
            raise Failure(f'{item} is first after the reload but has data-pinned={flag!r}, not "true"')
        return f"{item} from position {cards.index(item) + 1} to 1 with data-pinned=\"true\" (the pin event stored after {took:.2f} s)"

    def hide(self):
        self.demo_ready()
        cards = self.open_demo()
        candidates = [item for item in cards if item != self.pinned]
        if not candidates:
            raise Failure(f"no card to hide besides the pinned one: {cards}")
        item = candidates[-1]
        self.click_selector(self.card_button(item, "hide"))
        _, took = self.wait_for_event(self.demo_user, "hide", item)
        self.hidden = item
        self.reload()
        after = self.wait_for_cards("the reloaded demo")
        if item in after:
            raise Failure(f"hid {item}; after a reload it is still shown at position {after.index(item) + 1}: {after}")
        events = self.export_events(self.demo_user)
        kinds = {(event["type"], event["item_id"]) for event in events}
        missing = [pair for pair in (("pin", self.pinned), ("hide", item)) if pair[1] and pair not in kinds]
        if self.pinned is None:
            raise Failure(f"{item} hidden and gone after a reload, but no widget was pinned (the pin check failed), "
                          "so the export could not be checked for a pin event")
        if missing:
            raise Failure(f"GET /v1/users/{self.demo_user}/export lacks {missing}")
        return (f"{item} gone after a reload ({len(after)} cards); the export holds pin {self.pinned} and hide {item} "
                f"(hide stored after {took:.2f} s)")

    def why_this(self):
        self.demo_ready()
        cards = self.open_demo()
        # The first widget not pinned: its reason comes from the model, not from the pin.
        unpinned = self.script(f"return [...document.querySelectorAll('{CARDS}:not([data-pinned=\"true\"])')].map(c => c.dataset.itemId);")
        item = (unpinned or cards)[0]
        card = f'#widgets article.card[data-item-id="{item}"]'
        self.click_selector(self.card_button(item, "why"))
        reason = self.wait(f"`{card} .why .why-reason` shows no text after clicking why",
                           lambda: self.script(JS_VISIBLE_TEXT, f"{card} .why .why-reason"), STEP_TIMEOUT,
                           seen=lambda: repr(self.script(JS_TEXT, f"{card} .why")))
        if len(reason.split()) < 3:
            raise Failure(f"`{card} .why .why-reason` says {reason!r}, not a sentence")
        contributions = self.script("return document.querySelectorAll(arguments[0]).length;",
                                    f"{card} .why ul.why-contributions li")
        return f"{item}: {short(reason, 120)!r} ({contributions} contributions listed)"

    def console_models(self):
        self.demo_ready()
        from selenium.webdriver.common.by import By

        listing = expect(call(self.demo.port, "GET", "/v1/models"), 200, "GET /v1/models")
        active = listing.get("active")
        self.navigate(self.demo.url("/console"))
        rows = lambda: self.script(
            "return [...document.querySelectorAll('#models tr[data-version]')].map(r => [r.dataset.version, r.dataset.active || null]);")
        self.wait("no `#models tr[data-version]` on /console", rows, PAGE_TIMEOUT, seen=self.page_summary)
        marked = lambda: [version for version, flag in rows() if flag == "true"]
        self.wait(f'#models marks no row data-active="true" (GET /v1/models: active {active!r})',
                  lambda: marked(), STEP_TIMEOUT, seen=rows)
        if marked() != [active]:
            raise Failure(f'#models marks {marked()} data-active="true"; GET /v1/models says {active!r} is active (rows {rows()})')

        version, how, trained_in = self.train_model()
        row = f'#models tr[data-version="{version}"]'
        # The console lists the models again when its job succeeds; otherwise its Reload button (or a reload) must.
        if not poll(lambda: version in [v for v, _ in rows()], 5):
            reload = '#models button[data-action="reload-models"]'
            self.click_selector(reload) if self.driver.find_elements(By.CSS_SELECTOR, reload) else self.reload()
        self.wait(f"no `{row}` on /console after training {version}", lambda: version in [v for v, _ in rows()],
                  PAGE_TIMEOUT, seen=rows)
        activate = f'{row} button[data-action="activate"]'
        if not self.driver.find_elements(By.CSS_SELECTOR, activate):
            raise Failure(f'no `{activate}` (its buttons: '
                          f'{self.script("return [...document.querySelectorAll(arguments[0])].map(b => b.dataset.action || b.textContent.trim());", row + " button")})')
        self.click_selector(activate)

        def served():
            return expect(call(self.demo.port, "GET", "/v1/models"), 200, "GET /v1/models").get("active") == version
        self.wait(f"GET /v1/models does not say {version} is active after clicking activate", served, STEP_TIMEOUT,
                  seen=lambda: call(self.demo.port, "GET", "/v1/models").json.get("active"))
        self.wait(f'the page does not mark {version} data-active="true" (alone)', lambda: marked() == [version],
                  STEP_TIMEOUT, seen=rows)
        return (f"{len(rows())} models listed, {active} marked active; {version} trained {how} in {trained_in:.1f} s, "
                f"activated with its button: GET /v1/models and the page agree")

    def console_examination(self):
        """The examination chart of EXAMINED_VERSION on /console: its segment under the models (opened if it is
        closed), a chart whose two series hold the card's estimates by position 1..N and are drawn in order."""
        self.demo_ready()
        listing = expect(call(self.demo.port, "GET", "/v1/models"), 200, "GET /v1/models")
        card = next((model.get("card") or {} for model in listing["models"] if model["version"] == EXAMINED_VERSION), None)
        if card is None or card.get("position_bias") != EXAMINED_BIAS:
            raise Failure(f"GET /v1/models does not list {EXAMINED_VERSION} with the card's position_bias: {short(card, 300)}")
        reached = max(i + 1 for i, (plus, minus) in enumerate(zip(EXAMINED_BIAS["plus"], EXAMINED_BIAS["minus"])) if plus or minus)
        if not self.driver.current_url.startswith(self.demo.url("/console")):
            self.navigate(self.demo.url("/console"))
        segment = f'#models details[data-version="{EXAMINED_VERSION}"]'
        self.wait(f"no `{segment}` on /console", lambda: self.script("return !!document.querySelector(arguments[0]);", segment),
                  PAGE_TIMEOUT, seen=lambda: short(self.text("#models") or self.page_summary(), 300))
        if not self.script("return document.querySelector(arguments[0]).open;", segment):
            self.click_selector(f"{segment} > summary")
        chart = f"{segment} svg.lineup-chart"
        read = lambda: self.script("""
            const svg = document.querySelector(arguments[0]);
            if (!svg || svg.getBoundingClientRect().width === 0) return null;
            const section = svg.closest('#models');
            return {title: svg.querySelector('title').textContent,
                    dots: [...svg.querySelectorAll('circle')].map(c => [c.querySelector('title').textContent, +c.getAttribute('cy')]),
                    heading: [...section.querySelectorAll('h3')].map(h => h.textContent),
                    hint: (section.querySelector('h3 + .ui-hint') || {}).textContent || ''};
        """, chart)
        drawn = self.wait(f"no visible `{chart}`", read, STEP_TIMEOUT, seen=lambda: short(self.text(segment) or "", 300))
        if "Examination by position" not in drawn["heading"]:
            raise Failure(f"#models has no heading \"Examination by position\" (its h3: {drawn['heading']})")
        if "t⁺" not in drawn["hint"] or "t⁻" not in drawn["hint"]:
            raise Failure(f"the line under the heading does not say what t⁺ and t⁻ are: {drawn['hint']!r}")
        series = {}
        for title, y in drawn["dots"]:
            match = re.fullmatch(r"(.+), (\d+): (\S+)", title)
            if not match:
                raise Failure(f"a point's tooltip reads {title!r}, not `series, position: value`")
            series.setdefault(match.group(1), []).append((int(match.group(2)), float(match.group(3)), y))
        names = list(series)
        if len(names) != 2 or not names[0].startswith("t⁺") or not names[1].startswith("t⁻"):
            raise Failure(f"the chart's series are {names}, not t⁺ then t⁻")
        for name, key in zip(names, ("plus", "minus")):
            points = series[name]
            expected = [(position + 1, value) for position, value in enumerate(EXAMINED_BIAS[key][:reached])]
            got = [(position, value) for position, value, _ in points]
            if got != [(position, round(value, 4)) for position, value in expected]:
                raise Failure(f"{name} shows {got}; the card says {expected} (positions 1..{reached})")
            # Drawn from the data: a larger estimate stands higher (a smaller y).
            for (_, a, ya), (_, b, yb) in zip(points, points[1:]):
                if (a > b and not ya < yb) or (a < b and not ya > yb):
                    raise Failure(f"{name}: {a} is drawn at y {ya} and {b} at y {yb}")
        return (f"{EXAMINED_VERSION}: {drawn['title']!r} with {names[0]!r} and {names[1]!r} at positions 1..{reached} "
                f"as in its card (the {len(EXAMINED_BIAS['plus']) - reached} trailing zeros left out), drawn in order")

    def train_model(self):
        """A second model: rank responses with a click each for 120 users (so the impression log has something to
        learn from), then trained with the console's #train-form (through the API when the page has no form).
        Returns its version, how it was trained, and the seconds it took."""
        from selenium.webdriver.common.by import By

        started = time.monotonic()
        port = self.demo.port
        engaged = lambda: expect(call(port, "GET", "/v1/eval"), 200, "GET /v1/eval")["overall"]["requests_with_positive"]
        before = engaged()
        users = expect(call(port, "GET", "/v1/users?limit=200"), 200, "GET /v1/users")["users"]
        users = [user["id"] for user in users if user["id"] != self.demo_user][40:160]
        events = []
        for n, user in enumerate(users):
            ranking = expect(call(port, "POST", "/v1/rank", {"user_id": user, "surface": SURFACE, "k": K}),
                             200, "POST /v1/rank")
            item = ranking["items"][(n * 7) % len(ranking["items"])]["item_id"]
            events.append({"event_id": f"browser-train-{uuid.uuid4()}", "user_id": user, "item_id": item,
                           "type": "click", "timestamp": now_rfc3339(), "request_id": ranking["request_id"]})
        expect(call(port, "POST", "/v1/events", {"events": events}), 200, "POST /v1/events")
        # The impression log is written every 100 ms here: wait until GET /v1/eval counts the clicked responses.
        self.wait(f"GET /v1/eval does not count the {len(users)} clicked responses", lambda: engaged() >= before + len(users),
                  STEP_TIMEOUT, seen=lambda: f"{engaged()} responses with a positive (before: {before})")
        version = f"browser-{datetime.now(timezone.utc):%Y%m%dT%H%M%S}"
        fields = {name: self.driver.find_elements(By.CSS_SELECTOR, f"#train-form #{name}")
                  for name in ("train-version", "train-rounds")}
        submit = '#train-form button[type="submit"]'
        if all(fields.values()) and self.driver.find_elements(By.CSS_SELECTOR, submit):
            for name, value in (("train-version", version), ("train-rounds", "10")):
                field = fields[name][0]
                self.script("arguments[0].scrollIntoView({block: 'center'});", field)
                field.clear()
                field.send_keys(value)
            self.click_selector(submit)
            progress = lambda: f"#train-progress says {short(self.text('#train-progress') or '', 300)!r}; #problem {self.text('#problem')!r}"
            self.wait(f"{version}, started with #train-form, is not listed by GET /v1/models",
                      lambda: version in [m["version"] for m in call(port, "GET", "/v1/models").json["models"]],
                      60, seen=progress)
            return version, "with #train-form", time.monotonic() - started

        job = expect(call(port, "POST", "/v1/models/train", {"version": version, "rounds": 10}), 202, "POST /v1/models/train")
        deadline = time.monotonic() + 60
        while job["state"] == "running" and time.monotonic() < deadline:
            time.sleep(0.2)
            job = expect(call(port, "GET", f"/v1/models/train/{job['job_id']}"), 200, "GET /v1/models/train/{jobId}")
        if job["state"] != "succeeded":
            raise Failure(f"training a second model through POST /v1/models/train did not succeed: {short(job, 400)}")
        return job["version"], "through POST /v1/models/train (no #train-form on the page)", time.monotonic() - started

    def bad_token(self):
        if self.tokens is None:
            raise Skip("the server with tokens did not start")
        self.tokens.wait_ready()
        from selenium.webdriver.common.by import By
        from selenium.webdriver.common.keys import Keys

        answer = call(self.tokens.port, "GET", "/v1/models", token=WRONG_TOKEN)
        if answer.status != 401:
            raise Failure(f"GET /v1/models with a wrong token answered {answer}, not 401")
        problem = answer.json
        expected = problem.get("detail") or problem.get("title")
        self.navigate(self.tokens.url("/console"))
        fields = self.wait("no `#token` on /console", lambda: self.driver.find_elements(By.CSS_SELECTOR, "#token"),
                           PAGE_TIMEOUT, seen=self.page_summary)
        field = fields[0]
        field.clear()
        field.send_keys(WRONG_TOKEN)
        field.send_keys(Keys.ENTER)  # submits the token's form, or asks the page to load
        shown = lambda: self.script(JS_VISIBLE_TEXT, "#problem")
        if not poll(lambda: expected in (shown() or ""), 3):
            # A page that loads on `change` rather than on Enter: leave the field.
            field.send_keys(Keys.TAB)
        self.wait(f"#problem does not show {expected!r} (the API's detail for a wrong token)",
                  lambda: expected in (shown() or ""), STEP_TIMEOUT, seen=lambda: repr(shown()))
        return f"#problem shows {short(shown(), 120)!r}, the API's detail for a wrong token"

    def phone_width(self):
        self.demo_ready()
        self.use_viewport(PHONE, mobile=True)
        try:
            cards = self.open_demo()
            state = self.script(f"""
                const cards = [...document.querySelectorAll('{CARDS}')].map(c => Math.round(c.getBoundingClientRect().left));
                return {{lefts: cards, scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
                         layout: (document.querySelector('#widgets') || {{dataset: {{}}}}).dataset.layout || null}};
            """)
            if state["innerWidth"] != PHONE[0]:
                raise Failure(f"the viewport is {state['innerWidth']} px wide, not {PHONE[0]}")
            lefts = sorted(set(state["lefts"]))
            if len(lefts) != 1:
                raise Failure(f"{len(cards)} cards stand in {len(lefts)} columns (left edges {lefts}) at {PHONE[0]} px "
                              f"(layout {state['layout']})")
            if state["scrollWidth"] > state["innerWidth"]:
                wide = self.script("""
                    return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > innerWidth + 0.5)
                        .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
                            (e.classList.length ? '.' + [...e.classList].join('.') : '') + ' (right ' + Math.round(e.getBoundingClientRect().right) + ')');
                """)
                raise Failure(f"the page is {state['scrollWidth']} px wide in a {state['innerWidth']} px viewport; "
                              f"wider than the viewport: {wide}")
            if self.arguments.screenshots:
                self.screenshot("demo-phone.png", max_height=2 * PHONE[1])
            return (f"{len(cards)} cards in one column (left {lefts[0]} px, layout {state['layout']}), "
                    f"scrollWidth {state['scrollWidth']} <= innerWidth {state['innerWidth']}")
        finally:
            self.use_viewport(DESKTOP)

    def no_console_errors(self):
        self.drain_console()
        pages = sorted(self.visited)
        bad = [(page, level, message) for page, level, message in self.console
               if page and (level in ("SEVERE", "CSP") or "Content Security Policy" in message or "Content-Security-Policy" in message)]
        if bad:
            listed = "; ".join(f"{page}: [{level}] {short(message, 240)}" for page, level, message in bad[:10])
            raise Failure(f"{len(bad)} console error{'s' if len(bad) != 1 else ''}: {listed}")
        if not pages:
            raise Skip("no /demo or /console page was visited")
        counted = len([entry for entry in self.console if entry[0]])
        return f"{counted} console entries on {' and '.join(pages)}, none SEVERE, no CSP violation"

    @property
    def example_origin(self):
        # `localhost`, not 127.0.0.1: another origin than the server's, as a real dashboard's would be.
        return f"http://localhost:{self.example.port}"

    def readme_example(self):
        """The README's "Wire your dashboard" page, pasted as it is written (only the server's address
        changed), on another origin: it shows rank's order and its click reaches the store."""
        self.demo_ready()
        with open(os.path.join(REPOSITORY, "README.md"), encoding="utf-8") as file:
            readme = file.read()
        section = readme.split("## Wire your dashboard", 1)
        blocks = re.findall(r"```html\n(.*?)```", section[1] if len(section) == 2 else "", re.S)
        if not blocks:
            raise Failure("README.md has no ```html block under \"## Wire your dashboard\"")
        page = blocks[0]
        if "http://127.0.0.1:8080" not in page:
            raise Failure("the README's example does not name http://127.0.0.1:8080, the README's server")
        page = page.replace("http://127.0.0.1:8080", f"http://127.0.0.1:{self.demo.port}")
        user = re.search(r"userId: '([^']+)'", page)
        k = re.search(r"k: (\d+)", page)
        if not user or not k:
            raise Failure("the README's example names no userId or no k")
        user, k = user.group(1), int(k.group(1))
        with open(os.path.join(self.example_directory, "index.html"), "w", encoding="utf-8") as file:
            file.write(page)
        body = {"user_id": user, "surface": SURFACE, "k": k, "context": {"device": "desktop"}}
        before = [item["item_id"] for item in expect(call(self.demo.port, "POST", "/v1/rank", body), 200, "POST /v1/rank")["items"]]
        self.navigate(f"{self.example_origin}/index.html")
        shown = self.wait(
            f"{k} buttons in #dashboard",
            lambda: (lambda ids: ids if len(ids) == k else None)(
                self.script("return [...document.querySelectorAll('#dashboard button')].map(b => b.textContent);")),
            timeout=PAGE_TIMEOUT, seen=lambda: self.script("return document.body.innerText.slice(0, 200);"))
        after = [item["item_id"] for item in expect(call(self.demo.port, "POST", "/v1/rank", body), 200, "POST /v1/rank")["items"]]
        if shown not in (before, after):
            raise Failure(f"the example shows {shown}; POST /v1/rank answered {before} before and {after} after")
        # A static server without a favicon.ico answers 404 for it: the pasted page's host, not the example.
        errors = [entry for entry in self.driver.get_log("browser")
                  if entry.get("level") == "SEVERE" and "/favicon.ico" not in entry.get("message", "")]
        if errors:
            raise Failure(f"the example logged errors: {short([entry.get('message') for entry in errors], 400)}")
        self.script("document.querySelector('#dashboard button').click();")

        def stored_open():
            export = call(self.demo.port, "GET", f"/v1/users/{user}/export")
            events = export.json.get("events", []) if export.status == 200 else []
            return next((event for event in events if event.get("type") == "open" and event.get("item_id") == shown[0]
                         and event.get("request_id")), None)
        event = self.wait(f"an open event of {shown[0]} with a request_id in {user}'s export", stored_open)
        return (f"pasted on {self.example_origin}, it showed rank's {k} widgets for {user} and its click stored "
                f"open {shown[0]} (request {event['request_id'][:8]}…)")

    # ------------------------------------------------------------- screenshots

    def screenshot(self, name, bottom_of=None, max_height=1800):
        """A PNG of the page's full width from the top down to `bottom_of`'s bottom (or the page's end); past
        max_height px, cut below the last card (or table row) that fits."""
        import base64

        directory = self.arguments.screenshots
        os.makedirs(directory, exist_ok=True)
        size = self.script("""
            const [selector, most] = arguments, d = document.documentElement;
            const target = selector ? document.querySelector(selector) : null;
            let bottom = target ? target.getBoundingClientRect().bottom + scrollY + 16
                                : Math.max(d.scrollHeight, document.body.scrollHeight);
            if (bottom > most) {
                const ends = [...document.querySelectorAll('article.card, tr')]
                    .map((e) => e.getBoundingClientRect().bottom + scrollY + 16).filter((end) => end <= most);
                bottom = ends.length ? Math.max(...ends) : most;
            }
            return {width: window.innerWidth, height: Math.ceil(bottom)};
        """, bottom_of, max_height)
        shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True, "fromSurface": True,
            "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}})
        path = os.path.join(directory, name)
        with open(path, "wb") as file:
            file.write(base64.b64decode(shot["data"]))
        shown = os.path.relpath(path) if path.startswith(os.getcwd() + os.sep) else path
        print(f"     screenshot {shown} ({size['width']}x{size['height']})", flush=True)

    def screenshot_demo(self):
        """demo.png: the demo user's dashboard after the demo checks (one widget pinned, one hidden)."""
        if not self.arguments.screenshots or self.demo is None or self.demo.ready_after is None:
            return
        try:
            self.open_demo()
            self.screenshot("demo.png")
        except Exception as error:
            print(f"     no demo.png: {error}", flush=True)

    def screenshot_console(self):
        """console.png: down to the models section, the shipped model serving again beside the one trained here."""
        if not self.arguments.screenshots or self.demo is None or self.demo.ready_after is None:
            return
        try:
            call(self.demo.port, "PUT", "/v1/models/active", {"version": "default"})
            self.navigate(self.demo.url("/console"))
            self.wait("#models rows", lambda: self.script(
                "return document.querySelectorAll('#models tr[data-version]').length;"), PAGE_TIMEOUT)
            self.screenshot("console.png", bottom_of="#models")
        except Exception as error:
            print(f"     no console.png: {error}", flush=True)

    # -------------------------------------------------------------------- main

    def run(self):
        arguments = self.arguments
        started = time.monotonic()
        try:
            # Both servers load while the SDK's unit tests run from the static server.
            # An installed copy of the binary, outside the repository: nothing it serves may depend on
            # files beside it or on the working directory.
            self.installed = tempfile.mkdtemp(prefix="lineup-browser-installed-")
            binary = shutil.copy(arguments.binary, os.path.join(self.installed, "lineup"))
            # The README's example page is served from another origin, which the demo server allows.
            self.example_directory = tempfile.mkdtemp(prefix="lineup-browser-example-")
            self.example = StaticFiles(self.example_directory)
            self.demo = LineupServer(binary, "demo", demo=True, tokens=False,
                                     assets_from_checkout=arguments.assets_from_checkout,
                                     cors_origins=[self.example_origin], examined=True)
            self.tokens = LineupServer(binary, "tokens", demo=False, tokens=True,
                                       assets_from_checkout=arguments.assets_from_checkout)
            self.static = StaticFiles()
            try:
                self.browser = Browser()
            except Exception as error:
                print(f"FAIL browser: Chromium did not start through chromedriver: {error}", flush=True)
                self.results.append(("browser", False, str(error)))
                return 1
            print(f"browser: Chromium {self.browser.version}; demo server on port {self.demo.port}, "
                  f"server with tokens on {self.tokens.port}, static files on {self.static.port}"
                  + ("; pages from the checkout" if arguments.assets_from_checkout else ""), flush=True)

            self.check("sdk unit tests", self.sdk_unit_tests)
            try:
                self.demo.wait_ready()
                print(f"     demo server ready after {self.demo.ready_after:.1f} s", flush=True)
                users = expect(call(self.demo.port, "GET", "/v1/users?limit=20"), 200, "GET /v1/users")["users"]
                personal = [user["id"] for user in users if user.get("personalization", True)]
                if not personal:
                    raise Failure(f"GET /v1/users lists no user to show the demo to: {short(users)}")
                self.demo_user = personal[0]
            except Failure as failure:
                # Every check of the demo server then fails as not run.
                print(f"     demo server: {failure}", flush=True)
                self.demo.stop()
                self.demo = None
            self.check("demo order", self.demo_order)
            self.check("layout follows params", self.layout_follows_params)
            self.check("pin", self.pin)
            self.check("hide", self.hide)
            self.check("why this", self.why_this)
            self.check("phone width", self.phone_width)
            self.screenshot_demo()
            self.check("console models", self.console_models)
            self.check("console examination", self.console_examination)
            self.screenshot_console()
            self.check("readme example", self.readme_example)
            self.check("bad token", self.bad_token)
            self.check("no console errors", self.no_console_errors)
        finally:
            for part in (self.browser, self.static, self.example, self.demo, self.tokens):
                if part is not None:
                    with contextlib.suppress(Exception):
                        part.close() if isinstance(part, Browser) else part.stop()
            for directory in (self.example_directory, self.installed):
                if directory:
                    shutil.rmtree(directory, ignore_errors=True)
        failed = [name for name, ok, _ in self.results if not ok]
        passed = len(self.results) - len(failed)
        took = time.monotonic() - started
        if failed:
            print(f"browser: {len(failed)} of {len(self.results)} checks failed ({', '.join(failed)}) in {took:.0f} s")
            return 1
        print(f"browser: {passed} checks passed in {took:.0f} s")
        return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("binary", help="the lineup binary (.build/debug/lineup)")
    parser.add_argument("--screenshots", metavar="DIR", help="write demo.png, demo-phone.png and console.png here")
    parser.add_argument("--assets-from-checkout", action="store_true",
                        help="serve the pages from Sources/LineupWeb/Assets instead of the binary's copies")
    arguments = parser.parse_args()
    arguments.binary = os.path.abspath(arguments.binary)
    if arguments.screenshots:
        arguments.screenshots = os.path.abspath(arguments.screenshots)
    if not os.access(arguments.binary, os.X_OK):
        print(f"browser: {arguments.binary} is not an executable (build it first: swift build)")
        return 2
    try:
        import selenium  # noqa: F401
    except ImportError:
        print("browser: Python's selenium is not installed (python3 -m pip install selenium==4.51.0)")
        return 2

    # SIGTERM (CI's timeout, a killed job) unwinds like an exception, so every server is stopped.
    def terminate(signum, frame):
        print(f"browser: stopped by signal {signum}; stopping what it started", flush=True)
        raise SystemExit(128 + signum)
    signal.signal(signal.SIGTERM, terminate)
    signal.signal(signal.SIGHUP, terminate)
    return Run(arguments).run()


if __name__ == "__main__":
    sys.exit(main())
