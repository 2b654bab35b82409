"""Seeded variables: every kind draws, the same seed repeats, and Faker stays light."""

from __future__ import annotations

import subprocess
import sys


from drills.loader import load_scenario
from drills.scenario import Variable
from drills.variables import draw_variables, fill_placeholders
from tests.conftest import REPO
from tests.drills.drill_factory import drill_data, write_drill

KINDS = [kind for kind in Variable.model_fields["kind"].annotation.__args__]


def scenario_with_every_kind(tmp_path, language):
    variables = {f"v_{kind}": {"kind": kind} for kind in KINDS}
    variables["v_choice"] = {"kind": "choice", "choices": ["甲", "乙", "丙"]}
    variables["v_number"] = {"kind": "number", "low": 3, "high": 9}
    path = write_drill(tmp_path, drill_data(language=language, variables=variables))
    return load_scenario(path)[0]


def test_every_kind_draws_a_value_in_both_languages(tmp_path):
    for language in ("zh", "en"):
        values = draw_variables(scenario_with_every_kind(tmp_path, language), 5)
        assert all(values.values()), values
        assert 3 <= int(values["v_number"]) <= 9 and values["v_choice"] in "甲乙丙"


def test_same_seed_same_values_other_seed_other_values(tmp_path):
    scenario = scenario_with_every_kind(tmp_path, "zh")
    assert draw_variables(scenario, 5) == draw_variables(scenario, 5)
    assert draw_variables(scenario, 5) != draw_variables(scenario, 6)


def test_unknown_placeholder_is_left_as_written():
    assert fill_placeholders("{caller}来电，{nobody}", {"caller": "张三"}) == "张三来电，{nobody}"


def test_drawing_does_not_load_fakers_transliteration_table():
    probe = (
        "from tests.drills.test_variables import *; import sys, tempfile, pathlib\n"
        "from drills.variables import draw_variables\n"
        "folder = pathlib.Path(tempfile.mkdtemp())\n"
        "draw_variables(scenario_with_every_kind(folder, 'zh'), 1)\n"
        "table = sys.modules['faker.decode.codes'].codes\n"
        "assert table._codes is None, 'the 67 MB table was loaded'\n"
        "from faker.decode import unidecode\n"
        "assert unidecode('北京') == 'Bei Jing '\n"
    )
    subprocess.run([sys.executable, "-c", probe], cwd=REPO, check=True)
