#!/usr/bin/env python3
"""API fuzzing with schemathesis against /api/v1/openapi.json.

Starts a fresh server (SQLite in a temporary folder, or the empty PostgreSQL database in
FUZZ_DATABASE_URL), issues bearer tokens for several roles with `weijian admin token`, and runs
schemathesis once per role with a bounded number of examples per operation. Fails on any 5xx
answer and on any answer that breaks the documented schema. Prints `N passed, M failed` (one
per role) last.

    python3 tests-api/run_fuzz.py            # FUZZ_EXAMPLES=25 by default
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BINARY = Path(os.environ.get("WEIJIAN_BINARY") or REPO / ".build" / "debug" / "weijian")
EXAMPLES = os.environ.get("FUZZ_EXAMPLES", "25")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    data = tempfile.mkdtemp(prefix="weijian-fuzz-")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("WEIJIAN_") and k != "DATABASE_URL"}
    env.update(WEIJIAN_DATA_DIR=data, WEIJIAN_PORT=str(port), WEIJIAN_PASSWORD_COST="4", WEIJIAN_SCHEDULER="off")
    if os.environ.get("FUZZ_DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["FUZZ_DATABASE_URL"]

    def weijian(*args: str) -> str:
        return subprocess.run([str(BINARY), *args], cwd=REPO, env=env, check=True, capture_output=True, text=True).stdout

    log = open(Path(data) / "server.log", "w")
    server = subprocess.Popen([str(BINARY), "serve"], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(240):
            try:
                if urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).status == 200:
                    break
            except OSError:
                time.sleep(0.5)
        else:
            print("server did not start; log in", log.name)
            print("0 passed, 1 failed")
            return 1
        weijian("admin", "create", "--username", "fuzzlead", "--name", "模糊测试领导", "--role", "leader")
        roles = {"sysadmin": "sysadmin", "secadmin": "securityAdmin", "auditor": "auditor", "fuzzlead": "leader"}
        passed = failed = 0
        for username, role in roles.items():
            token = weijian("admin", "token", "--username", username, "--name", "fuzz").strip().splitlines()[-1]
            print(f"==== schemathesis as {role}", flush=True)
            result = subprocess.run(
                ["st", "run", f"http://127.0.0.1:{port}/api/v1/openapi.json",
                 "--header", f"Authorization: Bearer {token}",
                 "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
                 "--max-examples", EXAMPLES, "--generation-deterministic", "--request-timeout", "20"],
                cwd=REPO, env=env)
            if result.returncode == 0:
                passed += 1
            else:
                failed += 1
        print(f"{passed} passed, {failed} failed")
        return 0 if failed == 0 else 1
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    sys.exit(main())
