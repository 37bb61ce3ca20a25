"""The COUNTER robots list is shipped as counter-robots 2025.11 has it, and matches as that package does."""

import hashlib
import re

import pytest

from readership import robots

#: The digests readership/counter_robots/README.md gives: a changed file must change the README too.
DIGESTS = {
    "robot.txt": "179a20d3ee8f90e714424b7d82de972db954807a24788bb5d128cd2e2a058808",
    "machine.txt": "72b814897dd50ffc334fff0cabfcb49c21c94d88e099b46fa7836aaee80fc1ef",
}


def test_the_list_files_are_those_the_readme_names_with_its_version_and_date():
    readme = (robots.LIST_FOLDER / "README.md").read_text()
    for name, digest in DIGESTS.items():
        assert hashlib.sha256((robots.LIST_FOLDER / name).read_bytes()).hexdigest() == digest
        assert digest in readme
    assert f"{robots.LIST_PACKAGE} {robots.LIST_VERSION}" in readme and robots.LIST_DATE in readme
    assert (robots.LIST_FOLDER / "LICENSE").read_text().startswith("MIT License")


def test_every_pattern_compiles_and_the_list_is_whole():
    patterns = robots.patterns()
    assert len(patterns) == 327 + 35
    for pattern in patterns:
        re.compile(pattern)


@pytest.mark.parametrize(
    "user_agent, robot",
    [
        ("Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)", True),
        ("Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)", True),
        ("Python-urllib/3.11", True),
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
         "Version/17.1 Mobile/15E148 Safari/604.1", False),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
         "Safari/537.36 Edg/120.0.0.0", False),
    ],
)  # fmt: skip
def test_robots_and_browsers(user_agent, robot):
    assert robots.is_robot(user_agent) is robot
