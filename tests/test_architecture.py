"""The house has one room per concept, and the doors open one way (docs/architecture.md).

The import contracts live in pyproject.toml ([tool.importlinter]); these tests run
them, and look for import cycles between any two modules of the project, imports
inside functions included.
"""

import subprocess
import sys
from pathlib import Path

import grimp
from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent
PROJECT_PACKAGES = [
    "eucacis", "demo", "editorial", "oai", "reader", "sharing", "crossref", "newsletter", "readership", "printing", "search",
    "briefs", "people", "jobs", "imports", "richtext", "sitecache", "common",
]  # fmt: skip


def _cycles(graph):
    """The strongly connected groups of more than one module (Tarjan's algorithm, iterative)."""
    index, low, on_stack, stack, groups, counter = {}, {}, set(), [], [], 0
    for start in sorted(graph.modules):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            module, imported = work[-1]
            for other in imported:
                if other not in index:
                    index[other] = low[other] = counter
                    counter += 1
                    stack.append(other)
                    on_stack.add(other)
                    work.append((other, iter(sorted(graph.find_modules_directly_imported_by(other)))))
                    break
                if other in on_stack:
                    low[module] = min(low[module], index[other])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[module])
                if low[module] == index[module]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == module:
                            break
                    if len(group) > 1:
                        groups.append(sorted(group))
    return groups


def test_each_app_imports_only_the_apps_below_it():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint), "--no-cache", "--config", "pyproject.toml"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_no_two_modules_import_each_other_even_through_others():
    sys.path.insert(0, str(ROOT))
    graph = grimp.build_graph(*PROJECT_PACKAGES, include_external_packages=False)
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    graph = grimp.ImportGraph()
    for name in ("a", "a.one", "a.two", "a.three"):
        graph.add_module(name)
    graph.add_import(importer="a.one", imported="a.two")
    graph.add_import(importer="a.two", imported="a.three")
    graph.add_import(importer="a.three", imported="a.one")
    assert _cycles(graph) == [["a.one", "a.three", "a.two"]]


def test_every_project_app_is_under_contract():
    installed = {config.name for config in apps.get_app_configs() if (ROOT / config.name).is_dir()}
    assert installed <= set(PROJECT_PACKAGES)
    assert "demo" in installed  # the tests run with DEBUG's apps


def test_demo_accounts_and_content_are_not_installed_in_production(monkeypatch):
    """Production (DEBUG off) has no command that makes accounts with a known password."""
    env = {"DEBUG": "0", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "example.org", "PATH": "/usr/bin:/bin"}
    code = "from django.conf import settings; print(','.join(settings.INSTALLED_APPS))"
    result = subprocess.run(
        [sys.executable, "-c", f"import django, os; os.environ['DJANGO_SETTINGS_MODULE']='eucacis.settings'; django.setup(); {code}"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "demo" not in result.stdout.strip().split(",")
    assert "editorial" in result.stdout
    commands = subprocess.run(
        [sys.executable, "manage.py", "help", "--commands"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert commands.returncode == 0, commands.stderr
    listed = commands.stdout.split()
    assert "ensure_roles" in listed and "build_pdfs" in listed
    for demo_command in ("load_demo", "generate_issues", "ensure_admin"):
        assert demo_command not in listed
