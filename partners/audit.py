"""What of the partners app the audit log records."""

from __future__ import annotations

from typing import Any

from auditlog.registry import auditlog
from axes.signals import user_locked_out


def register() -> None:
    from partners.models import Agency, AgencyContact, User

    auditlog.register(Agency)
    auditlog.register(AgencyContact)
    # Never the password hash; group membership (agency and roles) is tracked as m2m.
    auditlog.register(User, exclude_fields=["password", "last_login"], m2m_fields={"groups"})
    user_locked_out.connect(_record_lockout, dispatch_uid="partners.lockout")


def _record_lockout(sender: Any, request: Any, username: str | None = None, **kwargs: Any) -> None:
    """django-axes announces a new lockout only through this signal; write it to the security log."""
    from partners.models import SecurityEventKind, User
    from partners.services import security_event_record

    user = User.objects.filter(username=username or "").first()
    security_event_record(kind=SecurityEventKind.LOCKOUT, request=request, user=user, username=username or "")
