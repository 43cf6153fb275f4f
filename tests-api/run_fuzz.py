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
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests-support"))
from weijian_server import REPO, WeijianServer  # noqa: E402

EXAMPLES = os.environ.get("FUZZ_EXAMPLES", "25")


def check_document(server: WeijianServer) -> None:
    """The served document must be a valid OpenAPI 3.1 document (openapi-spec-validator)."""
    import json
    import urllib.request
    from openapi_spec_validator import validate

    with urllib.request.urlopen(f"{server.base}/api/v1/openapi.json", timeout=10) as response:
        document = json.load(response)
    validate(document)
    operations = [op for path in document["paths"].values() for op in path.values()]
    # Every answer but 204 has a schema: JSON, or a file's media type (a PDF) with a binary schema.
    missing = [op["operationId"] for op in operations for status, answer in op["responses"].items()
               if status != "204" and not any("schema" in media for media in answer.get("content", {}).values())]
    if missing:
        raise SystemExit(f"responses without a schema: {missing}")
    print(f"openapi.json: valid OpenAPI {document['openapi']}, {len(operations)} operations, every response with a schema", flush=True)


def main() -> int:
    server = WeijianServer("weijian-fuzz-", os.environ.get("FUZZ_DATABASE_URL"), WEIJIAN_SCHEDULER="off")
    try:
        server.start()
        check_document(server)
        roles = {"sysadmin": "sysadmin", "secadmin": "securityAdmin", "auditor": "auditor"}
        # Every other role, so that each one's answers (and refusals) are held to the document.
        for role in ["leader", "departmentHead", "inspector", "infoOfficer", "archivist", "intakeClerk", "entityUser"]:
            username = "fuzz" + role.lower()
            server.command("admin", "create", "--username", username, "--name", f"模糊测试{role}", "--role", role)
            roles[username] = role
        passed = failed = 0
        for username, role in roles.items():
            token = server.token(username, "fuzz")
            print(f"==== schemathesis as {role}", flush=True)
            result = subprocess.run(
                ["st", "run", f"{server.base}/api/v1/openapi.json",
                 "--header", f"Authorization: Bearer {token}",
                 "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
                 "--max-examples", EXAMPLES, "--generation-deterministic", "--request-timeout", "20"],
                cwd=REPO, env=server.env)
            if result.returncode == 0:
                passed += 1
            else:
                failed += 1
        print(f"{passed} passed, {failed} failed")
        return 0 if failed == 0 else 1
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
