"""Penalty cases (issue 13): the failed key item of a pool's inspection becomes a case. The inspector
opens it from the inspection's 立案 link (the facts carried over, accepted on the visit's day); the
department head approves 立案; the inspector records the provisions and the fine, ends the
investigation, records the 合议 and serves the 事先告知书; the head's decision inside the 陈述申辩
period is refused with the date it ends, and taken once it has; the decision is served, the fine
paid (more than owed is refused), execution confirmed and the case closed. The case page shows
each deadline with its calculation and the whole history.

The 行政处罚事先告知书, 行政处罚决定书, 送达回执 and 结案报告 are issued from the case page as PDFs
with their 文号 (pdftotext reads them back, every font embedded).

The visit is 20 days back, so that the notice can be served 10 days back and its period be over today.
"""
from __future__ import annotations

import datetime

from selenium.webdriver.common.by import By

from harness import Context, check
from steps.inspection_admin import head_of
from steps.inspections import KEY_ITEM, FINDING, arrange_pool, arrange_team, china_today, pdf_facts, pool_items, set_value


def take_step(ctx_browser, action: str, label: str, date: datetime.date, minutes: str = "", method: str = "") -> None:
    """Fills the step form of `action` and sends it."""
    b = ctx_browser
    set_value(b, f"date-{action}", date.isoformat())
    if minutes:
        b.fill_id(f"minutes-{action}", minutes)
    if method:
        b.d.find_element(By.XPATH, f"//select[@id='method-{action}']/option[@value='{method}']").click()
    b.click_button(label, scope=f"//form[@id='step-{action}']")


def issue_document(ctx: Context, b, kind: str, name: str) -> str:
    """Issues the case document `kind` from the case page; checks its PDF (text, 文号, embedded
    fonts) and returns the 文号."""
    b.d.find_element(By.XPATH, f"//select[@id='issue-kind']/option[@value='{kind}']").click()
    b.click_button("签发文书", scope="//form[@id='issue-form']")
    check(not b.alert_text(), f"issuing {name} should work: {b.alert_text()!r}")
    rows = [r for r in b.rows("#case-documents") if r.startswith(name)]
    check(len(rows) == 1, f"#case-documents should list one {name}: {b.rows('#case-documents')}")
    number = rows[0].split()[1]
    href = b.d.find_element(By.XPATH, f"//table[@id='case-documents']//tr[td[1][normalize-space(.)='{name}']]//a[contains(@href, '/pdf')]").get_attribute("href")
    status, headers, body = b.download(href)
    check(status == 200 and headers.get("content-type", "").startswith("application/pdf"), f"the {name} PDF should download: {status} {headers}")
    text, fonts = pdf_facts(ctx, body, f"{kind}.pdf")
    flat = "".join(text.split())
    check(name in flat and "".join(number.split()) in flat, f"pdftotext of the {name} should give its title and 文号 {number}: {flat[:200]!r}")
    check(fonts and all(row[3] == "yes" for row in fonts), f"every font of the {name} should be embedded: {fonts}")
    return number


def penalty_case(ctx: Context) -> None:
    department_id, a, second, officer = arrange_team(ctx, "cs", "KC", "公共场所监督四科")
    unit_name = "福州市鼓楼区蓝湾游泳馆有限公司"
    unit_id = arrange_pool(ctx, officer, department_id, unit_name, "福建省福州市鼓楼区铜盘路9号", 6004)
    head = head_of(ctx, "cs.head", "科长CS", department_id)
    leader = head_of(ctx, "cs.leader", "所长CS", department_id, role="leader")
    today = china_today()
    visited = today - datetime.timedelta(days=20)
    codes = pool_items(ctx, a.username)
    inspection = ctx.api(a.username, "POST", "/inspections", {
        "entityID": unit_id, "source": "routine", "inspectedOn": visited.isoformat(), "startTime": "09:30", "endTime": "11:00",
        "inspectorIDs": [a.id, second.id], "representative": "孙经理",
        "results": [{"item": c, "result": "nonconform", "finding": FINDING} if c == KEY_ITEM else {"item": c, "result": "conform"} for c in codes],
        "conclusion": "池水游离性余氯不符合要求，责令限期改正。", "rectificationDeadline": (visited + datetime.timedelta(days=3)).isoformat()})

    b = ctx.b
    ctx.first_sign_in(a, "监督员")
    b.open(f"/app/inspections/{inspection['id']}")
    b.click_link(f"//table[@id='rectifications']//a[contains(@href, 'item={KEY_ITEM}')]")
    check(b.h1() == "受理案件", f"立案 should open the intake form, h1 {b.h1()!r}")
    check(FINDING in b.value_id("illegalFacts"), f"the facts should carry the finding over: {b.value_id('illegalFacts')!r}")
    set_value(b, "acceptedOn", visited.isoformat())
    b.click_button("受理")
    check(b.path().startswith("/app/cases/"), f"受理 should open the case, at {b.path()} ({b.alert_text()!r})")
    case_page = b.path()
    check(b.text("#case-state") == "已受理，待立案", f"the case should wait for 立案: {b.text('#case-state')!r}")
    number = b.h1().split()[1]

    # 立案 needs the head's approval: the inspector is told so, not offered the form; the 立案报批表 goes first.
    check(b.d.find_elements(By.ID, "step-file-waiting"), "an inspector should be told who takes 立案, not offered the form")
    issue_document(ctx, b, "caseFiling", "立案报批表")

    head_browser = ctx.new_browser("科长")
    ctx.first_sign_in(head, "科室负责人", browser=head_browser)
    head_browser.open(case_page)
    take_step(head_browser, "file", "立案", visited)
    check(head_browser.text("#case-state") == "已立案，调查取证", f"立案 should be taken: {head_browser.text('#case-state')!r} {head_browser.alert_text()!r}")

    # The inspector records the provisions and the fine, then ends the investigation, deliberates, notifies.
    b.open(case_page)
    b.fill_id("violatedProvision", "《公共场所卫生管理条例实施细则》第十四条")
    b.fill_id("penaltyBasis", "《公共场所卫生管理条例实施细则》第三十六条")
    b.fill_id("penaltyProposal", "警告，并处罚款")
    b.fill_id("fineYuan", "2000")
    b.click_button("保存", scope="//form[@id='facts-form']")
    check(not b.alert_text(), f"the facts should be saved: {b.alert_text()!r}")
    take_step(b, "endInvestigation", "调查终结", visited + datetime.timedelta(days=2))
    take_step(b, "deliberate", "合议", visited + datetime.timedelta(days=3), minutes="承办人一致同意：警告，并处罚款2000元。")
    notified = today - datetime.timedelta(days=10)
    issue_document(ctx, b, "penaltyNotice", "行政处罚事先告知书")
    take_step(b, "notify", "告知", notified)
    check(b.text("#case-state") == "已告知，陈述申辩期", f"the notice should be served: {b.text('#case-state')!r} {b.alert_text()!r}")
    deadlines = b.rows("#case-deadlines")
    statement = [r for r in deadlines if r.startswith("陈述申辩")]
    check(statement, f"the deadlines should include 陈述申辩: {deadlines}")
    ends = statement[0].split()[1]

    # The decision is the leader's (行政处罚法第五十七条): the head is not offered it. The leader
    # decides inside the period: refused with the date; then today, after it.
    head_browser.open(case_page)
    check(head_browser.d.find_elements(By.ID, "step-decide-waiting"), "the head should be told the decision is the leader's")
    leader_browser = ctx.new_browser("所长")
    ctx.first_sign_in(leader, "所领导", browser=leader_browser)
    leader_browser.open(case_page)
    early = (notified + datetime.timedelta(days=1)).isoformat()
    take_step(leader_browser, "decide", "作出决定", notified + datetime.timedelta(days=1))
    leader_browser.expect_status(422)
    leader_browser.expect_alert("陈述申辩期限", f"至{ends}届满")
    check(leader_browser.value_id("date-decide") == early, f"the refused form should keep the typed date {early}: {leader_browser.value_id('date-decide')!r}")
    take_step(leader_browser, "decide", "作出决定", today)
    check(leader_browser.text("#case-state") == "已作出决定", f"the decision should be taken: {leader_browser.alert_text()!r}")
    head_browser.open(case_page)
    decision = issue_document(ctx, head_browser, "penaltyDecision", "行政处罚决定书")
    check("罚〔" in decision, f"the decision's 文号 should follow the pattern …卫公罚〔年份〕序号号: {decision!r}")
    issue_document(ctx, head_browser, "serviceReceipt", "送达回执")
    take_step(head_browser, "serve", "送达", today, method="direct")
    check(head_browser.text("#case-state") == "已送达，执行中", f"the decision should be served: {head_browser.alert_text()!r}")

    # Payment: more than owed is refused; the fine is paid; execution and closing.
    head_browser.fill_id("amountYuan", "2500")
    head_browser.click_button("登记缴款", scope="//form[@id='payment-form']")
    head_browser.expect_status(422)
    head_browser.expect_alert("缴款金额", "超过应缴金额")
    check(head_browser.value_id("amountYuan") == "2500", f"the refused amount should stay in the form: {head_browser.value_id('amountYuan')!r}")
    head_browser.fill_id("amountYuan", "2000")
    head_browser.click_button("登记缴款", scope="//form[@id='payment-form']")
    check("尚欠 0元" in head_browser.text("#case-facts"), f"nothing should be owed: {head_browser.text('#case-facts')!r}")
    take_step(head_browser, "execute", "执行完毕", today)
    issue_document(ctx, head_browser, "closingReport", "结案报告")
    take_step(head_browser, "close", "结案", today)
    check(head_browser.text("#case-state") == "已结案", f"the case should be closed: {head_browser.text('#case-state')!r}")
    history = [r.split()[1] for r in head_browser.rows("#case-history")]
    check(history == ["受理", "立案", "修改事实与处罚意见", "调查终结", "合议", "告知", "作出决定", "送达", "缴款", "执行完毕", "结案"],
          f"the history should list every step: {history}")
    head_browser.open("/app/cases?view=all")
    check(any(number in r and "已结案" in r for r in head_browser.rows("#cases")), f"the case list should show {number} closed")
    head_browser.open(f"/app/entities/{unit_id}")
    check(any(number in r and "已结案" in r for r in head_browser.rows("#unit-cases")), f"the unit's page should list case {number}: {head_browser.rows('#unit-cases')}")


STEPS = [penalty_case]
