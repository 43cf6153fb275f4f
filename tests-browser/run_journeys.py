#!/usr/bin/env python3
"""Browser journeys for Weijian (卫监), run in headless Chromium through Selenium.

Plain runner, no pytest needed:

    python3 tests-browser/run_journeys.py                  every step, in order, on one server
    python3 tests-browser/run_journeys.py grants lockout   only these steps, on a fresh server
    python3 tests-browser/run_journeys.py portal           a feature's name runs all its steps
    python3 tests-browser/run_journeys.py --list           the steps, feature by feature

It starts its own server on a free port from a fresh temporary data folder (or the empty
PostgreSQL database in DATABASE_URL) and runs the steps in steps/*.py one after another. Each step
prepares its own data (`weijian admin …`, the JSON API) and walks its part as a user would, filling
forms, clicking buttons and working out TOTP codes like an authenticator app; no step depends on
another, so any of them can run alone. harness.py has the server, browser and preparing helpers.

Environment:
    WEIJIAN_BINARY   the server binary (default: <repo>/.build/debug/weijian)
    DATABASE_URL     passed through to the server (PostgreSQL runs: give a fresh, empty database)
    JOURNEY_KEEP     set to 1 to keep the temporary data folder and server log
    JOURNEY_VERBOSE  set to 1 to print the messages the journey saw
    JOURNEY_SHOTS    a folder: keep full-page screenshots of the main pages there, for looking at by eye

Each step prints `ok` or `FAIL` with its time; a failed step's screenshots (one per browser it
used) go to tests-browser/screenshots/<step>[-<browser>].png. The last line printed is
"N passed, M failed"; the exit status is non-zero if any failed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback

from harness import BINARY, SCREENSHOTS, Authenticator, Browser, Context, JourneyServer, StepFailure, make_driver
from steps import FEATURES, all_steps


def choose(names: list[str]) -> list:
    """The steps named (a step's name, or a feature's to take all of its steps), in run order."""
    steps = all_steps()
    by_name = {s.__name__: s for s in steps}
    by_feature = {f.__name__.rsplit(".", 1)[1]: f.STEPS for f in FEATURES}
    wanted = []
    for name in names:
        if name in by_name:
            wanted.append(by_name[name])
        elif name in by_feature:
            wanted.extend(by_feature[name])
        else:
            raise SystemExit(f"no step or feature {name!r}; --list shows them")
    return [s for s in steps if s in wanted]


def run_step(step, server: JourneyServer, auth: Authenticator, browser: Browser) -> tuple[bool, Context]:
    name = step.__name__
    for old in [*SCREENSHOTS.glob(f"{name}.png"), *SCREENSHOTS.glob(f"{name}-*.png")]:
        old.unlink()  # an earlier run's picture of this step would mislead
    ctx = Context(name, server, auth, browser)
    started = time.time()
    try:
        step(ctx)
        print(f"ok   {name} ({time.time() - started:.1f}s)", flush=True)
        return True, ctx
    except Exception as error:  # noqa: BLE001 - any error fails this step, and the run goes on
        kind = "" if isinstance(error, StepFailure) else f"{type(error).__name__}: "
        print(f"FAIL {name} ({time.time() - started:.1f}s): {kind}{error}", flush=True)
        for b in ctx.browsers():
            try:
                print(f"    {b.label or 'browser'} at {b.d.current_url} — h1 {b.h1()!r}; messages {b.messages()!r}")
            except Exception:  # noqa: BLE001
                pass
        if not isinstance(error, StepFailure):
            traceback.print_exc(limit=4, file=sys.stdout)
        for b in ctx.browsers():
            path = b.failure_screenshot(name)
            print(f"    screenshot: {path}" if path else "    (no screenshot)")
        return False, ctx
    finally:
        ctx.close()


def main() -> int:
    parser = argparse.ArgumentParser(description="Weijian browser journeys")
    parser.add_argument("steps", nargs="*", help="steps or features to run (default: all)")
    parser.add_argument("--step", action="append", default=[], help="a step or feature to run (may repeat)")
    parser.add_argument("--list", action="store_true", help="list the steps and exit")
    args = parser.parse_args()
    if args.list:
        for feature in FEATURES:
            print(f"{feature.__name__.rsplit('.', 1)[1]}: " + " ".join(s.__name__ for s in feature.STEPS))
        return 0
    names = args.steps + args.step
    steps = choose(names) if names else all_steps()

    started = time.time()
    server = JourneyServer(os.environ.get("DATABASE_URL"))
    print(f"starting {BINARY} serve on port {server.port} (data {server.data}"
          + (", DATABASE_URL set" if os.environ.get("DATABASE_URL") else "") + ")", flush=True)
    passed = failed = 0
    browser: Browser | None = None
    try:
        try:
            server.start()
            browser = Browser(make_driver(), server.base)
        except Exception as error:  # noqa: BLE001
            print(f"setup failed: {error}")
            for step in steps:
                print(f"FAIL {step.__name__}: setup failed")
            failed = len(steps)
            return 1
        auth = Authenticator()
        for step in steps:
            browser.reset()
            ok, _ = run_step(step, server, auth, browser)
            if ok:
                passed += 1
            else:
                failed += 1
                # A failed step may leave the browser in any state: the next one gets a new one.
                browser.quit()
                browser = Browser(make_driver(), server.base)
        return 1 if failed else 0
    except BaseException as error:  # noqa: BLE001 - e.g. Ctrl-C: still report a count
        print(f"interrupted: {type(error).__name__}: {error}")
        failed = len(steps) - passed
        return 1
    finally:
        if browser is not None:
            browser.quit()
        server.stop()
        if os.environ.get("JOURNEY_KEEP") == "1":
            print(f"  (kept data folder {server.data})")
        else:
            if failed:
                print(f"  (server log was {server.log}; set JOURNEY_KEEP=1 to keep it)")
            server.remove()
        print(f"  ({time.time() - started:.0f}s)")
        print(f"{passed} passed, {failed} failed")


if __name__ == "__main__":
    sys.exit(main())
