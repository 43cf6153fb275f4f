"""Starting a throw-away Weijian server for the Python checks (API fuzzing, crash safety).

Each check gets a fresh data folder, a free loopback port, fast password hashing, and a clean
environment (no WEIJIAN_* or DATABASE_URL inherited), with DATABASE_URL set only when the caller
passes an empty PostgreSQL database.
"""
from __future__ import annotations

import os
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BINARY = Path(os.environ.get("WEIJIAN_BINARY") or REPO / ".build" / "debug" / "weijian")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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

    def start(self) -> None:
        """Starts `weijian serve` and waits until /readyz answers."""
        with open(self.log, "a") as log:
            self.process = subprocess.Popen([str(BINARY), "serve"], cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        for _ in range(480):
            try:
                if urllib.request.urlopen(f"{self.base}/readyz", timeout=1).status == 200:
                    return
            except OSError:
                time.sleep(0.25)
        raise RuntimeError(f"server did not start, see {self.log}")

    def command(self, *args: str) -> str:
        """Runs another `weijian` command on the same data (e.g. `admin token`) and returns its output."""
        return subprocess.run([str(BINARY), *args], cwd=REPO, env=self.env, check=True, capture_output=True, text=True).stdout

    def token(self, username: str, name: str) -> str:
        return self.command("admin", "token", "--username", username, "--name", name).strip().splitlines()[-1]

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
