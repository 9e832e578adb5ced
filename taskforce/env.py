"""Typed readers for settings taken from the environment.

Every reader fails loudly: a value that is present but malformed raises
``ImproperlyConfigured`` naming the variable, instead of silently falling back
to a default that might be unsafe in production.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})


def env_str(name: str, default: str | None = None) -> str:
    """Return the variable, or ``default``; raise when both are missing."""
    value = os.environ.get(name)
    if value is None:
        if default is None:
            raise ImproperlyConfigured(f"The environment variable {name} is required.")
        return default
    return value


def env_bool(name: str, *, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}.")


def env_int(name: str, *, default: int, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer; got {raw!r}.") from exc
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {value}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    """A comma-separated list; blank items are dropped."""
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


@dataclass(frozen=True)
class EmailConfig:
    backend: str
    host: str = ""
    port: int = 0
    user: str = ""
    password: str = ""
    use_tls: bool = False
    use_ssl: bool = False
    options: dict[str, str] = field(default_factory=dict)


_EMAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
    "submission": "django.core.mail.backends.smtp.EmailBackend",
}


def parse_email_url(url: str) -> EmailConfig:
    """Parse ``smtp://user:pass@host:587`` (STARTTLS), ``smtps://…:465`` (TLS),
    ``submission://`` (STARTTLS, port 587), ``console://``, ``locmem://`` or ``dummy://``."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _EMAIL_BACKENDS:
        known = ", ".join(sorted(_EMAIL_BACKENDS))
        raise ImproperlyConfigured(f"EMAIL_URL scheme {scheme!r} is not one of: {known}.")
    if scheme in {"console", "locmem", "dummy"}:
        return EmailConfig(backend=_EMAIL_BACKENDS[scheme])
    if not parts.hostname:
        raise ImproperlyConfigured("EMAIL_URL must name a host, e.g. smtp://user:pass@mail.example.org:587.")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    default_port = {"smtp": 25, "smtps": 465, "submission": 587}[scheme]
    use_ssl = scheme == "smtps"
    # Plain smtp:// on 25 may still upgrade with ?tls=1; submission always uses STARTTLS.
    use_tls = scheme == "submission" or query.get("tls", "").lower() in _TRUE
    return EmailConfig(
        backend=_EMAIL_BACKENDS[scheme],
        host=parts.hostname,
        port=parts.port or default_port,
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        use_tls=use_tls,
        use_ssl=use_ssl,
        options=query,
    )
