#!/usr/bin/env python3
"""Crash safety: every acknowledged write survives SIGKILL.

Starts a fresh server, sends a stream of writes (new departments through the API, each one also
an audit event), kills the server with SIGKILL at random moments several times, restarts it, and
checks that every write the server acknowledged (201) is present, that SQLite's integrity check
passes, and that `weijian audit-verify` passes. Power loss cannot be simulated on these machines:
this proves the application never acknowledges before its commit, and SQLite's recovery after a
killed process; surviving power loss relies on synchronous=FULL and honest disks.

    python3 tests-crash/run_crash.py          # CRASH_ROUNDS=4 by default
    CRASH_DATABASE_URL=postgres://…/emptydb python3 tests-crash/run_crash.py
"""
from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests-support"))
from weijian_server import BINARY, REPO, WeijianServer  # noqa: E402

ROUNDS = int(os.environ.get("CRASH_ROUNDS", "4"))


def main() -> int:
    server = WeijianServer("weijian-crash-", os.environ.get("CRASH_DATABASE_URL"))
    data, port, env = server.data, server.port, server.env
    server.start()
    token = server.token("sysadmin", "crash")

    acknowledged: list[str] = []
    lock = threading.Lock()
    counter = iter(range(1, 10**9))
    stop = threading.Event()

    def writer(worker: int) -> None:
        while not stop.is_set():
            with lock:
                n = next(counter)
            code = f"C{worker}N{n}"
            body = json.dumps({"code": code, "name": f"压力科室{code}", "isBusiness": True}).encode()
            request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/departments", data=body, method="POST",
                                             headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(request, timeout=5) as response:
                    if response.status == 201:
                        with lock:
                            acknowledged.append(code)
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                time.sleep(0.05)

    random.seed(20261128)
    failures: list[str] = []
    for round_number in range(1, ROUNDS + 1):
        stop.clear()
        threads = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
        for t in threads:
            t.start()
        time.sleep(random.uniform(1.5, 3.0))
        server.kill()
        stop.set()
        for t in threads:
            t.join()
        print(f"round {round_number}: killed with SIGKILL after {len(acknowledged)} acknowledged writes in all", flush=True)
        server.start()

    # every acknowledged write is there
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/departments", headers={"Authorization": f"Bearer {token}"})
    present = {row["code"] for row in json.load(urllib.request.urlopen(request, timeout=10))}
    lost = [code for code in acknowledged if code.upper() not in present]
    if lost:
        failures.append(f"{len(lost)} acknowledged writes lost, e.g. {lost[:5]}")
    if len(acknowledged) < 20:
        failures.append(f"only {len(acknowledged)} writes were acknowledged: the load did not run")
    server.kill()

    if "DATABASE_URL" not in env:
        result = sqlite3.connect(data / "weijian.sqlite").execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            failures.append(f"integrity_check: {result}")
        else:
            print("SQLite integrity_check: ok")
    verify = subprocess.run([str(BINARY), "audit-verify"], cwd=REPO, env=env, capture_output=True, text=True)
    print(verify.stdout.strip() or verify.stderr.strip().splitlines()[-1])
    if verify.returncode != 0:
        failures.append("audit-verify failed: " + verify.stderr.strip()[-500:])

    for failure in failures:
        print("FAIL", failure)
    print(f"acknowledged {len(acknowledged)} writes over {ROUNDS} kills; {len(acknowledged) - len(lost)} of them present")
    print(f"{0 if failures else 1} passed, {1 if failures else 0} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
