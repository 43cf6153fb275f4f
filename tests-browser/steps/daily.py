"""Daily use of the registry (issue 11): staff and departments edited, units assigned many at a
time, code fields chosen from the tables, each kind of unit asked only its own fields, licence
dates checked against today, and an audit log the auditor can read. Each with its wrong input and
the message that names the field."""
from __future__ import annotations

import datetime

from selenium.webdriver.common.by import By

from harness import Context, check
from steps.registry import arrange_unit


def edit_staff_and_department(ctx: Context) -> None:
    """The system administrator moves a person to another department and renews the enforcement
    certificate (a wrong phone refused, the choices kept), then renames a department (an empty
    name refused)."""
    first = ctx.department("XG", "监督甲科")
    ctx.department("XH", "监督乙科")
    person = ctx.staff("e.staff", "陈监督", departmentID=first, certificateNumber="闽卫执2024001")
    admin = ctx.account("e.admin", "账号管理员", role="sysadmin")
    ctx.first_sign_in(admin, "系统管理员")
    b = ctx.b
    b.open(f"/app/admin/users/{person.id}/edit")
    check("陈监督" in b.body(), f"the edit page should name the person, h1 {b.h1()!r}")
    b.select_option_containing("departmentID", "监督乙科")
    b.fill("certificateNumber", "闽卫执2026009")
    b.d.execute_script("document.getElementById('certificateExpiry').value = '2029-12-31'")
    b.fill("phone", "12345")
    b.click_button("保存修改")
    b.expect_alert("联系电话")
    b.expect_status(422)
    check("监督乙科" in b.selected("departmentID"), f"the chosen department should stay chosen: {b.selected('departmentID')!r}")
    check(b.value("certificateNumber") == "闽卫执2026009", "the typed certificate number should stay")
    b.fill("phone", "")
    b.click_button("保存修改")
    check(not b.alert_text(), f"saving the person failed: {b.alert_text()!r}")
    page = b.body()
    check("监督乙科" in page and "闽卫执2026009" in page and "2029-12-31" in page,
          "the person's page should show the new department, certificate and expiry")

    b.open("/app/admin/departments")
    b.click_link("//table[@id='departments']//tr[contains(., '监督甲科')]//a[normalize-space(.)='修改']")
    b.fill("name", "   ")
    b.click_button("保存")
    b.expect_alert("科室名称")
    b.expect_status(422)
    b.fill("name", "公共场所监督甲科")
    b.click_button("保存")
    check("公共场所监督甲科" in b.text("#departments"), f"the renamed department should be listed: {b.text('#departments')!r}")


def assign_units(ctx: Context) -> None:
    """The information officer assigns two units from the list at once: with none ticked the list
    says so and keeps the choices; ticked, both get the department and 片区 in one step."""
    department = ctx.department("ZP", "监督丙科")
    officer = ctx.signed_in_officer("a.officer", "信息员甲乙")
    ids = [arrange_unit(ctx, officer, name, address, seed) for name, address, seed in
           (("福州市鼓楼区指派一号宾馆", "福建省福州市鼓楼区指派路1号", 5001), ("福州市鼓楼区指派二号宾馆", "福建省福州市鼓楼区指派路2号", 5002))]
    b = ctx.b
    b.open("/app/entities?q=指派")
    check(b.text("#total").startswith("2"), f"the list should find the two units: {b.text('#total')!r}")
    b.select_option_containing("departmentID", "监督丙科")
    b.fill_id("assign-area", "东街片")
    b.click_button("指派勾选的单位")
    b.expect_alert("指派范围", "请先勾选")
    b.expect_status(422)
    check(b.value_id("assign-area") == "东街片", "the typed 片区 should stay after the error")
    for unit in ids:
        b.tick(f"//input[@name='ids[]' and @value='{unit}']")
    b.click_button("指派勾选的单位")
    check("2" in b.flash() and not b.alert_text(), f"the flash should report two units assigned: {b.flash()!r} {b.alert_text()!r}")
    for unit in ids:
        b.open(f"/app/entities/{unit}")
        facts = b.body()
        check("监督丙科" in facts and "东街片" in facts, f"unit {unit} should show 监督丙科 and 东街片")
    check(department, "the department exists")


def code_fields_and_kinds(ctx: Context) -> None:
    """A barber's shop (GG0202) is asked for no beds or pool; 行政区划 and 行业 offer the code
    tables to search as one types, 经济类型 is a list; a code not in the table is named."""
    ctx.signed_in_officer("c.officer", "信息员丙丁")
    b = ctx.b
    b.open("/app/entities/new?category=GG0202")
    check(not b.d.find_elements(By.NAME, "ext[beds]") and not b.d.find_elements(By.NAME, "ext[poolArea]"),
          "a 理发店 should not be asked for 床位数 or 泳池面积")
    check(b.field("divisionCode").get_attribute("list") == "division-codes", "行政区划 should offer the division table")
    options = b.d.execute_script("return Array.from(document.querySelectorAll('#division-codes option')).map(o => o.value + ' ' + o.textContent)")
    check(any(o.startswith("350102 ") and "鼓楼区" in o for o in options), f"the division list should offer 350102 鼓楼区: {options[:5]}")
    check(b.field("industry").get_attribute("list") == "industry-codes", "行业 should offer the industry table")
    b.select_option_containing("economicType", "私营有限责任")
    b.fill("name", "福州市鼓楼区代码理发店")
    b.fill("operatingAddress", "福建省福州市鼓楼区代码路3号")
    b.fill("divisionCode", "359999")
    b.fill("industry", "ZZ")
    b.click_button("保存")
    b.expect_alert("行政区划代码", "行业")
    b.expect_status(422)
    check("私营有限责任" in b.selected("economicType"), f"the chosen 经济类型 should stay chosen: {b.selected('economicType')!r}")


def licence_dates(ctx: Context) -> None:
    """A licence issued in the future is refused, naming 发证日期 and today."""
    officer = ctx.signed_in_officer("d.officer", "信息员戊己")
    unit = arrange_unit(ctx, officer, "福州市鼓楼区日期宾馆", "福建省福州市鼓楼区日期路5号", 5003)
    b = ctx.b
    b.open(f"/app/entities/{unit}")
    # The server counts days in China time (UTC+8); between 16:00 and 24:00 UTC that is tomorrow.
    today = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8)).date().isoformat()
    b.fill_id("lic-number", "闽卫公证字〔2026〕第0901号")
    b.fill_id("lic-scope", "住宿")
    b.fill_id("lic-issue", "2030-01-01")
    b.click_button("登记", scope="//form[@id='licence-form']")
    b.expect_alert("发证日期", f"不能晚于{today}")
    b.expect_status(422)
    check(b.value_id("lic-issue") == "2030-01-01", "the typed date should stay on the form")


def readable_audit(ctx: Context) -> None:
    """The auditor reads the log in Chinese: actions by name, objects by name with a link to their
    events, details as pairs; a wrong date is named."""
    officer = ctx.signed_in_officer("ra.officer", "信息员庚辛")
    arrange_unit(ctx, officer, "福州市鼓楼区审计宾馆", "福建省福州市鼓楼区审计路7号", 5004)
    auditor = ctx.account("ra.auditor", "审计员甲", role="auditor")
    ctx.first_sign_in(auditor, "安全审计员")
    b = ctx.b
    b.open("/app/audit?action=登记被监督单位")
    rows = b.rows("#audit")
    check(any("福州市鼓楼区审计宾馆" in r and "登记被监督单位" in r for r in rows), f"the registration should read in Chinese with the unit's name: {rows[:3]}")
    check(int(b.text("#total")) >= 1, "the log should say how many events match")
    b.click_link("//table[@id='audit']//tr[contains(., '福州市鼓楼区审计宾馆')]//a[contains(., '全部事件')]")
    check("只看被监督单位“福州市鼓楼区审计宾馆”的事件" in b.text("#target-filter"), f"the object's events: {b.text('#target-filter')!r}")
    b.open("/app/audit?from=2026-13-40")
    b.expect_alert("开始日期")
    b.expect_status(422)


STEPS = [edit_staff_and_department, assign_units, code_fields_and_kinds, licence_dates, readable_audit]
