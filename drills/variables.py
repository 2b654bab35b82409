"""Seeded variables: names, phones, villages and units drawn from Faker.

The same seed gives the same drill byte for byte, so a group shares one seed and a
debrief can replay it. Only the kinds listed in ``Variable.kind`` exist: a drill file
never names a Faker method directly.
"""

from __future__ import annotations

import importlib.util
import re
import sys
import types
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from faker import Faker

from drills.scenario import Scenario, Variable

PLACEHOLDER = re.compile(r"\{([a-z0-9][a-z0-9_]*)\}")

_LOCALES = {"zh": "zh_CN", "en": "en_US"}

_ZH_VILLAGE_ENDINGS = ["家庄村", "家沟村", "家峪村", "家坪村", "家湾村", "家寨村"]
_ZH_TOWNSHIP_NAMES = ["城关", "王快", "平阳", "龙泉", "台峪", "砂窝", "夏庄", "北果园", "天生桥", "大台"]
_EN_PLACE_ENDINGS = ["Hollow", "Creek", "Ridge", "Crossing", "Valley", "Springs"]


class _TransliterationTable:
    """Stands in for ``faker.decode.codes`` and loads the real table only if it is read.

    Importing Faker pulls in a 67 MB transliteration table used for e-mail addresses,
    which no drill variable draws; loading it lazily keeps the app under 100 MB.
    """

    def __init__(self, path: str) -> None:
        self._path = path
        self._codes: tuple | None = None

    def __getitem__(self, index: int) -> str:
        if self._codes is None:
            spec = importlib.util.spec_from_file_location("faker.decode._codes", self._path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            self._codes = module.codes
        return self._codes[index]


def _import_faker() -> type[Faker]:
    if "faker" not in sys.modules:
        faker_spec = importlib.util.find_spec("faker")
        codes_path = faker_spec.submodule_search_locations[0] + "/decode/codes.py"
        stand_in = types.ModuleType("faker.decode.codes")
        stand_in.codes = _TransliterationTable(codes_path)
        sys.modules["faker.decode.codes"] = stand_in
    from faker import Faker

    return Faker


def _kind_generators(fake: Faker, language: str) -> dict[str, Callable[[Variable], str]]:
    zh = language == "zh"
    return {
        "name": lambda v: fake.name(),
        "male_name": lambda v: fake.name_male(),
        "female_name": lambda v: fake.name_female(),
        "surname": lambda v: fake.last_name(),
        "phone": lambda v: fake.phone_number(),
        "mobile": lambda v: fake.phone_number(),
        "village": lambda v: (
            fake.last_name() + fake.random_element(_ZH_VILLAGE_ENDINGS)
            if zh
            else f"{fake.last_name()} {fake.random_element(_EN_PLACE_ENDINGS)}"
        ),
        "township": lambda v: (
            fake.random_element(_ZH_TOWNSHIP_NAMES) + "镇" if zh else f"{fake.city()} Township"
        ),
        "county": lambda v: (fake.city_name() + "县" if zh else f"{fake.last_name()} County"),
        "company": lambda v: fake.company(),
        "mine": lambda v: (
            fake.last_name() + "家沟煤矿" if zh else f"{fake.last_name()} Hill Coal Mine"
        ),
        "school": lambda v: (
            fake.last_name() + "庄中心小学" if zh else f"{fake.last_name()} Primary School"
        ),
        "plate": lambda v: fake.license_plate(),
        "choice": lambda v: fake.random_element(v.choices or [""]),
        "number": lambda v: str(fake.random_int(v.low or 0, v.high or 0)),
    }


def draw_variables(scenario: Scenario, seed: int) -> dict[str, str]:
    """Draw every declared variable in declaration order from a Faker seeded with ``seed``."""
    fake = _import_faker()(_LOCALES[scenario.language])
    fake.seed_instance(seed)
    generators = _kind_generators(fake, scenario.language)
    drawn: dict[str, str] = {}
    for name, variable in scenario.variables.items():
        value = generators[variable.kind](variable)
        # Two people with the same drawn name would confuse a trainee: draw again.
        for _ in range(5):
            if value not in drawn.values():
                break
            value = generators[variable.kind](variable)
        drawn[name] = value
    return drawn


def fill_placeholders(text: str, values: dict[str, str]) -> str:
    """Replace ``{name}``; an unknown name is left as written (``scenario check`` reports it)."""
    return PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), text)


def _fill_tree(data: Any, values: dict[str, str]) -> Any:
    if isinstance(data, str):
        return fill_placeholders(data, values)
    if isinstance(data, list):
        return [_fill_tree(item, values) for item in data]
    if isinstance(data, dict):
        return {key: _fill_tree(item, values) for key, item in data.items()}
    return data


def fill_scenario(scenario: Scenario, values: dict[str, str]) -> Scenario:
    """The scenario with every placeholder filled from ``values`` (as a journal recorded them)."""
    return Scenario.model_validate(_fill_tree(scenario.model_dump(mode="json"), values))


def instantiate(scenario: Scenario, seed: int) -> tuple[Scenario, dict[str, str]]:
    """The scenario with every placeholder filled from the seed's variables."""
    values = draw_variables(scenario, seed)
    return fill_scenario(scenario, values), values
