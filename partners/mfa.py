"""Multi-factor authentication: TOTP devices and one-time recovery codes (django-otp)."""

from __future__ import annotations

import segno
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from partners.models import SecurityEventKind, User
from partners.services import security_event_record

TOTP_DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery"
# A code from the step before or after the current one is accepted, never more (requirement A2).
TOTP_TOLERANCE_STEPS = 1


def user_has_mfa(user: User) -> bool:
    return bool(user_has_device(user, confirmed=True))


def user_is_verified(user: User) -> bool:
    """Whether this request's user passed the second factor.

    OTPMiddleware adds ``is_verified`` to the user it loads; the user that
    ``authenticate()`` returns during sign-in has none, and has not verified.
    """
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified()) if is_verified is not None else False


def session_unverify(request: HttpRequest) -> None:
    """Forget which device verified this session (a fresh sign-in starts unverified)."""
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    if hasattr(request.user, "otp_device"):
        request.user.otp_device = None


def _totp_verify(device: TOTPDevice, token: str) -> bool:
    # django-otp learns the phone's clock skew (OTP_TOTP_SYNC) by moving the
    # device's drift, which would widen the accepted window step by step.
    # Pinning it keeps the window at the device tolerance around the real time.
    device.drift = 0
    device.tolerance = min(device.tolerance, TOTP_TOLERANCE_STEPS)
    return bool(device.verify_token(token))


def totp_device_pending(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator being enrolled, created on first use.

    Reusing it across page reloads keeps the QR code stable while the person
    scans it; it only becomes a factor once a code from it is confirmed.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=TOTP_DEVICE_NAME, confirmed=False, tolerance=TOTP_TOLERANCE_STEPS, step=30
        )
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
        if not _totp_verify(locked, _normalise(token)):
            security_event_record(
                kind=SecurityEventKind.MFA_FAILED, request=request, user=user, details={"stage": "enrolment"}
            )
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
        security_event_record(
            kind=SecurityEventKind.RECOVERY_CODES_ISSUED, request=request, user=user, details={"count": len(codes)}
        )
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
    # A six-digit code goes to the authenticator, anything else to the recovery
    # codes, so a failure only throttles the factor it was meant for: guessing
    # authenticator codes cannot slow down the person's recovery codes, or the reverse.
    wants_totp = token.isdigit() and len(token) == 6
    if token:
        with transaction.atomic():
            for device in devices_for_user(user, confirmed=True, for_verify=True):
                if isinstance(device, TOTPDevice) != wants_totp:
                    continue
                verified = _totp_verify(device, token) if isinstance(device, TOTPDevice) else device.verify_token(token)
                if verified:
                    matched = device
                    break
    if matched is None:
        security_event_record(
            kind=SecurityEventKind.MFA_FAILED, request=request, user=user, details={"stage": "sign_in"}
        )
        return None
    otp_login(request, matched)
    kind = SecurityEventKind.RECOVERY_CODE_USED if isinstance(matched, StaticDevice) else SecurityEventKind.MFA_VERIFIED
    security_event_record(kind=kind, request=request, user=user)
    return matched
