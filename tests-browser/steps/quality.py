"""Data quality: the check finds two spellings of one hotel; they are merged while someone has the
absorbed unit's edit form open in another tab (that change is then refused, with the reason); the
merge is undone and both units are back.

The two units are registered through the API under names no other step uses (月光), so that the
counts below are this step's own.
"""
from __future__ import annotations

import re

from selenium.webdriver.common.by import By

from harness import Context, check, note
from steps.registry import arrange_unit

KEPT = "福州市台江区月光宾馆有限责任公司"
ABSORBED = "月光宾馆有限公司"


def merge_duplicates(ctx: Context) -> None:
    officer = ctx.signed_in_officer("m.officer", "信息员子")
    # Two spellings of the same hotel, as an import from two sources leaves them. (Not in 仓山区: the
    # name check keeps "仓山区" as a word ending in 山区, and that pair is never proposed.)
    arrange_unit(ctx, officer, KEPT, "福建省福州市台江区江滨中大道１２号", 3001, divisionCode="350103",
                 contactName="郑经理", contactPhone="13800138000", employees="12")
    b = ctx.b
    # The second spelling typed into the form is caught at entry: the form names the registered
    # unit, keeps what was typed, and stores nothing until the clerk confirms or gives up.
    b.open("/app/entities/new?category=GG0101")
    b.fill("name", ABSORBED)
    b.fill("operatingAddress", "台江区江滨中大道12号")
    b.fill("divisionCode", "350103")
    b.click_button("保存")
    b.expect_status(422)
    check(b.h1() == "登记被监督单位", f"a likely duplicate should keep the form, h1 {b.h1()!r}")
    check(KEPT in b.text("#duplicates"), f"the form should name the registered unit: {b.text('#duplicates')!r}")
    check(b.value("name") == ABSORBED, f"the form should keep the typed name, has {b.value('name')!r}")
    b.shot("m0-duplicate-at-entry")
    check(ctx.entities_found("月光") == 1, "a form stopped by the duplicate check must store nothing")
    # The same spelling then arrives with an import from a second source (no credit code): the
    # trial warns, and the import goes on, as a warning allows.
    csv_path = ctx.files / "月光.csv"
    csv_path.write_text("单位名称,经营地址,行政区划代码,专业类别,从业人员数\n"
                        f"{ABSORBED},台江区江滨中大道12号,350103,GG0101,10\n", encoding="utf-8")
    b.open("/app/import")
    b.select_option_containing("kind", "被监督单位")
    b.upload("file", csv_path)
    b.click_button("试导入（只检查）")
    warnings = b.rows("#warnings")
    check(any(KEPT in r for r in warnings), f"the trial should warn of the registered unit: {warnings}")
    b.click_button("确认无误，正式导入这个文件")
    check("新增1户" in b.text("#report-summary"), f"the import should add the unit: {b.text('#report-summary')!r}")
    b.open("/app/quality")
    check(b.h1() == "数据清洗", f"/app/quality h1 {b.h1()!r}")
    b.click_button("立即检查")
    flash = b.flash()
    m = re.search(r"疑似重复(\d+)对", flash)
    check(m is not None and int(m.group(1)) >= 1, f"the check should find a duplicate pair: {flash!r}")
    b.shot("m1-quality")
    b.click_link("//main//a[normalize-space(.)='疑似重复单位']")
    check(b.h1() == "疑似重复单位", f"duplicates page h1 {b.h1()!r}")
    pairs = [t for t in b.d.find_elements(By.CSS_SELECTOR, "table.pair") if ABSORBED in t.text and KEPT in t.text]
    check(len(pairs) == 1, f"expected one pair of the two 月光 units, found {len(pairs)}")
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
    check(ctx.entities_found("月光") == 1, f"after the merge only the kept unit should be listed, found {b.text('#total')}")

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
    check(ctx.entities_found("月光") == 2, f"after the undo both units should be listed again, found {b.text('#total')}")
    b.open("/app/quality/duplicates")
    note(f"duplicates after the undo: {[t.text.splitlines()[0] for t in b.d.find_elements(By.CSS_SELECTOR, 'table.pair')]}")


STEPS = [merge_duplicates]
