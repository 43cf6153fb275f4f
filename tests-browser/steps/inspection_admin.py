"""Administering inspections (issue 12, what the tablet journey in inspections.py does not walk):
the information officer edits a checklist in its text form, a broken text refused line by line;
an issued 卫生监督意见书 is voided by the 所领导 with a reason, its 文号 kept in the void register
and its PDF no longer printed; a department head draws a 双随机 plan, verifies the draw and
downloads the results for publication; the same department head reads the 风险排序 and 逾期未检
lists and exports the inspections; and the system administrator sets the 意见书 文号 pattern and
the entry time limit, a pattern without {序号} refused.

Each step prepares its own department, staff, units and past inspections through the JSON API
(like inspections.py, whose helpers it reuses) and walks the rest in the browser. The categories
are chosen so that steps do not see each other's units: 美容美发 (MF) for the checklist edit,
游泳场（馆） for the document, 游艺厅（室）(GG0303) for the draw and 公共浴室 (GG0201) for the risk
lists. The settings step runs last and puts the defaults back.
"""
from __future__ import annotations

import csv
import datetime
import io
import math
import re
import urllib.parse

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from harness import Account, Browser, Context, check, credit_code, note
from steps.inspections import KEY_ITEM, OPINION_NUMBER, arrange_pool, arrange_team, china_today, pool_items, set_value

# The defaults of 文书与检查设置 (DocumentKind.defaultPattern, InspectionSettings, RiskScore.Weights).
DEFAULT_OPINION_PATTERN = "{地区}卫{类别}监意〔{年份}〕{序号}号"
DEFAULT_ENTRY_DAYS = "5"
DEFAULT_WEIGHTS = {"violations": 30, "grade": 20, "complaints": 15, "sinceInspection": 15, "licence": 10, "category": 10}
INSPECTIONS_HEADER = ["检查编号", "单位", "检查日期", "来源", "状态", "标准化得分", "量化等级", "录入期限", "逾期录入", "录入人"]
DRAW_HEADER = ["计划", "单位", "类别", "监督员", "检查日期", "检查结果", "检查编号"]


# ---------------------------------------------------------------- preparing

def head_of(ctx: Context, username: str, name: str, department_id: str, role: str = "departmentHead") -> Account:
    """A member of staff in the department holding `role` (科室负责人 by default) over it."""
    person = ctx.staff(username, name, departmentID=department_id, title="科长" if role == "departmentHead" else "副所长")
    ctx.grant(person, [role], [department_id])
    return person


def checklist_of(ctx: Context, username: str, code: str) -> dict:
    """The current version of checklist `code`, as the API lists it."""
    listed = ctx.api(username, "GET", "/checklists")
    rows = listed["rows"] if isinstance(listed, dict) else listed
    found = [c for c in rows if c["code"] == code]
    check(len(found) == 1, f"GET /checklists should list checklist {code} once: {[c['code'] for c in rows]}")
    return found[0]


def items_of(checklist: dict) -> dict[str, dict]:
    return {item["code"]: item for section in checklist["checklist"]["sections"] for item in section["items"]}


def inspected(ctx: Context, a: Account, second: Account, unit_id: str, codes: list[str], on: datetime.date,
              failing: dict[str, str] | None = None, deadline: datetime.date | None = None) -> dict:
    """A 日常 inspection on `on` by the two inspectors, recorded and submitted through the API: every
    item 符合 except `failing` (不符合, with the finding)."""
    failing = failing or {}
    body = {"entityID": unit_id, "source": "routine", "inspectedOn": on.isoformat(), "startTime": "09:00", "endTime": "10:30",
            "inspectorIDs": [a.id, second.id], "representative": "现场负责人",
            "results": [{"item": c, "result": "nonconform", "finding": failing[c]} if c in failing else {"item": c, "result": "conform"}
                        for c in codes],
            "conclusion": "限期改正。" if failing else "符合要求。"}
    if deadline:
        body["rectificationDeadline"] = deadline.isoformat()
    return ctx.api(a.username, "POST", "/inspections", body)


def csv_rows(body: bytes, what: str) -> list[list[str]]:
    check(body.startswith(b"\xef\xbb\xbf"), f"{what} should start with the UTF-8 byte-order mark (for Excel): {body[:12]!r}")
    return [row for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))) if row]


def fill_text(b: Browser, element_id: str, text: str) -> None:
    """Puts `text` into a textarea as pasting would."""
    b.d.execute_script("const e = document.getElementById(arguments[0]); e.focus(); e.value = arguments[1];"
                       "e.dispatchEvent(new Event('input', {bubbles: true}));", element_id, text)
    check(b.value_id(element_id) == text, f"#{element_id} should hold the pasted text")


def link_href(b: Browser, xpath: str) -> str:
    found = b.d.find_elements(By.XPATH, xpath)
    check(found, f"no link {xpath} at {b.path()}")
    return found[0].get_attribute("href")


def add_months(day: datetime.date, months: int) -> datetime.date:
    """Grading.adding(months:to:): the same day so many months later, or the month's last day."""
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    month += 1
    last = (datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)).day
    return datetime.date(year, month, min(day.day, last))


def risk_score(violations: int, key_failures: int, grade: str | None, days: int | None, licence_problem: bool, category: float) -> float:
    """RiskScore.score with the default weights (the total is 100)."""
    grade_points = {"A": 0, "B": 40, "C": 70, "none": 100, None: 60}[grade]
    since = min(100.0, days / 730 * 100) if days is not None else 100.0
    weighted = [min(100, violations * 10 + key_failures * 30) * 30, grade_points * 20, 0 * 15, since * 15,
                (100 if licence_problem else 0) * 10, category * 10]
    return math.floor(sum(weighted) / 100 * 10 + 0.5) / 10


def level(score: float) -> str:
    return "高" if score >= 50 else "中" if score >= 30 else "低"


# ---------------------------------------------------------------- the steps

def checklist_editing(ctx: Context) -> None:
    """The information officer opens 检查表, the preset 美容美发场所卫生监督检查表 (MF), and edits its
    text: a line without a score and a line without the bars are refused, each named by its line
    number, the typed text kept and no version made; then 3.1 worth 12 points instead of 10 and a
    new item 3.6 are saved as the next version, the one before kept for the inspections that used it."""
    officer = ctx.signed_in_officer("ck.officer", "信息员检查表")
    b = ctx.b
    before = checklist_of(ctx, officer.username, "MF")
    version = before["version"]
    check(before["isDefault"] or version > 1, f"MF should be a preset checklist: {before}")

    b.click_link("//nav//a[normalize-space(.)='检查表']")
    check(b.path() == "/app/checklists" and b.h1() == "检查表", f"the nav link 检查表 should open /app/checklists, at {b.path()} ({b.h1()!r})")
    row = [r for r in b.rows("#checklists") if r.startswith("MF")]
    check(len(row) == 1 and "美容美发场所卫生监督检查表" in row[0] and "GG0202" in row[0] and "GG0203" in row[0] and f"第{version}版" in row[0],
          f"检查表 should list MF 美容美发场所卫生监督检查表 for GG0202 GG0203, 第{version}版: {b.rows('#checklists')}")
    b.click_link("//table[@id='checklists']//a[normalize-space(.)='美容美发场所卫生监督检查表']")
    check(b.path() == "/app/checklists/MF", f"the checklist's name should open /app/checklists/MF, at {b.path()}")
    check(b.h1() == "美容美发场所卫生监督检查表", f"h1 should be the checklist's name: {b.h1()!r}")
    check(b.value("categories") == "GG0202,GG0203", f"适用类别 should be GG0202,GG0203: {b.value('categories')!r}")
    text = b.value_id("text").replace("\r\n", "\n")
    old_line = "3.1 | 理发、美容工具一客一用一消毒 | 10 | GB 37487-2019 6.3 | "
    lines = text.split("\n")
    check(old_line.strip() in [line.strip() for line in lines] and "## 工具与用品" in lines,
          f"the text form should have the section ## 工具与用品 and the line {old_line.strip()!r}: {text[-600:]!r}")
    versions = b.rows("#versions")
    check(versions and versions[0].startswith(f"第{version}版") and "现行" in versions[0], f"#versions should start with 第{version}版 现行: {versions}")
    b.shot("ck1-checklist-text")

    # A broken text: 3.1 loses its score, and a new item is typed without the bars.
    at = [line.strip() for line in lines].index(old_line.strip())
    broken = lines[:]
    broken[at] = "3.1 | 理发、美容工具一客一用一消毒 |  | GB 37487-2019 6.3 | "
    fill_text(b, "text", "\n".join(broken).rstrip("\n"))
    area = b.d.find_element(By.ID, "text")
    area.send_keys(Keys.CONTROL, Keys.END)
    area.send_keys("\n3.6 紫外线消毒柜正常使用并有记录 5")
    malformed_line = len("\n".join(broken).rstrip("\n").split("\n")) + 1
    b.click_button("保存为新版本")
    said = b.expect_alert()
    check("至少要有一个分区" not in said,
          f"the server read the text as a single line and found no items ({said!r}): the browser sends a textarea's line breaks "
          "as CRLF (HTML form encoding), so the text form must split lines on CRLF as well as LF")
    for needle in (f"检查表第{at + 1}行", "分值应为整数", f"检查表第{malformed_line}行", "竖线分隔"):
        check(needle in said, f"the refusal should mention {needle!r}: {said!r}")
    b.expect_status(422)
    b.shot("ck2-broken-text")
    kept = b.value_id("text").replace("\r\n", "\n")
    check("3.6 紫外线消毒柜正常使用并有记录 5" in kept and "3.1 | 理发、美容工具一客一用一消毒 |  |" in kept,
          f"after the refusal the typed text should stay in the box: …{kept[-200:]!r}")
    versions = b.rows("#versions")
    check(len(versions) == version and versions[0].startswith(f"第{version}版"), f"a refused text makes no version: {versions}")
    check(checklist_of(ctx, officer.username, "MF")["version"] == version, "after the refusal the API should still give the same version")
    note(f"refused: {said}")

    # The edit as meant: 3.1 worth 12, and 3.6 added to 工具与用品 (the last section).
    fixed = lines[:]
    fixed[at] = "3.1 | 理发、美容工具一客一用一消毒 | 12 | GB 37487-2019 6.3 | "
    fill_text(b, "text", "\n".join(fixed).rstrip("\n") + "\n3.6 | 紫外线消毒柜正常使用并有记录 | 5 | GB 37487-2019 6.3 | ")
    b.click_button("保存为新版本")
    check(b.path() == "/app/checklists/MF", f"saving should return to the checklist, at {b.path()} ({b.messages()!r})")
    check(not b.alert_text(), f"saving the edited checklist failed: {b.alert_text()!r}")
    check(f"已保存为第{version + 1}版" in b.flash(), f"the flash should say 已保存为第{version + 1}版: {b.flash()!r}")
    versions = b.rows("#versions")
    check(len(versions) == version + 1, f"#versions should list {version + 1} versions: {versions}")
    check(versions[0].startswith(f"第{version + 1}版") and "现行" in versions[0] and officer.name in versions[0],
          f"the new version should be 现行, by {officer.name}: {versions[0]!r}")
    check(versions[1].startswith(f"第{version}版") and "已停用" in versions[1] and "历史检查仍引用" in versions[1],
          f"the version before should be 已停用（历史检查仍引用）: {versions[1]!r}")
    saved = b.value_id("text").replace("\r\n", "\n")
    check("3.1 | 理发、美容工具一客一用一消毒 | 12 |" in saved and "3.6 | 紫外线消毒柜正常使用并有记录 | 5 |" in saved,
          f"the text form should show the new version: …{saved[-300:]!r}")
    b.shot("ck3-saved")
    after = checklist_of(ctx, officer.username, "MF")
    items = items_of(after)
    check(after["version"] == version + 1 and after["current"], f"the API should give version {version + 1} as current: {after['version']}")
    check(items.get("3.1", {}).get("score") == 12 and items.get("3.6", {}).get("score") == 5 and items["3.6"]["text"] == "紫外线消毒柜正常使用并有记录",
          f"the new version should have 3.1 at 12 points and 3.6 at 5: {items.get('3.1')}, {items.get('3.6')}")
    check(len(items) == len(items_of(before)) + 1, f"one item more than before: {len(items)} vs {len(items_of(before))}")
    b.open("/app/checklists")
    row = [r for r in b.rows("#checklists") if r.startswith("MF")]
    check(row and f"第{version + 1}版" in row[0] and officer.name in row[0], f"检查表 should list MF at 第{version + 1}版 by {officer.name}: {row}")


def document_register_and_void(ctx: Context) -> None:
    """An inspection of a swimming pool (3.2 ※ 不符合) is recorded through the API; the inspector
    issues its 卫生监督意见书 in the browser and finds it in 执法文书登记, without a 作废 button of
    their own. The 所领导 opens it from the register: a reason of blanks is refused naming 作废原因
    and nothing changes; with a reason it is voided, 作废登记 gives the 文号, the reason and who, the
    PDF answers 410 with the reason in Chinese, and the next 意见书 takes the next number."""
    department_id, a, second, officer = arrange_team(ctx, "dv", "KV", "公共卫生监督三科")
    unit_name = "福州市鼓楼区蓝湾游泳馆有限公司"
    unit_id = arrange_pool(ctx, officer, department_id, unit_name, "福建省福州市鼓楼区温泉路18号", 7101)
    today = china_today()
    codes = pool_items(ctx, a.username)
    record = inspected(ctx, a, second, unit_id, codes, today - datetime.timedelta(days=2),
                       {KEY_ITEM: "浅水区池水游离性余氯0.2 mg/L"}, today + datetime.timedelta(days=10))
    check(record["gradeName"] == "不予评级", f"a failed key item gives 不予评级: {record['gradeName']}")
    leader = head_of(ctx, "dv.leader", "副所长DV", department_id, role="leader")
    reason = "当事人名称填写错误，重新制作"

    b = ctx.b
    ctx.first_sign_in(a, "监督员")
    b.open(f"/app/inspections/{record['id']}")
    check("尚未签发文书" in b.body(), "before issuing, the inspection should say 尚未签发文书")
    b.click_button("签发卫生监督意见书")
    check(not b.alert_text(), f"issuing the 意见书 failed: {b.alert_text()!r}")
    rows = [r for r in b.rows("#document-list") if "卫生监督意见书" in r]
    check(len(rows) == 1 and "已签发" in rows[0], f"#document-list should list the 意见书 once, 已签发: {b.rows('#document-list')}")
    found = OPINION_NUMBER.search(rows[0])
    check(found is not None, f"the 意见书 should have a 文号 like X卫公监意〔{today.year}〕N号: {rows[0]!r}")
    number, sequence = found.group(0), int(found.group(2))
    check(number in b.flash(), f"the flash should give the 文号 {number}: {b.flash()!r}")
    check(not b.d.find_elements(By.XPATH, "//table[@id='document-list']//button[normalize-space(.)='作废']"),
          "an inspector may not void documents, yet the row has a 作废 button")

    b.click_link("//nav//a[normalize-space(.)='执法文书']")
    check(b.path() == "/app/documents" and b.h1() == "执法文书登记", f"执法文书 should open the register, at {b.path()} ({b.h1()!r})")
    rows = [r for r in b.rows("#documents") if number in r]
    check(len(rows) == 1 and "卫生监督意见书" in rows[0] and unit_name in rows[0] and "已签发" in rows[0] and a.name in rows[0],
          f"the register should list {number}: 卫生监督意见书, {unit_name}, 已签发 by {a.name}: {b.rows('#documents')}")
    href = link_href(b, f"//table[@id='documents']//a[normalize-space(.)='{number}']")
    status, headers, body = b.download(href)
    check(status == 200 and body.startswith(b"%PDF-"), f"the 文号 in the register should print the PDF: HTTP {status}, {body[:20]!r}")
    b.shot("dv1-register")

    # The 所领导 voids it.
    ctx.first_sign_in(leader, "所领导")
    b.open("/app/documents")
    b.click_link(f"//table[@id='documents']//tr[contains(., '{number}')]//a[normalize-space(.)='卫生监督意见书']")
    check(b.path() == f"/app/inspections/{record['id']}", f"the document's name should open its inspection, at {b.path()}")
    row_xpath = f"//table[@id='document-list']//tr[contains(., '{number}')]"
    reason_box = b.d.find_element(By.XPATH, row_xpath + "//input[@name='reason']")
    check(reason_box.get_attribute("required") is not None and not b.d.execute_script("return arguments[0].checkValidity()", reason_box),
          "the empty 作废原因 should be marked required, so the browser asks for it")
    reason_box.send_keys("   ")
    b.click_button("作废", scope=row_xpath)
    check(b.path() == f"/app/inspections/{record['id']}", f"a refused void should come back to the inspection, at {b.path()}")
    refused = b.messages()
    check("未作废" in refused and "作废原因" in refused, f"a reason of blanks should be refused naming 作废原因: {refused!r}")
    rows = [r for r in b.rows("#document-list") if number in r]
    check(len(rows) == 1 and "已签发" in rows[0] and "已作废" not in rows[0], f"the refused void should leave {number} 已签发: {rows}")
    b.shot("dv2-void-refused")
    b.d.find_element(By.XPATH, row_xpath + "//input[@name='reason']").send_keys(reason)
    b.click_button("作废", scope=row_xpath)
    check(f"文书{number}已作废" in b.flash() and "作废登记" in b.flash(), f"the flash should say {number} 已作废 and kept in 作废登记: {b.flash()!r}")
    rows = [r for r in b.rows("#document-list") if number in r]
    check(len(rows) == 1 and "已作废" in rows[0] and f"作废原因：{reason}" in rows[0], f"the row should say 已作废 with the reason: {rows}")
    check(not b.d.find_elements(By.XPATH, row_xpath + "//a[normalize-space(.)='打印PDF']"), "a voided document should no longer offer 打印PDF")
    b.shot("dv3-voided")

    b.open("/app/documents")
    b.click_link("//main//a[normalize-space(.)='作废登记']")
    check(b.h1() == "文书作废登记", f"作废登记 should open the void register: {b.h1()!r}")
    rows = [r for r in b.rows("#documents") if number in r]
    check(len(rows) == 1 and "已作废" in rows[0] and reason in rows[0] and leader.name in rows[0] and unit_name in rows[0],
          f"the void register should give {number}, 已作废, the reason and {leader.name}: {b.rows('#documents')}")
    check(not b.d.find_elements(By.XPATH, f"//table[@id='documents']//a[normalize-space(.)='{number}']"),
          "the voided 文号 should no longer link to a PDF")
    b.shot("dv4-void-register")
    status, headers, body = b.download(href)
    text = body.decode("utf-8", "replace")
    check(status == 410, f"the voided document's PDF should answer 410 Gone, answered {status}")
    check(not body.startswith(b"%PDF") and f"文书{number}已于" in text and "作废" in text and reason in text and "不能再打印" in text,
          f"the 410 should say in Chinese that {number} was voided, why, and cannot be printed: {re.sub(r'<[^>]+>', ' ', text)[-400:]!r}")

    # The voided number is never given again: the next 意见书 takes the next one. (The inspector's
    # first sign-in changed the password, which revoked the token used to prepare: a new one.)
    token = ctx.server.token(a.username, "浏览器测试：再签发意见书")
    again = ctx.server.api(token, "POST", f"/inspections/{record['id']}/documents", {"kind": "supervisionOpinion"})
    later = OPINION_NUMBER.search(again["number"])
    check(later is not None and int(later.group(2)) == sequence + 1 and again["number"] != number,
          f"the next 意见书 should be numbered {sequence + 1}, not reuse {number}: {again['number']}")


def random_check_draw(ctx: Context) -> None:
    """A department head plans a 双随机 check of the 游艺厅 (GG0303, four of them, all in the
    department): a share of 120% is refused naming 抽取比例（GG0303）and the typed plan kept; at 50%
    the plan is made and drawn: two halls, each with two different inspectors; 核验 repeats the draw
    from its record and says it is the same; the results CSV lists the two halls with their inspectors."""
    department_id, a, second, officer = arrange_team(ctx, "rc", "KR", "文化娱乐场所监督科")
    today = china_today()
    halls = {}
    for index, (suffix, street) in enumerate((("甲", "杨桥中路1号"), ("乙", "杨桥中路3号"), ("丙", "杨桥中路5号"), ("丁", "杨桥中路7号"))):
        name = f"福州市鼓楼区星乐游艺厅{suffix}店"
        halls[name] = ctx.unit(officer, name=name, operatingAddress=f"福建省福州市鼓楼区{street}", categoryCode="GG0303", divisionCode="350102",
                               creditCode=credit_code(7301 + index), departmentID=department_id)
    head = head_of(ctx, "rc.head", "科长RC", department_id)
    plan_name = f"{today.year}年文化娱乐场所双随机抽查（RC）"
    window_end = datetime.date(today.year, 12, 31) if today.month < 12 else today + datetime.timedelta(days=30)

    b = ctx.b
    ctx.first_sign_in(head, "科室负责人")
    b.click_link("//nav//a[normalize-space(.)='双随机抽查']")
    check(b.path() == "/app/random-checks" and b.h1() == "双随机抽查", f"双随机抽查 should open /app/random-checks, at {b.path()} ({b.h1()!r})")
    check(b.value("year") == str(today.year) and b.value("perTarget") == "2", f"the form should offer this year and 2 inspectors: {b.value('year')!r}, {b.value('perTarget')!r}")
    b.fill("name", plan_name)
    b.fill("shares", "GG0303=120")
    set_value(b, "windowStart", today.isoformat())
    set_value(b, "windowEnd", window_end.isoformat())
    b.click_button("制定计划")
    b.expect_alert("抽取比例（GG0303）", "不超过100%")
    b.expect_status(422)
    check(b.value("name") == plan_name and b.value("shares") == "GG0303=120" and b.value_id("windowEnd") == window_end.isoformat(),
          f"after the refusal the plan should keep what was typed: {b.value('name')!r}, {b.value('shares')!r}, {b.value_id('windowEnd')!r}")
    check(not [r for r in b.rows("#plans") if plan_name in r], f"no plan should have been made: {b.rows('#plans')}")
    b.shot("rc1-share-refused")
    b.fill("shares", "GG0303=50")
    b.click_button("制定计划")
    m = re.fullmatch(r"/app/random-checks/([0-9A-Fa-f-]{36})", b.path())
    check(m is not None, f"a valid plan should open its page, at {b.path()} ({b.messages()!r})")
    plan_id = m.group(1)
    check("抽查计划已制定" in b.flash() and b.h1() == plan_name, f"the plan's page should say 抽查计划已制定 under {plan_name}: {b.flash()!r}, {b.h1()!r}")
    facts = b.facts("main dl.facts")
    check(facts.get("抽取比例") == "GG0303=50%" and facts.get("每户监督员") == "2名" and facts.get("检查期间") == f"{today} 至 {window_end}",
          f"the plan's facts: {facts}")
    check("尚未抽取" in b.body() and not b.d.find_elements(By.PARTIAL_LINK_TEXT, "抽查结果"), "before the draw: 尚未抽取 and no results to download")

    b.click_button("按计划抽取")
    check(b.path() == f"/app/random-checks/{plan_id}" and not b.alert_text(), f"the draw failed: {b.path()} {b.alert_text()!r}")
    flash = b.flash()
    drawn = b.d.find_elements(By.CSS_SELECTOR, "table.draw tbody tr")
    targets = [[td.text.strip() for td in row.find_elements(By.TAG_NAME, "td")] for row in drawn]
    record_line = b.d.find_element(By.XPATH, "//main//p[contains(@class, 'small') and contains(., '种子')]").text
    register = re.search(r"单位名录(\d+)户、监督员名录(\d+)人", record_line)
    check(register is not None, f"the draw should give the size of both registers: {record_line!r}")
    units, inspectors = int(register.group(1)), int(register.group(2))
    check(units == 4 and inspectors >= 2, f"the unit register should be the four 游艺厅 (GG0303), the inspectors at least 2: {record_line!r}")
    check(len(targets) == 2 and f"已抽取{len(targets)}户" in flash and "种子" in flash, f"50% of 4 halls is 2, the flash {flash!r}, drawn {targets}")
    for name, category, people in targets:
        names = [p for p in people.split("、") if p]
        check(name in halls and category == "GG0303", f"a drawn target should be one of the halls, GG0303: {name!r} {category!r}")
        check(len(names) == 2 and len(set(names)) == 2, f"{name} should have 2 different inspectors: {people!r}")
    seed = re.search(r"种子\s*(\d+)", record_line).group(1)
    check(seed in flash, f"the flash should give the recorded seed {seed}: {flash!r}")
    b.shot("rc2-drawn")

    b.click_link("//main//a[normalize-space(.)='按记录重新抽取核验']")
    verification = b.text("#verification")
    check("结果与记录完全一致（2户）" in verification and seed in verification,
          f"核验 should say the draw with seed {seed} is reproduced identically (2户): {verification!r}")
    check("notice" in (b.d.find_element(By.ID, "verification").get_attribute("class") or ""), "an identical draw should be shown as a notice, not an error")
    b.shot("rc3-verified")

    href = link_href(b, "//main//a[contains(., '抽查结果')]")
    check(href == f"{ctx.base}/app/random-checks/{plan_id}/results?format=csv", f"the results link: {href}")
    status, headers, body = b.download(href)
    check(status == 200 and headers.get("content-type", "").startswith("text/csv"), f"the results should download as CSV: HTTP {status}, {headers.get('content-type')!r}")
    check("attachment" in headers.get("content-disposition", ""), f"the CSV should come as a download: {headers.get('content-disposition')!r}")
    rows = csv_rows(body, "the results CSV")
    check(rows[0] == DRAW_HEADER, f"the CSV header should be {DRAW_HEADER}: {rows[0]}")
    listed = sorted((r[1], r[2], r[3]) for r in rows[1:])
    check(listed == sorted((n, c, p) for n, c, p in targets), f"the CSV should list the drawn halls with their inspectors: {listed} vs {targets}")
    check(all(r[0] == plan_name and r[5] == "未检查" and r[4] == "" for r in rows[1:]), f"each row should name the plan and say 未检查: {rows[1:]}")


def risk_and_overdue(ctx: Context) -> None:
    """A department head with four bathhouses (GG0201): 甲 graded A 400 days ago, 乙 不予评级 (2.1 ※)
    200 days ago, 丙 A yesterday, 丁 never inspected and without a licence. 风险排序 ranks them by
    score, each as the formula gives it; 丁's page shows the factors with 应持证而无有效许可证 and
    从未检查, and 乙's 不予评级 and its 200 days; 逾期未检 lists 乙 (4-monthly) before 甲 (yearly) with
    their due dates and days; the inspections export (CSV) has the header and the three inspections."""
    department_id, a, second, officer = arrange_team(ctx, "ro", "KF", "洗浴场所监督科")
    today = china_today()
    names = {k: f"福州市鼓楼区汤泉浴室{k}店" for k in "甲乙丙丁"}
    ids = {}
    for index, key in enumerate("甲乙丙丁"):
        ids[key] = ctx.unit(officer, name=names[key], operatingAddress=f"福建省福州市鼓楼区温泉支路{index * 2 + 1}号", categoryCode="GG0201",
                            divisionCode="350102", creditCode=credit_code(7401 + index), departmentID=department_id, ext={"beds": "20"})
        if key != "丁":
            ctx.licence(officer, ids[key], number=f"闽卫公证字〔{today.year}〕第74{index:02d}号", scope="公共浴室", issuingOrgan="卫生健康委员会",
                        # licensed well over a year before the first inspection: not a new licensee, graded at once
                        issueDate=(today - datetime.timedelta(days=900)).isoformat())
    codes = list(items_of(checklist_of(ctx, a.username, "MY")))
    days = {"甲": 400, "乙": 200, "丙": 1}
    done = {"甲": inspected(ctx, a, second, ids["甲"], codes, today - datetime.timedelta(days=400)),
            "乙": inspected(ctx, a, second, ids["乙"], codes, today - datetime.timedelta(days=200), {"2.1": "2名从业人员健康合格证明过期"},
                           today - datetime.timedelta(days=190)),
            "丙": inspected(ctx, a, second, ids["丙"], codes, today - datetime.timedelta(days=1))}
    check(done["甲"]["gradeName"] == "A级" and done["乙"]["gradeName"] == "不予评级" and done["丙"]["gradeName"] == "A级",
          f"the grades should be A级, 不予评级, A级: {[d['gradeName'] for d in done.values()]}")
    expected = {"甲": risk_score(0, 0, "A", 400, False, 70), "乙": risk_score(1, 1, "none", 200, False, 70),
                "丙": risk_score(0, 0, "A", 1, False, 70), "丁": risk_score(0, 0, None, None, True, 70)}
    head = head_of(ctx, "ro.head", "科长RO", department_id)
    problems: list[str] = []

    b = ctx.b
    ctx.first_sign_in(head, "科室负责人")
    b.click_link("//nav//a[normalize-space(.)='风险排序']")
    check(b.path().startswith("/app/inspections/risk") and b.h1() == "风险排序", f"风险排序 should open the ranking, at {b.path()} ({b.h1()!r})")
    b.fill("category", "GG0201")
    b.click_button("排序")
    check(b.path() == "/app/inspections/risk?category=GG0201", f"排序 should ask for GG0201, at {b.path()}")
    ranking = [[td.text.strip() for td in row.find_elements(By.TAG_NAME, "td")] for row in b.d.find_elements(By.CSS_SELECTOR, "#risk-ranking tbody tr")]
    listed = {k: r for r in ranking for k in names if r[0] == names[k]}
    check(len(ranking) == 4 and len(listed) == 4, f"the ranking should list the department's four bathhouses: {ranking}")
    scores = [float(r[2]) for r in ranking]
    check(scores == sorted(scores, reverse=True), f"the ranking should be by score, highest first: {scores}")
    for key in "甲乙丙":
        shown = float(listed[key][2])
        check(abs(shown - expected[key]) < 0.11 and listed[key][3] == level(expected[key]) and listed[key][1] == "GG0201",
              f"{names[key]} should score {expected[key]} ({level(expected[key])}): {listed[key]}")
    check(ranking[-1][0] == names["丙"], f"丙, graded A yesterday, should rank last: {ranking}")
    check("违法违规记录" in listed["乙"][4] and "量化分级：不予评级" in listed["乙"][4],
          f"乙's main factors should include its violation and 不予评级: {listed['乙'][4]!r}")
    b.shot("ro1-risk-ranking")

    # The unit pages: the factors behind the score.
    b.click_link(f"//table[@id='risk-ranking']//a[normalize-space(.)='{names['丁']}']")
    check(b.path() == f"/app/entities/{ids['丁']}", f"the unit's name should open its page, at {b.path()}")
    heading = b.d.find_element(By.XPATH, "//main//h3[starts-with(normalize-space(.), '风险评分')]").text
    page_score = float(re.search(r"风险评分：([\d.]+)", heading).group(1))
    factors = {r.split()[0]: r for r in b.rows("#risk")}
    check(abs(page_score - expected["丁"]) < 0.11 and f"（{level(expected['丁'])}）" in heading,
          f"丁's page should score {expected['丁']} ({level(expected['丁'])}) counting the missing licence: {heading!r}")
    check("应持证而无有效许可证" in factors.get("许可状态", "") and "从未检查" in factors.get("距上次检查", "") and "未评级" in factors.get("量化分级", ""),
          f"丁's factors should say 应持证而无有效许可证, 从未检查, 未评级: {factors}")
    check(len(factors) == 6 and all(re.search(r"[\d.]+%$", f) for f in factors.values()), f"each of the six factors should give its share: {factors}")
    listed_score = float(listed["丁"][2])
    if abs(listed_score - page_score) > 0.01:
        problems.append(f"风险排序 gives {names['丁']} {listed_score} but its page {page_score}: the ranking does not count 许可状态 "
                        f"(应持证而无有效许可证), so a unit without a licence ranks lower than it should")
    b.shot("ro2-unit-without-licence")
    b.open(f"/app/entities/{ids['乙']}")
    heading = b.d.find_element(By.XPATH, "//main//h3[starts-with(normalize-space(.), '风险评分')]").text
    factors = {r.split()[0]: r for r in b.rows("#risk")}
    check(abs(float(re.search(r"风险评分：([\d.]+)", heading).group(1)) - expected["乙"]) < 0.11, f"乙's page should score {expected['乙']}: {heading!r}")
    check("近两年不符合项1项，关键项不符合1次" in factors.get("违法违规记录", "") and "不予评级" in factors.get("量化分级", "")
          and "200天" in factors.get("距上次检查", "") and "正常" in factors.get("许可状态", ""),
          f"乙's factors should give 1 violation (key), 不予评级, 200天, licence 正常: {factors}")
    grade = b.facts("#grade")
    due_乙 = add_months(today - datetime.timedelta(days=200), 4)
    check(grade.get("量化分级", "").startswith("不予评级") and due_乙.isoformat() in grade.get("下次应检", "") and "已逾期" in grade.get("下次应检", ""),
          f"乙 should be 不予评级, next due {due_乙}, 已逾期: {grade}")

    # 逾期未检: 乙 (every 4 months) before 甲 (yearly).
    b.click_link("//nav//a[normalize-space(.)='逾期未检']")
    check(b.path() == "/app/inspections/overdue" and b.h1() == "逾期未检", f"逾期未检 should open the list, at {b.path()}")
    overdue = [[td.text.strip() for td in row.find_elements(By.TAG_NAME, "td")] for row in b.d.find_elements(By.CSS_SELECTOR, "#overdue tbody tr")]
    want = []
    for key, grade_name, months in (("乙", "不予评级", 4), ("甲", "A级", 12)):
        last = today - datetime.timedelta(days=days[key])
        due = add_months(last, months)
        want.append([names[key], last.isoformat(), grade_name, due.isoformat(), str((today - due).days)])
    check(overdue == want, f"逾期未检 should list exactly 乙 then 甲 with last inspection, grade, due date and days overdue:\n  {overdue}\n  expected {want}")
    b.shot("ro3-overdue")

    # The inspections, exported.
    b.click_link("//nav//a[normalize-space(.)='监督检查']")
    numbers = {k: d["number"] for k, d in done.items()}
    shown = b.rows("#inspections")
    check(len(shown) == 3 and all(any(n in r for r in shown) for n in numbers.values()), f"监督检查 should list the three inspections {numbers}: {shown}")
    href = link_href(b, "//main//a[normalize-space(.)='导出CSV']")
    check(urllib.parse.urlparse(href).path == "/app/inspections/export" and "format=csv" in href, f"导出CSV should link to the export: {href}")
    status, headers, body = b.download(href)
    check(status == 200 and headers.get("content-type", "").startswith("text/csv"), f"the export should download as CSV: HTTP {status}, {headers.get('content-type')!r}")
    rows = csv_rows(body, "the inspections export")
    check(rows[0] == INSPECTIONS_HEADER, f"the export header should be {INSPECTIONS_HEADER}: {rows[0]}")
    by_number = {r[0]: r for r in rows[1:]}
    check(len(rows) == 4 and set(by_number) == set(numbers.values()), f"the export should hold exactly the department's three inspections {numbers}: {rows[1:]}")
    for key, score, grade_name, late in (("甲", "100", "A级", "是"), ("乙", "0", "不予评级", "是"), ("丙", "100", "A级", "否")):
        row = by_number[numbers[key]]
        check(row[1] == names[key] and row[2] == (today - datetime.timedelta(days=days[key])).isoformat() and row[3] == "日常" and row[4] == "已提交"
              and row[5] == score and row[6] == grade_name and row[7] == done[key]["entryDue"] and row[8] == late and a.username in row[9],
              f"the export row of {names[key]} should be {numbers[key]}, {score}, {grade_name}, 逾期录入 {late}, by {a.username}: {row}")
    check(not problems, "; ".join(problems))


def document_settings(ctx: Context) -> None:
    """The system administrator opens 文书与检查设置: a 意见书 pattern without {序号} is refused naming
    the field, and so is an entry limit of 45 days with a good pattern; neither saves anything, and
    what was typed stays on the form. Then 第{序号:4}号 and 7 working days are saved and kept, and
    the next 意见书 is numbered that way. The defaults are put back at the end."""
    admin = ctx.account("ds.admin", "系统管理员DS", role="sysadmin")
    new_pattern = "{地区}卫{类别}监意〔{年份}〕第{序号:4}号"
    problems: list[str] = []
    b = ctx.b
    ctx.first_sign_in(admin, "系统管理员")
    try:
        b.click_link("//nav//a[normalize-space(.)='文书与检查设置']")
        check(b.path() == "/app/admin/documents" and b.h1() == "文书与检查设置", f"the nav link should open the settings, at {b.path()} ({b.h1()!r})")
        check(b.value_id("pattern-supervisionOpinion") == DEFAULT_OPINION_PATTERN and b.value_id("entryDays") == DEFAULT_ENTRY_DAYS,
              f"the settings should start at the defaults: {b.value_id('pattern-supervisionOpinion')!r}, {b.value_id('entryDays')!r}")
        abbreviation = b.value_id("abbreviation")

        # No {序号}: refused, nothing saved, the typed values kept.
        b.fill_id("pattern-supervisionOpinion", "{地区}卫{类别}监意〔{年份}〕号")
        b.fill_id("entryDays", "7")
        b.fill_id("weight-violations", "40")
        b.click_button("保存")
        b.expect_alert("卫生监督意见书文号格式", "必须包含{序号}占位符")
        b.expect_status(422)
        b.shot("ds1-pattern-refused")
        check(b.value_id("entryDays") == "7", f"after the refusal the form should keep the typed days: {b.value_id('entryDays')!r}")
        if b.value_id("pattern-supervisionOpinion") != "{地区}卫{类别}监意〔{年份}〕号":
            problems.append(f"after the refusal the 意见书 pattern field shows {b.value_id('pattern-supervisionOpinion')!r} instead of the refused "
                            "{地区}卫{类别}监意〔{年份}〕号 that was typed: the form looks as if the old pattern were still fine and the typing is lost")
        if b.value_id("weight-violations") != "40":
            problems.append(f"after a refused save /app/admin/documents shows 风险评分权重（违法违规记录）{b.value_id('weight-violations')!r} instead of the typed 40 "
                            "(the risk weights fall back to the defaults, so fixing the pattern and saving again quietly resets every weight)")
        b.open("/app/admin/documents")
        check(b.value_id("pattern-supervisionOpinion") == DEFAULT_OPINION_PATTERN and b.value_id("entryDays") == DEFAULT_ENTRY_DAYS
              and b.value_id("weight-violations") == "30", "the refused form should have saved nothing")

        # A good pattern with 45 days: refused as a whole.
        b.fill_id("pattern-supervisionOpinion", new_pattern)
        b.fill_id("entryDays", "45")
        b.click_button("保存")
        b.expect_alert("检查记录录入时限（工作日）", "应在1到30之间")
        b.expect_status(422)
        check(b.value_id("entryDays") == "45" and b.value_id("pattern-supervisionOpinion") == new_pattern,
              f"the typed values should stay: {b.value_id('entryDays')!r}, {b.value_id('pattern-supervisionOpinion')!r}")
        b.open("/app/admin/documents")
        check(b.value_id("pattern-supervisionOpinion") == DEFAULT_OPINION_PATTERN and b.value_id("entryDays") == DEFAULT_ENTRY_DAYS,
              f"with the days refused, the pattern should not have been saved either: {b.value_id('pattern-supervisionOpinion')!r}")

        # Saved, and kept.
        b.fill_id("pattern-supervisionOpinion", new_pattern)
        b.fill_id("entryDays", "7")
        b.click_button("保存")
        check(not b.alert_text(), f"saving the settings failed: {b.alert_text()!r}")
        check(b.path() == "/app/admin/documents" and "文书与检查设置已保存" in b.flash(), f"the flash should say 文书与检查设置已保存: {b.flash()!r}")
        b.open("/app/admin/documents")
        check(b.value_id("pattern-supervisionOpinion") == new_pattern and b.value_id("entryDays") == "7",
              f"the new pattern and 7 days should be kept: {b.value_id('pattern-supervisionOpinion')!r}, {b.value_id('entryDays')!r}")
        label = b.d.find_element(By.CSS_SELECTOR, "label[for='pattern-supervisionOpinion']").text
        check(f"{abbreviation}卫公监意〔2026〕第0012号" in label, f"the label's example should follow the new pattern: {label!r}")
        b.shot("ds2-saved")

        # The next 意见书 is numbered by it.
        department_id, a, second, officer = arrange_team(ctx, "ds", "KS", "公共卫生监督四科")
        unit_id = arrange_pool(ctx, officer, department_id, "福州市鼓楼区银湖游泳馆有限公司", "福建省福州市鼓楼区铜盘路20号", 7501)
        today = china_today()
        record = inspected(ctx, a, second, unit_id, pool_items(ctx, a.username), today - datetime.timedelta(days=1),
                           {KEY_ITEM: "池水游离性余氯0.1 mg/L"}, today + datetime.timedelta(days=7))
        issued = ctx.api(a.username, "POST", f"/inspections/{record['id']}/documents", {"kind": "supervisionOpinion"})
        check(re.fullmatch(re.escape(abbreviation) + rf"卫公监意〔{today.year}〕第\d{{4}}号", issued["number"]) is not None,
              f"an 意见书 issued now should be numbered by the new pattern (第NNNN号): {issued['number']}")
        note(f"意见书 issued under the new pattern: {issued['number']}")
    finally:
        # Back to the defaults, for whatever runs after.
        try:
            b.open("/app/admin/documents")
            b.fill_id("pattern-supervisionOpinion", DEFAULT_OPINION_PATTERN)
            b.fill_id("entryDays", DEFAULT_ENTRY_DAYS)
            for key, value in DEFAULT_WEIGHTS.items():
                b.fill_id(f"weight-{key}", str(value))
            b.click_button("保存")
        except Exception as error:  # noqa: BLE001 - the step's own failure matters more
            note(f"could not put the settings back: {error}")
    check("文书与检查设置已保存" in b.flash(), f"putting the defaults back failed: {b.messages()!r}")
    check(not problems, "; ".join(problems))


STEPS = [checklist_editing, document_register_and_void, random_check_draw, risk_and_overdue, document_settings]
