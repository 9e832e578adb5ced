"""Sign-in, MFA, sign-out, passwords and account activation."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.encoding import force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlencode, urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from partners import mfa
from partners.forms import SIGN_IN_ERROR, EnrolForm, NewPasswordForm, OTPForm, PasswordChangeForm, SignInForm
from partners.middleware import LAST_SEEN, LOGIN_AT
from partners.models import SecurityEventKind, User
from partners.services import (
    password_is_expired,
    security_event_record,
    session_register,
    sessions_end_for_user,
    user_acknowledge_notice,
    user_set_password,
)
from taskforce.audit import audit_actor_bind
from taskforce.http import client_ip


def _safe_next(request: HttpRequest, default: str = "home") -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    from django.shortcuts import resolve_url

    return resolve_url(default)


def _after_password_step(request: HttpRequest, user: User) -> HttpResponse:
    """Where a signed-in person goes next: MFA, then an expired password, then their page."""
    next_url = _safe_next(request)
    if settings.REQUIRE_MFA and not mfa.user_is_verified(user):
        target = "mfa_verify" if mfa.user_has_mfa(user) else "mfa_setup"
        return redirect(f"{_url(target)}?{urlencode({'next': next_url})}")
    if password_is_expired(user):
        return redirect("password_expired")
    return HttpResponseRedirect(next_url)


def _signed_in_user(request: HttpRequest) -> User:
    """The person behind a request that ``login_required`` has let through."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def _url(name: str) -> str:
    from django.urls import reverse

    return reverse(name)


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.method == "GET":
        return _after_password_step(request, _signed_in_user(request))
    form = SignInForm(request.POST or None)
    if request.method == "POST" and _ip_throttled(request):
        security_event_record(
            kind=SecurityEventKind.SIGN_IN_FAILED,
            request=request,
            username=request.POST.get("username", "")[:150],
            details={"throttled": True},
        )
        return render(request, "partners/throttled.html", status=429)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if getattr(request, "axes_locked_out", False):
            # AxesMiddleware replaces this response with the lockout page. Attempts
            # on locked names count against the address too, or one address could
            # lock out account after account without ever being throttled.
            security_event_record(
                kind=SecurityEventKind.SIGN_IN_FAILED, request=request, username=username, details={"locked": True}
            )
            _ip_failure_count(request)
            return render(request, "partners/sign_in.html", {"form": form}, status=429)
        if not isinstance(user, User):
            # One message for an unknown user, a wrong password and an inactive account.
            security_event_record(kind=SecurityEventKind.SIGN_IN_FAILED, request=request, username=username)
            _ip_failure_count(request)
            form.add_error(None, SIGN_IN_ERROR)
        else:
            login(request, user)  # rotates the session key
            # login() keeps the session data when the same person signs in again;
            # a new sign-in must pass the second factor again, not inherit the old one.
            mfa.session_unverify(request)
            request.session[LOGIN_AT] = request.session[LAST_SEEN] = time.time()
            session_register(request=request, user=user)
            audit_actor_bind(user)
            user_acknowledge_notice(user=user)
            security_event_record(kind=SecurityEventKind.SIGN_IN, request=request, user=user)
            return _after_password_step(request, user)
    return render(
        request,
        "partners/sign_in.html",
        {"form": form, "next": request.GET.get("next", "")},
        status=400 if request.method == "POST" else 200,
    )


def _ip_key(request: HttpRequest) -> str:
    return f"sign-in-failures:{client_ip(request) or 'unknown'}"


def _ip_throttled(request: HttpRequest) -> bool:
    """A per-address brake on password guessing across many usernames; it
    expires by itself, unlike the per-username lockout."""
    return int(cache.get(_ip_key(request), 0)) >= settings.SIGN_IN_IP_THROTTLE


def _ip_failure_count(request: HttpRequest) -> None:
    key = _ip_key(request)
    if cache.add(key, 1, timeout=settings.SIGN_IN_IP_WINDOW_SECONDS):
        return
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=settings.SIGN_IN_IP_WINDOW_SECONDS)


def lockout_response(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """django-axes calls this for a locked username (AXES_LOCKOUT_CALLABLE)."""
    return render(request, "partners/locked.html", status=429)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    user = request.user
    if isinstance(user, User):
        security_event_record(kind=SecurityEventKind.SIGN_OUT, request=request, user=user)
        # Signing out here signs out everywhere: every session of this person ends server-side.
        sessions_end_for_user(user=user, actor=user, reason="sign_out")
        logout(request)
    messages.success(request, _("You have signed out."))
    response = redirect("login")
    response["Clear-Site-Data"] = '"cache", "storage"'
    return response


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def mfa_verify(request: HttpRequest) -> HttpResponse:
    user = _signed_in_user(request)
    if mfa.user_is_verified(user):
        return HttpResponseRedirect(_safe_next(request))
    if not mfa.user_has_mfa(user):
        return redirect("mfa_setup")
    form = OTPForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = mfa.mfa_verify(request=request, user=user, token=form.cleaned_data["token"])
        if device is not None:
            if mfa.recovery_codes_remaining(user) <= 2:
                messages.warning(
                    request, _("You have few recovery codes left. Generate new ones on your security page.")
                )
            return _after_password_step(request, user)
        form.add_error("token", _("That code is not valid. Codes work once; wait for the next one."))
    return render(
        request,
        "partners/mfa_verify.html",
        {"form": form, "next": request.GET.get("next", "")},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def mfa_setup(request: HttpRequest) -> HttpResponse:
    user = _signed_in_user(request)
    # Replacing an existing authenticator needs the current one first.
    if mfa.user_has_mfa(user) and not mfa.user_is_verified(user):
        return redirect("mfa_verify")
    device = mfa.totp_device_pending(user=user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = mfa.totp_enrol_confirm(request=request, user=user, device=device, token=form.cleaned_data["token"])
        if codes is not None:
            return render(
                request, "partners/recovery_codes.html", {"codes": codes, "enrolled": True, "next": _safe_next(request)}
            )
        form.add_error("token", _("That code does not match. Check the time on your phone and try the next code."))
    context = {
        "form": form,
        "qr_svg": mfa.totp_qr_svg(device),
        "secret": mfa.totp_secret_base32(device),
        "next": request.GET.get("next", ""),
    }
    return render(request, "partners/mfa_setup.html", context, status=400 if request.method == "POST" else 200)


@login_required
@never_cache
@require_POST
def recovery_codes_regenerate(request: HttpRequest) -> HttpResponse:
    user = _signed_in_user(request)
    codes = mfa.recovery_codes_issue(user=user, request=request)
    return render(
        request, "partners/recovery_codes.html", {"codes": codes, "enrolled": False, "next": _url("security")}
    )


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest, *, expired: bool = False) -> HttpResponse:
    user = _signed_in_user(request)
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user_set_password(user=user, new_password=form.cleaned_data["new_password1"], actor=user, request=request)
        messages.success(request, _("Your password has been changed. Your other sessions have been signed out."))
        return redirect("home")
    return render(
        request,
        "partners/password_change.html",
        {"form": form, "expired": expired},
        status=400 if request.method == "POST" else 200,
    )


def password_expired(request: HttpRequest) -> HttpResponse:
    return password_change(request, expired=True)


@sensitive_post_parameters("new_password1", "new_password2")
@never_cache
@require_http_methods(["GET", "POST"])
def activate(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """Set the first password from an invitation link (one use, expires with PASSWORD_RESET_TIMEOUT)."""
    try:
        user = User.objects.get(pk=force_str(urlsafe_base64_decode(uidb64)), is_active=True)
    except (User.DoesNotExist, ValueError, TypeError, OverflowError):
        user = None
    if user is None or not default_token_generator.check_token(user, token):
        return render(request, "partners/activate_invalid.html", status=400)
    form = NewPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user_set_password(user=user, new_password=form.cleaned_data["new_password1"], actor=user)
        messages.success(request, _("Your password is set. Sign in to continue; you will set up MFA next."))
        return redirect("login")
    return render(
        request,
        "partners/activate.html",
        {"form": form, "person": user},
        status=400 if request.method == "POST" else 200,
    )
