"""The harness of the browser journeys: the server, the browser, the checks, and preparing data.

Every step (in steps/*.py) is a function `step(ctx: Context)` that can run alone on a fresh
server. It prepares what it needs without the browser — accounts with `weijian admin create`,
departments, grants, units and licences through the JSON API (/api/v1, bearer tokens from
`weijian admin token`) — and then does in the browser what it tests. Nothing passes from one step
to the next: each step uses its own account names and units, so that all steps can share one
server in a full run.

What is here:
- JourneyServer: `weijian serve` on a fresh data folder (tests-support/weijian_server.py), with the
  administrators' one-time passwords of the first start and tokens for preparing data.
- Browser: a Selenium Chromium wrapper (open pages, fill forms, click and wait for the next page,
  read alerts and flash messages, screenshots).
- Authenticator: works out TOTP codes like an authenticator app.
- Context: what a step gets — the server, a browser, the authenticator, a folder for files, and the
  helpers that prepare data and sign a prepared account all the way in.
- check / StepFailure: a failed expectation, reported with its message.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import shutil
import struct
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests-support"))
from weijian_server import APIError, BINARY, WeijianServer  # noqa: E402,F401  (re-exported for the steps)

SCREENSHOTS = HERE / "screenshots"
VERBOSE = os.environ.get("JOURNEY_VERBOSE") == "1"
WAIT = 15  # seconds for an element or a page load


def note(message: str) -> None:
    if VERBOSE:
        print(f"    · {message}")


class StepFailure(AssertionError):
    pass


def check(condition: bool, message: str) -> None:
    if not condition:
        raise StepFailure(message)


def new_password(username: str) -> str:
    """The strong password an account chooses at its first sign-in (12+ characters, four classes,
    without the username, which the policy refuses)."""
    password = "Weijian#2026ok!"
    assert username.lower() not in password.lower()
    return password


# ---------------------------------------------------------------- valid identifiers

CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def credit_code(n: int, division: str = "350102") -> str:
    """A valid 统一社会信用代码 (GB 32100-2015) for a 公司 in `division`, different for every n:
    the organisation code (GB 11714) and the final check both hold, so that no data-quality
    warning is raised about it."""
    body = f"{n:08d}"[-8:]
    total = sum(int(c) * w for c, w in zip(body, [3, 7, 9, 10, 5, 8, 4, 2]))
    check_digit = 11 - total % 11
    org = body + ("X" if check_digit == 10 else "0" if check_digit == 11 else str(check_digit))
    first17 = "91" + division + org
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(first17, [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]))
    return first17 + CREDIT_ALPHABET[(31 - total % 31) % 31]


def resident_id(birth: str, sequence: int, region: str = "110105") -> str:
    """A valid 居民身份证号 (GB 11643-1999) born on `birth` (YYYYMMDD)."""
    first17 = f"{region}{birth}{sequence:03d}"
    total = sum(int(c) * w for c, w in zip(first17, [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]))
    return first17 + "10X98765432"[total % 11]


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

class JourneyServer(WeijianServer):
    """The server of a run: fresh data (or the empty database in DATABASE_URL), the first start's
    one-time passwords, and bearer tokens of the two administrators who prepare data (the system
    administrator: departments and accounts; the security administrator: grants)."""

    def __init__(self, database_url: str | None) -> None:
        super().__init__("weijian-journeys-", database_url)
        self.console_passwords: dict[str, str] = {}
        self._tokens: dict[str, str] = {}

    def start(self, timeout: float = 120) -> None:
        super().start(timeout)
        self.console_passwords = self.one_time_passwords()

    def token_of(self, username: str) -> str:
        """A bearer token of this account, issued once per run (`weijian admin token`)."""
        if username not in self._tokens:
            self._tokens[username] = self.token(username, "浏览器测试准备数据")
        return self._tokens[username]


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
    def __init__(self, driver: webdriver.Chrome, base: str, label: str = "") -> None:
        self.d = driver
        self.base = base
        self.label = label  # names its failure screenshot: <step>-<label>.png
        # While a document is being replaced, ChromeDriver may answer a lookup with a stale node
        # ("does not belong to the document"); a wait keeps polling through that.
        # Polled every 0.1 s rather than Selenium's 0.5 s: every click waits for the next page, and
        # half a second each time more than doubled the run.
        self.wait = WebDriverWait(driver, WAIT, poll_frequency=0.1,
                                  ignored_exceptions=(StaleElementReferenceException, WebDriverException))

    def quit(self) -> None:
        try:
            self.d.quit()
        except Exception:  # noqa: BLE001 - a browser that is already gone is fine
            pass

    def reset(self) -> None:
        """Back to a blank tab with no session, for the next step (the same Chromium is reused
        between steps because starting one takes a while)."""
        handles = self.d.window_handles
        for handle in handles[1:]:
            self.d.switch_to.window(handle)
            self.d.close()
        self.d.switch_to.window(handles[0])
        self.d.get("about:blank")
        self.fresh_session()

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
        """Forgets every cookie (the session), whatever page is open."""
        self.d.execute_cdp_cmd("Network.clearBrowserCookies", {})

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

    def facts(self, css: str = "#facts") -> dict[str, str]:
        """A <dl> of label → value pairs."""
        dl = self.wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, css)))
        labels = [e.text.strip() for e in dl.find_elements(By.TAG_NAME, "dt")]
        values = [e.text.strip() for e in dl.find_elements(By.TAG_NAME, "dd")]
        return dict(zip(labels, values))

    def rows(self, css: str) -> list[str]:
        return [r.text.strip() for r in self.d.find_elements(By.CSS_SELECTOR, f"{css} tbody tr")]

    def entity_id(self) -> str:
        """The unit's UUID from the address of its page, /app/entities/<uuid>."""
        m = re.fullmatch(r"/app/entities/([0-9A-Fa-f-]{36})", self.path().split("?")[0])
        check(m is not None, f"expected a unit page /app/entities/<id>, at {self.path()}")
        return m.group(1)

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

    def selected(self, name: str) -> str:
        return Select(self.field(name)).first_selected_option.text

    def tick(self, xpath: str, on: bool = True) -> None:
        box = self.wait.until(EC.presence_of_element_located((By.XPATH, xpath)))
        if box.is_selected() != on:
            box.click()
        check(box.is_selected() == on, f"checkbox {xpath} did not become {'checked' if on else 'unchecked'}")

    def upload(self, name: str, path: Path) -> None:
        """Chooses a file in a file input, as the file dialog would."""
        self.wait.until(EC.presence_of_element_located((By.NAME, name))).send_keys(str(path))

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
                WebDriverWait(self.d, 3, poll_frequency=0.1).until(EC.staleness_of(old))
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

    # signing in and out -------------------------------------------------
    def sign_in(self, username: str, password: str) -> None:
        """The password form only; where it leads depends on the account."""
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

    # downloads and pictures ---------------------------------------------
    def download(self, href: str) -> tuple[int, dict[str, str], bytes]:
        """Fetches a link as the person signed in here (their session cookie, no download dialog):
        status, headers and body. Redirects are not followed, so a bounce to the sign-in page
        shows as a 3xx rather than as an HTML page answered with 200."""
        cookies = "; ".join(f"{c['name']}={c['value']}" for c in self.d.get_cookies())

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

    def shot(self, name: str) -> None:
        """With JOURNEY_SHOTS=<folder>, keeps a full-page screenshot for looking at by eye."""
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

    def failure_screenshot(self, step: str) -> Path | None:
        """Saves what the browser shows to tests-browser/screenshots/<step>[-label].png."""
        path = SCREENSHOTS / (f"{step}-{self.label}.png" if self.label else f"{step}.png")
        try:
            SCREENSHOTS.mkdir(exist_ok=True)
            self.d.save_screenshot(str(path))
            return path
        except Exception:  # noqa: BLE001 - a screenshot must never hide the failure
            return None


# ---------------------------------------------------------------- what a step gets

@dataclass
class Account:
    username: str
    password: str       # the current one: the one-time password until the first sign-in changes it
    name: str = ""      # 姓名 as the pages show it
    id: str = ""        # the user's UUID, where the step needed it


class Context:
    """One step's world: the shared server and authenticator, the main browser (already signed
    out), more browsers on demand, a folder for files, and the helpers that prepare data."""

    def __init__(self, step: str, server: JourneyServer, auth: Authenticator, browser: Browser) -> None:
        self.step = step
        self.server = server
        self.auth = auth
        self.b = browser
        self.others: list[Browser] = []
        self.files = Path(tempfile.mkdtemp(prefix="weijian-journey-files-"))

    @property
    def base(self) -> str:
        return self.server.base

    def new_browser(self, label: str) -> Browser:
        """Another person's computer: a browser of its own, closed when the step ends."""
        browser = Browser(make_driver(), self.server.base, label)
        self.others.append(browser)
        return browser

    def browsers(self) -> list[Browser]:
        return [self.b, *self.others]

    def close(self) -> None:
        for browser in self.others:
            browser.quit()
        shutil.rmtree(self.files, ignore_errors=True)

    # preparing data without the browser --------------------------------
    def api(self, username: str, method: str, path: str, body: object = None) -> object:
        """Calls the JSON API as this account (a bearer token issued for it once per run)."""
        return self.server.api(self.server.token_of(username), method, path, body)

    def department(self, code: str, name: str) -> str:
        """A new department (by the system administrator, through the API); returns its id."""
        return self.api("sysadmin", "POST", "/departments", {"code": code, "name": name})["id"]

    def account(self, username: str, name: str, role: str | None = None, department: str | None = None) -> Account:
        """A new account with `weijian admin create` (role codes, comma-separated; a department
        code). It holds a one-time password and has not signed in yet."""
        password = self.server.create_account(username, name, role, department)
        return Account(username, password, name)

    def staff(self, username: str, name: str, **fields: str) -> Account:
        """A new staff account through the API (POST /users), for the fields the command line
        does not take: phone, idNumber, certificateNumber, departmentID, title."""
        created = self.api("sysadmin", "POST", "/users", {"username": username, "displayName": name, **fields})
        return Account(username, created["oneTimePassword"], name, created["id"])

    def user_id(self, username: str) -> str:
        users = self.api("sysadmin", "GET", "/users?q=" + urllib.parse.quote(username))["rows"]
        found = [u["id"] for u in users if u["username"] == username]
        check(len(found) == 1, f"GET /users?q={username} should find that account once: {users}")
        return found[0]

    def grant(self, account: Account, roles: list[str], departments: list[str] | None = None, all_departments: bool = False) -> None:
        """Roles and data scope (department ids), by the security administrator through the API;
        replaces what the account had."""
        if not account.id:
            account.id = self.user_id(account.username)
        body: dict = {"roles": roles, "departments": departments or []}
        if all_departments:
            body["allDepartments"] = "on"
        self.api("secadmin", "PUT", f"/users/{account.id}/grants", body)

    def info_officer(self, username: str, name: str) -> Account:
        """An information officer (信息管理员) over all departments: imported units and units
        registered without a department are in scope."""
        officer = self.account(username, name)
        self.grant(officer, ["infoOfficer"], all_departments=True)
        return officer

    def unit(self, officer: Account, **fields: str) -> str:
        """A new unit registered by `officer` through the API (POST /entities); returns its id.
        Needs at least name, operatingAddress, divisionCode and categoryCode."""
        return self.api(officer.username, "POST", "/entities", fields)["id"]

    def licence(self, officer: Account, entity_id: str, **fields: str) -> dict:
        """A new licence of a unit through the API (POST /entities/{id}/licences)."""
        return self.api(officer.username, "POST", f"/entities/{entity_id}/licences", fields)

    # signing a prepared account in -------------------------------------
    def first_sign_in(self, account: Account, role_name: str = "", browser: Browser | None = None,
                      try_weak_password: bool = False, try_wrong_code: bool = False, scan_qr: bool = False) -> None:
        """A staff member's first sign-in: one-time password → forced password change → TOTP
        enrolment (the authenticator app keeps the secret) → 工作台. `role_name`, if given, must
        show in the header. The optional tries check the refusals on the way."""
        b = browser or self.b
        b.fresh_session()
        b.sign_in(account.username, account.password)
        b.wait_path("/app/account/password")
        check(b.h1() == "修改密码", f"expected the forced password change page, h1 {b.h1()!r}")
        if try_weak_password:
            b.change_password(account.password, "short1A!")
            b.expect_alert("新密码", "至少12个字符")
            b.expect_status(422, 400)
            check(b.path() == "/app/account/password", f"after a weak password should stay at the password page, at {b.path()}")
        password = new_password(account.username)
        b.change_password(account.password, password)
        b.wait_path("/app/account/totp")
        account.password = password
        secret = b.text("#totp-secret")
        check(re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{1,4})*", secret) is not None, f"#totp-secret looks wrong: {secret!r}")
        if scan_qr:
            # As a phone would: read the QR code from the screen (a screenshot, decoded by zbarimg)
            # and take the key from its otpauth:// URI, not from the text beside it.
            secret = self.scan_totp_qr(b, account.username, shown=secret)
        self.auth.enrol(account.username, secret)
        if try_wrong_code:
            b.fill("code", self.auth.wrong_code(account.username))
            b.click_button("启用")
            b.expect_alert("动态验证码")
            check(b.path() == "/app/account/totp", f"after a wrong code should stay at the TOTP page, at {b.path()}")
            # The page keeps the same pending secret when it shows the error.
            again = b.text("#totp-secret")
            if again != secret:
                self.auth.enrol(account.username, again)
        b.fill("code", self.auth.code(account.username))
        b.click_button("启用")
        b.wait_path("/app")
        check(b.h1() == "工作台", f"after enrolment expected 工作台, h1 {b.h1()!r} ({b.messages()!r})")
        if role_name:
            who = b.text("#current-user")
            check(role_name in who or role_name in b.text("header .roles"),
                  f"#current-user should show {role_name!r}, shows {who!r}")

    def scan_totp_qr(self, b: Browser, username: str, shown: str) -> str:
        """Decodes the enrolment page's QR code with zbarimg; checks the URI names the account and
        carries the key shown as text; returns that key."""
        import subprocess
        import urllib.parse
        shot = self.files / f"qr-{username}.png"
        shot.write_bytes(b.d.find_element(By.CSS_SELECTOR, "#totp-qr svg").screenshot_as_png)
        decoded = subprocess.run(["zbarimg", "--raw", "-q", str(shot)], capture_output=True, text=True)
        check(decoded.returncode == 0 and decoded.stdout.strip(), f"zbarimg could not read the QR code ({decoded.returncode}): {decoded.stderr!r}")
        uri = urllib.parse.urlparse(decoded.stdout.strip())
        check(uri.scheme == "otpauth" and uri.netloc == "totp", f"the QR code should hold an otpauth://totp URI: {decoded.stdout!r}")
        check(username in urllib.parse.unquote(uri.path), f"the URI should name the account {username}: {uri.path!r}")
        params = urllib.parse.parse_qs(uri.query)
        key = params.get("secret", [""])[0]
        check(key == shown.replace(" ", ""), f"the QR code's key {key!r} should be the key shown as text {shown!r}")
        check(params.get("digits", ["6"])[0] == "6" and params.get("period", ["30"])[0] == "30", f"unexpected TOTP parameters: {params}")
        note(f"QR code decoded by zbarimg: otpauth://totp{urllib.parse.unquote(uri.path)}?issuer=…")
        return key

    def sign_in_again(self, account: Account, browser: Browser | None = None) -> None:
        """A later sign-in of an enrolled staff member: password, then the next code from the
        authenticator (which may mean waiting for the next 30-s step: codes are not reused)."""
        b = browser or self.b
        b.fresh_session()
        b.sign_in(account.username, account.password)
        b.wait_path("/app/login/second-factor")
        b.fill("code", self.auth.code(account.username))
        b.click_button("验证")
        b.wait_path("/app")
        check(b.h1() == "工作台", f"after signing in expected 工作台, h1 {b.h1()!r} ({b.messages()!r})")

    def signed_in_officer(self, username: str, name: str) -> Account:
        """The usual start of a registry step: a new information officer, signed in in the main browser."""
        officer = self.info_officer(username, name)
        self.first_sign_in(officer, "信息管理员")
        return officer

    def entities_found(self, q: str, browser: Browser | None = None) -> int:
        """How many units the registry search finds for `q`, as the browser's user sees it."""
        b = browser or self.b
        b.open("/app/entities?q=" + urllib.parse.quote(q))
        return int(b.text("#total"))
