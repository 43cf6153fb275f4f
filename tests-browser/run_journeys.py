#!/usr/bin/env python3
"""Browser journeys for Weijian (卫监), run in headless Chromium through Selenium.

Plain runner, no pytest needed:

    python3 tests-browser/run_journeys.py

It starts its own server (`<binary> serve`) on a free port from a fresh temporary data
folder, reads the three one-time administrator passwords from the server's console
output, walks the foundation journey as a user would (filling forms, clicking buttons,
working out TOTP codes like an authenticator app), then stops the server.

Environment:
    WEIJIAN_BINARY   the server binary (default: <repo>/.build/debug/weijian)
    DATABASE_URL     passed through to the server (PostgreSQL runs: give a fresh, empty database)
    JOURNEY_KEEP     set to 1 to keep the temporary data folder and server log
    JOURNEY_VERBOSE  set to 1 to print the messages the journey saw

Each lettered part of the journey is one step. A step whose prerequisite failed is counted as
failed too. A screenshot of every failed step goes to tests-browser/screenshots/<step>.png.
The last line printed is "N passed, M failed"; the exit status is non-zero if any failed.
"""

from __future__ import annotations

import base64
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
}


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


# ---------------------------------------------------------------- the journey

class Journey:
    def __init__(self, server: Server, browser: Browser) -> None:
        self.server = server
        self.b = browser
        self.auth = Authenticator()
        self.passwords = dict(server.passwords)  # current password of each account
        self.zhangsan_initial = ""

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
        for i, t in enumerate(texts[:4], start=1):
            check("已锁定" not in t, f"attempt {i} already says locked: {t!r}")
        check("用户名或密码错误" in texts[0], f"first wrong password message: {texts[0]!r}")
        b.sign_in("zhangsan", self.passwords["zhangsan"])
        check(b.path().startswith("/app/login"), f"the right password after lockout must not sign in, at {b.path()}")
        locked = b.expect_alert("已锁定")
        check("已锁定" in texts[4] or "已锁定" in locked, f"messages: {texts} / {locked!r}")


STEPS = [
    ("a_sysadmin_first_login", "step_a_sysadmin_first_login", []),
    ("b_department", "step_b_department", ["a_sysadmin_first_login"]),
    ("c_create_account", "step_c_create_account", ["b_department"]),
    ("d_grants", "step_d_grants", ["c_create_account"]),
    ("e_inspector", "step_e_inspector", ["c_create_account", "d_grants"]),
    ("f_auditor", "step_f_auditor", []),
    ("g_lockout", "step_g_lockout", ["c_create_account"]),
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
        return passed, failed
    finally:
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
