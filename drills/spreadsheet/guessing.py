"""Guesses from a cell's words: ids from names, who a person is and their role, a variable's kind."""

from __future__ import annotations

import re
import unicodedata

def _slug(text: str, limit: int = 40) -> str:
    return re.sub(r"[^a-z0-9]+", "_", unicodedata.normalize("NFKC", text).lower()).strip("_")[:limit].strip("_")


def _is_id(text: str) -> bool:
    return bool(re.fullmatch(r"[a-z0-9][a-z0-9_.-]*", text)) and len(text) <= 80


def _person_parts(text: str) -> tuple[str, str]:
    """``张三（镇党委值班员）`` → name and title; a cell with no brackets is all name."""
    match = re.fullmatch(r"(.*?)\s*[（(](.*)[）)]\s*", text, re.S)
    if not match:
        return text, ""
    name, title = match[1].strip(), match[2].strip()
    return (name or title), (title if name else "")


_OUTSIDE = re.compile(r"镇|乡|街道|村|局|队|公司|学校|医院|矿|township|village|bureau|police|company|school|hospital|mine", re.I)
_ROLE_HINTS = (  # the first that matches; the ladder roles only for people of the trainee's own office
    ("upper_duty_office", r"[市省州]委?(政府)?(总)?值班室|上级值班室|upper.*duty|(city|provincial|province)\b.*duty (room|office)"),
    ("petition_office", r"信访|petition"),
    ("inspector", r"督查|抽查|查岗|检查组|inspector|spot.?check"),
    ("caller", r"记者|reporter|journalist"),
    ("shift_leader", r"带班|shift leader|on shift"),
    ("office_director", r"办公室主任|办主任|office director|director of the .*office"),
    ("leader_in_charge", r"分管|主管领导|副县长|副书记|in charge|deputy county head|responsible for"),
    ("principal_leader", r"主要领导|县委书记|县长|市长|party secretary|county head|mayor"),
)
_LADDER = {"shift_leader", "office_director", "leader_in_charge", "principal_leader"}
_ROLE_OF_CHANNEL = {"phone": "caller", "spot_check": "inspector", "visitor": "visitor", "fax": "unit",
                    "telegram": "unit", "message": "unit", "instruction": "other", None: "unit"}


def guess_role(text: str, channel: str | None) -> str:
    for role, pattern in _ROLE_HINTS:
        if re.search(pattern, text, re.I) and not (role in _LADDER and _OUTSIDE.search(text)):
            return role
    return _ROLE_OF_CHANNEL.get(channel, "unit")


DEFAULT_PEOPLE = {  # role → titles (zh, en) of the person added when the plan names nobody with it
    "shift_leader": ("县委办副主任（今日带班）", "Deputy office director (shift leader today)"),
    "office_director": ("县委办主任", "Office director"),
    "leader_in_charge": ("分管副书记", "Deputy Party secretary in charge"),
    "principal_leader": ("县委书记", "Party secretary"),
    "upper_duty_office": ("市委值班室值班员", "Duty officer, city committee duty room"),
    "petition_office": ("县信访局接待人员", "Reception officer, county petitions bureau"),
    "unit": ("有关单位联系人", "Contact at the unit concerned"),
    "duty_colleague": ("值班同事", "Colleague on duty"),
    "caller": ("来电人", "Caller"), "visitor": ("来访人", "Visitor"),
    "inspector": ("上级抽查人员", "Inspector"), "other": ("联系人", "Contact"),
}


def guess_variable(name: str) -> dict:
    """A declaration for ``{name}`` from the name alone: ``caller_phone`` is a phone, ``village2`` a village."""
    base = name.rstrip("0123456789").rstrip("_") or name
    kinds = {"name", "male_name", "female_name", "surname", "phone", "mobile", "village", "township", "county",
             "company", "mine", "school", "plate"}
    for kind in sorted(kinds, key=len, reverse=True):
        if base == kind or base.endswith("_" + kind):
            return {"kind": kind}
    if "phone" in base or "mobile" in base:
        return {"kind": "mobile"}
    if base.endswith("_line"):
        return {"kind": "number", "low": 2000000, "high": 8999999}
    if re.search(r"(^|_)(no|number|count|total)$|^(households|residents|trapped|dead|deaths|injured|missing|"
                 r"workers|visitors|crowd|rooms|day|hour|months|percent)$", base):
        return {"kind": "number", "low": 1, "high": 20}
    return {"kind": "name"}

