#!/usr/bin/env python3
"""Browser journeys for Weijian (卫监), run in headless Chromium through Selenium.

Plain runner, no pytest needed:

    python3 tests-browser/run_journeys.py

It starts its own server (`<binary> serve`) on a free port from a fresh temporary data
folder, reads the three one-time administrator passwords from the server's console
output, walks the foundation journey as a user would (filling forms, clicking buttons,
working out TOTP codes like an authenticator app), then the registry journeys (steps h–s: the
information officer registers a unit and its licence, opens a portal account; the unit reports a
change in a second browser, it is returned, corrected and approved; import; duplicate merge and
undo; the unit attaches a report to a submission and the reviewer downloads it; the officer edits a
drinking-water limit), then stops the server.

Environment:
    WEIJIAN_BINARY   the server binary (default: <repo>/.build/debug/weijian)
    DATABASE_URL     passed through to the server (PostgreSQL runs: give a fresh, empty database)
    JOURNEY_KEEP     set to 1 to keep the temporary data folder and server log
    JOURNEY_VERBOSE  set to 1 to print the messages the journey saw
    JOURNEY_SHOTS    a folder: keep full-page screenshots of the main pages there, for looking at by eye

Each lettered part of the journey is one step. A step whose prerequisite failed is counted as
failed too. A screenshot of every failed step goes to tests-browser/screenshots/<step>.png.
The last line printed is "N passed, M failed"; the exit status is non-zero if any failed.
"""

from __future__ import annotations

import base64
import calendar
import datetime
import hashlib
import hmac
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent
SCREENSHOTS = HERE / "screenshots"
BINARY = Path(os.environ.get("WEIJIAN_BINARY") or REPO_ROOT / ".build" / "debug" / "weijian")

VERBOSE = os.environ.get("JOURNEY_VERBOSE") == "1"
WAIT = 15            # seconds for an element or a page load
START_TIMEOUT = 120  # seconds for the server to answer /healthz (first start migrates the database)

STRONG = {
    "sysadmin": "Weijian#2026sys",
    "secadmin": "Weijian#2026sec",
    "auditor": "Weijian#2026aud",
    "zhangsan": "Weijian#2026zs!",
    "lisi": "Weijian#2026ls!",
    "unit": "Weijian#2026dw!",
}

# Valid and invalid values for the registry journeys.
CREDIT_OK = "91350100M000100Y43"
CREDIT_OK_2 = "914403001922038216"
CREDIT_OK_3 = "91440300708461136T"
CREDIT_BAD = "91350100M000100Y4Z"   # wrong check character


def note(message: str) -> None:
    if VERBOSE:
        print(f"    · {message}")


class StepFailure(AssertionError):
    pass


def check(condition: bool, message: str) -> None:
    if not condition:
        raise StepFailure(message)


# ---------------------------------------------------------------- TOTP (RFC 6238)

def b32_secret(text: str) -> bytes:
    s = re.sub(r"\s+", "", text).upper()
    s += "=" * (-len(s) % 8)
    return base64.b32decode(s)


def totp_at(secret: bytes, step: int, digits: int = 6) -> str:
    digest = hmac.new(secret, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(value % (10 ** digits)).zfill(digits)


class Authenticator:
    """An authenticator app: one secret per user; never hands out a code for a 30-s step it
    already used for that user (the server refuses replays), and never one about to roll over."""

    def __init__(self) -> None:
        self.secrets: dict[str, bytes] = {}
        self.last_step: dict[str, int] = {}

    def enrol(self, user: str, secret_text: str) -> None:
        self.secrets[user] = b32_secret(secret_text)
        self.last_step.pop(user, None)

    def code(self, user: str) -> str:
        secret = self.secrets[user]
        while True:
            now = time.time()
            step = int(now // 30)
            remaining = 30 - (now % 30)
            if remaining < 2.0 or step <= self.last_step.get(user, -1):
                time.sleep(remaining + 0.2)
                continue
            self.last_step[user] = step
            return totp_at(secret, step)

    def wrong_code(self, user: str) -> str:
        """A code that is certainly wrong now (not valid in the steps around the current one)."""
        secret = self.secrets[user]
        step = int(time.time() // 30)
        valid = {totp_at(secret, s) for s in range(step - 2, step + 3)}
        for candidate in ("000000", "999999", "123456", "654321"):
            if candidate not in valid:
                return candidate
        raise RuntimeError("unreachable")


# ---------------------------------------------------------------- the server

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    PASSWORD_LINE = re.compile(r"用户名：\s*(\S+)\s+一次性密码：\s*(\S+)")

    def __init__(self) -> None:
        self.data_dir = Path(tempfile.mkdtemp(prefix="weijian-journeys-"))
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.stdout_lines: list[str] = []
        self.passwords: dict[str, str] = {}
        self.proc: subprocess.Popen | None = None
        self.log_path = self.data_dir / "server.log"

    def _binary(self) -> Path:
        # The binary may be rebuilt under us: if it is missing, wait for it to come back.
        deadline = time.time() + 120
        while True:
            if BINARY.is_file() and os.access(BINARY, os.X_OK):
                return BINARY
            if time.time() > deadline:
                raise RuntimeError(f"server binary not found or not executable: {BINARY}")
            time.sleep(1)

    def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("WEIJIAN_")}
        env.update({
            "WEIJIAN_DATA_DIR": str(self.data_dir),
            "WEIJIAN_PORT": str(self.port),
            "WEIJIAN_PASSWORD_COST": "4",
        })
        # DATABASE_URL, if set, is passed through as part of os.environ.
        for attempt in range(3):
            binary = self._binary()
            log = open(self.log_path, "ab")
            try:
                self.proc = subprocess.Popen([str(binary), "serve"], cwd=str(REPO_ROOT), env=env,
                                             stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL)
            except OSError as error:  # e.g. "text file busy" while the linker writes it
                log.close()
                print(f"  (could not start {binary}: {error}; retrying)")
                time.sleep(3)
                continue
            log.close()
            threading.Thread(target=self._read_stdout, daemon=True).start()
            if self._wait_healthy():
                break
            self.stop()
            print("  (server did not become healthy; retrying)")
        else:
            raise RuntimeError(f"server did not start; log: {self.log_path}\n" + self._tail())
        # The bootstrap banner is printed before the server listens, but allow a moment.
        deadline = time.time() + 10
        while len(self.passwords) < 3 and time.time() < deadline:
            time.sleep(0.1)
        missing = {"sysadmin", "secadmin", "auditor"} - set(self.passwords)
        if missing:
            raise RuntimeError("one-time passwords not found in server output for: " + ", ".join(sorted(missing))
                               + "\n(is the database really fresh and empty?)\nstdout:\n" + "\n".join(self.stdout_lines))

    def _read_stdout(self) -> None:
        assert self.proc and self.proc.stdout
        with open(self.data_dir / "server.stdout", "a", encoding="utf-8") as copy:
            for raw in self.proc.stdout:
                line = raw.decode("utf-8", "replace").rstrip("\n")
                self.stdout_lines.append(line)
                copy.write(line + "\n")
                copy.flush()
                m = self.PASSWORD_LINE.search(line)
                if m:
                    self.passwords[m.group(1)] = m.group(2)

    def _wait_healthy(self) -> bool:
        deadline = time.time() + START_TIMEOUT
        while time.time() < deadline:
            if self.proc is None or self.proc.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        return True
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.3)
        return False

    def _tail(self) -> str:
        try:
            return "\n".join(self.log_path.read_text("utf-8", "replace").splitlines()[-20:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.proc = None

    def cleanup(self) -> None:
        if os.environ.get("JOURNEY_KEEP") == "1":
            print(f"  (kept data folder {self.data_dir})")
        else:
            shutil.rmtree(self.data_dir, ignore_errors=True)


# ---------------------------------------------------------------- the browser

def make_driver() -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,1000",
                "--lang=zh-CN", "--disable-dev-shm-usage"):
        options.add_argument(arg)
    options.binary_location = "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(30)
    return driver


class Browser:
    def __init__(self, driver: webdriver.Chrome, base: str) -> None:
        self.d = driver
        self.base = base
        # While a document is being replaced, ChromeDriver may answer a lookup with a stale node
        # ("does not belong to the document"); a wait keeps polling through that.
        self.wait = WebDriverWait(driver, WAIT, ignored_exceptions=(StaleElementReferenceException, WebDriverException))

    # navigation ---------------------------------------------------------
    def open(self, path: str) -> None:
        self.d.get(self.base + path)
        self._loaded()

    def _loaded(self) -> None:
        self.wait.until(lambda d: d.execute_script("return document.readyState") == "complete")
        self.wait.until(EC.presence_of_element_located((By.TAG_NAME, "h1")))

    def path(self) -> str:
        url = self.d.current_url
        rest = url[len(self.base):] if url.startswith(self.base) else url
        return rest.split("#")[0]

    def wait_path(self, path: str) -> None:
        try:
            self.wait.until(lambda d: self.path().split("?")[0] == path)
        except TimeoutException:
            raise StepFailure(f"expected to be at {path}, but at {self.path()} (h1: {self.h1()!r}; {self.messages()!r})")

    def fresh_session(self) -> None:
        self.d.delete_all_cookies()

    # reading ------------------------------------------------------------
    def h1(self) -> str:
        try:
            return self.d.find_element(By.TAG_NAME, "h1").text.strip()
        except WebDriverException:
            return ""

    def text(self, css: str) -> str:
        el = self.wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, css)))
        return el.text.strip()

    def status(self):
        """HTTP status of the page shown (None if the browser does not report it)."""
        return self.d.execute_script(
            "const e = performance.getEntriesByType('navigation')[0];"
            "return e && e.responseStatus ? e.responseStatus : null;")

    def expect_status(self, *allowed) -> None:
        status = self.status()
        check(status is None or status in allowed, f"{self.path()} answered HTTP {status}, expected {allowed}")

    def body(self) -> str:
        return self.d.find_element(By.TAG_NAME, "body").text

    def messages(self) -> str:
        """Error, alert, flash and notice texts on the page."""
        parts = [el.text.strip() for el in self.d.find_elements(
            By.CSS_SELECTOR, "[role=alert], .error, .errors, .flash, [role=status]") if el.text.strip()]
        return " | ".join(dict.fromkeys(parts))

    def alert_text(self) -> str:
        return " | ".join(el.text.strip() for el in self.d.find_elements(By.CSS_SELECTOR, "[role=alert], .error, .errors")
                          if el.text.strip())

    def expect_alert(self, *needles: str) -> str:
        try:
            self.wait.until(lambda d: self.alert_text())
        except TimeoutException:
            raise StepFailure(f"expected an error mentioning {needles} at {self.path()}, but the page shows none "
                              f"(h1: {self.h1()!r})")
        text = self.alert_text()
        for needle in needles:
            check(needle in text, f"error at {self.path()} should mention {needle!r}, got: {text!r}")
        note(f"{self.path()}: {text}")
        return text

    def flash(self) -> str:
        els = self.d.find_elements(By.CSS_SELECTOR, ".flash")
        return els[0].text.strip() if els else ""

    # forms --------------------------------------------------------------
    def field(self, name: str):
        return self.wait.until(EC.visibility_of_element_located((By.NAME, name)))

    def fill(self, name: str, value: str) -> None:
        el = self.field(name)
        el.clear()
        if value:
            el.send_keys(value)

    def value(self, name: str) -> str:
        return self.field(name).get_attribute("value") or ""

    def fill_id(self, element_id: str, value: str) -> None:
        """Like fill, for a field whose name is used by more than one form on the page."""
        el = self.wait.until(EC.visibility_of_element_located((By.ID, element_id)))
        el.clear()
        if value:
            el.send_keys(value)

    def value_id(self, element_id: str) -> str:
        return self.wait.until(EC.presence_of_element_located((By.ID, element_id))).get_attribute("value") or ""

    def select_option_containing(self, name: str, label_part: str) -> None:
        select = Select(self.field(name))
        for option in select.options:
            if label_part in option.text:
                select.select_by_visible_text(option.text)
                return
        raise StepFailure(f"no option containing {label_part!r} in select {name!r}: {[o.text for o in select.options]}")

    def tick(self, xpath: str, on: bool = True) -> None:
        box = self.wait.until(EC.presence_of_element_located((By.XPATH, xpath)))
        if box.is_selected() != on:
            box.click()
        check(box.is_selected() == on, f"checkbox {xpath} did not become {'checked' if on else 'unchecked'}")

    def click_button(self, label: str, scope: str = "//main") -> None:
        """Click the submit button with this text and wait for the next page to load."""
        xpath = f"{scope}//button[normalize-space(.)='{label}']"
        try:
            button = self.wait.until(EC.element_to_be_clickable((By.XPATH, xpath)))
        except TimeoutException:
            raise StepFailure(f"no button {label!r} at {self.path()} (h1: {self.h1()!r})")
        self._click_and_wait(button, lambda: self.d.find_element(By.XPATH, xpath))

    def click_link(self, xpath: str) -> None:
        try:
            link = self.wait.until(EC.element_to_be_clickable((By.XPATH, xpath)))
        except TimeoutException:
            raise StepFailure(f"no link {xpath} at {self.path()}")
        self._click_and_wait(link)

    def _click_and_wait(self, element, find_again=None) -> None:
        """Click, then wait until the old document is gone and the new one has loaded.

        ChromeDriver sometimes reports "Node … does not belong to the document" for a click: either
        the click navigated before ChromeDriver was done with the node (the page then changes), or
        the node belonged to a document being replaced (nothing happens). The first is success;
        the second is clicked once more on a freshly found element.
        """
        old = self.d.find_element(By.TAG_NAME, "html")
        text = element.text
        try:
            element.click()
        except (StaleElementReferenceException, WebDriverException) as error:
            if not isinstance(error, StaleElementReferenceException) and "does not belong to the document" not in str(error):
                raise
            try:
                WebDriverWait(self.d, 3).until(EC.staleness_of(old))
            except TimeoutException:
                if find_again is None:
                    raise
                old = self.d.find_element(By.TAG_NAME, "html")
                find_again().click()
        try:
            self.wait.until(EC.staleness_of(old))
        except TimeoutException:
            raise StepFailure(f"clicking {text!r} did not load a new page (still at {self.path()})")
        self._loaded()

    # sign-in helpers ----------------------------------------------------
    def sign_in(self, username: str, password: str) -> None:
        self.open("/app/login")
        check(self.h1() == "登录", f"/app/login should show the sign-in form, h1 is {self.h1()!r}")
        self.fill("username", username)
        self.fill("password", password)
        self.click_button("登录")

    def change_password(self, current: str, new: str) -> None:
        self.fill("currentPassword", current)
        self.fill("newPassword", new)
        self.fill("confirmPassword", new)
        self.click_button("修改密码")

    def sign_out(self) -> None:
        self.click_button("退出", scope="//header")
        self.wait_path("/app/login")

    def entity_id(self) -> str:
        """The unit's UUID from the address of its page, /app/entities/<uuid>."""
        m = re.fullmatch(r"/app/entities/([0-9A-Fa-f-]{36})", self.path().split("?")[0])
        check(m is not None, f"expected a unit page /app/entities/<id>, at {self.path()}")
        return m.group(1)

    def upload(self, name: str, path: Path) -> None:
        """Chooses a file in a file input, as the file dialog would."""
        self.wait.until(EC.presence_of_element_located((By.NAME, name))).send_keys(str(path))

    def facts(self, css: str = "#facts") -> dict[str, str]:
        """A <dl> of label → value pairs."""
        dl = self.wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, css)))
        labels = [e.text.strip() for e in dl.find_elements(By.TAG_NAME, "dt")]
        values = [e.text.strip() for e in dl.find_elements(By.TAG_NAME, "dd")]
        return dict(zip(labels, values))

    def rows(self, css: str) -> list[str]:
        return [r.text.strip() for r in self.d.find_elements(By.CSS_SELECTOR, f"{css} tbody tr")]

    def shot(self, name: str) -> None:
        """With JOURNEY_SHOTS=<folder>, keeps a screenshot of the page for looking at by eye."""
        folder = os.environ.get("JOURNEY_SHOTS")
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            size = self.d.get_window_size()
            height = self.d.execute_script("return document.documentElement.scrollHeight")
            self.d.set_window_size(size["width"], min(max(height, size["height"]), 6000))
            try:
                self.d.save_screenshot(str(Path(folder) / f"{name}.png"))
            finally:
                self.d.set_window_size(size["width"], size["height"])


# ---------------------------------------------------------------- the journey

class Journey:
    def __init__(self, server: Server, browser: Browser) -> None:
        self.server = server
        self.b = browser
        self.auth = Authenticator()
        self.passwords = dict(server.passwords)  # current password of each account
        self.zhangsan_initial = ""
        # The registry journeys: the unit registered in step i and what later steps need of it.
        self.unit_browser: Browser | None = None  # the unit's own computer (a second browser)
        self.unit_id = ""
        self.unit_name = "福州市鼓楼区悦华宾馆有限公司"
        self.portal_username = ""
        self.submission_path = ""
        self.work_dir = Path(tempfile.mkdtemp(prefix="weijian-journey-files-"))

    def close(self) -> None:
        if self.unit_browser is not None:
            try:
                self.unit_browser.d.quit()
            except Exception:  # noqa: BLE001
                pass
        shutil.rmtree(self.work_dir, ignore_errors=True)

    def unit(self) -> Browser:
        """The unit's staff member works in a browser of their own, at the unit."""
        if self.unit_browser is None:
            self.unit_browser = Browser(make_driver(), self.server.base)
        return self.unit_browser

    def sign_in_again(self, username: str) -> None:
        """A later sign-in of a staff member: password, then the code from the authenticator."""
        b = self.b
        b.fresh_session()
        b.sign_in(username, self.passwords[username])
        b.wait_path("/app/login/second-factor")
        b.fill("code", self.auth.code(username))
        b.click_button("验证")
        b.wait_path("/app")
        check(b.h1() == "工作台", f"after signing in expected 工作台, h1 {b.h1()!r} ({b.messages()!r})")

    def first_sign_in(self, username: str, role_name: str, try_weak_password: bool = False,
                      try_wrong_code: bool = False) -> None:
        """Password sign-in → forced password change → TOTP enrolment → 工作台."""
        b = self.b
        b.fresh_session()
        b.sign_in(username, self.passwords[username])
        b.wait_path("/app/account/password")
        check(b.h1() == "修改密码", f"expected the forced password change page, h1 {b.h1()!r}")
        if try_weak_password:
            b.change_password(self.passwords[username], "short1A!")
            b.expect_alert("新密码", "至少12个字符")
            b.expect_status(422, 400)
            check(b.path() == "/app/account/password", f"after a weak password should stay at the password page, at {b.path()}")
        b.change_password(self.passwords[username], STRONG[username])
        b.wait_path("/app/account/totp")
        self.passwords[username] = STRONG[username]
        secret = b.text("#totp-secret")
        check(re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{1,4})*", secret) is not None, f"#totp-secret looks wrong: {secret!r}")
        self.auth.enrol(username, secret)
        if try_wrong_code:
            b.fill("code", self.auth.wrong_code(username))
            b.click_button("启用")
            b.expect_alert("动态验证码")
            check(b.path() == "/app/account/totp", f"after a wrong code should stay at the TOTP page, at {b.path()}")
            # The page keeps the same pending secret when it shows the error.
            again = b.text("#totp-secret")
            if again != secret:
                self.auth.enrol(username, again)
        b.fill("code", self.auth.code(username))
        b.click_button("启用")
        b.wait_path("/app")
        check(b.h1() == "工作台", f"after enrolment expected 工作台, h1 {b.h1()!r} ({b.messages()!r})")
        who = b.text("#current-user")
        check(role_name in who or role_name in b.text("header .roles"),
              f"#current-user should show {role_name!r}, shows {who!r}")

    def unit_on_portal(self) -> Browser:
        """The unit's own browser at its portal home. It stays signed in as the portal account opened in
        step k; should that session have ended, the staff member signs in again with the same account."""
        u = self.unit()
        u.open("/portal")
        if u.path().startswith("/app/login"):
            u.sign_in(self.portal_username, STRONG["unit"])
            u.wait_path("/portal")
        check(u.h1() == self.unit_name, f"the portal should open on the unit, h1 {u.h1()!r} ({u.messages()!r})")
        return u

    def download(self, browser: Browser, href: str) -> tuple[int, dict[str, str], bytes]:
        """Fetches a link as the person signed in to `browser` (their session cookie, no download
        dialog): status, headers and body. Redirects are not followed, so a bounce to the sign-in
        page shows as a 3xx rather than as an HTML page answered with 200."""
        cookies = "; ".join(f"{c['name']}={c['value']}" for c in browser.d.get_cookies())

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003
                return None

        opener = urllib.request.build_opener(NoRedirect)
        request = urllib.request.Request(href, headers={"Cookie": cookies})
        try:
            with opener.open(request, timeout=WAIT) as response:
                return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
        except urllib.error.HTTPError as error:
            return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()

    # a ------------------------------------------------------------------
    def step_a_sysadmin_first_login(self) -> None:
        self.first_sign_in("sysadmin", "系统管理员", try_weak_password=True, try_wrong_code=True)

    # b ------------------------------------------------------------------
    def step_b_department(self) -> None:
        b = self.b
        b.open("/app/admin/departments")
        check(b.h1() == "科室", f"departments page h1 {b.h1()!r}")
        b.fill("code", "JD")
        b.fill("name", "监督一科")
        b.click_button("新增科室")
        b.wait_path("/app/admin/departments")
        check(not b.alert_text(), f"creating 监督一科 failed: {b.alert_text()!r}")
        rows = b.text("#departments")
        check("JD" in rows and "监督一科" in rows, f"department table does not list JD 监督一科: {rows!r}")
        b.fill("code", "JD")
        b.fill("name", "监督一科（重复）")
        b.click_button("新增科室")
        b.expect_alert("科室代码", "已存在")
        b.expect_status(422, 400, 409)
        check(b.text("#departments").count("监督一科") == 1, "a duplicate department row appeared")

    # c ------------------------------------------------------------------
    def step_c_create_account(self) -> None:
        b = self.b
        b.open("/app/admin/users/new")
        check(b.h1() == "新建账号", f"new-account page h1 {b.h1()!r}")
        b.fill("username", "zhangsan")
        b.fill("displayName", "张三")
        b.select_option_containing("departmentID", "监督一科")
        b.fill("phone", "12345")
        b.click_button("创建账号")
        b.expect_alert("联系电话")
        b.expect_status(422, 400)
        check(b.h1() == "新建账号", f"after an invalid phone should stay on the form, h1 {b.h1()!r}")
        check(b.value("username") == "zhangsan", f"form should keep the username, has {b.value('username')!r}")
        check(b.value("displayName") == "张三", f"form should keep the display name, has {b.value('displayName')!r}")
        check(b.value("phone") == "12345", f"form should keep the phone, has {b.value('phone')!r}")
        selected = Select(b.field("departmentID")).first_selected_option.text
        check("监督一科" in selected, f"form should keep the department, has {selected!r}")
        # Now valid.
        b.fill("username", "zhangsan")
        b.fill("displayName", "张三")
        b.select_option_containing("departmentID", "监督一科")
        b.fill("phone", "13812345678")
        b.fill("idNumber", "11010519491231002X")
        b.fill("certificateNumber", "闽卫执字2026001")
        b.click_button("创建账号")
        check(b.h1() == "账号已创建", f"expected 账号已创建, h1 {b.h1()!r} ({b.messages()!r})")
        password = b.text("#one-time-password")
        check(len(password) >= 8, f"one-time password looks wrong: {password!r}")
        self.passwords["zhangsan"] = password
        self.zhangsan_initial = password
        b.sign_out()

    # d ------------------------------------------------------------------
    def step_d_grants(self) -> None:
        b = self.b
        self.first_sign_in("secadmin", "安全管理员")
        b.open("/app/security/users")
        check(b.h1() == "角色与数据范围", f"grants page h1 {b.h1()!r}")
        b.click_link("//a[@aria-label='授权 zhangsan']")
        check("zhangsan" in b.h1(), f"grant page h1 should name zhangsan: {b.h1()!r}")
        b.tick("//input[@name='roles[]' and @value='inspector']")
        b.tick("//label[contains(normalize-space(.), '监督一科')]/input[@name='departments[]']")
        b.click_button("保存授权")
        check(not b.alert_text(), f"saving zhangsan's grants failed: {b.alert_text()!r}")
        check("已保存" in b.flash(), f"flash should say 已保存, is {b.flash()!r}")
        note(f"flash: {b.flash()}")
        row = b.d.find_element(By.XPATH, "//table[@id='grants']//tr[td[1][normalize-space(.)='zhangsan']]").text
        check("监督员" in row, f"zhangsan's row should list 监督员: {row!r}")
        # Separation of duties: the auditor cannot also be an inspector.
        b.click_link("//a[@aria-label='授权 auditor']")
        check("auditor" in b.h1(), f"grant page h1 should name auditor: {b.h1()!r}")
        auditor_box = b.d.find_element(By.XPATH, "//input[@name='roles[]' and @value='auditor']")
        check(auditor_box.is_selected(), "the auditor's grant page should show 安全审计员 ticked")
        b.tick("//input[@name='roles[]' and @value='inspector']")
        b.click_button("保存授权")
        b.expect_alert("安全审计员")
        b.expect_status(422, 400, 409)
        b.open("/app/security/users")
        row = b.d.find_element(By.XPATH, "//table[@id='grants']//tr[td[1][normalize-space(.)='auditor']]").text
        check("监督员" not in row, f"the refused grant must not have been saved: {row!r}")
        b.sign_out()

    # e ------------------------------------------------------------------
    def step_e_inspector(self) -> None:
        b = self.b
        self.first_sign_in("zhangsan", "张三")
        header = b.text("header")
        check("张三" in header and "监督员" in header, f"header should show 张三 and 监督员: {header!r}")
        b.open("/app/staff")
        check(b.h1() == "人员信息", f"/app/staff h1 {b.h1()!r} ({b.messages()!r})")
        row = b.d.find_elements(By.XPATH, "//table[@id='staff']//tr[td[1][normalize-space(.)='张三']]")
        check(len(row) == 1, f"expected one row for 张三 in #staff, found {len(row)}")
        text = row[0].text
        check("138****5678" in text, f"张三's row should show the masked phone 138****5678: {text!r}")
        check("110105********002X" in text, f"张三's row should show the masked ID 110105********002X: {text!r}")
        html = b.d.page_source
        check("13812345678" not in html, "the plaintext phone appears in the staff page")
        check("11010519491231002X" not in html, "the plaintext ID number appears in the staff page")
        b.open("/app/admin/users")
        check(b.h1() == "无权访问", f"an inspector at /app/admin/users should get 无权访问, h1 {b.h1()!r}")
        status = b.status()
        check(status in (None, 403), f"/app/admin/users should answer 403 to an inspector, answered {status}")
        note(f"/app/admin/users as zhangsan: HTTP {status}, h1 {b.h1()!r}, {b.text('#error-message')!r}")
        check(not b.d.find_elements(By.CSS_SELECTOR, "table#users"), "the user list leaked into the 403 page")
        b.sign_out()

    # f ------------------------------------------------------------------
    def step_f_auditor(self) -> None:
        b = self.b
        self.first_sign_in("auditor", "安全审计员")
        b.open("/app/audit")
        check(b.h1() == "审计日志", f"/app/audit h1 {b.h1()!r}")
        b.fill("action", "login")
        b.click_button("检索")
        check("action=login" in b.path(), f"search should be in the address: {b.path()}")
        rows = b.d.find_elements(By.CSS_SELECTOR, "#audit tbody tr")
        check(len(rows) > 0, f"searching action 'login' found no rows ({b.messages()!r})")
        # The action cell shows the Chinese name with the stable code on the line below it.
        actions = [r.find_elements(By.TAG_NAME, "td")[3].text.splitlines() for r in rows]
        check(all(len(a) == 2 and "login" in a[1] for a in actions), f"rows with other actions: {actions}")
        check(any(a[0] == "登录成功" for a in actions), f"the Chinese action name is not shown: {actions}")
        check(any(a[1] == "login.success" for a in actions), f"no login.success rows: {actions}")
        b.click_button("校验日志完整性")
        result = b.text("#verify-result")
        check("日志完整" in result, f"#verify-result should say 日志完整: {result!r}")
        note(f"{len(rows)} login rows; {result}")
        b.sign_out()

    # g ------------------------------------------------------------------
    def step_g_lockout(self) -> None:
        b = self.b
        b.fresh_session()
        texts = []
        for attempt in range(1, 6):
            b.sign_in("zhangsan", f"Wrong#Pass{attempt}x")
            check(b.path().startswith("/app/login"), f"a wrong password should stay at /app/login, at {b.path()}")
            texts.append(b.expect_alert())
        # One answer for a wrong password, an unknown name and a locked account (names cannot be probed).
        check("用户名或密码错误" in texts[0], f"first wrong password message: {texts[0]!r}")
        check(len(set(texts)) == 1, f"every refusal should read the same: {texts}")
        b.sign_in("zhangsan", self.passwords["zhangsan"])
        check(b.path().startswith("/app/login"), f"the right password after lockout must not sign in, at {b.path()}")
        locked = b.expect_alert("用户名或密码错误")
        b.sign_in("nobody-here", "Wrong#Pass1x")
        unknown = b.expect_alert("用户名或密码错误")
        check(locked == unknown == texts[0], f"locked {locked!r} / unknown {unknown!r} / wrong {texts[0]!r}")

    # h ------------------------------------------------------------------
    def step_h_info_officer(self) -> None:
        """The sysadmin opens an account for the information officer 李四; the security administrator
        makes him 信息管理员 over all departments (imported units have no department yet)."""
        b = self.b
        b.fresh_session()
        b.sign_in("sysadmin", self.passwords["sysadmin"])
        b.wait_path("/app/login/second-factor")
        check(b.h1() == "二次验证", f"a second sign-in should ask for the code, h1 {b.h1()!r}")
        b.fill("code", self.auth.wrong_code("sysadmin"))
        b.click_button("验证")
        b.expect_alert("动态验证码")
        check(b.path().startswith("/app/login/second-factor"), f"after a wrong code should stay at the code page, at {b.path()}")
        b.fill("code", self.auth.code("sysadmin"))
        b.click_button("验证")
        b.wait_path("/app")
        b.open("/app/admin/users/new")
        b.fill("username", "lisi")
        b.fill("displayName", "李四")
        b.select_option_containing("departmentID", "监督一科")
        b.fill("phone", "13912345678")
        b.click_button("创建账号")
        check(b.h1() == "账号已创建", f"expected 账号已创建, h1 {b.h1()!r} ({b.messages()!r})")
        self.passwords["lisi"] = b.text("#one-time-password")
        b.sign_out()

        self.sign_in_again("secadmin")
        b.open("/app/security/users")
        b.click_link("//a[@aria-label='授权 lisi']")
        check("lisi" in b.h1(), f"grant page h1 should name lisi: {b.h1()!r}")
        b.tick("//input[@name='roles[]' and @value='infoOfficer']")
        b.tick("//input[@name='allDepartments']")
        b.click_button("保存授权")
        check(not b.alert_text(), f"saving lisi's grants failed: {b.alert_text()!r}")
        check("已保存" in b.flash(), f"flash should say 已保存, is {b.flash()!r}")
        row = b.d.find_element(By.XPATH, "//table[@id='grants']//tr[td[1][normalize-space(.)='lisi']]").text
        check("信息管理员" in row, f"lisi's row should list 信息管理员: {row!r}")
        b.sign_out()
        self.first_sign_in("lisi", "信息管理员")

    # i ------------------------------------------------------------------
    def step_i_register_unit(self) -> None:
        """The information officer registers a hotel: category first, then the form."""
        b = self.b
        b.open("/app/entities")
        check(b.h1() == "被监督单位", f"/app/entities h1 {b.h1()!r}")
        b.click_link("//main//a[normalize-space(.)='登记新单位']")
        check(b.h1() == "登记被监督单位", f"new-unit page h1 {b.h1()!r}")
        b.select_option_containing("category", "宾馆")
        b.click_button("下一步")
        check("GG0101" in b.path(), f"the chosen category should be in the address: {b.path()}")
        selected = Select(b.field("categoryCode")).first_selected_option.text
        check("宾馆" in selected, f"the form should have 宾馆 chosen, has {selected!r}")
        b.shot("i1-new-unit-form")
        # The browser refuses a quite empty name itself; a name of spaces gets past it to the server.
        check(b.d.execute_script("const e = document.getElementById('name'); e.value = ''; return e.validity.valueMissing;"),
              "单位名称 should be marked required for the browser")

        def fill_personal() -> None:
            b.fill("legalRepIDNumber", "11010519491231002X")
            b.fill("contactPhone", "13800138000")

        b.fill("name", "   ")
        b.fill("creditCode", CREDIT_BAD)
        b.fill("legalRepName", "陈建国")
        b.fill("contactName", "林小姐")
        fill_personal()
        b.fill("operatingAddress", "福建省福州市鼓楼区东街88号")
        b.fill("divisionCode", "350102")
        b.fill("employees", "20")
        b.click_button("保存")
        b.expect_alert("单位名称", "统一社会信用代码")
        b.expect_status(422, 400)
        b.shot("i2-new-unit-errors")
        check(b.h1() == "登记被监督单位", f"after errors should stay on the form, h1 {b.h1()!r}")
        check(b.value("creditCode") == CREDIT_BAD, f"the form should keep the credit code, has {b.value('creditCode')!r}")
        check(b.value("operatingAddress") == "福建省福州市鼓楼区东街88号", f"the form should keep the address, has {b.value('operatingAddress')!r}")
        b.fill("name", self.unit_name)
        b.fill("creditCode", CREDIT_OK)
        if not b.value("contactPhone") or not b.value("legalRepIDNumber"):
            note("the form does not keep the ID number and phones after an error: typed again")
            fill_personal()
        b.click_button("保存")
        self.unit_id = b.entity_id()
        check(self.unit_name in b.h1(), f"unit page h1 should be the name: {b.h1()!r} ({b.messages()!r})")
        check("单位编码" in b.flash(), f"flash should give the unit code: {b.flash()!r}")
        check("一户一档" in b.body(), "the unit page should say 一户一档")
        personal = b.text("#personal")
        check("138****8000" in personal, f"the contact phone should be shown masked 138****8000: {personal!r}")
        check("13800138000" not in b.d.page_source, "the plaintext phone appears on the unit page")
        check("11010519491231002X" not in b.d.page_source, "the plaintext ID number appears on the unit page")
        history = b.rows("#history")
        check(any("登记" in r for r in history), f"the history should have a 登记 row: {history}")
        b.shot("i3-unit-page")

        # A change: a wrong phone first, then the number of employees.
        b.click_link("//main//a[normalize-space(.)='修改']")
        check(b.h1() == "修改被监督单位", f"edit page h1 {b.h1()!r}")
        check(b.value("name") == self.unit_name, f"the edit form should show the name, has {b.value('name')!r}")
        b.fill("contactPhone", "12345")
        b.fill("employees", "25")
        b.click_button("保存")
        b.expect_alert("联系电话")
        b.expect_status(422, 400)
        b.fill("contactPhone", "")
        b.fill("employees", "25")
        b.click_button("保存")
        check(b.entity_id() == self.unit_id, "saving the change should return to the unit page")
        check("修改了1项" in b.flash(), f"flash should say one field changed: {b.flash()!r}")
        check("共25人" in b.facts().get("从业人员", ""), f"从业人员 should be 共25人: {b.facts()}")
        check("138****8000" in b.text("#personal"), "an empty phone on the edit form must keep the phone")
        history = b.rows("#history")
        change = [r for r in history if "修改" in r]
        check(change and "从业人员数：20 → 25" in change[0], f"the history should show 从业人员数：20 → 25: {history}")

    # j ------------------------------------------------------------------
    def step_j_licence(self) -> None:
        b = self.b
        b.open(f"/app/entities/{self.unit_id}")
        form = "//form[@id='licence-form']"
        today = b.value_id("lic-issue")
        check(re.fullmatch(r"\d{4}-\d{2}-\d{2}", today) is not None, f"发证日期 should default to today, has {today!r}")
        number = "闽卫公证字〔2026〕第0001号"
        b.fill_id("lic-number", number)
        b.fill_id("lic-scope", "住宿")
        b.fill_id("lic-issue", "2026-02-30")
        b.click_button("登记", scope=form)
        b.expect_alert("发证日期")
        b.expect_status(422, 400)
        check(self.unit_name in b.h1() and b.d.find_elements(By.ID, "licence-form"),
              f"the licence error should be shown on the unit page with the form, h1 {b.h1()!r}")
        b.shot("j1-licence-error")
        if b.value_id("lic-number") != number:
            note("the licence form does not keep the number after an error: typed again")
            b.fill_id("lic-number", number)
            b.fill_id("lic-scope", "住宿")
        b.fill_id("lic-issue", today)
        b.fill_id("lic-until", "")
        b.click_button("登记", scope=form)
        check(not b.alert_text(), f"registering the licence failed: {b.alert_text()!r}")
        check(number in b.flash(), f"flash should name the licence: {b.flash()!r}")
        # Four years on, to the day before (a licence issued 2026-03-01 is valid until 2030-02-28).
        year, month, day = map(int, today.split("-"))
        day = min(day, calendar.monthrange(year + 4, month)[1])
        until = (datetime.date(year + 4, month, day) - datetime.timedelta(days=1)).isoformat()
        licence = b.text("div.licence")
        check(number in licence, f"the licence block should show the number: {licence!r}")
        check(f"发证日期：{today}" in licence, f"the licence should show 发证日期：{today}: {licence!r}")
        check(f"有效期至：{until}" in licence, f"the licence should be valid until {until} (four years on): {licence!r}")
        b.shot("j2-licence")

    # k ------------------------------------------------------------------
    def step_k_portal(self) -> None:
        """The done-when of the issue: a unit reports a change through the portal; it is returned,
        corrected, approved, and lands in the unit's file with history."""
        b = self.b
        b.open("/app/portal-accounts")
        check(b.h1() == "单位门户账号", f"/app/portal-accounts h1 {b.h1()!r}")
        b.fill("entityID", self.unit_id)
        b.fill("displayName", "林小姐")
        b.click_button("开通并打印告知书")
        b.shot("k1-letter")
        username = b.text("[data-username]")
        password = b.text("[data-password]")
        check(username and len(password) >= 8, f"the letter should show a username and a password: {username!r} {password!r}")
        check(self.unit_name in b.body(), "the letter should name the unit")
        self.portal_username = username
        b.open("/app/portal-accounts")
        check(username in b.text("#accounts"), f"the account list should show {username}")

        u = self.unit()
        u.fresh_session()
        u.sign_in(username, password)
        u.wait_path("/app/account/password")
        u.change_password(password, STRONG["unit"])
        u.wait_path("/portal")
        check(u.h1() == self.unit_name, f"the portal should open on the unit, h1 {u.h1()!r} ({u.messages()!r})")
        u.shot("k2-portal-home")

        # The unit's account has no business in the institute's registry.
        u.open("/app/entities")
        check(u.h1() == "无权访问", f"a unit user at /app/entities should get 无权访问, h1 {u.h1()!r}")
        check(u.status() in (None, 403), f"/app/entities should answer 403 to a unit user, answered {u.status()}")
        check(not u.d.find_elements(By.CSS_SELECTOR, "table#entities"), "the unit list leaked into the 403 page")
        u.shot("k3-portal-403")

        u.open("/portal")
        u.click_link("//ul[@id='kinds']//a[contains(normalize-space(.), '基本信息变更')]")
        check("基本信息变更" in u.h1(), f"the change form h1 {u.h1()!r}")
        u.fill("payload[entity][contactName]", "黄先生")
        u.fill("payload[entity][employees]", "三十")
        u.click_button("提交")
        u.expect_alert("从业人员数")
        u.expect_status(422, 400)
        u.shot("k4-portal-form-error")
        check(u.value("payload[entity][contactName]") == "黄先生", "the portal form should keep the contact name after an error")
        u.fill("payload[entity][employees]", "30")
        u.click_button("提交")
        check(re.fullmatch(r"/portal/submissions/[0-9A-Fa-f-]{36}", u.path()) is not None, f"after submitting expected the submission page, at {u.path()} ({u.messages()!r})")
        check("已提交" in u.flash(), f"flash should say 已提交: {u.flash()!r}")
        submission = u.path()
        number = u.h1().replace("报送", "").strip()

        # The reviewer returns it: first without a reason.
        b.open("/app/submissions")
        check(b.h1() == "单位报送审核", f"/app/submissions h1 {b.h1()!r}")
        b.click_link(f"//table[@id='queue']//a[normalize-space(.)='{number}']")
        check(number in b.h1(), f"review page h1 should name {number}: {b.h1()!r}")
        changes = b.text("#changes")
        check("黄先生" in changes and "30" in changes, f"the changes table should show the new values: {changes!r}")
        b.shot("k5-review")
        b.click_button("退回补正")
        b.expect_alert("退回理由")
        b.expect_status(422, 400)
        reason = "从业人员数与健康证台账不一致，请核对后重新填写。"
        b.fill("reason", reason)
        b.click_button("退回补正")
        check("已退回补正" in b.flash(), f"flash should say 已退回补正: {b.flash()!r}")

        # The unit sees why, corrects and sends it again.
        u.open("/portal")
        row = [r for r in u.rows("#my-submissions") if number in r]
        check(row and "已退回补正" in row[0], f"the unit's list should show {number} 已退回补正: {u.rows('#my-submissions')}")
        u.click_link(f"//table[@id='my-submissions']//a[normalize-space(.)='{number}']")
        check(reason in u.text("#reason"), f"the unit should see the reason: {u.text('#reason')!r}")
        check("已退回补正" in u.text("#status"), f"status should be 已退回补正: {u.text('#status')!r}")
        u.shot("k6-portal-returned")
        check(u.value("payload[entity][contactName]") == "黄先生", "the resubmit form should start from the returned version")
        u.fill("payload[entity][employees]", "28")
        u.click_button("提交")
        check(u.path() == submission, f"after resubmitting expected {submission}, at {u.path()} ({u.messages()!r})")
        check("已重新提交" in u.flash(), f"flash should say 已重新提交: {u.flash()!r}")

        # The reviewer approves; the change is written to the unit's file.
        b.open("/app/submissions")
        b.click_link(f"//table[@id='queue']//a[normalize-space(.)='{number}']")
        check("28" in b.text("#changes"), f"the changes should show the corrected 28: {b.text('#changes')!r}")
        b.click_button("审核通过")
        check("已审核通过" in b.flash(), f"flash should say 已审核通过: {b.flash()!r}")
        b.open(f"/app/entities/{self.unit_id}")
        facts = b.facts()
        check(facts.get("联系人") == "黄先生", f"联系人 should now be 黄先生: {facts}")
        check("共28人" in facts.get("从业人员", ""), f"从业人员 should now be 共28人: {facts}")
        history = b.rows("#history")
        row = [r for r in history if "单位报送（审核通过）" in r]
        check(row, f"the history should have a 单位报送（审核通过） row: {history}")
        check("联系人：林小姐 → 黄先生" in row[0] and "从业人员数：25 → 28" in row[0], f"the history row should show the changes: {row[0]!r}")
        b.shot("k7-unit-after-approval")

        u.open("/portal")
        row = [r for r in u.rows("#my-submissions") if number in r]
        check(row and "审核通过" in row[0], f"the unit's list should show {number} approved: {u.rows('#my-submissions')}")

    # l ------------------------------------------------------------------
    def write_units_csv(self, name: str, bad_credit: bool) -> Path:
        rows = [
            ["单位名称", "统一社会信用代码", "联系人", "联系电话", "经营地址", "行政区划代码", "专业类别", "从业人员数"],
            ["福州市鼓楼区星光宾馆有限责任公司", CREDIT_OK_2, "郑经理", "13800138000", "福建省福州市鼓楼区五四路１２号", "350102", "GG0101", "12"],
            ["星光宾馆有限公司", "", "", "", "鼓楼区五四路12号", "350102", "GG0101", "10"],
            ["福州市鼓楼区碧波游泳馆", CREDIT_BAD if bad_credit else CREDIT_OK_3, "吴先生", "", "福建省福州市鼓楼区湖东路8号", "350102", "GG0402", "6"],
        ]
        path = self.work_dir / name
        path.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
        return path

    def entities_found(self, q: str) -> int:
        self.b.open("/app/entities?q=" + urllib.parse.quote(q))
        return int(self.b.text("#total"))

    def step_l_import(self) -> None:
        b = self.b
        b.open("/app/import")
        check(b.h1() == "批量导入", f"/app/import h1 {b.h1()!r}")
        b.select_option_containing("kind", "被监督单位")
        b.upload("file", self.write_units_csv("单位-有错.csv", bad_credit=True))
        b.click_button("试导入（只检查）")
        b.expect_status(422, 400)
        summary = b.text("#report-summary")
        check("未导入任何数据" in summary, f"the report should say nothing was stored: {summary!r}")
        issues = b.rows("#issues")
        check(issues, "the report should list the problems")
        # The wrong row is the fourth line of the file (the header is line 1).
        check(any(r.startswith("4 ") and "统一社会信用代码" in r for r in issues),
              f"the report should name row 4 and column 统一社会信用代码: {issues}")
        b.shot("l1-import-report")
        check(self.entities_found("星光") == 0, "a failed trial import must not store any unit")

        b.open("/app/import")
        b.upload("file", self.write_units_csv("单位.csv", bad_credit=False))
        b.click_button("试导入（只检查）")
        summary = b.text("#report-summary")
        check("试导入通过" in summary and "将新增3户" in summary, f"the trial should pass and announce 3 units: {summary!r}")
        check(self.entities_found("星光") == 0, "a trial import must not store any unit")
        b.open("/app/import")
        b.upload("file", self.write_units_csv("单位.csv", bad_credit=False))
        b.click_button("正式导入")
        summary = b.text("#report-summary")
        check("已导入3行" in summary and "新增3户" in summary, f"the import should report 3 new units: {summary!r}")
        b.shot("l2-import-done")
        check(self.entities_found("星光") == 2, f"/app/entities?q=星光 should find the two 星光 units, found {b.text('#total')}")
        check(self.entities_found("碧波") == 1, "/app/entities?q=碧波 should find the swimming pool")
        b.shot("l3-search")

    # m ------------------------------------------------------------------
    def step_m_quality(self) -> None:
        b = self.b
        b.open("/app/quality")
        check(b.h1() == "数据清洗", f"/app/quality h1 {b.h1()!r}")
        b.click_button("立即检查")
        flash = b.flash()
        m = re.search(r"疑似重复(\d+)对", flash)
        check(m is not None and int(m.group(1)) >= 1, f"the check should find a duplicate pair: {flash!r}")
        b.shot("m1-quality")
        b.click_link("//main//a[normalize-space(.)='疑似重复单位']")
        check(b.h1() == "疑似重复单位", f"duplicates page h1 {b.h1()!r}")
        pairs = [t for t in b.d.find_elements(By.CSS_SELECTOR, "table.pair")
                 if "星光宾馆有限公司" in t.text and "福州市鼓楼区星光宾馆有限责任公司" in t.text]
        check(len(pairs) == 1, f"expected one pair of the two 星光 units, found {len(pairs)}")
        pair = pairs[0].get_attribute("id")
        links = pairs[0].find_elements(By.CSS_SELECTOR, "tbody tr:first-child td a")
        ids = [a.get_attribute("href").rsplit("/", 1)[1] for a in links]
        names = [a.text.strip() for a in links]
        b.shot("m2-duplicates")
        # Someone has the right-hand unit's edit form open in another tab while the merge happens.
        first_tab = b.d.current_window_handle
        b.d.switch_to.new_window("tab")
        b.open(f"/app/entities/{ids[1]}/edit")
        check(b.h1() == "修改被监督单位", f"edit page h1 {b.h1()!r}")
        edit_tab = b.d.current_window_handle
        b.d.switch_to.window(first_tab)
        b.click_button("合并，保留左侧", scope=f"//table[@id='{pair}']")
        check(b.entity_id() == ids[0], f"after merging expected the kept unit {ids[0]}, at {b.path()}")
        check("已合并" in b.flash(), f"flash should say 已合并: {b.flash()!r}")
        note(f"kept unit after the merge: {b.facts()}")
        b.open(f"/app/entities/{ids[1]}")
        check("已合并" in b.h1(), f"the absorbed unit should be marked 已合并: {b.h1()!r}")
        check(not b.d.find_elements(By.XPATH, "//main//a[normalize-space(.)='修改']"), "a merged unit should not offer 修改")
        check(b.d.find_elements(By.XPATH, "//main//a[normalize-space(.)='合并后的单位']"), "a merged unit should link to the kept unit")
        b.shot("m3-absorbed")
        # The change from the stale tab is refused, with the reason.
        b.d.switch_to.window(edit_tab)
        try:
            b.fill("employees", "11")
            b.click_button("保存")
            b.expect_alert("已被合并")
            b.expect_status(409, 422)
        finally:
            b.d.close()
            b.d.switch_to.window(first_tab)
        check(self.entities_found("星光") == 1, f"after the merge only the kept unit should be listed, found {b.text('#total')}")

        b.open("/app/quality/merges")
        check(b.h1() == "合并记录", f"merges page h1 {b.h1()!r}")
        row = f"//table[@id='merges']//tr[td[4][normalize-space(.)='{names[1]}']]"
        b.click_button("撤销合并", scope=row)
        check("已撤销合并" in b.flash(), f"flash should say 已撤销合并: {b.flash()!r}")
        text = b.d.find_element(By.XPATH, row).text
        check("撤销合并" not in b.d.find_element(By.XPATH, row).find_elements(By.TAG_NAME, "td")[4].text
              or not b.d.find_elements(By.XPATH, row + "//button"), f"the merge should no longer offer an undo: {text!r}")
        b.shot("m4-merges")
        b.open(f"/app/entities/{ids[1]}")
        check("已合并" not in b.h1(), f"the absorbed unit should be restored: {b.h1()!r}")
        check(self.entities_found("星光") == 2, f"after the undo both units should be listed again, found {b.text('#total')}")
        b.open("/app/quality/duplicates")
        note(f"duplicates after the undo: {[t.text.splitlines()[0] for t in b.d.find_elements(By.CSS_SELECTOR, 'table.pair')]}")

    # n ------------------------------------------------------------------
    FACTS_MISALIGNED = """(() => {
        const out = [];
        for (const dl of document.querySelectorAll('main dl.facts')) {
            for (const dt of dl.querySelectorAll('dt')) {
                const dd = dt.nextElementSibling;
                if (!dd || dd.tagName !== 'DD') continue;
                if (Math.abs(dt.getBoundingClientRect().top - dd.getBoundingClientRect().top) > 4)
                    out.push(dt.textContent.trim() + '：' + dd.textContent.trim());
            }
            const next = dl.nextElementSibling;
            if (next && Math.abs(next.getBoundingClientRect().left - dl.getBoundingClientRect().left) > 4)
                out.push('“' + next.textContent.trim().slice(0, 12) + '” sits beside the list, not under it');
        }
        return out;
    })()"""

    def step_n_facts_layout(self) -> None:
        """On the unit's file and the portal each value stands next to its own label (a label with
        an empty value, or one that wraps, must not shift the values below it)."""
        b = self.b
        problems = []
        for browser, path in ((b, f"/app/entities/{self.unit_id}"), (self.unit(), "/portal")):
            browser.open(path)
            wrong = browser.d.execute_script("return " + self.FACTS_MISALIGNED)
            if wrong:
                problems.append(f"{path.replace(self.unit_id, '<id>')}: {wrong[:4]}")
        check(not problems, "labels and values are out of line (label：the value shown next to it): " + "; ".join(problems))

    # o ------------------------------------------------------------------
    def step_o_licence_form_keeps_input(self) -> None:
        """Like every other form, the licence form keeps what was typed when it shows an error."""
        b = self.b
        b.open(f"/app/entities/{self.unit_id}")
        b.fill_id("lic-number", "闽卫公证字〔2026〕第0002号")
        b.fill_id("lic-scope", "住宿、游泳")
        b.fill_id("lic-issue", "2026/13/01")
        b.click_button("登记", scope="//form[@id='licence-form']")
        alert = b.expect_alert("发证日期")
        check("许可证号" not in alert, f"the number was typed, yet the error names 许可证号: {alert!r}")
        kept = {name: b.value_id("lic-" + key) for name, key in (("number", "number"), ("scope", "scope"), ("issueDate", "issue"))}
        check(kept == {"number": "闽卫公证字〔2026〕第0002号", "scope": "住宿、游泳", "issueDate": "2026/13/01"},
              f"after an error the licence form should keep the typed values, has {kept}")


    # p ------------------------------------------------------------------
    def step_p_licence_change_needs_content(self) -> None:
        """办理 with the preselected 变更 and nothing filled in must not blank the licence's 许可项目."""
        b = self.b
        b.open(f"/app/entities/{self.unit_id}")
        terms = "div.licence > p.small"   # 许可项目：…；发证机关：…；发证日期：…
        before = b.text(terms)
        check(before.startswith("许可项目：住宿；"), f"the licence should show 许可项目：住宿 before: {before!r}")
        form = "//div[contains(@class,'licence')]//form"
        check(Select(b.d.find_element(By.XPATH, form + "//select[@name='event']")).first_selected_option.text == "变更",
              "the licence's event form should start at 变更")
        b.click_button("办理", scope=form)
        after = b.text(terms)
        check(after.startswith("许可项目：住宿；"), f"an empty 变更 changed the licence to {after!r} "
              f"(message {b.messages()!r}); expected an error naming 许可项目 or 新证号 and no change")

    # q ------------------------------------------------------------------
    def step_q_portal_account_needs_unit(self) -> None:
        """Opening a portal account without a unit is an error on the form, naming the field."""
        b = self.b
        b.open("/app/portal-accounts")
        b.fill("entityID", "")
        b.fill("displayName", "林小姐")
        b.click_button("开通并打印告知书")
        check(b.h1() == "单位门户账号", f"with no unit the form should show again with an error, h1 {b.h1()!r} "
              f"(HTTP {b.status()}, {b.messages()!r})")
        b.expect_alert("单位")
        b.expect_status(422, 400)

    # r ------------------------------------------------------------------
    # A tiny one-page PDF (no xref table; viewers rebuild it). The server looks for its "%PDF-" start.
    SMALL_PDF = (b"%PDF-1.4\n"
                 b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
                 b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
                 b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n"
                 b"trailer << /Root 1 0 R >>\n"
                 b"%%EOF\n")

    def step_r_portal_attachments(self) -> None:
        """The unit sends a 自查报告 with the report attached: a file that only pretends to be a PDF is
        refused by name and rule; the real PDF is listed for the unit and the reviewer, who downloads it."""
        b = self.b
        fake = self.work_dir / "假" / "报告.pdf"   # a text file someone renamed to .pdf
        fake.parent.mkdir(parents=True, exist_ok=True)
        fake.write_bytes("2026年第一季度自查报告（文字稿，不是PDF）\n".encode("utf-8"))
        real = self.work_dir / "真" / "报告.pdf"
        real.parent.mkdir(parents=True, exist_ok=True)
        real.write_bytes(self.SMALL_PDF)

        u = self.unit_on_portal()
        u.click_link("//ul[@id='kinds']//a[contains(normalize-space(.), '自查报告')]")
        check("自查报告" in u.h1(), f"the self-inspection form h1 {u.h1()!r}")
        form = u.d.find_element(By.ID, "submission-form")
        check(form.get_attribute("enctype") == "multipart/form-data", "the submission form must be multipart to carry files")
        inspection_date = datetime.date.today().isoformat()
        content = "检查了客房卫生、公共用品用具清洗消毒和从业人员健康证，详见附件。"
        u.fill("payload[inspectionDate]", inspection_date)
        u.fill("payload[content]", content)
        u.upload("files[]", fake)
        u.click_button("提交")
        alert = u.expect_alert("附件1", "报告.pdf", "不是PDF文件")
        u.expect_status(422)
        check("自查日期" not in alert and "自查内容" not in alert, f"only the attachment is wrong, yet: {alert!r}")
        u.shot("r1-attachment-refused")
        check(u.value("payload[inspectionDate]") == inspection_date and u.value("payload[content]") == content,
              "the form should keep the date and content after an attachment error")
        check(not u.value_id("p-files"), "a browser cannot keep a chosen file across the error page")
        u.upload("files[]", real)
        u.click_button("提交")
        m = re.fullmatch(r"/portal/submissions/([0-9A-Fa-f-]{36})", u.path())
        check(m is not None, f"after submitting expected the submission page, at {u.path()} ({u.messages()!r})")
        check("已提交" in u.flash(), f"flash should say 已提交: {u.flash()!r}")
        submission_id = m.group(1)
        number = u.h1().replace("报送", "").strip()
        rows = u.rows("#attachments")
        check(len(rows) == 1 and "报告.pdf" in rows[0], f"#attachments should list 报告.pdf once: {rows}")
        u.shot("r2-submission-with-attachment")
        href = u.d.find_element(By.CSS_SELECTOR, "#attachments a").get_attribute("href")
        check(re.fullmatch(re.escape(f"{self.server.base}/portal/submissions/{submission_id}/attachments/") + r"[0-9A-Fa-f-]{36}", href)
              is not None, f"the unit's link should be under its own submission: {href}")
        status, _, body = self.download(u, href)
        check(status == 200 and body == self.SMALL_PDF, f"the unit should get its own file back: HTTP {status}, {len(body)} bytes")

        # The reviewer sees the file with the submission and downloads it.
        b.open("/app/submissions")
        b.click_link(f"//table[@id='queue']//a[normalize-space(.)='{number}']")
        check(number in b.h1(), f"review page h1 should name {number}: {b.h1()!r}")
        check(b.path() == f"/app/submissions/{submission_id}", f"the review page should be /app/submissions/{submission_id}, at {b.path()}")
        rows = b.rows("#attachments")
        check(len(rows) == 1 and "报告.pdf" in rows[0], f"the review page should list 报告.pdf: {rows}")
        b.shot("r3-review-with-attachment")
        link = b.d.find_element(By.CSS_SELECTOR, "#attachments a")
        check(link.text.strip() == "报告.pdf", f"the link should read 报告.pdf: {link.text!r}")
        href = link.get_attribute("href")
        check(href.startswith(f"{self.server.base}/app/submissions/{submission_id}/attachments/"),
              f"the reviewer's link should be under /app/submissions/{submission_id}/attachments/: {href}")
        status, headers, body = self.download(b, href)
        check(status == 200, f"downloading {href} answered HTTP {status}: {body[:200]!r}")
        disposition = headers.get("content-disposition", "")
        check(disposition.startswith("attachment"), f"the download should be an attachment: {disposition!r}")
        m = re.search(r"filename\*=UTF-8''(\S+)", disposition)
        check(m is not None and urllib.parse.unquote(m.group(1)) == "报告.pdf",
              f"the download should be offered as 报告.pdf: {disposition!r}")
        check(headers.get("content-type", "").startswith("application/pdf"), f"Content-Type: {headers.get('content-type')!r}")
        check(body == self.SMALL_PDF, f"the downloaded bytes differ from the uploaded PDF ({len(body)} vs {len(self.SMALL_PDF)} bytes)")

    # s ------------------------------------------------------------------
    def step_s_water_limits(self) -> None:
        """The information officer changes the turbidity limit: a non-number is refused naming 上限,
        a number is saved and shown; then the seeded ≤1 NTU is put back."""
        b = self.b
        b.open("/app")
        b.click_link("//nav[@aria-label='主导航']//a[normalize-space(.)='饮用水指标限值']")
        check(b.h1() == "饮用水指标限值", f"/app/water-limits h1 {b.h1()!r}")
        check(b.path() == "/app/water-limits", f"the menu should lead to /app/water-limits, at {b.path()}")
        row = "//table[@id='water-limits']//tr[@id='limit-turbidity']"

        def reading() -> str:
            return b.d.find_element(By.XPATH, row + "/td[3]").text.strip()

        check(reading() == "≤1 NTU", f"浑浊度 should start at the seeded ≤1 NTU: {reading()!r}")
        check("浑浊度" in b.d.find_element(By.XPATH, row).text, "row limit-turbidity should be 浑浊度")
        check(Select(b.d.find_element(By.ID, "kind-turbidity")).first_selected_option.text == "不超过",
              "浑浊度's 限值类型 should be 不超过")
        check(b.value_id("high-turbidity") == "1", f"上限 should show 1: {b.value_id('high-turbidity')!r}")

        b.fill_id("high-turbidity", "abc")
        b.click_button("保存", scope=row)
        b.expect_alert("上限", "应为数字")
        b.expect_status(422, 400)
        b.shot("s1-water-limit-error")
        check(reading() == "≤1 NTU", f"a refused change must not alter the limit: {reading()!r}")
        check("浑浊度" in b.alert_text(), f"the message should name the indicator: {b.alert_text()!r}")
        check(b.value_id("high-turbidity") == "abc", f"the refused row should keep what was typed: {b.value_id('high-turbidity')!r}")

        b.fill_id("high-turbidity", "2")
        b.click_button("保存", scope=row)
        check(b.path() == "/app/water-limits", f"after saving expected the limits page, at {b.path()}")
        check(not b.alert_text(), f"saving 2 failed: {b.alert_text()!r}")
        check("已保存" in b.flash() and "浑浊度" in b.flash(), f"flash should say 已保存 and name 浑浊度: {b.flash()!r}")
        check(reading() == "≤2 NTU", f"浑浊度 should now read ≤2 NTU: {reading()!r}")
        b.shot("s2-water-limit-saved")

        # Put the standard back so nothing after this step sees a changed limit.
        b.fill_id("high-turbidity", "1")
        b.click_button("保存", scope=row)
        check(not b.alert_text() and reading() == "≤1 NTU", f"restoring ≤1 NTU failed: {reading()!r} {b.alert_text()!r}")


STEPS = [
    ("a_sysadmin_first_login", "step_a_sysadmin_first_login", []),
    ("b_department", "step_b_department", ["a_sysadmin_first_login"]),
    ("c_create_account", "step_c_create_account", ["b_department"]),
    ("d_grants", "step_d_grants", ["c_create_account"]),
    ("e_inspector", "step_e_inspector", ["c_create_account", "d_grants"]),
    ("f_auditor", "step_f_auditor", []),
    ("g_lockout", "step_g_lockout", ["c_create_account"]),
    ("h_info_officer", "step_h_info_officer", ["a_sysadmin_first_login", "b_department", "d_grants"]),
    ("i_register_unit", "step_i_register_unit", ["h_info_officer"]),
    ("j_licence", "step_j_licence", ["i_register_unit"]),
    ("k_portal", "step_k_portal", ["i_register_unit"]),
    ("l_import", "step_l_import", ["h_info_officer"]),
    ("m_quality", "step_m_quality", ["l_import"]),
    ("n_facts_layout", "step_n_facts_layout", ["k_portal"]),
    ("o_licence_form_keeps_input", "step_o_licence_form_keeps_input", ["j_licence"]),
    ("p_licence_change_needs_content", "step_p_licence_change_needs_content", ["j_licence"]),
    ("q_portal_account_needs_unit", "step_q_portal_account_needs_unit", ["h_info_officer"]),
    ("r_portal_attachments", "step_r_portal_attachments", ["k_portal"]),
    ("s_water_limits", "step_s_water_limits", ["h_info_officer"]),
]


def screenshot(driver, step: str) -> None:
    try:
        SCREENSHOTS.mkdir(exist_ok=True)
        driver.save_screenshot(str(SCREENSHOTS / f"{step}.png"))
        print(f"    screenshot: {SCREENSHOTS / (step + '.png')}")
    except Exception as error:  # noqa: BLE001 - a screenshot must never hide the failure
        print(f"    (no screenshot: {error})")


def run_steps(server: Server) -> tuple[int, int]:
    """Runs the journey; returns (passed, failed)."""
    passed = failed = 0
    driver = None
    closers = []
    try:
        try:
            server.start()
            driver = make_driver()
        except Exception as error:  # noqa: BLE001
            print(f"setup failed: {error}")
            for name, _, _ in STEPS:
                print(f"FAIL {name}: setup failed")
            return 0, len(STEPS)
        journey = Journey(server, Browser(driver, server.base))
        closers.append(journey.close)
        outcome: dict[str, bool] = {}
        for name, method, needs in STEPS:
            blocked = [n for n in needs if not outcome.get(n)]
            if blocked:
                outcome[name] = False
                failed += 1
                print(f"FAIL {name}: not run, needs {', '.join(blocked)}")
                continue
            t0 = time.time()
            try:
                getattr(journey, method)()
                outcome[name] = True
                passed += 1
                print(f"ok   {name} ({time.time() - t0:.1f}s)")
            except Exception as error:  # noqa: BLE001
                outcome[name] = False
                failed += 1
                kind = "" if isinstance(error, StepFailure) else f"{type(error).__name__}: "
                print(f"FAIL {name} ({time.time() - t0:.1f}s): {kind}{error}")
                try:
                    print(f"    at {driver.current_url} — h1 {journey.b.h1()!r}; messages {journey.b.messages()!r}")
                except Exception:  # noqa: BLE001
                    pass
                if not isinstance(error, StepFailure):
                    traceback.print_exc(limit=3)
                screenshot(driver, name)
                if journey.unit_browser is not None:
                    screenshot(journey.unit_browser.d, name + "-unit")
        return passed, failed
    finally:
        for close in closers:
            close()
        if driver is not None:
            try:
                driver.quit()
            except Exception:  # noqa: BLE001
                pass
        server.stop()


def main() -> int:
    started = time.time()
    server = Server()
    print(f"starting {BINARY} serve on port {server.port} (data {server.data_dir}"
          + (", DATABASE_URL set" if os.environ.get("DATABASE_URL") else "") + ")")
    passed = failed = 0
    try:
        passed, failed = run_steps(server)
    except BaseException as error:  # noqa: BLE001 - e.g. Ctrl-C: still report a count
        print(f"interrupted: {type(error).__name__}: {error}")
        failed = len(STEPS) - passed
    finally:
        if failed and os.environ.get("JOURNEY_KEEP") != "1":
            print(f"  (server log was {server.log_path}; set JOURNEY_KEEP=1 to keep it)")
        server.cleanup()
    print(f"  ({time.time() - started:.0f}s)")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
