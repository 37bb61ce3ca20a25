"""Robots and machines, by the COUNTER robots list (``readership/counter_robots/``, see its README).

A user agent matching any pattern of the list is a robot and is not counted; so is a
request without one (the list's ``^.?$``). The patterns are joined into one regular
expression, compiled the first time it is needed in a process; each user agent's answer
is remembered (readers' browsers send few distinct ones), so a page-cache hit pays a
dictionary look-up, not a search through 360 patterns.
"""

import re
from functools import cache
from pathlib import Path

from common.lru import LRU

LIST_PACKAGE = "counter-robots"
LIST_VERSION = "2025.11"
LIST_DATE = "2025-02-13"
LIST_FILES = ("robot.txt", "machine.txt")
LIST_FOLDER = Path(__file__).resolve().parent / "counter_robots"

_answers = LRU(4096)


def patterns():
    """The list's patterns, in the files' order."""
    return [
        line
        for name in LIST_FILES
        for line in (LIST_FOLDER / name).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


@cache
def _robots():
    # The list's own flags: as counter-robots matches it (case-sensitive ``search``).
    return re.compile("|".join(f"(?:{pattern})" for pattern in patterns()))


def is_robot(user_agent):
    """Whether a request with this ``User-Agent`` comes from a robot or a machine (and is not counted)."""
    answer = _answers.get(user_agent)
    if answer is None:
        answer = _robots().search(user_agent) is not None
        _answers.put(user_agent, answer)
    return answer
