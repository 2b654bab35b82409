"""The readiness board in the app, for a signed-in trainer: cohort by cohort, the standing of
each trainee and what is missing, totals, export to CSV and XLSX, untrusted names shown literally."""

from __future__ import annotations

import csv
import datetime

import openpyxl
import pytest
from textual.notifications import Notify
from textual.screen import Screen

from scoring import credentials
from scoring.readiness import ReadinessPolicy
from scoring.records import RecordsStore, open_records
from scoring.trainers import Trainer
from tests.records.conftest import WallClock, make_drill_file, sit
from tests.tui.test_debrief_screen import shown
from tui.screens.readiness import ReadinessScreen
from tui.widgets.readiness_board import BoardTable

TODAY = datetime.date(2026, 6, 1)
POLICY = ReadinessPolicy(minimum_score=80, required_competencies={"escalation": 80}, critical_free_exams=3, valid_days=90)
GOOD = {"escalation": 90}


@pytest.fixture(autouse=True)
def fast_scrypt(monkeypatch):
    monkeypatch.setattr(credentials, "SCRYPT_PARAMETERS", {"n": 2**10, "r": 8, "p": 1, "dklen": 32})


@pytest.fixture
def clock() -> WallClock:
    return WallClock()


@pytest.fixture
def records(tmp_path, clock) -> RecordsStore:
    """The app's records (make_app takes them), on a clock the tests set."""
    return RecordsStore(open_records(tmp_path / "records.db"), clock)


@pytest.fixture
def trainer(records, clock) -> Trainer:
    clock.now = "2026-05-01T08:00:00"
    return Trainer.set_first_passphrase(records, "值班室-教员-2026")


@pytest.fixture
def cohorts(records, clock, trainer, tmp_path, policy):
    """Two cohorts and one trainee in none: cleared, expiring, not yet, expired, cleared by hand, no exam."""
    drill = make_drill_file(tmp_path)
    for name, unit, cohort in [("张伟", "县委办", "2026春"), ("李娜", "县政府办", "2026春"), ("王芳", "应急管理局", "2026春"),
                               ("赵强", "公安局", "2026秋"), ("陈静", "县委办", "2026秋"), ("孙磊", "信访局", None)]:
        trainer.add_trainee(name, unit, cohort)
    trainee = records.require_trainee
    sit(records, clock, trainee("张伟"), drill, policy, day="2026-05-20", score=92, competencies=GOOD)  # until 08-18
    sit(records, clock, trainee("李娜"), drill, policy, day="2026-03-15", score=88, competencies=GOOD)  # until 06-13
    sit(records, clock, trainee("王芳"), drill, policy, day="2026-05-02", score=85, competencies={"escalation": 60})
    sit(records, clock, trainee("赵强"), drill, policy, day="2026-01-15", score=90, competencies=GOOD)  # ran out 04-15
    clock.now = "2026-05-25T09:00:00"
    trainer.clear_by_hand("陈静", datetime.date(2026, 12, 31), "已在市委办值班三年，经考察合格")


async def open_board(app, pilot, trainer, **options) -> ReadinessScreen:
    screen = ReadinessScreen(trainer, policy=options.pop("policy", POLICY), today=TODAY, **options)
    await app.push_screen(screen)
    await pilot.pause()
    return screen


def rows(screen: ReadinessScreen) -> list[list[str]]:
    table = screen.query_one(BoardTable)
    return [[cell.plain for cell in table.get_row_at(index)] for index in range(table.row_count)]


async def detail_of(screen: ReadinessScreen, pilot, name: str) -> str:
    table = screen.query_one(BoardTable)
    table.move_cursor(row=next(index for index, row in enumerate(rows(screen)) if row[0].strip() == name))
    await pilot.pause()
    return shown(screen.query_one("#readiness-detail"))


async def test_the_board_in_chinese_cohort_by_cohort_problems_first(make_app, trainer, cohorts):
    app = make_app("zh")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_board(app, pilot, trainer)
        assert rows(screen) == [
            ["2026春", "共 3 人", "", "尚未具备 1、即将到期 1、可上岗 1"],
            ["  王芳", "尚未具备", "—", "请示汇报低于80%"],
            ["  李娜", "即将到期", "2026-06-13", ""],
            ["  张伟", "可上岗", "2026-08-18", ""],
            ["2026秋", "共 2 人", "", "已过期 1、可上岗 1"],
            ["  赵强", "已过期", "2026-04-15", "考核合格已过期、请示汇报已过期"],
            ["  陈静", "人工认定", "2026-12-31", ""],
            ["未分批次", "共 1 人", "", "尚未具备 1"],
            ["  孙磊", "尚未具备", "—", "无考核"],
        ]
        assert shown(screen.query_one("#readiness-summary")) == \
            "截至 2026-06-01，共 6 人：可上岗 3 人（其中 1 人 30 天内到期），尚未具备 2 人，已过期 1 人。"
        # The cursor starts on the first trainee, and the detail follows it.
        assert "王芳 · 应急管理局 · 2026春" in shown(screen.query_one("#readiness-detail"))
        assert "请示汇报 低于 80%（最好 60%）" in shown(screen.query_one("#readiness-detail"))
        expired = await detail_of(screen, pilot, "赵强")
        assert "上岗资格：已过期（有效期至 2026-04-15）" in expired
        assert "任一演练 于 2026-01-15 的合格记录已于 2026-04-15 到期" in expired
        assert "请示汇报 最近一次达到 80% 是 2026-01-15" in expired
        assert "即将到期：有效期至 2026-06-13（12 天后到期）" in await detail_of(screen, pilot, "李娜")
        by_hand = await detail_of(screen, pilot, "陈静")
        assert "可上岗，有效期至 2026-12-31" in by_hand
        assert "人工认定：2026-05-25 至 2026-12-31；理由：已在市委办值班三年，经考察合格" in by_hand
        assert "最近一次计入的考核：无" in by_hand and "各项条件均已具备" in by_hand
        heading = await detail_of(screen, pilot, "2026秋")
        assert heading.startswith("2026秋  共 2 人") and "已过期  1" in heading and "尚未具备  0" in heading
        shown_bindings = {binding.id for _, binding, *_ in app.screen.active_bindings.values() if binding.show}
        assert {"readiness.close", "readiness.export"} <= shown_bindings
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is not screen


async def test_the_board_in_english_fits_80_columns(make_app, trainer, cohorts):
    app = make_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_board(app, pilot, trainer)
        table = screen.query_one(BoardTable)
        assert [row[1] for row in rows(screen)] == ["trainees: 3", "Not yet", "Expiring", "Cleared", "trainees: 2", "Expired",
                                                    "Cleared by hand", "trainees: 1", "Not yet"]
        assert rows(screen)[5][3] == "exam: pass expired, Escalation: expired"
        assert rows(screen)[7][0] == "No cohort" and rows(screen)[8][3] == "no exam"
        assert shown(screen.query_one("#readiness-summary")).startswith(
            "As of 2026-06-01, 6 trainees: 3 cleared (including 1 expiring within 30 days), 2 not yet, 1 expired.")
        # No sideways scrolling: the Missing column takes the room left and ends in "…" if need be.
        assert table.virtual_size.width <= table.scrollable_content_region.width
        expired = await detail_of(screen, pilot, "赵强")
        assert "Readiness: expired (held until 2026-04-15)" in expired
        assert "the pass in any drill of 2026-01-15 ran out on 2026-04-15" in expired
        assert "Cleared by hand from 2026-05-25 to 2026-12-31; reason: 已在市委办值班三年" in await detail_of(screen, pilot, "陈静")
        assert "expiring, valid until 2026-06-13 (in 12 days)" in await detail_of(screen, pilot, "李娜")
        assert "• no exam attempt yet" in await detail_of(screen, pilot, "孙磊")


async def test_export_writes_the_board_as_csv_and_xlsx(make_app, trainer, cohorts, tmp_path):
    notes = []
    app = make_app("zh")
    hook = lambda message: notes.append(message.notification) if isinstance(message, Notify) else None  # noqa: E731
    folder = tmp_path / "exports" / "today"
    async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
        await open_board(app, pilot, trainer, export_folder=folder)
        await pilot.press("e")
        await pilot.pause()
    assert notes[-1].severity == "information"
    assert notes[-1].message == f"已导出到 {folder}：readiness-2026-06-01.csv、readiness-2026-06-01.xlsx。"
    csv_text = (folder / "readiness-2026-06-01.csv").read_text(encoding="utf-8")
    assert csv_text.startswith("\ufeff")  # for Excel and WPS to read Chinese
    written = list(csv.reader(csv_text.removeprefix("\ufeff").splitlines()))
    assert written[0] == ["学员", "单位", "批次", "上岗资格", "有效期至", "最近考核", "尚缺"]
    assert [row[:5] for row in written[1:]] == [
        ["王芳", "应急管理局", "2026春", "尚未具备", ""], ["李娜", "县政府办", "2026春", "可上岗", "2026-06-13"],
        ["张伟", "县委办", "2026春", "可上岗", "2026-08-18"], ["赵强", "公安局", "2026秋", "已过期", "2026-04-15"],
        ["陈静", "县委办", "2026秋", "可上岗", "2026-12-31"], ["孙磊", "信访局", "", "尚未具备", ""]]
    assert written[1][6] == "请示汇报 低于 80%（最好 60%）"
    assert written[5][6] == "无：人工认定 2026-05-25 至 2026-12-31；理由：已在市委办值班三年，经考察合格"
    sheet = openpyxl.load_workbook(folder / "readiness-2026-06-01.xlsx").active
    cells = list(sheet.iter_rows(values_only=True))
    assert cells[0] == tuple(written[0]) and [row[0] for row in cells[1:]] == ["王芳", "李娜", "张伟", "赵强", "陈静", "孙磊"]
    assert cells[4][4] == datetime.datetime(2026, 4, 15) and cells[4][6].startswith("任一演练 于 2026-01-15 的合格记录")
    assert cells[5][6] == written[5][6]


async def test_an_export_that_cannot_be_written_says_why(make_app, trainer, cohorts, tmp_path):
    notes = []
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the folder should be", encoding="utf-8")
    app = make_app("en")
    hook = lambda message: notes.append(message.notification) if isinstance(message, Notify) else None  # noqa: E731
    async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
        screen = await open_board(app, pilot, trainer, export_folder=blocked)
        await pilot.press("e")
        await pilot.pause()
        assert app.screen is screen  # still on the board
    assert notes[-1].severity == "error"
    assert notes[-1].message.startswith(f"Could not export the board to {blocked}: ") and "File exists" in notes[-1].message
    assert blocked.read_text(encoding="utf-8") == "a file where the folder should be"


async def test_names_with_markup_and_escape_codes_show_literally(make_app, records, trainer):
    trainer.add_trainee("[bold]x[/]\x1b[31m红", unit="[red]县委办", cohort="[i]一期")
    app = make_app("zh")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_board(app, pilot, trainer)
        table = screen.query_one(BoardTable)
        assert rows(screen)[:2] == [["[i]一期", "共 1 人", "", "尚未具备 1"], ["  [bold]x[/]红", "尚未具备", "—", "无考核"]]
        name = table.get_row_at(1)[0]
        assert not any("bold" in str(span.style) for span in name.spans)  # not parsed as markup
        detail = shown(screen.query_one("#readiness-detail"))
        assert detail.startswith("[bold]x[/]红 · [red]县委办 · [i]一期") and "\x1b" not in detail
        svg = app.export_screenshot()
        assert "[bold]x[/]" in svg and "[red]县委办" in svg and "\x1b" not in svg


async def test_an_empty_database_says_how_to_add_trainees(make_app, trainer):
    notes = []
    app = make_app("zh")
    hook = lambda message: notes.append(message.notification) if isinstance(message, Notify) else None  # noqa: E731
    async with app.run_test(size=(80, 24), message_hook=hook) as pilot:
        screen = await open_board(app, pilot, trainer)
        assert screen.has_class("-empty") and not screen.query_one("#readiness-body").display
        assert shown(screen.query_one("#readiness-summary")).startswith("还没有学员。可用 dutydrill trainer add 添加学员")
        await pilot.press("e")
        await pilot.pause()
    assert notes[-1].severity == "warning" and notes[-1].message == "名单上没有人，无需导出。"


async def test_a_broken_office_policy_is_named_instead_of_a_board(make_app, trainer, cohorts, isolated_home):
    (isolated_home / "readiness.yaml").write_text("valid_days: -3\n", encoding="utf-8")
    app = make_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_board(app, pilot, trainer, policy=None)  # the office's policy, as in the app
        message = shown(screen.query_one("#readiness-summary"))
        assert screen.has_class("-error") and message.startswith("The readiness standard cannot be used:")
        assert "readiness.yaml" in message and "valid_days" in message


async def test_the_board_is_read_again_when_it_comes_back(make_app, trainer, cohorts):
    app = make_app("en")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_board(app, pilot, trainer)
        await detail_of(screen, pilot, "赵强")
        await app.push_screen(Screen())  # say, the trainer's screen where a clearance is made
        trainer.clear_by_hand("孙磊", datetime.date(2026, 9, 30), "transferred from the city duty room")
        app.pop_screen()
        await pilot.pause()
        assert rows(screen)[-1] == ["  孙磊", "Cleared by hand", "2026-09-30", ""]
        assert "4 cleared" in shown(screen.query_one("#readiness-summary"))
        # The cursor stays with the trainee it was on.
        assert rows(screen)[screen.query_one(BoardTable).cursor_row][0] == "  赵强"
        assert shown(screen.query_one("#readiness-detail")).startswith("赵强")
