"""The score trend: one bar per finished attempt, oldest on the left, with the pass mark.

Drawn with Rich Text at the width it is given; when there are more attempts than fit,
the most recent ones are shown. Under each bar are its score and ✔ or ✘, so passed and
failed differ by symbol as well as by colour.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.widget import Widget

_EIGHTHS = " ▁▂▃▄▅▆▇█"
_AXIS_WIDTH = 4  # "100┤"
_BAR, _GAP = 3, 1


@dataclass(frozen=True)
class Bar:
    score: int
    passed: bool


class ScoreTrend(Widget):
    COMPONENT_CLASSES = {"score-trend--passed", "score-trend--failed", "score-trend--axis", "score-trend--pass-mark"}
    DEFAULT_CSS = "ScoreTrend { height: auto; }"
    ROWS = 6

    def __init__(self, bars: list[Bar], pass_mark: int, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.bars = bars
        self.pass_mark = pass_mark

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"score-trend--{name}", partial=True)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self.ROWS + 2

    def fitting(self, width: int) -> list[Bar]:
        room = max(1, (width - _AXIS_WIDTH - 1) // (_BAR + _GAP))
        return self.bars[-room:]

    def _cell(self, bar: Bar, row: int) -> str:
        level = round(bar.score / 100 * self.ROWS * 8) - row * 8
        return _EIGHTHS[max(0, min(8, level))] * _BAR

    def render(self) -> Text:
        bars = self.fitting(max(self.size.width, 20))
        axis, mark = self._style("axis"), self._style("pass-mark")
        mark_row = min(self.ROWS - 1, self.pass_mark * self.ROWS // 100)
        lines = []
        for row in range(self.ROWS - 1, -1, -1):
            label = {self.ROWS - 1: "100", mark_row: str(self.pass_mark), 0: "0"}.get(row, "")
            line = Text(f"{label:>3}", style=axis) + Text("┤" if label else "│", style=axis)
            for bar in bars:
                cell = self._cell(bar, row)
                if cell.strip():
                    line.append(cell, self._style("passed" if bar.passed else "failed"))
                else:
                    line.append("╌" * _BAR if row == mark_row else " " * _BAR, mark)
                line.append("╌" * _GAP if row == mark_row else " " * _GAP, mark)
            lines.append(line)
        scores = Text(" " * _AXIS_WIDTH, style=axis)
        verdicts = Text(" " * _AXIS_WIDTH, style=axis)
        for bar in bars:
            style = self._style("passed" if bar.passed else "failed")
            scores.append(f"{bar.score:>{_BAR}}" + " " * _GAP, style)
            verdicts.append(f"{'✔' if bar.passed else '✘':>{_BAR}}" + " " * _GAP, style)
        lines += [scores, verdicts]
        return Text("\n").join(lines)
