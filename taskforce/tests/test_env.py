from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from taskforce.env import env_bool, env_int, env_list, env_str, parse_email_url


def test_env_str_requires_a_value_without_default(monkeypatch):
    monkeypatch.delenv("TF_TEST_VALUE", raising=False)
    with pytest.raises(ImproperlyConfigured, match="TF_TEST_VALUE is required"):
        env_str("TF_TEST_VALUE")


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("true", True), ("ON", True), ("0", False), ("no", False), ("", False)]
)
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("TF_TEST_FLAG", raw)
    assert env_bool("TF_TEST_FLAG", default=not expected) is expected


def test_env_bool_refuses_anything_else(monkeypatch):
    monkeypatch.setenv("TF_TEST_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="TF_TEST_FLAG"):
        env_bool("TF_TEST_FLAG", default=False)


def test_env_int_refuses_garbage_and_values_below_the_minimum(monkeypatch):
    monkeypatch.setenv("TF_TEST_INT", "twelve")
    with pytest.raises(ImproperlyConfigured, match="integer"):
        env_int("TF_TEST_INT", default=1)
    monkeypatch.setenv("TF_TEST_INT", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env_int("TF_TEST_INT", default=5, minimum=1)


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("TF_TEST_LIST", "a.example.org, b.example.org,,")
    assert env_list("TF_TEST_LIST", []) == ["a.example.org", "b.example.org"]


def test_email_url_smtp_with_credentials_and_starttls():
    config = parse_email_url("submission://mailer%40tf.example.org:s3cret@smtp.example.org")
    assert config.backend == "django.core.mail.backends.smtp.EmailBackend"
    assert (config.host, config.port, config.user, config.password) == (
        "smtp.example.org",
        587,
        "mailer@tf.example.org",
        "s3cret",
    )
    assert config.use_tls is True
    assert config.use_ssl is False


def test_email_url_smtps_uses_implicit_tls():
    config = parse_email_url("smtps://smtp.example.org")
    assert (config.port, config.use_ssl, config.use_tls) == (465, True, False)


def test_email_url_console_and_unknown_scheme():
    assert parse_email_url("console://").backend.endswith("console.EmailBackend")
    with pytest.raises(ImproperlyConfigured, match="scheme"):
        parse_email_url("pigeon://coop")
