"""Lets `python3 -m pytest tests-browser -q` run the browser journeys.

The journeys themselves live in run_journeys.py (a plain runner, no pytest needed); this
wrapper runs it once and fails if any step failed, showing the runner's report.
"""

import subprocess
import sys
from pathlib import Path


def test_browser_journeys():
    runner = Path(__file__).resolve().parent / "run_journeys.py"
    result = subprocess.run([sys.executable, str(runner)], capture_output=True, text=True, timeout=600)
    print(result.stdout)
    lines = result.stdout.strip().splitlines()
    assert lines, "the journey runner printed nothing:\n" + result.stderr
    assert result.returncode == 0, f"{lines[-1]}\n\n{result.stdout}\n{result.stderr[-4000:]}"
