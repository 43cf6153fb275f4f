"""Drinking water: the information officer edits an indicator's limit on 饮用水指标限值."""
from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from harness import Context, check


def water_limits(ctx: Context) -> None:
    """The information officer changes the turbidity limit: a non-number is refused naming 上限,
    a number is saved and shown; then the seeded ≤1 NTU is put back (the limits are shared by the
    whole server, so no later step may see a changed one)."""
    ctx.signed_in_officer("s.officer", "信息员癸")
    b = ctx.b
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


STEPS = [water_limits]
