"""Foundation: first sign-in of the three administrators, departments, accounts, grants with the
separation of duties, what an inspector and an auditor see, lockout, and opening an information
officer's account from nothing.

Each step prepares its own accounts (`weijian admin create`, the API) under names no other step
uses; only `first_login` uses the one-time passwords printed at the server's first start.
"""
from __future__ import annotations

from selenium.webdriver.common.by import By

from harness import Account, Context, check, note, resident_id


def first_login(ctx: Context) -> None:
    """The administrators sign in with the one-time passwords from the first start's console:
    forced password change (a weak one refused), TOTP enrolment by scanning the page's QR code (a
    wrong code refused), 工作台, and a later sign-in with a code from the scanned key."""
    passwords = ctx.server.console_passwords
    check(set(passwords) >= {"sysadmin", "secadmin", "auditor"},
          f"the first start should print one-time passwords for sysadmin, secadmin and auditor; found {sorted(passwords)} "
          "(is the database really fresh and empty?)")
    sysadmin = Account("sysadmin", passwords["sysadmin"])
    ctx.first_sign_in(sysadmin, "系统管理员", try_weak_password=True, try_wrong_code=True, scan_qr=True)
    ctx.b.sign_out()
    # The key read from the QR code signs in: password, then a code computed from that key.
    ctx.sign_in_again(sysadmin)
    ctx.b.sign_out()
    ctx.first_sign_in(Account("secadmin", passwords["secadmin"]), "安全管理员")
    ctx.b.sign_out()
    ctx.first_sign_in(Account("auditor", passwords["auditor"]), "安全审计员")
    ctx.b.sign_out()


def department(ctx: Context) -> None:
    """A system administrator adds 监督一科; the same code again is refused and adds no row."""
    admin = ctx.account("dept.admin", "科室管理员", role="sysadmin")
    ctx.first_sign_in(admin, "系统管理员")
    b = ctx.b
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


def create_account(ctx: Context) -> None:
    """A system administrator opens an account on the form: an invalid phone is refused with
    everything typed kept; then the account is created and its one-time password signs in."""
    ctx.department("ZS", "监督二科")
    admin = ctx.account("acct.admin", "账号管理员", role="sysadmin")
    ctx.first_sign_in(admin, "系统管理员")
    b = ctx.b
    b.open("/app/admin/users/new")
    check(b.h1() == "新建账号", f"new-account page h1 {b.h1()!r}")
    b.fill("username", "zhangsan")
    b.fill("displayName", "张三")
    b.select_option_containing("departmentID", "监督二科")
    b.fill("phone", "12345")
    b.click_button("创建账号")
    b.expect_alert("联系电话")
    b.expect_status(422, 400)
    check(b.h1() == "新建账号", f"after an invalid phone should stay on the form, h1 {b.h1()!r}")
    check(b.value("username") == "zhangsan", f"form should keep the username, has {b.value('username')!r}")
    check(b.value("displayName") == "张三", f"form should keep the display name, has {b.value('displayName')!r}")
    check(b.value("phone") == "12345", f"form should keep the phone, has {b.value('phone')!r}")
    check("监督二科" in b.selected("departmentID"), f"form should keep the department, has {b.selected('departmentID')!r}")
    # Now valid.
    b.fill("username", "zhangsan")
    b.fill("displayName", "张三")
    b.select_option_containing("departmentID", "监督二科")
    b.fill("phone", "13712345678")
    b.fill("idNumber", resident_id("19800101", 11))
    b.fill("certificateNumber", "闽卫执字2026001")
    b.click_button("创建账号")
    check(b.h1() == "账号已创建", f"expected 账号已创建, h1 {b.h1()!r} ({b.messages()!r})")
    password = b.text("#one-time-password")
    check(len(password) >= 8, f"one-time password looks wrong: {password!r}")
    b.sign_out()
    # The password shown is the one that works: it leads to the forced change.
    b.sign_in("zhangsan", password)
    b.wait_path("/app/account/password")
    check(b.h1() == "修改密码", f"the new account's first sign-in should ask for a new password, h1 {b.h1()!r}")


def grants(ctx: Context) -> None:
    """The security administrator makes 王五 an inspector of 监督三科; making an auditor an
    inspector too is refused (separation of duties) and not saved."""
    ctx.department("JS", "监督三科")
    ctx.account("wangwu", "王五", department="JS")
    ctx.account("d.auditor", "审计员乙", role="auditor")
    secadmin = ctx.account("d.secadmin", "安全管理员乙", role="securityAdmin")
    ctx.first_sign_in(secadmin, "安全管理员")
    b = ctx.b
    b.open("/app/security/users")
    check(b.h1() == "角色与数据范围", f"grants page h1 {b.h1()!r}")
    b.click_link("//a[@aria-label='授权 wangwu']")
    check("wangwu" in b.h1(), f"grant page h1 should name wangwu: {b.h1()!r}")
    b.tick("//input[@name='roles[]' and @value='inspector']")
    b.tick("//label[contains(normalize-space(.), '监督三科')]/input[@name='departments[]']")
    b.click_button("保存授权")
    check(not b.alert_text(), f"saving wangwu's grants failed: {b.alert_text()!r}")
    check("已保存" in b.flash(), f"flash should say 已保存, is {b.flash()!r}")
    note(f"flash: {b.flash()}")
    row = b.d.find_element(By.XPATH, "//table[@id='grants']//tr[td[1][normalize-space(.)='wangwu']]").text
    check("监督员" in row, f"wangwu's row should list 监督员: {row!r}")
    # What was saved on the page is what the account now has.
    me = ctx.api("wangwu", "GET", "/me")
    check(me["roles"] == ["inspector"], f"GET /me as wangwu should show the role inspector: {me}")

    # Separation of duties: the auditor cannot also be an inspector.
    b.click_link("//a[@aria-label='授权 d.auditor']")
    check("d.auditor" in b.h1(), f"grant page h1 should name d.auditor: {b.h1()!r}")
    auditor_box = b.d.find_element(By.XPATH, "//input[@name='roles[]' and @value='auditor']")
    check(auditor_box.is_selected(), "the auditor's grant page should show 安全审计员 ticked")
    b.tick("//input[@name='roles[]' and @value='inspector']")
    b.click_button("保存授权")
    b.expect_alert("安全审计员")
    b.expect_status(422, 400, 409)
    b.open("/app/security/users")
    row = b.d.find_element(By.XPATH, "//table[@id='grants']//tr[td[1][normalize-space(.)='d.auditor']]").text
    check("监督员" not in row, f"the refused grant must not have been saved: {row!r}")
    b.sign_out()


def inspector(ctx: Context) -> None:
    """An inspector sees the staff of the department with phone and ID number masked (never the
    plaintext in the page), and is refused the account administration."""
    department = ctx.department("JW", "监督四科")
    zhaoliu = ctx.staff("zhaoliu", "赵六", phone="13812345678", idNumber="11010519491231002X",
                        certificateNumber="闽卫执字2026002", departmentID=department)
    ctx.grant(zhaoliu, ["inspector"], departments=[department])
    ctx.first_sign_in(zhaoliu, "赵六")
    b = ctx.b
    header = b.text("header")
    check("赵六" in header and "监督员" in header, f"header should show 赵六 and 监督员: {header!r}")
    b.open("/app/staff")
    check(b.h1() == "人员信息", f"/app/staff h1 {b.h1()!r} ({b.messages()!r})")
    row = b.d.find_elements(By.XPATH, "//table[@id='staff']//tr[td[1][normalize-space(.)='赵六']]")
    check(len(row) == 1, f"expected one row for 赵六 in #staff, found {len(row)}")
    text = row[0].text
    check("138****5678" in text, f"赵六's row should show the masked phone 138****5678: {text!r}")
    check("110105********002X" in text, f"赵六's row should show the masked ID 110105********002X: {text!r}")
    html = b.d.page_source
    check("13812345678" not in html, "the plaintext phone appears in the staff page")
    check("11010519491231002X" not in html, "the plaintext ID number appears in the staff page")
    b.open("/app/admin/users")
    check(b.h1() == "无权访问", f"an inspector at /app/admin/users should get 无权访问, h1 {b.h1()!r}")
    status = b.status()
    check(status in (None, 403), f"/app/admin/users should answer 403 to an inspector, answered {status}")
    note(f"/app/admin/users as zhaoliu: HTTP {status}, h1 {b.h1()!r}, {b.text('#error-message')!r}")
    check(not b.d.find_elements(By.CSS_SELECTOR, "table#users"), "the user list leaked into the 403 page")
    b.sign_out()


def auditor(ctx: Context) -> None:
    """The auditor searches the audit log for sign-ins (Chinese action name over the stable code)
    and verifies the log's integrity."""
    account = ctx.account("f.auditor", "审计员丙", role="auditor")
    ctx.first_sign_in(account, "安全审计员")  # its own sign-in is a login.success row to find
    b = ctx.b
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


def lockout(ctx: Context) -> None:
    """Five wrong passwords lock the account: then even the right one is refused, with the same
    words as a wrong password and an unknown name (names cannot be probed)."""
    account = ctx.account("g.locked", "锁定测试")
    b = ctx.b
    texts = []
    for attempt in range(1, 6):
        b.sign_in(account.username, f"Wrong#Pass{attempt}x")
        check(b.path().startswith("/app/login"), f"a wrong password should stay at /app/login, at {b.path()}")
        texts.append(b.expect_alert())
    check("用户名或密码错误" in texts[0], f"first wrong password message: {texts[0]!r}")
    check(len(set(texts)) == 1, f"every refusal should read the same: {texts}")
    b.sign_in(account.username, account.password)
    check(b.path().startswith("/app/login"), f"the right password after lockout must not sign in, at {b.path()}")
    locked = b.expect_alert("用户名或密码错误")
    b.sign_in("nobody-here", "Wrong#Pass1x")
    unknown = b.expect_alert("用户名或密码错误")
    check(locked == unknown == texts[0], f"locked {locked!r} / unknown {unknown!r} / wrong {texts[0]!r}")


def info_officer(ctx: Context) -> None:
    """From nothing to a working information officer, all in the browser: a system administrator
    opens 李四's account, a security administrator makes him 信息管理员 over all departments, 李四
    signs in, and the system administrator's later sign-in asks for the code (a wrong one refused)."""
    ctx.department("JL", "监督五科")
    admin = ctx.account("h.admin", "系统管理员乙", role="sysadmin")
    secadmin = ctx.account("h.secadmin", "安全管理员丙", role="securityAdmin")
    b = ctx.b
    ctx.first_sign_in(admin, "系统管理员")
    b.open("/app/admin/users/new")
    b.fill("username", "lisi")
    b.fill("displayName", "李四")
    b.select_option_containing("departmentID", "监督五科")
    b.fill("phone", "13912345678")
    b.click_button("创建账号")
    check(b.h1() == "账号已创建", f"expected 账号已创建, h1 {b.h1()!r} ({b.messages()!r})")
    lisi = Account("lisi", b.text("#one-time-password"), "李四")
    b.sign_out()

    ctx.first_sign_in(secadmin, "安全管理员")
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

    ctx.first_sign_in(lisi, "信息管理员")
    b.sign_out()

    # The system administrator enrolled TOTP at the start: a later sign-in asks for the code. (Last,
    # so that the authenticator has less long to wait for a 30-s step it has not used yet.)
    b.sign_in(admin.username, admin.password)
    b.wait_path("/app/login/second-factor")
    check(b.h1() == "二次验证", f"a second sign-in should ask for the code, h1 {b.h1()!r}")
    b.fill("code", ctx.auth.wrong_code(admin.username))
    b.click_button("验证")
    b.expect_alert("动态验证码")
    check(b.path().startswith("/app/login/second-factor"), f"after a wrong code should stay at the code page, at {b.path()}")
    b.fill("code", ctx.auth.code(admin.username))  # the next 30-s step: may wait up to half a minute
    b.click_button("验证")
    b.wait_path("/app")
    check(b.h1() == "工作台", f"after the code expected 工作台, h1 {b.h1()!r} ({b.messages()!r})")
    b.sign_out()


def command_line(ctx: Context) -> None:
    """The operator's commands: an unknown one prints the usage, a missing account is named in
    words (not as Abort.404), and the browser's title and header say each thing once."""
    import subprocess
    binary = str(ctx.server._binary())
    wrong = subprocess.run([binary, "bogus"], env=ctx.server.env, capture_output=True, text=True)
    check(wrong.returncode == 2, f"weijian bogus should exit 2, exited {wrong.returncode}")
    check("没有“bogus”这个命令" in wrong.stderr and "用法：weijian" in wrong.stderr and "serve" in wrong.stderr,
          f"weijian bogus should print the usage: {wrong.stderr[-600:]!r}")
    missing = subprocess.run([binary, "admin", "reset", "--username", "nosuch"], env=ctx.server.env, capture_output=True, text=True)
    said = [line for line in missing.stderr.splitlines() if not line.startswith("{")]
    check(missing.returncode != 0 and said and said[-1] == "错误：账号“nosuch”不存在", f"a missing account should be named in words: {said!r}")
    b = ctx.b
    b.open("/")
    check(b.d.title.count("卫生监督所") <= 1, f"the public page's title repeats the institute: {b.d.title!r}")


STEPS = [command_line, first_login, department, create_account, grants, inspector, auditor, lockout, info_officer]
