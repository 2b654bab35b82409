"""What the spreadsheet tests share: rulebook fixtures, the fixture folder, import helpers."""

from __future__ import annotations

import datetime
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from drills.catalog import load_library
from drills.spreadsheet import ImportOptions, import_plan, read_table
from knowledge.rulebook import cached_rulebook
from tui.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "spreadsheets"
GBK_PLAN = FIXTURES / "night-call.gbk.csv"
HEADER = "time,channel,from,content,expected action,deadline,rule\n"


@pytest.fixture(scope="module")
def rule_ids() -> set[str]:
    return set(cached_rulebook("zh").rule_ids())


@pytest.fixture(scope="module")
def rule_titles() -> dict[str, str]:
    return {s.title: s.id for language in ("zh", "en") for s in cached_rulebook(language).sections.values()}


def imported(path: Path, policy, rule_ids, rule_titles=None, **options):
    options.setdefault("name", path.name.split(".")[0])
    return import_plan(read_table(path), ImportOptions(**options), policy, rule_ids, rule_titles or {})


def checked(text: str, tmp_path: Path, policy, rule_ids, name: str = "drill.yaml"):
    """The drill file as `scenario check` sees it: loaded from disk, cross-checked against the rulebook."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    library = load_library(policy, [path], rule_ids)
    assert library.problems == []
    return library.drills[0].scenario


def problems(result) -> dict[int | None, list[str]]:
    found: dict[int | None, list[str]] = {}
    for item in result.findings:
        if item.skipped:
            found.setdefault(item.row, []).append(item.code)
    return found


def invoke(*args: str):
    return CliRunner().invoke(main, ["--lang", "en", *args], catch_exceptions=False)

def make_workbook(path: Path) -> None:
    workbook = openpyxl.Workbook()
    workbook.active.title = "填写说明"
    workbook.active["A1"] = "本工作簿第二页是演练计划。"
    plan = workbook.create_sheet("计划")
    plan.append(["乡镇火灾接报演练"])
    plan.merge_cells("A1:H1")
    plan.append(["时间（时:分）", "渠道", "来源", "内容", "预期动作", "时限", "依据", "分值"])
    plan.append([datetime.time(0, 13), "电话", "张伟（镇值班员）", "村里一户民房着火了，火已经扑灭。", "接听", "answer_phone", "duty.phone", 3])
    plan.append([None, None, None, None, "值班记录", "log_entry", "duty.log", "=2+3"])  # saved by Excel: has a value
    plan.append([None, None, None, None, "请示汇报", "escalate_urgent", "duty.escalation", "=A1*2"])  # never calculated
    plan.append([None, None, None, None, "核实", "verify_claim", "duty.verification", 6])
    for column in "ABCD":  # the call's cells span its four rows
        plan.merge_cells(f"{column}3:{column}6")
    plan.append([datetime.datetime(1899, 12, 30, 23, 50), "Fax", "镇党委办公室", "关于火灾情况的报告", "登记", 5, "文电：收发登记", 4])
    plan.append(["=B7", "消息", "镇值班员", "火已扑灭", "接听", "answer_phone", "duty.phone", 2])
    workbook.save(path)
    with zipfile.ZipFile(path) as archive:  # give the first formula a cached value, as Excel does on saving
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["xl/worksheets/sheet2.xml"] = parts["xl/worksheets/sheet2.xml"].replace(b"<f>2+3</f><v />", b"<f>2+3</f><v>5</v>")
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
