"""The embedded PostgreSQL recovers from clients that were killed without detaching."""

import json
import os
import subprocess
import sys

from config import embedded_db


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_pids_of_killed_clients_are_pruned(tmp_path, monkeypatch):
    pid_list = tmp_path / ".handle_pids.json"
    gone = dead_pid()
    pid_list.write_text(json.dumps([gone, os.getpid()]))
    monkeypatch.setattr(embedded_db, "PID_LIST", pid_list)
    assert embedded_db.prune_stale_pids() == [gone]
    assert json.loads(pid_list.read_text()) == [os.getpid()]


def test_pruning_leaves_live_clients_alone(tmp_path, monkeypatch):
    pid_list = tmp_path / ".handle_pids.json"
    pid_list.write_text(json.dumps([os.getpid()]))
    monkeypatch.setattr(embedded_db, "PID_LIST", pid_list)
    assert embedded_db.prune_stale_pids() == []
    assert json.loads(pid_list.read_text()) == [os.getpid()]
