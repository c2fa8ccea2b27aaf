"""Settings: environment-driven, secure outside the demo, both databases."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from mubiao.settings import database_from_url

ROOT = Path(__file__).resolve().parent.parent
STRONG_KEY = "k" * 20 + "Zq8#v@L!m2$Xw9&" * 4


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # A production process starts without the test run's settings (nor the browser tests'
    # DJANGO_ALLOW_ASYNC_UNSAFE, which the deploy check rightly refuses).
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("MUBIAO_", "DJANGO_", "DATABASE_URL"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", MUBIAO_ALLOWED_HOSTS="example.org")
    assert result.returncode != 0
    assert "MUBIAO_SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr.splitlines()[-1]


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_manage("check", MUBIAO_SECRET_KEY=STRONG_KEY)
    assert result.returncode != 0
    assert "MUBIAO_ALLOWED_HOSTS is not set" in result.stderr


@pytest.mark.parametrize(
    ("key", "why"),
    [
        ("short", "it is 5 characters long, and at least 50 are needed"),
        ("x" * 60, "it uses fewer than 5 different characters"),
        ("django-insecure-" + "a1b2c3d4e5" * 5, "one of Django's generated insecure keys"),
    ],
)
def test_production_refuses_a_weak_secret_key(key, why):
    result = run_manage("check", MUBIAO_SECRET_KEY=key, MUBIAO_ALLOWED_HOSTS="example.org")
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert "MUBIAO_SECRET_KEY is too weak" in last and why in last


def test_production_refuses_debug_pages():
    result = run_manage(
        "check", MUBIAO_SECRET_KEY=STRONG_KEY, MUBIAO_ALLOWED_HOSTS="example.org",
        MUBIAO_DEBUG="true",
    )  # fmt: skip
    assert result.returncode != 0
    assert "MUBIAO_DEBUG=true is refused in production" in result.stderr.strip().splitlines()[-1]


def test_the_demo_may_still_debug(tmp_path):
    result = run_manage(
        "check", MUBIAO_MODE="demo", MUBIAO_DEBUG="true", MUBIAO_DATA_DIR=str(tmp_path)
    )
    assert result.returncode == 0, result.stderr


def test_the_deploy_check_is_clean_in_production(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        MUBIAO_SECRET_KEY=STRONG_KEY,
        MUBIAO_ALLOWED_HOSTS="mubiao.example.gov.cn",
        MUBIAO_DATA_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_a_bad_mode_is_named():
    result = run_manage("check", MUBIAO_MODE="staging")
    assert result.returncode != 0
    assert "MUBIAO_MODE must be production or demo" in result.stderr


@pytest.mark.parametrize(
    ("url", "engine", "name"),
    [
        ("postgres://u:p%40ss@db.local:5433/mubiao", "postgresql", "mubiao"),
        ("postgresql://u@127.0.0.1/plan", "postgresql", "plan"),
        ("sqlite:////tmp/x/mubiao.sqlite3", "sqlite3", "/tmp/x/mubiao.sqlite3"),
    ],
)
def test_it_reads_database_urls(url, engine, name):
    config = database_from_url(url)
    assert config["ENGINE"].endswith(engine)
    assert str(config["NAME"]) == name


def test_it_keeps_the_password_encoded_characters():
    assert database_from_url("postgres://u:p%40ss@h/db")["PASSWORD"] == "p@ss"


def test_it_names_an_unknown_database_scheme():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="must start with sqlite:// or postgres://"):
        database_from_url("mysql://u@h/db")


def test_the_defaults_are_chinese_and_shanghai_time():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ


def test_the_database_runs_with_its_production_options(db):
    options = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            mode = cursor.fetchone()[0]
        # The test database lives in memory, where SQLite reports "memory"; a file uses WAL.
        assert mode in {"wal", "memory"}
        assert "journal_mode=WAL" in options["OPTIONS"]["init_command"]
        assert options["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    else:
        assert connection.vendor == "postgresql"
        assert options["CONN_HEALTH_CHECKS"] is True


def test_the_expected_database_is_the_one_in_use(db):
    """CI sets MUBIAO_EXPECT_DB so a PostgreSQL run cannot quietly fall back to SQLite."""
    expected = os.environ.get("MUBIAO_EXPECT_DB")
    if expected:
        assert connection.vendor == expected
    else:
        assert connection.vendor in {"sqlite", "postgresql"}
