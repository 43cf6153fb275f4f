"""Import: the information officer imports units from a CSV file. A trial with a wrong credit code
names the row and column and stores nothing; a clean trial announces what would be added and stores
nothing either; the real import adds the units, which the registry search then finds.
"""
from __future__ import annotations

from pathlib import Path

from harness import Context, check

# Valid and invalid 统一社会信用代码 for the rows of the file (used by no other step).
CREDIT_OK_2 = "914403001922038216"
CREDIT_OK_3 = "91440300708461136T"
CREDIT_BAD = "91350100M000100Y4Z"   # wrong check character


def write_units_csv(folder: Path, name: str, bad_credit: bool) -> Path:
    """Three units: two spellings of the same hotel (星光) and a swimming pool (碧波)."""
    rows = [
        ["单位名称", "统一社会信用代码", "联系人", "联系电话", "经营地址", "行政区划代码", "专业类别", "从业人员数"],
        ["福州市鼓楼区星光宾馆有限责任公司", CREDIT_OK_2, "郑经理", "13800138000", "福建省福州市鼓楼区五四路１２号", "350102", "GG0101", "12"],
        ["星光宾馆有限公司", "", "", "", "鼓楼区五四路12号", "350102", "GG0101", "10"],
        ["福州市鼓楼区碧波游泳馆", CREDIT_BAD if bad_credit else CREDIT_OK_3, "吴先生", "", "福建省福州市鼓楼区湖东路8号", "350102", "GG0402", "6"],
    ]
    path = folder / name
    path.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    return path


def import_units(ctx: Context) -> None:
    ctx.signed_in_officer("l.officer", "信息员壬")
    b = ctx.b
    b.open("/app/import")
    check(b.h1() == "批量导入", f"/app/import h1 {b.h1()!r}")
    b.select_option_containing("kind", "被监督单位")
    b.upload("file", write_units_csv(ctx.files, "单位-有错.csv", bad_credit=True))
    b.click_button("试导入（只检查）")
    b.expect_status(422, 400)
    summary = b.text("#report-summary")
    check("未导入任何数据" in summary, f"the report should say nothing was stored: {summary!r}")
    issues = b.rows("#issues")
    check(issues, "the report should list the problems")
    # The wrong row is the fourth line of the file (the header is line 1).
    check(any(r.startswith("4 ") and "统一社会信用代码" in r for r in issues),
          f"the report should name row 4 and column 统一社会信用代码: {issues}")
    b.shot("l1-import-report")
    check(ctx.entities_found("星光") == 0, "a failed trial import must not store any unit")

    b.open("/app/import")
    b.upload("file", write_units_csv(ctx.files, "单位.csv", bad_credit=False))
    b.click_button("试导入（只检查）")
    summary = b.text("#report-summary")
    check("试导入通过" in summary and "将新增3户" in summary, f"the trial should pass and announce 3 units: {summary!r}")
    check(ctx.entities_found("星光") == 0, "a trial import must not store any unit")
    b.open("/app/import")
    b.upload("file", write_units_csv(ctx.files, "单位.csv", bad_credit=False))
    b.click_button("正式导入")
    summary = b.text("#report-summary")
    check("已导入3行" in summary and "新增3户" in summary, f"the import should report 3 new units: {summary!r}")
    b.shot("l2-import-done")
    check(ctx.entities_found("星光") == 2, f"/app/entities?q=星光 should find the two 星光 units, found {b.text('#total')}")
    check(ctx.entities_found("碧波") == 1, "/app/entities?q=碧波 should find the swimming pool")
    b.shot("l3-search")


STEPS = [import_units]
