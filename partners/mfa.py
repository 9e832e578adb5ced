"""Multi-factor authentication: TOTP devices and one-time recovery codes (django-otp)."""

from __future__ import annotations

import segno
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from partners.models import SecurityEventKind, User
from partners.services import security_event_record

TOTP_DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery"


def user_has_mfa(user: User) -> bool:
    return bool(user_has_device(user, confirmed=True))


def totp_device_pending(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator being enrolled, created on first use.

    Reusing it across page reloads keeps the QR code stable while the person
    scans it; it only becomes a factor once a code from it is confirmed.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        # drift tolerance of one 30 s step, never more
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False, tolerance=1, step=30)
    return device


def totp_qr_svg(device: TOTPDevice) -> str:
    """An inline SVG of the otpauth:// URL (no external image service, CSP 'self')."""
    qr = segno.make(device.config_url, error="m")
    return str(qr.svg_inline(scale=4, dark="#000", light="#fff", title="QR code for your authenticator app"))


def totp_secret_base32(device: TOTPDevice) -> str:
    from base64 import b32encode

    return b32encode(device.bin_key).decode().rstrip("=")


def totp_enrol_confirm(*, request: HttpRequest, user: User, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the pending device with a code from it; on success verify the
    session, retire any older authenticator and return fresh recovery codes."""
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
        if not locked.verify_token(_normalise(token)):
            security_event_record(kind=SecurityEventKind.MFA_FAILED, request=request, user=user,
                                  details={"stage": "enrolment"})
            return None
        locked.confirmed = True
        locked.save()
        TOTPDevice.objects.filter(user=user).exclude(pk=locked.pk).delete()
        codes = recovery_codes_issue(user=user, request=request)
        security_event_record(kind=SecurityEventKind.MFA_ENROLLED, request=request, user=user)
    otp_login(request, locked)
    return codes


def recovery_codes_issue(*, user: User, request: HttpRequest | None) -> list[str]:
    """Replace the user's recovery codes with a fresh set (each works once)."""
    with transaction.atomic():
        device, _created = StaticDevice.objects.get_or_create(
            user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(settings.MFA_RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
        security_event_record(kind=SecurityEventKind.RECOVERY_CODES_ISSUED, request=request, user=user,
                              details={"count": len(codes)})
    return codes


def recovery_codes_remaining(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _normalise(token: str) -> str:
    return "".join(token.split()).lower()


def mfa_verify(*, request: HttpRequest, user: User, token: str) -> Device | None:
    """Check a code against the user's authenticator, then their recovery codes.

    django-otp refuses a TOTP code already used (it remembers the last time
    step) and deletes a recovery code once used; repeated failures are
    throttled per device.
    """
    token = _normalise(token)
    matched: Device | None = None
    if token:
        with transaction.atomic():
            for device in devices_for_user(user, confirmed=True, for_verify=True):
                if device.verify_token(token):
                    matched = device
                    break
    if matched is None:
        security_event_record(kind=SecurityEventKind.MFA_FAILED, request=request, user=user,
                              details={"stage": "sign_in"})
        return None
    otp_login(request, matched)
    kind = SecurityEventKind.RECOVERY_CODE_USED if isinstance(matched, StaticDevice) else SecurityEventKind.MFA_VERIFIED
    security_event_record(kind=kind, request=request, user=user)
    return matched
