"""Settings come from the environment: the scale path is configuration, not code."""

import json
import os
import subprocess
import sys

import pytest

PROBE = (
    "import json, motcua.settings as s;"
    "print(json.dumps({'db': s.DATABASES['default']['ENGINE'], 'tasks': s.TASKS['default']['BACKEND'],"
    "'storage': s.STORAGES['default']['BACKEND'], 'cache': s.CACHES['default']['BACKEND'],"
    "'session': s.SESSION_ENGINE, 'lang': s.LANGUAGE_CODE, 'oidc_token': s.OIDC_OP_TOKEN_ENDPOINT,"
    "'secure': s.SESSION_COOKIE_SECURE, 'apps': s.INSTALLED_APPS}))"
)


def _settings_with(tmp_path, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "TASKS_", "REDIS_", "STORAGE", "AWS_", "OIDC_", "SITE_URL"))}
    clean.update(env, MOTCUA_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="motcua.settings")
    out = subprocess.run([sys.executable, "-c", PROBE], env=clean, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_embedded_defaults_need_no_variable(tmp_path):
    s = _settings_with(tmp_path)
    assert s["db"] == "django.db.backends.sqlite3"
    assert s["tasks"] == "django_tasks_db.DatabaseBackend"
    assert s["storage"] == "django.core.files.storage.FileSystemStorage"
    assert s["lang"] == "vi"
    assert s["oidc_token"] == "http://127.0.0.1:8000/idp/o/token/"
    assert (tmp_path / "secret_key").exists()


def test_scale_path_is_set_by_environment(tmp_path):
    s = _settings_with(
        tmp_path,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/motcua",
        TASKS_BACKEND="rq",
        REDIS_URL="redis://127.0.0.1:6379/0",
        STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="dossiers",
        AWS_ACCESS_KEY_ID="key",
        AWS_SECRET_ACCESS_KEY="secret",
        SITE_URL="https://dichvucong.example.vn",
        OIDC_OP_TOKEN_ENDPOINT="https://sso.example.vn/token",
    )
    assert s["db"] == "django.db.backends.postgresql"
    assert s["tasks"] == "django_tasks_rq.RQBackend" and "django_rq" in s["apps"]
    assert s["storage"] == "storages.backends.s3.S3Storage"
    assert s["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert s["session"] == "django.contrib.sessions.backends.cached_db"
    assert s["oidc_token"] == "https://sso.example.vn/token"
    assert s["secure"] is True


def test_unknown_storage_fails_fast(tmp_path):
    with pytest.raises(subprocess.CalledProcessError) as error:
        _settings_with(tmp_path, STORAGE="ftp")
    assert "STORAGE must be" in error.value.stderr
