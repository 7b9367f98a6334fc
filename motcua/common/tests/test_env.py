import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.common.text import fold
from motcua.env import ConfigError, env_bool, env_int, parse_database_url

ROOT = Path(__file__).resolve().parents[3]


def test_booleans_are_strict(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yes")
    assert env_bool("X_FLAG") is True
    monkeypatch.setenv("X_FLAG", "0")
    assert env_bool("X_FLAG", default=True) is False
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ConfigError, match="X_FLAG"):
        env_bool("X_FLAG")


def test_integers_are_strict(monkeypatch):
    monkeypatch.setenv("X_NUM", "12a")
    with pytest.raises(ConfigError, match="X_NUM"):
        env_int("X_NUM", 1)


def test_database_urls():
    pg = parse_database_url("postgres://motcua:p%40ss@db.local:5433/motcua?sslmode=require")
    assert (pg.engine, pg.name, pg.user, pg.password, pg.host, pg.port) == (
        "django.db.backends.postgresql",
        "motcua",
        "motcua",
        "p@ss",
        "db.local",
        "5433",
    )
    assert pg.options == {"sslmode": "require"}
    lite = parse_database_url("sqlite:////srv/motcua/db.sqlite3")
    assert (lite.engine, lite.name) == ("django.db.backends.sqlite3", "/srv/motcua/db.sqlite3")
    with pytest.raises(ConfigError, match="only sqlite"):
        parse_database_url("mysql://x/y")
    with pytest.raises(ConfigError, match="database name"):
        parse_database_url("postgres://host/")


def _start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "MOTCUA_ENV"}}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        env={**clean, "DJANGO_SETTINGS_MODULE": "motcua.settings", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_a_missing_secret_key():
    result = _start({"MOTCUA_ENV": "production", "ALLOWED_HOSTS": "x"})
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_production_refuses_an_insecure_secret_key():
    result = _start({"MOTCUA_ENV": "production", "SECRET_KEY": "django-insecure-" + "a" * 60})
    assert result.returncode != 0
    assert "SECRET_KEY is insecure" in result.stderr


def test_production_refuses_debug():
    key = "k" * 20 + "Zq8#pL2!xW9@mN4$vB7&cR1*tY6^uI3%oP5"
    result = _start({"MOTCUA_ENV": "production", "SECRET_KEY": key, "DEBUG": "true"})
    assert result.returncode != 0
    assert "DEBUG must be off" in result.stderr


def test_production_starts_with_a_strong_key():
    key = "k" * 20 + "Zq8#pL2!xW9@mN4$vB7&cR1*tY6^uI3%oP5"
    result = _start({"MOTCUA_ENV": "production", "SECRET_KEY": key, "ALLOWED_HOSTS": "x"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "started"


def test_folding_strips_vietnamese_marks_and_d_stroke():
    assert fold("Thủ tục ĐĂNG KÝ khai sinh") == "thu tuc dang ky khai sinh"
    assert fold("  Đặc   khu ") == "dac khu"


@given(
    st.text(
        alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxy "
        "àảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
    )
)
def test_folding_leaves_only_ascii_and_is_idempotent(text):
    folded = fold(text)
    assert folded.isascii()
    assert fold(folded) == folded
    assert fold(text.upper()) == folded
