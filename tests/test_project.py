"""Project-wide checks: settings from the environment, migrations, deployment."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from eucacis.env import database_from_url, env_bool, env_list

ROOT = Path(__file__).resolve().parents[1]


def test_no_database_url_means_the_sqlite_file(tmp_path):
    config = database_from_url("", sqlite_default=tmp_path / "db.sqlite3")
    assert (config["ENGINE"], config["NAME"]) == ("django.db.backends.sqlite3", tmp_path / "db.sqlite3")
    assert config["CONN_MAX_AGE"] > 0


def test_sqlite_transactions_take_the_write_lock_when_they_begin_so_concurrent_saves_queue(tmp_path):
    for url in ("", f"sqlite:///{tmp_path}/other.sqlite3"):
        assert (
            database_from_url(url, sqlite_default=tmp_path / "db.sqlite3")["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
        )


def test_a_postgres_url_is_split_into_its_parts():
    config = database_from_url("postgres://u%40x:p%2Fw@db.example:6543/briefs", sqlite_default="x")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"], config["HOST"], config["PORT"]) == (
        "briefs",
        "u@x",
        "p/w",
        "db.example",
        "6543",
    )


@pytest.mark.parametrize("url", ["mysql://x/y", "postgres://host/"])
def test_an_unusable_database_url_fails_loudly(url):
    with pytest.raises(ImproperlyConfigured):
        database_from_url(url, sqlite_default="x")


def test_yes_no_and_list_values(monkeypatch):
    monkeypatch.setenv("FLAG", "Yes")
    monkeypatch.setenv("HOSTS", "a.example, b.example,")
    assert env_bool("FLAG", default=False) is True
    assert env_list("HOSTS", default=[]) == ["a.example", "b.example"]
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured):
        env_bool("FLAG", default=False)


def _manage(*args, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean | env, capture_output=True, text=True, timeout=120
    )


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = _manage("check", DEBUG="0", ALLOWED_HOSTS="briefs.example.org")
    assert result.returncode != 0 and "SECRET_KEY is not set" in result.stderr


def test_production_settings_refuse_to_start_without_allowed_hosts():
    result = _manage("check", DEBUG="0", SECRET_KEY="x" * 60)
    assert result.returncode != 0 and "ALLOWED_HOSTS is not set" in result.stderr


@pytest.mark.parametrize(
    "value", ["briefs.example.org", "https://briefs.example.org/site/", "ftp://briefs.example.org"]
)
def test_site_url_must_be_a_scheme_and_a_host(value):
    result = _manage("check", DEBUG="1", SITE_URL=value)
    assert result.returncode != 0 and "is not a site address: give the scheme and host only" in result.stderr


def test_site_url_loses_its_trailing_slash():
    result = _manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SITE_URL)",
        DEBUG="1",
        SITE_URL="https://briefs.example.org/",
    )
    assert result.stdout.strip().splitlines()[-1] == "https://briefs.example.org", result.stderr


def test_check_deploy_with_production_values_reports_no_warnings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="k3y-" + "q8Zt2vLr9xWp4mNs7bYc" * 3,
        ALLOWED_HOSTS="briefs.example.org",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_manage_py_defaults_to_development_settings_but_the_web_server_does_not():
    assert _manage("check").returncode == 0
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}}
    result = subprocess.run(
        [sys.executable, "-c", "import eucacis.wsgi"], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0 and "SECRET_KEY is not set" in result.stderr


@pytest.mark.django_db
def test_ensure_admin_refuses_outside_local_development(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError, match="local development only"):
        call_command("ensure_admin", stdout=open(os.devnull, "w"))


@pytest.mark.django_db
def test_every_model_change_has_a_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def _imports_of(package):
    """The top-level packages imported by the Python files of ``package`` (migrations excluded)."""
    import ast

    found = {}
    for path in (ROOT / package).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            for name in names:
                found.setdefault(name.split(".")[0], set()).add(str(path.relative_to(ROOT)))
    return found


def test_people_imports_nothing_from_briefs():
    assert "briefs" not in _imports_of("people"), _imports_of("people").get("briefs")


def test_briefs_and_people_import_nothing_from_sharing():
    # sharing depends on briefs, one way: it adds its inline to the issue form itself.
    for app in ("briefs", "people"):
        assert "sharing" not in _imports_of(app), (app, _imports_of(app).get("sharing"))


def test_the_shared_rich_text_app_imports_neither_app():
    imports = _imports_of("richtext")
    assert "briefs" not in imports and "people" not in imports


def test_the_shared_import_core_imports_neither_app():
    # The fellows import and the Word import depend on it, one way.
    imports = _imports_of("imports")
    assert "briefs" not in imports and "people" not in imports, imports


def test_the_page_cache_imports_neither_app():
    # It is told what it needs (the preview permission, the next scheduled change) by the settings.
    imports = _imports_of("sitecache")
    assert "briefs" not in imports and "people" not in imports


@pytest.mark.django_db(transaction=True)
def test_moving_the_editorial_team_to_briefs_keeps_the_demo_team_both_ways():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from briefs.models import EditorialMembership

    call_command("load_demo", stdout=open(os.devnull, "w"))
    before = list(
        EditorialMembership.objects.order_by("sort_order", "pk").values_list(
            "series__slug", "person__family_name", "role", "position", "start_date", "end_date", "sort_order"
        )
    )
    assert len(before) == 5
    try:
        call_command("migrate", "briefs", "0004", verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM people_editorialmembership")
            assert cursor.fetchone()[0] == 5
    finally:
        call_command("migrate", verbosity=0)
    after = list(
        EditorialMembership.objects.order_by("sort_order", "pk").values_list(
            "series__slug", "person__family_name", "role", "position", "start_date", "end_date", "sort_order"
        )
    )
    assert after == before
    assert not MigrationExecutor(connection).migration_plan(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_check_deploy_warns_when_the_page_cache_is_not_shared():
    result = _manage(
        "check",
        "--deploy",
        DEBUG="0",
        SECRET_KEY="k3y-" + "q8Zt2vLr9xWp4mNs7bYc" * 3,
        ALLOWED_HOSTS="briefs.example.org",
    )
    assert "sitecache.W001" in result.stdout + result.stderr and "Set REDIS_URL" in result.stdout + result.stderr
