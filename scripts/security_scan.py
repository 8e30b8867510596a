"""wapiti and sqlmap against a production-like gunicorn on loopback (docs/security-testing.md).

Usage:
    .venv/bin/python scripts/security_scan.py [--seconds 300] [--out var/security]

Makes a scratch database `fusion_scan` on the embedded server (dropped and made again each run),
migrates it as the owner, grants the application role, seeds the policy and 60 demo decisions,
then serves the project with gunicorn as the application role with production settings (DEBUG
off, a random secret key, manifest static files) on 127.0.0.1 only. Signs in as the demo GP and
the demo reviewer (REQUIRE_2FA=false, so the scanners reach the reviewer's pages with a password
session; the second factor has its own tests) and runs, as anonymous, GP and reviewer:

- wapiti (Debian package `wapiti`): crawl and attack every page in scope, default modules;
- sqlmap (Debian package `sqlmap`): every query parameter of the search and filter pages, and
  the sign-in form, --level 3 --risk 2.

Writes the reports under --out and prints a summary: wapiti's findings by category, sqlmap's
verdict per target, and every 5xx gunicorn logged. Asserts nothing; a person reads the result.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
HOST = "127.0.0.1"
SCAN_DB = "fusion_scan"
USERS = {"gp": "demo-gp-password", "reviewer": "demo-reviewer-password"}


def with_database(url: str, name: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def database_prepare() -> tuple[str, str]:
    sys.path.insert(0, str(ROOT))
    import psycopg

    from config.embedded_db import database_urls

    app_url, owner_url = database_urls()
    with psycopg.connect(owner_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{SCAN_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{SCAN_DB}"')
    return with_database(app_url, SCAN_DB), with_database(owner_url, SCAN_DB)


def server_env(app_url: str, owner_url: str, work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CHECKPOINT_"))}
    env.update(
        DATABASE_URL=app_url,
        DATABASE_OWNER_URL=owner_url,
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_SECURE_HTTPS="false",
        DJANGO_SSL_REDIRECT="false",
        DJANGO_DEBUG="false",
        DJANGO_LOG_LEVEL="WARNING",
        REQUIRE_2FA="false",
        # The scanners send thousands of failed sign-ins; lockout would stop them testing the
        # form itself (throttling has its own tests, tests/security/test_throttle.py).
        AXES_FAILURE_LIMIT="1000000",
        AXES_ADDRESS_FAILURE_LIMIT="1000000",
        CHECKPOINT_DIR=str(work / "checkpoints"),
        CHECKPOINT_SIGNING_KEY_FILE=str(work / "checkpoint-signing.pem"),
        PYTHONPATH=str(ROOT),
    )
    return env


def manage(env: dict[str, str], *args: str, **extra: str) -> None:
    subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env={**env, **extra}, check=True,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def sign_in(base: str, username: str) -> str:
    """A Cookie header for a fresh session of `username`, signed in through the real form."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/sign-in/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": username, "password": USERS[username]}
    ).encode()
    opener.open(urllib.request.Request(f"{base}/sign-in/", data, headers={"Referer": base}))
    cookies = {c.name: c.value for c in jar}
    assert "sessionid" in cookies, f"{username} could not sign in"
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


# Debian's wapiti 3.0.4 builds its --exclude patterns with a regex flag at the end, which Python
# 3.11 refuses; this runs it with that one function mended (flags first), nothing else changed.
WAPITI = """
import re, sys
import wapitiCore.net.crawler as crawler
def wildcard_translate(pattern):
    body = "".join(".*" if c == "*" else re.escape(c) for c in pattern)
    return re.compile("(?ms)" + body + r"\\Z")
crawler.wildcard_translate = wildcard_translate
from wapitiCore.main.wapiti import wapiti_main
sys.argv[0] = "wapiti"
sys.exit(wapiti_main())
"""


def wapiti(base: str, persona: str, cookie: str | None, out: Path, seconds: int) -> Path:
    report = out / f"wapiti-{persona}.json"
    cmd = [
        "/usr/bin/python3", "-c", WAPITI,
        "-u", f"{base}/", "--scope", "folder", "-f", "json", "-o", str(report),
        "--max-scan-time", str(seconds), "--max-attack-time", str(max(seconds // 6, 30)),
        "-x", f"{base}/sign-out/", "-x", f"{base}/session/keep-alive/",
        "--flush-session", "--store-session", str(out / "wapiti-session"),
        "-v", "0", "--no-bugreport",
    ]  # fmt: skip
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    log = out / f"wapiti-{persona}.log"
    with log.open("w") as output:
        subprocess.run(cmd, check=False, stdout=output, stderr=subprocess.STDOUT)
    return report


SQLMAP_TARGETS = [
    # (persona, url, extra sqlmap arguments)
    ("anonymous", "/sign-in/", ["--forms"]),
    ("anonymous", "/policy/versions/1/", []),
    ("gp", "/referrals/?q=9434765919", []),
    ("reviewer", "/review/?q=FT&outcome=urgent_pathway&practice=1&date_from=2025-01-01"
     "&reviewer=reviewer&condition=scoliosis&cursor=x", []),
    ("reviewer", "/review/access-log/?user=gp&reference=FT&nhs_number=9434765919"
     "&date_from=2025-01-01", []),
    ("reviewer", "/review/sample/?month=2026-01", []),
]  # fmt: skip


def sqlmap(base: str, persona: str, path: str, extra: list[str], cookie: str | None, out: Path):
    cmd = [
        "sqlmap", "-u", f"{base}{path}", "--batch", "--level", "3", "--risk", "2",
        "--output-dir", str(out / "sqlmap"), "--disable-coloring", "--flush-session",
        "--timeout", "10", "--retries", "1", *extra,
    ]  # fmt: skip
    if cookie:
        cmd += ["--cookie", cookie, "--skip", "csrfmiddlewaretoken"]
    result = subprocess.run(cmd, check=False, capture_output=True, text=True)
    text = result.stdout
    if "sqlmap identified the following injection point" in text:
        verdict = "INJECTABLE (read the log)"
    elif "false positive or unexploitable" in text or "is a false positive" in text:
        verdict = "a candidate sqlmap itself then rejected as a false positive (read the log)"
    elif "all tested parameters do not appear to be injectable" in text:
        verdict = "no parameter injectable"
    else:
        verdict = "see log: " + (text.strip().splitlines() or ["no output"])[-1][:120]
    (out / "sqlmap").mkdir(exist_ok=True)
    log = out / "sqlmap" / f"{persona}-{re.sub(r'[^a-z0-9]+', '-', path.split('?')[0])}.log"
    log.write_text(text)
    return verdict


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=300, help="wapiti time per persona")
    parser.add_argument("--out", default=str(ROOT / "var" / "security"))
    parser.add_argument("--skip-wapiti", action="store_true")
    parser.add_argument("--skip-sqlmap", action="store_true")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for tool in ("wapiti", "sqlmap"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing: apt-get install {tool}")

    work = Path(tempfile.mkdtemp(prefix="fusion-scan-"))
    app_url, owner_url = database_prepare()
    env = server_env(app_url, owner_url, work)
    print("Preparing the scratch database and static files ...", flush=True)
    manage(env, "migrate", "--no-input", DJANGO_DB_ROLE="owner")
    manage(env, "db_grants", DJANGO_DB_ROLE="owner")
    manage(env, "seed_policy")
    manage(env, "seed_demo", "--decisions-if-empty", "60", DJANGO_DEBUG="true")
    manage(env, "collectstatic", "--no-input", "--verbosity", "0")
    manage(env, "chain_checkpoint", "--generate-key")
    manage(env, "chain_checkpoint")

    port = free_port()
    base = f"http://{HOST}:{port}"
    access_log = out / "gunicorn-access.log"
    server = subprocess.Popen(
        [GUNICORN, "config.wsgi", "--bind", f"{HOST}:{port}", "--workers", "2",
         "--timeout", "60", "--access-logfile", str(access_log), "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True,
        stderr=(out / "gunicorn-error.log").open("w"),
    )  # fmt: skip
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        cookies = {"anonymous": None, **{u: sign_in(base, u) for u in USERS}}
        started = time.monotonic()
        if not args.skip_wapiti:
            for persona, cookie in cookies.items():
                print(f"wapiti as {persona} ({args.seconds} s at most) ...", flush=True)
                report = wapiti(base, persona, cookie, out, args.seconds)
                found = json.loads(report.read_text()) if report.exists() else {}
                print(f"  {persona}: " + summarise_wapiti(found), flush=True)
        if not args.skip_sqlmap:
            for persona, path, extra in SQLMAP_TARGETS:
                # A fresh session each time: a scan may sign itself out or be locked out.
                cookie = sign_in(base, persona) if persona in USERS else None
                verdict = sqlmap(base, persona, path, extra, cookie, out)
                print(f"sqlmap as {persona} on {path}: {verdict}", flush=True)
        print(f"Scans took {time.monotonic() - started:.0f} s.")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    errors = [line for line in access_log.read_text().splitlines() if re.search(r'" 5\d\d ', line)]
    print(f"gunicorn logged {len(errors)} responses with a 5xx status")
    for line in errors[:20]:
        print("  " + line)


def summarise_wapiti(report: dict) -> str:
    counts = {
        category: len(items)
        for section in ("vulnerabilities", "anomalies")
        for category, items in (report.get(section) or {}).items()
        if items
    }
    crawled = len(report.get("infos", {}).get("crawled_pages", []) or [])
    if not counts:
        return f"no vulnerability or anomaly reported ({crawled or 'unknown number of'} pages)"
    return ", ".join(f"{category}: {n}" for category, n in sorted(counts.items()))


if __name__ == "__main__":
    main()
