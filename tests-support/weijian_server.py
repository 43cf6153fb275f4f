"""Starting a throw-away Weijian server for the Python checks (API fuzzing, crash safety, browser journeys).

Each check gets a fresh data folder, a free loopback port, fast password hashing, and a clean
environment (no WEIJIAN_* or DATABASE_URL inherited), with DATABASE_URL set only when the caller
passes an empty PostgreSQL database.

Besides starting and stopping `weijian serve`, it runs the other `weijian` commands on the same
data (`admin create/reset/token`), reads the three administrators' one-time passwords that the
first start prints, and calls the JSON API with a bearer token.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BINARY = Path(os.environ.get("WEIJIAN_BINARY") or REPO / ".build" / "debug" / "weijian")

# The first start prints "  系统管理员  用户名：sysadmin  一次性密码：xxxx-xxxx-xxxx-xxxx" for each of the
# three administrators; `admin create` and `admin reset` print "…一次性密码：xxxx-…" as their last line.
BANNER_LINE = re.compile(r"用户名：\s*(\S+)\s+一次性密码：\s*(\S+)")
ONE_TIME_PASSWORD = re.compile(r"一次性密码：\s*(\S+)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class CommandFailed(RuntimeError):
    pass


class APIError(RuntimeError):
    def __init__(self, method: str, path: str, status: int, body: str) -> None:
        super().__init__(f"{method} {path} answered HTTP {status}: {body[:500]}")
        self.status = status
        self.body = body


class WeijianServer:
    def __init__(self, prefix: str, database_url: str | None = None, **extra_env: str):
        self.data = Path(tempfile.mkdtemp(prefix=prefix))
        self.port = free_port()
        self.log = self.data / "server.log"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("WEIJIAN_") and k != "DATABASE_URL"}
        self.env.update(WEIJIAN_DATA_DIR=str(self.data), WEIJIAN_PORT=str(self.port), WEIJIAN_PASSWORD_COST="4", **extra_env)
        if database_url:
            self.env["DATABASE_URL"] = database_url
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _binary(self) -> Path:
        # The binary may be being rebuilt (by another engineer's `swift build`): wait for it to come back.
        deadline = time.time() + 120
        while not (BINARY.is_file() and os.access(BINARY, os.X_OK)):
            if time.time() > deadline:
                raise RuntimeError(f"server binary not found or not executable: {BINARY}")
            time.sleep(1)
        return BINARY

    def start(self, timeout: float = 120) -> None:
        """Starts `weijian serve` and waits until /readyz answers (the first start migrates the database)."""
        for attempt in range(3):
            with open(self.log, "a") as log:
                try:
                    self.process = subprocess.Popen([str(self._binary()), "serve"], cwd=REPO, env=self.env,
                                                    stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
                except OSError:  # e.g. "text file busy" while the linker writes the binary
                    if attempt == 2:
                        raise
                    time.sleep(3)
                    continue
            deadline = time.time() + timeout
            while time.time() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"server exited with {self.process.returncode}, see {self.log}:\n{self.log_tail()}")
                try:
                    if urllib.request.urlopen(f"{self.base}/readyz", timeout=1).status == 200:
                        return
                except OSError:
                    time.sleep(0.25)
            self.kill()
            raise RuntimeError(f"server did not become ready in {timeout:.0f} s, see {self.log}:\n{self.log_tail()}")

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log.read_text("utf-8", "replace").splitlines()[-lines:])
        except OSError:
            return ""

    def one_time_passwords(self, wait: float = 10) -> dict[str, str]:
        """The administrators' one-time passwords from the first start's console output
        (sysadmin, secadmin, auditor). Empty if the database was not fresh."""
        deadline = time.time() + wait
        while True:
            found = dict(BANNER_LINE.findall(self.log.read_text("utf-8", "replace"))) if self.log.exists() else {}
            if len(found) >= 3 or time.time() > deadline:
                return found
            time.sleep(0.1)

    def command(self, *args: str) -> str:
        """Runs another `weijian` command on the same data (e.g. `admin token`) and returns its output."""
        result = subprocess.run([str(self._binary()), *args], cwd=REPO, env=self.env, capture_output=True, text=True)
        if result.returncode != 0:
            # The command says what was wrong as its last line on stderr ("错误：…"); the JSON log lines above it are noise.
            said = [line for line in result.stderr.splitlines() if not line.startswith("{")]
            raise CommandFailed(f"weijian {' '.join(args)} failed ({result.returncode}): {' / '.join(said[-3:]) or result.stderr[-500:]}")
        return result.stdout

    def token(self, username: str, name: str) -> str:
        return self.command("admin", "token", "--username", username, "--name", name).strip().splitlines()[-1]

    def create_account(self, username: str, name: str, role: str | None = None, department: str | None = None) -> str:
        """`weijian admin create`; returns the one-time password it prints. `role` may list several
        role codes with commas; `department` is a department code."""
        args = ["admin", "create", "--username", username, "--name", name]
        if role:
            args += ["--role", role]
        if department:
            args += ["--department", department]
        return self._password(self.command(*args))

    def reset(self, username: str, second_factor: bool = False) -> str:
        """`weijian admin reset`: unlocks the account and returns its new one-time password."""
        return self._password(self.command("admin", "reset", "--username", username, *(["--second-factor"] if second_factor else [])))

    @staticmethod
    def _password(output: str) -> str:
        found = ONE_TIME_PASSWORD.findall(output)
        if not found:
            raise CommandFailed(f"no one-time password in the output: {output!r}")
        return found[-1]

    def api(self, token: str, method: str, path: str, body: object = None) -> object:
        """Calls /api/v1<path> with a bearer token; returns the decoded JSON (None for 204).
        Any answer other than 2xx raises APIError with the server's message."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.base}/api/v1{path}", data=data, method=method,
                                         headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                                                  "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                raw = response.read()
        except urllib.error.HTTPError as error:
            raise APIError(method, path, error.code, error.read().decode("utf-8", "replace")) from None
        return json.loads(raw) if raw else None

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def remove(self) -> None:
        """Deletes the data folder (with its log); call after stop()."""
        shutil.rmtree(self.data, ignore_errors=True)
