"""Portal: a unit's staff member works in a browser of their own at the unit. The information
officer opens a portal account for the unit; the unit reports a change, it is returned, corrected
and approved into the unit's file; the unit sends a report with a PDF attached that the reviewer
downloads; labels and values line up on the unit's file and the portal.

The unit itself is registered through the API; the portal account is opened on the officer's page
(there is no API for it), then its one-time password is changed at the unit's first sign-in.
"""
from __future__ import annotations

import datetime
import re
import urllib.parse

from selenium.webdriver.common.by import By

from harness import Account, Browser, Context, check, new_password
from steps.registry import arrange_licence, arrange_unit


def open_portal_account(b: Browser, entity_id: str, unit_name: str, display_name: str) -> tuple[str, str]:
    """On the officer's 单位门户账号 page: finds the unit by name, chooses it and opens an account
    for it; returns the username and one-time password that the printed letter shows."""
    b.open("/app/portal-accounts")
    check(b.h1() == "单位门户账号", f"/app/portal-accounts h1 {b.h1()!r}")
    b.fill("q", unit_name)
    b.click_button("查找")
    b.click_link(f"//table[@id='found']//a[contains(@href, 'entity={entity_id}')]")
    check(unit_name in b.text("#open-account"), f"the form should name the chosen unit: {b.text('#open-account')!r}")
    b.fill("displayName", display_name)
    b.click_button("开通并打印告知书")
    username = b.text("[data-username]")
    password = b.text("[data-password]")
    check(username and len(password) >= 8, f"the letter should show a username and a password: {username!r} {password!r}")
    return username, password


def portal_first_sign_in(u: Browser, username: str, password: str, unit_name: str) -> Account:
    """The unit's first sign-in: the one-time password must be changed (no TOTP for units), then
    the portal opens on the unit."""
    u.fresh_session()
    u.sign_in(username, password)
    u.wait_path("/app/account/password")
    chosen = new_password(username)
    u.change_password(password, chosen)
    u.wait_path("/portal")
    check(u.h1() == unit_name, f"the portal should open on the unit, h1 {u.h1()!r} ({u.messages()!r})")
    return Account(username, chosen)


def arrange_portal_unit(ctx: Context, officer: Account, unit_name: str, address: str, code_seed: int,
                        **fields: str) -> tuple[str, Browser]:
    """A unit with a portal account, its staff member signed in at the portal in a second browser;
    `officer` must be signed in in the main browser. Returns the unit's id and the unit's browser."""
    unit_id = arrange_unit(ctx, officer, unit_name, address, code_seed, **fields)
    username, password = open_portal_account(ctx.b, unit_id, unit_name, fields.get("contactName", "单位联系人"))
    unit_browser = ctx.new_browser("unit")
    portal_first_sign_in(unit_browser, username, password, unit_name)
    return unit_id, unit_browser


def portal_change_request(ctx: Context) -> None:
    """The done-when of the portal: a unit reports a change through the portal; it is returned,
    corrected, approved, and lands in the unit's file with history. The unit's account has no
    business in the institute's registry."""
    officer = ctx.signed_in_officer("k.officer", "信息员己")
    unit_name = "福州市鼓楼区温泉宾馆有限公司"
    unit_id = arrange_unit(ctx, officer, unit_name, "福建省福州市鼓楼区温泉路18号", 2001,
                           contactName="林小姐", employees="25")
    b = ctx.b
    username, password = open_portal_account(b, unit_id, unit_name, "林小姐")
    b.shot("k1-letter")
    check(unit_name in b.body(), "the letter should name the unit")
    b.open("/app/portal-accounts")
    check(username in b.text("#accounts"), f"the account list should show {username}")

    u = ctx.new_browser("unit")
    portal_first_sign_in(u, username, password, unit_name)
    u.shot("k2-portal-home")

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
    check(re.fullmatch(r"/portal/submissions/[0-9A-Fa-f-]{36}", u.path()) is not None,
          f"after submitting expected the submission page, at {u.path()} ({u.messages()!r})")
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
    b.open(f"/app/entities/{unit_id}")
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


# Each value stands next to its own label: a label with an empty value, or one that wraps, must not
# shift the values below it; and what follows a list sits under it, not beside it.
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


def facts_layout(ctx: Context) -> None:
    """On the unit's file and the portal each value stands next to its own label. The unit has a
    licence and some fields left empty, as real files do."""
    officer = ctx.signed_in_officer("n.officer", "信息员庚")
    unit_id, u = arrange_portal_unit(ctx, officer, "福州市鼓楼区榕城宾馆有限公司", "福建省福州市鼓楼区榕城路7号", 2002,
                                     contactName="林小姐", contactPhone="13800138000", legalRepName="陈建国", employees="25")
    arrange_licence(ctx, officer, unit_id, "闽卫公证字〔2026〕第0201号")
    problems = []
    for browser, path in ((ctx.b, f"/app/entities/{unit_id}"), (u, "/portal")):
        browser.open(path)
        check(browser.d.find_elements(By.CSS_SELECTOR, "main dl.facts"), f"{path} should show its facts as a dl.facts list")
        wrong = browser.d.execute_script("return " + FACTS_MISALIGNED)
        if wrong:
            problems.append(f"{path.replace(unit_id, '<id>')}: {wrong[:4]}")
    check(not problems, "labels and values are out of line (label：the value shown next to it): " + "; ".join(problems))


# A tiny one-page PDF (no xref table; viewers rebuild it). The server looks for its "%PDF-" start.
SMALL_PDF = (b"%PDF-1.4\n"
             b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
             b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
             b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n"
             b"trailer << /Root 1 0 R >>\n"
             b"%%EOF\n")


def portal_attachments(ctx: Context) -> None:
    """The unit sends a 自查报告 with the report attached: a file that only pretends to be a PDF is
    refused by name and rule; the real PDF is listed for the unit and the reviewer, who downloads it."""
    officer = ctx.signed_in_officer("r.officer", "信息员辛")
    _, u = arrange_portal_unit(ctx, officer, "福州市鼓楼区三坊宾馆有限公司", "福建省福州市鼓楼区南后街2号", 2003,
                               contactName="林小姐")
    b = ctx.b
    fake = ctx.files / "假" / "报告.pdf"   # a text file someone renamed to .pdf
    fake.parent.mkdir(parents=True, exist_ok=True)
    fake.write_bytes("2026年第一季度自查报告（文字稿，不是PDF）\n".encode("utf-8"))
    real = ctx.files / "真" / "报告.pdf"
    real.parent.mkdir(parents=True, exist_ok=True)
    real.write_bytes(SMALL_PDF)

    u.open("/portal")
    u.click_link("//ul[@id='kinds']//a[contains(normalize-space(.), '自查报告')]")
    check("自查报告" in u.h1(), f"the self-inspection form h1 {u.h1()!r}")
    form = u.d.find_element(By.ID, "submission-form")
    check(form.get_attribute("enctype") == "multipart/form-data", "the submission form must be multipart to carry files")
    inspection_date = datetime.date.today().isoformat()
    content = "检查了客房卫生、公共用品用具清洗消毒和从业人员健康证，详见附件。"
    u.fill("payload[inspectionDate]", inspection_date)
    u.fill("payload[content]", content)
    # A scanned report too large for the portal: named with its size and the limit, the typed
    # date and content kept (the file is dropped before anything parses it).
    big = ctx.files / "大" / "扫描件.pdf"
    big.parent.mkdir(parents=True, exist_ok=True)
    big.write_bytes(SMALL_PDF + b" " * (9 * 1024 * 1024))
    u.upload("files[]", big)
    u.click_button("提交")
    u.expect_alert("附件1", "扫描件.pdf", "超过单个文件8 MB的上限")
    u.expect_status(422)
    check(u.value("payload[inspectionDate]") == inspection_date and u.value("payload[content]") == content,
          "the form should keep the date and content after a file too large")
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
    check(re.fullmatch(re.escape(f"{ctx.base}/portal/submissions/{submission_id}/attachments/") + r"[0-9A-Fa-f-]{36}", href)
          is not None, f"the unit's link should be under its own submission: {href}")
    status, _, body = u.download(href)
    check(status == 200 and body == SMALL_PDF, f"the unit should get its own file back: HTTP {status}, {len(body)} bytes")

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
    check(href.startswith(f"{ctx.base}/app/submissions/{submission_id}/attachments/"),
          f"the reviewer's link should be under /app/submissions/{submission_id}/attachments/: {href}")
    status, headers, body = b.download(href)
    check(status == 200, f"downloading {href} answered HTTP {status}: {body[:200]!r}")
    disposition = headers.get("content-disposition", "")
    check(disposition.startswith("attachment"), f"the download should be an attachment: {disposition!r}")
    m = re.search(r"filename\*=UTF-8''(\S+)", disposition)
    check(m is not None and urllib.parse.unquote(m.group(1)) == "报告.pdf",
          f"the download should be offered as 报告.pdf: {disposition!r}")
    check(headers.get("content-type", "").startswith("application/pdf"), f"Content-Type: {headers.get('content-type')!r}")
    check(body == SMALL_PDF, f"the downloaded bytes differ from the uploaded PDF ({len(body)} vs {len(SMALL_PDF)} bytes)")


STEPS = [portal_change_request, facts_layout, portal_attachments]
