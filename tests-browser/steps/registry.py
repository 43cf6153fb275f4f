"""Registry: the information officer registers a unit (一户一档) and changes it, registers its
health licence, and the forms' refusals: a licence form keeps what was typed, an empty 变更 does not
blank a licence, a portal account needs a unit.

Each step has its own information officer and its own units, prepared through the API where the
browser is not what is being tested.
"""
from __future__ import annotations

import calendar
import datetime
import re

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from harness import Account, Context, check, credit_code, note

CREDIT_OK = "91350100M000100Y43"
CREDIT_BAD = "91350100M000100Y4Z"   # wrong check character


def arrange_unit(ctx: Context, officer: Account, name: str, address: str, code_seed: int, **fields: str) -> str:
    """A hotel (宾馆, GG0101) in 鼓楼区 registered by `officer` through the API, with whatever else
    is given; returns its id. `code_seed` picks its 统一社会信用代码 (one per unit)."""
    unit = {"name": name, "operatingAddress": address, "categoryCode": "GG0101", "divisionCode": "350102",
            "creditCode": credit_code(code_seed)}
    unit.update(fields)
    return ctx.unit(officer, **unit)


def arrange_licence(ctx: Context, officer: Account, entity_id: str, number: str, scope: str = "住宿") -> dict:
    """A licence issued today by 卫生健康委员会, through the API."""
    return ctx.licence(officer, entity_id, number=number, scope=scope, issuingOrgan="卫生健康委员会",
                       issueDate=datetime.date.today().isoformat())


def register_unit(ctx: Context) -> None:
    """The information officer registers a hotel: category first, then the form (errors shown and
    the typed values kept); the unit's file masks personal data and has a history; a change with a
    wrong phone is refused, the next one is recorded as 从业人员数：20 → 25."""
    ctx.signed_in_officer("i.officer", "信息员甲")
    b = ctx.b
    unit_name = "福州市鼓楼区悦华宾馆有限公司"
    b.open("/app/entities")
    check(b.h1() == "被监督单位", f"/app/entities h1 {b.h1()!r}")
    b.click_link("//main//a[normalize-space(.)='登记新单位']")
    check(b.h1() == "登记被监督单位", f"new-unit page h1 {b.h1()!r}")
    b.select_option_containing("category", "宾馆")
    b.click_button("下一步")
    check("GG0101" in b.path(), f"the chosen category should be in the address: {b.path()}")
    check("宾馆" in b.selected("categoryCode"), f"the form should have 宾馆 chosen, has {b.selected('categoryCode')!r}")
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
    b.fill("name", unit_name)
    b.fill("creditCode", CREDIT_OK)
    if not b.value("contactPhone") or not b.value("legalRepIDNumber"):
        note("the form does not keep the ID number and phones after an error: typed again")
        fill_personal()
    b.click_button("保存")
    unit_id = b.entity_id()
    check(unit_name in b.h1(), f"unit page h1 should be the name: {b.h1()!r} ({b.messages()!r})")
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
    check(b.value("name") == unit_name, f"the edit form should show the name, has {b.value('name')!r}")
    b.fill("contactPhone", "12345")
    b.fill("employees", "25")
    b.click_button("保存")
    b.expect_alert("联系电话")
    b.expect_status(422, 400)
    b.fill("contactPhone", "")
    b.fill("employees", "25")
    b.click_button("保存")
    check(b.entity_id() == unit_id, "saving the change should return to the unit page")
    check("修改了1项" in b.flash(), f"flash should say one field changed: {b.flash()!r}")
    check("共25人" in b.facts().get("从业人员", ""), f"从业人员 should be 共25人: {b.facts()}")
    check("138****8000" in b.text("#personal"), "an empty phone on the edit form must keep the phone")
    history = b.rows("#history")
    change = [r for r in history if "修改" in r]
    check(change and "从业人员数：20 → 25" in change[0], f"the history should show 从业人员数：20 → 25: {history}")


def licence(ctx: Context) -> None:
    """A licence on the unit's page: 发证日期 defaults to today, an impossible date is refused on
    the unit page, then the licence is registered valid four years to the day before."""
    officer = ctx.signed_in_officer("j.officer", "信息员乙")
    unit_name = "福州市鼓楼区江滨宾馆有限公司"
    unit_id = arrange_unit(ctx, officer, unit_name, "福建省福州市鼓楼区江滨西大道9号", 1001)
    b = ctx.b
    b.open(f"/app/entities/{unit_id}")
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
    check(unit_name in b.h1() and b.d.find_elements(By.ID, "licence-form"),
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
    text = b.text("div.licence")
    check(number in text, f"the licence block should show the number: {text!r}")
    check(f"发证日期：{today}" in text, f"the licence should show 发证日期：{today}: {text!r}")
    check(f"有效期至：{until}" in text, f"the licence should be valid until {until} (four years on): {text!r}")
    b.shot("j2-licence")


def licence_form_keeps_input(ctx: Context) -> None:
    """Like every other form, the licence form keeps what was typed when it shows an error
    (here on a unit that already holds a licence, adding another)."""
    officer = ctx.signed_in_officer("o.officer", "信息员丙")
    unit_id = arrange_unit(ctx, officer, "福州市鼓楼区东湖宾馆有限公司", "福建省福州市鼓楼区东湖路3号", 1002)
    arrange_licence(ctx, officer, unit_id, "闽卫公证字〔2026〕第0101号")
    b = ctx.b
    b.open(f"/app/entities/{unit_id}")
    b.fill_id("lic-number", "闽卫公证字〔2026〕第0002号")
    b.fill_id("lic-scope", "住宿、游泳")
    b.fill_id("lic-issue", "2026/13/01")
    b.click_button("登记", scope="//form[@id='licence-form']")
    alert = b.expect_alert("发证日期")
    check("许可证号" not in alert, f"the number was typed, yet the error names 许可证号: {alert!r}")
    kept = {name: b.value_id("lic-" + key) for name, key in (("number", "number"), ("scope", "scope"), ("issueDate", "issue"))}
    check(kept == {"number": "闽卫公证字〔2026〕第0002号", "scope": "住宿、游泳", "issueDate": "2026/13/01"},
          f"after an error the licence form should keep the typed values, has {kept}")


def licence_change_needs_content(ctx: Context) -> None:
    """办理 with the preselected 变更 and nothing filled in must not blank the licence's 许可项目."""
    officer = ctx.signed_in_officer("p.officer", "信息员丁")
    unit_id = arrange_unit(ctx, officer, "福州市鼓楼区西湖宾馆有限公司", "福建省福州市鼓楼区湖滨路5号", 1003)
    arrange_licence(ctx, officer, unit_id, "闽卫公证字〔2026〕第0102号", scope="住宿")
    b = ctx.b
    b.open(f"/app/entities/{unit_id}")
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


def portal_account_needs_unit(ctx: Context) -> None:
    """A portal account is opened for a unit found by a search within the officer's scope: a search
    that finds nothing says so; a name of spaces is an error on the form naming the field, and the
    chosen unit stays chosen."""
    officer = ctx.signed_in_officer("q.officer", "信息员戊")
    unit_id = arrange_unit(ctx, officer, "福州市鼓楼区晨曦旅馆", "福建省福州市鼓楼区晨曦路3号", 4001)
    b = ctx.b
    b.open("/app/portal-accounts")
    b.fill("q", "并不存在的单位")
    b.click_button("查找")
    check("没有找到" in b.body(), "a search that finds nothing should say so")
    b.fill("q", "晨曦")
    b.click_button("查找")
    b.click_link(f"//table[@id='found']//a[contains(@href, 'entity={unit_id}')]")
    b.fill("displayName", "   ")
    b.click_button("开通并打印告知书")
    check(b.h1() == "单位门户账号", f"with no name the form should show again with an error, h1 {b.h1()!r} "
          f"(HTTP {b.status()}, {b.messages()!r})")
    b.expect_alert("使用人姓名")
    b.expect_status(422, 400)
    check("晨曦旅馆" in b.text("#open-account"), "the chosen unit should stay chosen after the error")


STEPS = [register_unit, licence, licence_form_keeps_input, licence_change_needs_content, portal_account_needs_unit]
