"""Benchmark: the GP journey over HTTP against a bare Django insert view, side by side.

Usage:
    .venv/bin/python bench/http_journey.py [--seconds 20] [--gps 16] [--parts journey,wrk,weight]
    .venv/bin/python bench/http_journey.py --parts scale,chain     # the multi-machine figures

One run seeds a benchmark database (PostgreSQL at 127.0.0.1:5432 by default, or the embedded
server with --embedded), collects static files, and then, one after the other:

- journey: serves the bare insert view (bench/bare/) and the project under gunicorn with the same
  workers and production settings (DEBUG off), and drives each with the same client: --procs
  processes x threads, --gps concurrent clients in all, on loopback only, in --rounds
  alternating rounds (bare view, then journey, --seconds each; the share is the median of the
  rounds', so load from other jobs on a shared machine falls on both sides). Each project
  client signs in once as a seeded GP, then repeats the whole referral check. It reads every
  page's form (action, CSRF token, fields) and picks answers by field name and value, following
  redirects as a browser does, so new URLs or steps need no change here.
- wrk: single GET pages with wrk (Debian package `wrk`), each connection with its own session.
- weight: bytes over the wire for the first question page, cold (page and every asset) and warm.
- scale: 1, 2 and 4 gunicorn processes, each a "machine" on its own loopback port, behind HAProxy
  (Debian package `haproxy`), one PostgreSQL; the journey against each.
- chain: decisions/s through the real engine and hash chain from 16 and 64 concurrent submitters,
  and how long each append holds the chain's advisory lock (the ceiling is 1 / hold time).

Missing Debian packages are installed with apt-get when running as root; otherwise the part says
what to install and is skipped. Prints Markdown tables; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import gzip
import html
import html.parser
import http.client
import multiprocessing
import os
import random
import re
import secrets
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
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
HOST = "127.0.0.1"
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/fusion_bench"
GPS = [(f"gp{n}" if n > 1 else "gp", f"demo-gp{n if n > 1 else ''}-password") for n in range(1, 6)]
REFERENCE = re.compile(r"FT-[2-9A-Z]{4}-[2-9A-Z]{4}")

# How the client answers each question, by field name: the first listed value the page offers.
# A radio group not named here gets its first option, a checkbox group its "none" option.
PROFILES = [
    {"red_flags": ["none"], "pain_location": ["back_only"], "conditions": ["none"],
     "decompression_planned": ["no"]},
    {"red_flags": ["none"], "pain_location": ["back_only"],
     "conditions": ["sacroiliac_joint_dysfunction"], "decompression_planned": ["no"]},
    {"red_flags": ["none"], "pain_location": ["back_and_leg"], "conditions": ["none"],
     "decompression_planned": ["yes"], "decompression_destabilising": ["yes"]},
]  # fmt: skip


# --------------------------------------------------------------------------------------------
# The client: keep-alive HTTP, cookies, redirects, and a small form reader.


@dataclass
class FormField:
    kind: str
    name: str
    value: str
    checked: bool = False


@dataclass
class Form:
    action: str
    method: str
    css: str
    fields: list[FormField] = field(default_factory=list)


FORM_BLOCK = re.compile(r"<form\b(?P<attrs>[^>]*)>(?P<body>.*?)</form\s*>", re.S | re.I)
FIELD_TAG = re.compile(r"<(?P<tag>input|button)\b(?P<attrs>[^>]*)>", re.I)
TEXTAREA = re.compile(r"<textarea\b(?P<attrs>[^>]*)>(?P<text>.*?)</textarea\s*>", re.S | re.I)
ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
ERROR_SUMMARY = re.compile(r"""class=["'][^"']*\bnhsuk-error-summary(?![\w-])""")


def attributes(text: str) -> dict[str, str]:
    """A start tag's attributes, names lowercased and values unescaped, as html.parser gives."""
    found: dict[str, str] = {}
    for name, double, single, bare in ATTRIBUTE.findall(text):
        found.setdefault(name.lower(), html.unescape(double or single or bare))
    return found


def form_fields(body: str) -> list[FormField]:
    """A form's named inputs, submit buttons and text areas, in the order they come."""
    fields: list[tuple[int, FormField]] = []
    for match in TEXTAREA.finditer(body):
        a = attributes(match["attrs"])
        if a.get("name"):
            fields.append(
                (match.start(), FormField("textarea", a["name"], html.unescape(match["text"])))
            )
    for match in FIELD_TAG.finditer(body):
        tag = match["tag"].lower()
        a = attributes(match["attrs"])
        if not a.get("name"):
            continue
        if tag == "input":
            kind = a.get("type", "text").lower()
            fields.append(
                (match.start(), FormField(kind, a["name"], a.get("value", ""), "checked" in a))
            )
        elif a.get("type", "submit") == "submit":
            fields.append((match.start(), FormField("submit", a["name"], a.get("value", ""))))
    return [f for _, f in sorted(fields, key=lambda pair: pair[0])]


def page_read(text: str) -> tuple[list[Form], bool]:
    """The page's forms and whether it shows an error summary, read with regular expressions.

    The client shares the machine's cores with the server and PostgreSQL, so what it spends
    reading a page is time the server lacks: parsing whole pages cost it 1.3 to 6.4 ms of CPU a
    page (round 4), and the forms alone with html.parser still 0.8 ms more a request than the
    bare view's client (round 6). Forms never nest, a `</form>` or `>` inside a field's value is
    escaped, and the service's markup quotes its attributes, so regular expressions read the
    same fields, values and order as an HTML parser (checked against html.parser on every page
    of the journey when this was written)."""
    forms = []
    for block in FORM_BLOCK.finditer(text):
        a = attributes(block["attrs"])
        forms.append(
            Form(
                a.get("action", ""),
                a.get("method", "get").lower(),
                a.get("class", ""),
                form_fields(block["body"]),
            )
        )
    return forms, bool(ERROR_SUMMARY.search(text))


@dataclass
class Page:
    url: str
    status: int
    text: str
    forms: list[Form]
    has_errors: bool

    def main_form(self) -> Form | None:
        """The page's own POST form: not the header's sign-out form, not a GET search."""
        for form in self.forms:
            account = "account" in form.css or re.search(r"sign-?out|logout", form.action)
            if form.method == "post" and not account:
                return form
        return None


def nhs_number_random(rng: random.Random) -> str:
    """A random NHS number with a valid modulus 11 check digit, in a range issued to patients
    in England (4xx xxx xxxx): the service refuses numbers outside the issued ranges."""
    while True:
        digits = [4] + [rng.randint(0, 9) for _ in range(8)]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        if check == 11:
            check = 0
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def label_for(method: str, url: str) -> str:
    """A page's name in the tables: method and path with references and ids replaced."""
    path = urllib.parse.urlsplit(url).path
    path = REFERENCE.sub("<ref>", path)
    path = re.sub(r"/[0-9a-f]{8}-[0-9a-f-]{27}(?=/|$)", "/<uuid>", path)
    path = re.sub(r"/\d+(?=/|$)", "/<id>", path)
    return f"{method} {path}"


class Client:
    """One browser-like user: a keep-alive connection, its cookies, and timings per page."""

    def __init__(self, port: int, rng: random.Random) -> None:
        self.port = port
        self.rng = rng
        self.conn = http.client.HTTPConnection(HOST, port, timeout=60)
        self.cookies: dict[str, str] = {}
        self.timings: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.recording = False
        self.deadline = float("inf")  # requests that end later are not counted
        self.submit_labels: set[str] = set()

    def _send(self, method: str, url: str, body: str | None) -> http.client.HTTPResponse:
        headers = {"Accept-Encoding": "gzip", "User-Agent": "fusion-bench"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{HOST}:{self.port}{url}"
        for attempt in (1, 2):
            try:
                self.conn.request(method, url, body=body, headers=headers)
                return self.conn.getresponse()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed an idle keep-alive connection; a browser retries too.
                self.conn.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def fetch(self, method: str, url: str, body: str | None = None) -> tuple[int, Any, bytes]:
        label = label_for(method, url)
        started = time.perf_counter()
        try:
            response = self._send(method, url, body)
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            if self.recording and time.monotonic() <= self.deadline:
                self.errors[label] += 1
            raise
        elapsed = (time.perf_counter() - started) * 1000
        counted = self.recording and time.monotonic() <= self.deadline
        for cookie in response.headers.get_all("Set-Cookie") or []:
            pair, _, attributes = cookie.partition(";")
            name, _, value = pair.strip().partition("=")
            if "max-age=0" in attributes.lower() or value in ("", '""'):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        if response.headers.get("Content-Encoding") == "gzip":
            data = gzip.decompress(data)
        if counted:
            self.timings[label].append(elapsed)
            if response.status >= 400:
                self.errors[label] += 1
        return response.status, response.headers, data  # case-insensitive, as HAProxy lowercases

    def go(self, method: str, url: str, data: list[tuple[str, str]] | None = None) -> Page:
        """Request a page and follow its redirects, as a browser does."""
        body = urllib.parse.urlencode(data) if data is not None else None
        for _ in range(10):
            status, headers, content = self.fetch(method, url, body)
            if status in (301, 302, 303, 307, 308):
                if method == "POST" and REFERENCE.search(headers["Location"]):
                    self.submit_labels.add(label_for(method, url))
                url = urllib.parse.urljoin(url, headers["Location"])
                method, body = "GET", None
                continue
            text = content.decode("utf-8", "replace")
            return Page(url, status, text, *page_read(text))
        raise RuntimeError(f"too many redirects from {url}")

    def submit(self, page: Page, form: Form, profile: dict[str, list[str]]) -> Page:
        return self.go(
            "POST", urllib.parse.urljoin(page.url, form.action), self.fill(form, profile)
        )

    def fill(self, form: Form, profile: dict[str, list[str]]) -> list[tuple[str, str]]:
        """The answers a GP gives on this form, chosen by field name and offered value."""
        data: list[tuple[str, str]] = []
        groups: dict[tuple[str, str], list[str]] = defaultdict(list)
        for f in form.fields:
            if f.kind in ("radio", "checkbox"):
                groups[(f.kind, f.name)].append(f.value)
            elif f.kind == "submit":
                data.append((f.name, f.value))
            elif f.name == "nhs_number":
                data.append((f.name, nhs_number_random(self.rng)))
            elif f.name in profile:
                data.append((f.name, profile[f.name][0]))
            else:
                data.append((f.name, f.value))
        for (kind, name), values in groups.items():
            wanted = [v for v in profile.get(name, []) if v in values]
            if wanted:
                data.extend((name, v) for v in (wanted if kind == "checkbox" else wanted[:1]))
            elif kind == "radio":
                data.append((name, values[0]))
            elif "none" in values:
                data.append((name, "none"))
        return data

    def sign_in(self, username: str, password: str) -> Page:
        page = self.go("GET", "/sign-in/")
        form = page.main_form()
        if form is None:
            raise RuntimeError("the sign-in page has no form")
        landing = self.submit(page, form, {"username": [username], "password": [password]})
        if landing.main_form() is None or "sign-in" in landing.url:
            raise RuntimeError(f"signing in as {username} failed (ended at {landing.url})")
        return landing

    def journey(self, landing_url: str) -> bool:
        """One referral check from the GP's start page to the decision; True if it got one."""
        page = self.go("GET", landing_url)
        profile = self.rng.choice(PROFILES)
        for _ in range(20):
            if REFERENCE.search(urllib.parse.urlsplit(page.url).path):
                return page.status == 200
            form = page.main_form()
            if form is None or page.status >= 400:
                return False
            before = page.url
            page = self.submit(page, form, profile)
            if page.has_errors and page.url == before:
                self.errors[f"validation error {label_for('POST', before)}"] += 1
                return False
        return False


# --------------------------------------------------------------------------------------------
# Load: processes x threads, all signed in before the clock starts.


def _thread_count(total: int, procs: int) -> list[int]:
    procs = max(1, min(procs, total))
    return [total // procs + (1 if i < total % procs else 0) for i in range(procs)]


def _load_process(kind, port, threads, seconds, barrier, queue, seed) -> None:
    results = []
    cpu_at_start: list[float] = []  # this process's CPU seconds when the clock started

    def user(index: int) -> None:
        client = Client(port, random.Random(seed * 1000 + index))
        decisions = 0
        landing = ""
        try:
            if kind == "journey":
                username, password = GPS[(seed * 100 + index) % len(GPS)]
                landing = client.sign_in(username, password).url
        except Exception as error:  # noqa: BLE001 - reported, then the run goes on
            client.errors[f"sign-in failed: {error}"] += 1
        barrier.wait(timeout=600)
        cpu_at_start.append(time.process_time())
        client.recording = True
        end = client.deadline = time.monotonic() + seconds
        while time.monotonic() < end:
            try:
                if kind == "journey":
                    ok = client.journey(landing)
                else:
                    status, _, _ = client.fetch("GET", "/insert/")
                    ok = status == 200
            except Exception:  # noqa: BLE001 - counted as an error by fetch
                ok = False
                time.sleep(0.05)
            if time.monotonic() <= end:
                decisions += ok
        results.append((dict(client.timings), dict(client.errors), decisions, client.submit_labels))

    workers = [threading.Thread(target=user, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    client_cpu = time.process_time() - min(cpu_at_start) if cpu_at_start else 0.0
    queue.put((results, client_cpu))


@dataclass
class LoadResult:
    seconds: float
    users: int
    timings: dict[str, list[float]]
    errors: dict[str, int]
    decisions: int
    submit_labels: set[str] = field(default_factory=set)
    # CPU seconds used over the measured window by the server's processes ("web": gunicorn's
    # master and workers), by the PostgreSQL backends serving the benchmark's database, and by
    # the benchmark's own client processes ("client": they share the machine's cores).
    cpu: dict[str, float] = field(default_factory=dict)

    @classmethod
    def pooled(cls, results: list[LoadResult]) -> LoadResult:
        """Several runs against the same server as one: their requests over their seconds."""
        timings: dict[str, list[float]] = defaultdict(list)
        errors: dict[str, int] = defaultdict(int)
        cpu: dict[str, float] = defaultdict(float)
        for result in results:
            for label, values in result.timings.items():
                timings[label].extend(values)
            for label, count in result.errors.items():
                errors[label] += count
            for part, seconds in result.cpu.items():
                cpu[part] += seconds
        return cls(
            seconds=sum(r.seconds for r in results),
            users=results[0].users,
            timings=dict(timings),
            errors=dict(errors),
            decisions=sum(r.decisions for r in results),
            submit_labels=set().union(*(r.submit_labels for r in results)),
            cpu=dict(cpu),
        )

    def cpu_ms_per_request(self, part: str) -> float:
        if part not in self.cpu or not self.requests:
            return float("nan")
        return 1000 * self.cpu[part] / self.requests

    @property
    def requests(self) -> int:
        return sum(len(v) for v in self.timings.values())

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    @property
    def dps(self) -> float:
        return self.decisions / self.seconds

    @property
    def dps_equivalent(self) -> float:
        """Requests/s over the requests one journey makes (each page once): the decision rate
        the same work would give, also when a short, slow run completes few whole journeys."""
        return self.rps / max(1, len(self.timings))

    def percentile(self, label: str, q: float) -> float:
        values = sorted(self.timings.get(label, []))
        if not values:
            return float("nan")
        return values[min(len(values) - 1, int(q * len(values)))]

    def submit_label(self) -> str | None:
        """The POST that records the decision: the one whose redirect ends at a reference."""
        return max(self.submit_labels, key=lambda k: len(self.timings.get(k, [])), default=None)


def load(
    kind: str, port: int, users: int, procs: int, seconds: float, meter: CpuMeter | None = None
) -> LoadResult:
    """Drive the server on `port`; with a `meter`, also take the CPU its processes and the
    database's backends use over the same measured window (this process joins the barrier)."""
    ctx = multiprocessing.get_context("fork")
    counts = _thread_count(users, procs)
    barrier = ctx.Barrier(sum(counts) + 1)
    queue = ctx.Queue()
    processes = [
        ctx.Process(target=_load_process, args=(kind, port, n, seconds, barrier, queue, i + 1))
        for i, n in enumerate(counts)
    ]
    for p in processes:
        p.start()
    barrier.wait(timeout=600)
    cpu: dict[str, float] = {}
    if meter is not None:
        cpu = meter.over(seconds)
    collected = [queue.get(timeout=seconds + 900) for _ in processes]
    for p in processes:
        p.join()
    timings: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    decisions = 0
    submit_labels: set[str] = set()
    if meter is not None:
        cpu["client"] = sum(client_cpu for _, client_cpu in collected)
    for per_process, _ in collected:
        for t, e, d, s in per_process:
            submit_labels |= s
            for k, v in t.items():
                timings[k].extend(v)
            for k, v in e.items():
                errors[k] += v
            decisions += d
    return LoadResult(seconds, users, dict(timings), dict(errors), decisions, submit_labels, cpu)


def process_cpu_seconds(pid: int) -> float:
    """utime + stime of one process from /proc (0 if it has gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_children(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == parent:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


class CpuMeter:
    """CPU seconds of a gunicorn (master and workers) and of the PostgreSQL backends connected
    to the benchmark's database: a figure that load from other jobs on the machine does not
    move the way it moves requests/s. Reads /proc, so the database must run on this machine;
    otherwise only the web part is reported. Background processes (WAL writer, checkpointer)
    are not counted."""

    def __init__(self, server: Gunicorn, database_url: str) -> None:
        self.server = server
        self.database_url = database_url

    def _backends(self) -> list[int]:
        import psycopg

        try:
            with psycopg.connect(self.database_url, autocommit=True) as conn:
                rows = conn.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid()"
                ).fetchall()
        except psycopg.Error:
            return []
        return [pid for (pid,) in rows if Path(f"/proc/{pid}").exists()]

    def snapshot(self) -> dict[str, dict[int, float]]:
        web = [self.server.proc.pid, *process_children(self.server.proc.pid)]
        return {
            "web": {pid: process_cpu_seconds(pid) for pid in web},
            "database": {pid: process_cpu_seconds(pid) for pid in self._backends()},
        }

    def over(self, seconds: float, every: float = 2.0) -> dict[str, float]:
        """CPU seconds used during the next `seconds`. The processes are also read every
        `every` seconds, so a backend that exits within the window (Django replaces a connection
        older than DATABASE_CONN_MAX_AGE) counts up to its last reading instead of not at all,
        and one that starts within it counts from zero."""
        before = self.snapshot()
        last = {part: dict(pids) for part, pids in before.items()}
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            time.sleep(min(every, left))
            for part, pids in self.snapshot().items():
                last[part].update(pids)
        used = {
            part: sum(seconds - before[part].get(pid, 0.0) for pid, seconds in pids.items())
            for part, pids in last.items()
        }
        return {part: seconds for part, seconds in used.items() if last[part]}


# --------------------------------------------------------------------------------------------
# Servers: seeding, gunicorn, HAProxy.


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def server_env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_SECURE_HTTPS="false",
        DJANGO_SSL_REDIRECT="false",
        DJANGO_DEBUG="false",
        DJANGO_LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    return env


def run(cmd: list[str], env: dict[str, str]) -> None:
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def database_prepare(args) -> str:
    if args.embedded:
        sys.path.insert(0, str(ROOT))
        from config.embedded_db import database_url

        url = database_url().rsplit("/", 1)[0] + "/fusion_bench"
    else:
        url = args.database_url
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and args.fresh:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    env = server_env(url)
    manage = [PYTHON, "manage.py"]
    print(f"Seeding {parts.hostname}:{parts.port}/{name} ...", flush=True)
    run([*manage, "migrate", "--no-input"], env)
    run([*manage, "seed_policy"], env)
    run([*manage, "seed_demo", "--decisions-if-empty", str(args.decisions)],
        {**env, "DJANGO_DEBUG": "true"})  # fmt: skip
    run([*manage, "collectstatic", "--no-input", "--verbosity", "0"], env)
    run([PYTHON, "-m", "django", "migrate", "--run-syncdb", "--verbosity", "0",
         "--settings", "bench.bare.settings"], env)  # fmt: skip
    # Journeys cut off at the end of a timed run leave checks in progress, which the GPs' start
    # page lists: without this, every run would start with more than the one before.
    with psycopg.connect(url, autocommit=True) as conn:
        left = conn.execute("DELETE FROM triage_referralcheck WHERE decision_id IS NULL").rowcount
    print(f"Removed {left} unfinished checks left by earlier runs.", flush=True)
    return url


class Gunicorn:
    """One gunicorn master with its workers, in its own process group."""

    def __init__(self, app: str, env: dict[str, str], workers: int, port: int | None = None):
        self.port = port or free_port()
        self.proc = subprocess.Popen(
            [GUNICORN, app, "--bind", f"{HOST}:{self.port}", "--workers", str(workers),
             "--log-level", "warning", "--timeout", "120"],
            cwd=ROOT, env=env, start_new_session=True,
        )  # fmt: skip
        wait_until_up(self.port, "/healthz", self.proc)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def wait_until_up(port: int, path: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server on port {port} exited with {proc.returncode}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server on port {port} did not answer {path}")


def apt_ensure(binary: str, package: str) -> str | None:
    """The binary's path, installing the Debian package when root; None if unavailable."""
    found = shutil.which(binary) or (
        f"/usr/sbin/{binary}" if Path(f"/usr/sbin/{binary}").exists() else None
    )
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print(f"Installing the Debian package {package} ...", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=False)
        subprocess.run(["apt-get", "install", "-y", "-qq", package], env=env, check=False)
        return shutil.which(binary) or (
            f"/usr/sbin/{binary}" if Path(f"/usr/sbin/{binary}").exists() else None
        )
    print(f"{binary} is missing: run `apt-get install {package}`; skipping what needs it.")
    return None


class HAProxy:
    """A local load balancer in front of several gunicorn "machines", round robin per request."""

    def __init__(self, binary: str, backends: list[int]) -> None:
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="fusion-bench-haproxy-")
        # No active health checks: a busy single-worker machine would fail them and be taken
        # out; every machine was seen answering before HAProxy starts.
        servers = "\n".join(f"    server m{i} {HOST}:{p}" for i, p in enumerate(backends))
        config = Path(self.dir, "haproxy.cfg")
        config.write_text(
            f"""global
    maxconn 4096
defaults
    mode http
    timeout connect 5s
    timeout client 120s
    timeout server 120s
    option http-server-close
frontend web
    bind {HOST}:{self.port}
    default_backend machines
backend machines
    balance roundrobin
{servers}
"""
        )
        self.proc = subprocess.Popen([binary, "-f", str(config), "-db"], start_new_session=True)
        wait_until_up(self.port, "/healthz", self.proc)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)
        shutil.rmtree(self.dir, ignore_errors=True)


# --------------------------------------------------------------------------------------------
# Parts.


def fmt(ms: float) -> str:
    return "-" if ms != ms else f"{ms:.0f}" if ms >= 100 else f"{ms:.1f}"  # noqa: PLR0124 - NaN


def print_load(name: str, result: LoadResult, bare: LoadResult | None) -> None:
    ratio = f", {100 * result.rps / bare.rps:.0f} % of the bare view's requests/s" if bare else ""
    print(
        f"\n**{name}**: {result.rps:.1f} requests/s, {result.dps:.1f} decisions/s completed "
        f"({result.dps_equivalent:.1f}/s in request-equivalents), "
        f"{sum(result.errors.values())} errors ({result.users} clients, "
        f"{result.seconds:.0f} s){ratio}\n"
    )
    print("| page | requests | p50 ms | p95 ms | p99 ms | errors |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, values in result.timings.items():
        print(
            f"| `{label}` | {len(values)} | {fmt(result.percentile(label, 0.50))} | "
            f"{fmt(result.percentile(label, 0.95))} | {fmt(result.percentile(label, 0.99))} | "
            f"{result.errors.get(label, 0)} |"
        )
    for label, count in result.errors.items():
        if label not in result.timings:
            print(f"| {label} | | | | | {count} |")


def part_journey(args, env) -> None:
    """The bare view and the journey in --rounds alternating pairs, both servers up throughout.

    On a shared machine the load from other jobs moves requests/s by a third within minutes, so
    one bare run followed by one journey run compares two different machines. Each round runs
    the bare view, then the journey, for --seconds each; the share is each round's journey
    requests/s over the same round's bare view, and the median of the rounds is the figure.
    """
    bare_server = Gunicorn("bench.bare.wsgi", env, args.workers)
    project = None
    rounds: list[tuple[LoadResult, LoadResult]] = []
    try:
        project = Gunicorn("config.wsgi", env, args.workers)
        load("bare", bare_server.port, args.gps, args.procs, min(3, args.seconds))  # warm up
        load("journey", project.port, args.gps, args.procs, min(3, args.seconds))  # warm up
        for _ in range(args.rounds):
            bare = load(
                "bare", bare_server.port, args.gps, args.procs, args.seconds,
                CpuMeter(bare_server, env["DATABASE_URL"]),
            )  # fmt: skip
            journey = load(
                "journey", project.port, args.gps, args.procs, args.seconds,
                CpuMeter(project, env["DATABASE_URL"]),
            )  # fmt: skip
            rounds.append((bare, journey))
    finally:
        bare_server.stop()
        if project is not None:
            project.stop()
    bare = LoadResult.pooled([b for b, _ in rounds])
    journey = LoadResult.pooled([j for _, j in rounds])
    shares = [100 * j.rps / b.rps for b, j in rounds]
    print(
        f"\n## Journey against the bare view (gunicorn, {args.workers} workers each, "
        f"{args.rounds} alternating rounds of {args.seconds:.0f} s each)"
    )
    print_load("Bare insert view, all rounds", bare, None)
    print_load("GP journey, all rounds", journey, bare)
    print(
        "\n| round | bare requests/s | journey requests/s | share | web CPU ms per request: "
        "bare / journey | database CPU ms per request: bare / journey | the client's CPU ms "
        "per request: bare / journey |\n"
        "|---:|---:|---:|---:|---:|---:|---:|"
    )
    for n, ((b, j), share) in enumerate(zip(rounds, shares, strict=True), 1):
        print(
            f"| {n} | {b.rps:.0f} | {j.rps:.1f} | {share:.1f} % | "
            f"{b.cpu_ms_per_request('web'):.2f} / {j.cpu_ms_per_request('web'):.2f} | "
            f"{b.cpu_ms_per_request('database'):.2f} / {j.cpu_ms_per_request('database'):.2f} | "
            f"{b.cpu_ms_per_request('client'):.2f} / {j.cpu_ms_per_request('client'):.2f} |"
        )
    submit = journey.submit_label()
    print(
        f"\n| summary | requests/s | decisions/s | p95 of the submit ms | ratio to bare "
        f"| web CPU ms per request | database CPU ms per request |\n"
        f"|---|---:|---:|---:|---:|---:|---:|\n"
        f"| bare insert view | {bare.rps:.0f} | {bare.dps:.0f} | "
        f"{fmt(bare.percentile('GET /insert/', 0.95))} | 100 % | "
        f"{bare.cpu_ms_per_request('web'):.2f} | {bare.cpu_ms_per_request('database'):.2f} |\n"
        f"| GP journey | {journey.rps:.1f} | {journey.dps:.1f} | "
        f"{fmt(journey.percentile(submit, 0.95)) if submit else '-'} | "
        f"{statistics.median(shares):.1f} % (median of {len(shares)} rounds; "
        f"{min(shares):.1f} to {max(shares):.1f} %) | {journey.cpu_ms_per_request('web'):.2f} | "
        f"{journey.cpu_ms_per_request('database'):.2f} |"
    )


def _signed_in_clients(port: int, count: int) -> list[tuple[Client, str, str]]:
    """`count` GP sessions, each with a referral check started: (client, landing, question)."""
    out = []
    for i in range(count):
        client = Client(port, random.Random(i))
        landing = client.sign_in(*GPS[i % len(GPS)])
        question = client.submit(landing, landing.main_form(), PROFILES[0])
        out.append((client, urllib.parse.urlsplit(landing.url).path, question.url))
    return out


WRK_LUA = """
local cookies = {%s}
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, nil, {["Cookie"] = cookies[(n %% #cookies) + 1]})
end
"""


def wrk(binary: str, port: int, path: str, args, cookies: list[str] | None) -> dict:
    cmd = [binary, f"-t{args.wrk_threads}", f"-c{args.wrk_connections}",
           f"-d{args.wrk_seconds}s", "--latency"]  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="fusion-bench-wrk-") as tmp:
        if cookies:
            script = Path(tmp, "sessions.lua")
            script.write_text(WRK_LUA % ", ".join(f'"{c}"' for c in cookies))
            cmd += ["-s", str(script)]
        out = subprocess.run([*cmd, f"http://{HOST}:{port}{path}"], capture_output=True, text=True)

    def latency(q: str) -> float:
        m = re.search(rf"^\s+{q}%\s+([\d.]+)(us|ms|s)\s*$", out.stdout, re.M)
        if not m:
            return float("nan")
        return float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]

    rps = re.search(r"Requests/sec:\s+([\d.]+)", out.stdout)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out.stdout)
    return {
        "rps": float(rps.group(1)) if rps else 0.0,
        "p50": latency("50"),
        "p99": latency("99"),
        "non2xx": int(bad.group(1)) if bad else 0,
    }


def part_wrk(args, env) -> None:
    binary = apt_ensure("wrk", "wrk")
    if not binary:
        return
    rows = []
    bare_server = Gunicorn("bench.bare.wsgi", env, args.workers)
    try:
        bare = wrk(binary, bare_server.port, "/insert/", args, None)
    finally:
        bare_server.stop()
    rows.append(("bare insert view `/insert/`", bare))
    project = Gunicorn("config.wsgi", env, args.workers)
    try:
        sessions = _signed_in_clients(project.port, args.wrk_connections)
        cookies = ["; ".join(f"{k}={v}" for k, v in c.cookies.items()) for c, _, _ in sessions]
        _, landing, question = sessions[0]
        question = urllib.parse.urlsplit(question).path
        # A check answers only to the GP who started it: the question page is driven with the
        # sessions of that GP (every len(GPS)-th one), or the others would measure 404s.
        owner = cookies[:: len(GPS)]
        for path, who in (
            ("/healthz", None),
            ("/accessibility/", cookies),
            ("/sign-in/", None),
            ("/policy/", cookies),
            (landing, cookies),
            (question, owner),
        ):
            rows.append(
                (
                    f"`{path}`" + (" (signed in)" if who else ""),
                    wrk(binary, project.port, path, args, who),
                )
            )
    finally:
        project.stop()
    print(
        f"\n## Single pages with wrk ({args.wrk_threads} threads, {args.wrk_connections} "
        f"connections, {args.wrk_seconds} s each; each connection rotates its own sessions)\n"
    )
    print("| page | requests/s | p50 ms | p99 ms | non-2xx/3xx | % of bare |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, r in rows:
        print(
            f"| {name} | {r['rps']:.0f} | {fmt(r['p50'])} | {fmt(r['p99'])} | {r['non2xx']} | "
            f"{100 * r['rps'] / bare['rps']:.0f} % |"
        )


class AssetParser(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if (
            tag == "link"
            and a.get("href")
            and (
                "stylesheet" in a.get("rel", "")
                or "icon" in a.get("rel", "")
                or "manifest" in a.get("rel", "")
            )
        ):
            self.urls.append(a["href"])
        elif tag in ("script", "img") and a.get("src"):
            self.urls.append(a["src"])


def _raw_get(port: int, path: str, cookies: dict, extra: dict | None = None):
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    headers = {
        "Accept-Encoding": "gzip, deflate, br",
        "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
    }
    headers.update(extra or {})
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    head = 17 + sum(len(k) + len(v) + 4 for k, v in response.getheaders()) + 2
    conn.close()
    return response, head, body


def _decoded(response: http.client.HTTPResponse, body: bytes) -> str:
    encoding = response.headers.get("Content-Encoding")
    if encoding == "gzip":
        body = gzip.decompress(body)
    elif encoding == "br":
        import brotli

        body = brotli.decompress(body)
    return body.decode("utf-8", "replace")


def part_weight(args, env) -> None:
    project = Gunicorn("config.wsgi", env, args.workers)
    try:
        client, _, question = _signed_in_clients(project.port, 1)[0]
        path = urllib.parse.urlsplit(question).path
        response, head, body = _raw_get(project.port, path, client.cookies)
        html_text = _decoded(response, body)
        parser = AssetParser()
        parser.feed(html_text)
        queue = [urllib.parse.urljoin(path, u) for u in parser.urls]
        rows = [
            (
                path,
                response.status,
                response.headers.get("Content-Encoding") or "none",
                head + len(body),
                head + len(body),
                "always fetched",
            )
        ]
        seen = set()
        while queue:
            url = queue.pop(0)
            if url in seen or not url.startswith("/"):
                continue
            seen.add(url)
            r, h, b = _raw_get(project.port, url, {})
            if url.endswith(".js"):
                text = _decoded(r, b)
                for imported in re.findall(r"""(?:import|from)\s*['"]([^'"]+\.js)['"]""", text):
                    queue.append(urllib.parse.urljoin(url, imported))
            cache = r.headers.get("Cache-Control", "")
            max_age = int(m.group(1)) if (m := re.search(r"max-age=(\d+)", cache)) else 0
            if max_age >= 86400 and "no-cache" not in cache:
                warm, how = 0, f"cached ({cache})"
            else:
                validators = {}
                if r.headers.get("ETag"):
                    validators["If-None-Match"] = r.headers["ETag"]
                if r.headers.get("Last-Modified"):
                    validators["If-Modified-Since"] = r.headers["Last-Modified"]
                r2, h2, b2 = _raw_get(project.port, url, {}, validators)
                warm, how = (
                    h2 + len(b2),
                    f"revalidated: {r2.status} ({cache or 'no Cache-Control'})",
                )
            rows.append(
                (url, r.status, r.headers.get("Content-Encoding") or "none", h + len(b), warm, how)
            )
    finally:
        project.stop()
    print("\n## Bytes over the wire for the first question page (headers + body as sent)\n")
    print("| resource | status | encoding | cold bytes | warm bytes | warm |")
    print("|---|---:|---|---:|---:|---|")
    for url, status, encoding, cold, warm, how in rows:
        print(f"| `{url}` | {status} | {encoding} | {cold:,} | {warm:,} | {how} |")
    print(
        f"| **total** | | | **{sum(r[3] for r in rows):,}** | **{sum(r[4] for r in rows):,}** | |"
    )


def part_scale(args, env) -> None:
    binary = apt_ensure("haproxy", "haproxy")
    if not binary:
        return
    print(
        f"\n## Machines behind HAProxy (each a gunicorn with {args.machine_workers} worker(s) on "
        f"its own port; one PostgreSQL; {args.gps} GPs, {args.seconds:.0f} s)\n"
    )
    print(
        "| machines | requests/s | decisions/s completed | decisions/s, request-equivalent | "
        "submit p50 ms | submit p95 ms | errors |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for machines in args.machines:
        servers = [Gunicorn("config.wsgi", env, args.machine_workers) for _ in range(machines)]
        balancer = None
        try:
            balancer = HAProxy(binary, [s.port for s in servers])
            load("journey", balancer.port, args.gps, args.procs, min(3, args.seconds))
            result = load("journey", balancer.port, args.gps, args.procs, args.seconds)
        finally:
            if balancer:
                balancer.stop()
            for s in servers:
                s.stop()
        submit = result.submit_label()
        print(
            f"| {machines} | {result.rps:.1f} | {result.dps:.1f} | {result.dps_equivalent:.1f} | "
            f"{fmt(result.percentile(submit, 0.5)) if submit else '-'} | "
            f"{fmt(result.percentile(submit, 0.95)) if submit else '-'} | "
            f"{sum(result.errors.values())} |",
            flush=True,
        )
        if result.errors:
            print(f"<!-- errors with {machines} machine(s): {result.errors} -->", flush=True)


def _chain_process(database_url, threads, seconds, barrier, queue, seed) -> None:
    os.environ.update(server_env(database_url))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    sys.path.insert(0, str(ROOT))
    import uuid

    import django

    django.setup()
    from django.db import connection, transaction

    from core import chain as chain_module
    from triage.models import Practice
    from triage.services import decisions as decisions_service

    holds: list[float] = []

    def timed(original):
        """The lock is held from the round trip that takes it until COMMIT."""

        def taking_the_lock(*args):
            result = original(*args)
            acquired = time.perf_counter()
            transaction.on_commit(lambda: holds.append((time.perf_counter() - acquired) * 1000))
            return result

        return taking_the_lock

    # A submit takes the lock with its idempotency lookup (_lock_tail_and_read); other appends
    # with chain_lock_and_tail.
    chain_module.chain_lock_and_tail = timed(chain_module.chain_lock_and_tail)
    chain_module._lock_tail_and_read = timed(chain_module._lock_tail_and_read)
    practices = list(Practice.objects.filter(clinicians__isnull=False).distinct())
    pairs = [(p, p.clinicians.select_related("user").first().user) for p in practices]
    connection.close()
    latencies: list[float] = []
    rng = random.Random(seed)

    def submitter() -> None:
        practice, user = rng.choice(pairs)
        mine = []
        barrier.wait(timeout=300)
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            started = time.perf_counter()
            decisions_service.decision_record(
                user=user, practice=practice, nhs_number=nhs_number_random(rng),
                answers=_CHAIN_ANSWERS, submission_key=uuid.uuid4(),
            )  # fmt: skip
            if time.monotonic() <= end:
                mine.append((time.perf_counter() - started) * 1000)
        latencies.extend(mine)
        connection.close()

    workers = [threading.Thread(target=submitter) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    queue.put((latencies, holds))


_CHAIN_ANSWERS = {
    "pain_location": "back_only",
    "red_flags": [],
    "conditions": ["sacroiliac_joint_dysfunction"],
    "decompression_planned": False,
    "decompression_destabilising": None,
}


def part_chain(args, database_url: str) -> None:
    print(
        f"\n## The decision chain's ceiling (engine + hash chain + insert, no HTTP; "
        f"{args.chain_procs} processes, {args.seconds:.0f} s)\n"
    )
    print(
        "| submitters | decisions/s | p50 ms | p95 ms | lock held, mean ms | "
        "lock held, p95 ms | ceiling = 1000 / mean hold |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    ctx = multiprocessing.get_context("spawn")
    for submitters in args.submitters:
        counts = _thread_count(submitters, args.chain_procs)
        barrier = ctx.Barrier(sum(counts))
        queue = ctx.Queue()
        procs = [
            ctx.Process(
                target=_chain_process, args=(database_url, n, args.seconds, barrier, queue, i)
            )
            for i, n in enumerate(counts)
        ]
        for p in procs:
            p.start()
        results = [queue.get(timeout=args.seconds + 600) for _ in procs]
        for p in procs:
            p.join()
        latencies = sorted(x for r in results for x in r[0])
        holds = sorted(x for r in results for x in r[1])
        mean_hold = statistics.fmean(holds)
        print(
            f"| {submitters} | {len(latencies) / args.seconds:.0f} | "
            f"{fmt(latencies[len(latencies) // 2])} | "
            f"{fmt(latencies[int(0.95 * len(latencies))])} | "
            f"{mean_hold:.2f} | {holds[int(0.95 * len(holds))]:.2f} | {1000 / mean_hold:.0f}/s |",
            flush=True,
        )
    env = server_env(database_url)
    check = subprocess.run(
        [PYTHON, "manage.py", "verify_chain"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    last = (check.stdout.strip().splitlines() or [check.stderr.strip()[-200:]])[-1]
    print(f"\n`verify_chain` after the run: exit {check.returncode}: {last}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20, help="measured seconds per load run")
    parser.add_argument("--gps", type=int, default=16, help="concurrent clients (GPs)")
    parser.add_argument("--procs", type=int, default=2, help="client processes")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    parser.add_argument(
        "--rounds", type=int, default=3,
        help="journey part: alternating bare / journey runs of --seconds each",
    )  # fmt: skip
    parser.add_argument("--parts", default="journey,wrk,weight",
                        help="comma-separated: journey, wrk, weight, scale, chain")  # fmt: skip
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL") or DEFAULT_DATABASE
    )
    parser.add_argument("--embedded", action="store_true", help="use the embedded PostgreSQL")
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the bench database")
    parser.add_argument("--decisions", type=int, default=1300, help="demo decisions seeded")
    parser.add_argument("--wrk-seconds", type=int, default=5)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--wrk-connections", type=int, default=16)
    parser.add_argument(
        "--machines", type=lambda s: [int(x) for x in s.split(",")], default=[1, 2, 4]
    )
    parser.add_argument(
        "--machine-workers", type=int, default=1, help="gunicorn workers per machine"
    )
    parser.add_argument(
        "--submitters", type=lambda s: [int(x) for x in s.split(",")], default=[16, 64]
    )
    parser.add_argument("--chain-procs", type=int, default=4, help="processes for the chain part")
    args = parser.parse_args()
    parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    unknown = set(parts) - {"journey", "wrk", "weight", "scale", "chain"}
    if unknown:
        parser.error(f"unknown part(s): {', '.join(sorted(unknown))}")

    database_url = database_prepare(args)
    env = server_env(database_url)
    print(
        f"\n# HTTP benchmark: {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.2f}, {args.gps} clients in {args.procs} processes\n"
    )
    for part in parts:
        {
            "journey": lambda: part_journey(args, env),
            "wrk": lambda: part_wrk(args, env),
            "weight": lambda: part_weight(args, env),
            "scale": lambda: part_scale(args, env),
            "chain": lambda: part_chain(args, database_url),
        }[part]()
        sys.stdout.flush()


if __name__ == "__main__":
    main()
