"""Every URL the project serves is closed to anonymous visitors, except a short, named list.

The walk reads the URL map itself (admin, API and i18n included), so a view
added tomorrow is checked tomorrow: if it answers an anonymous visitor with a
2xx, this test fails until the view requires sign-in or is added to
PUBLIC_URLS with a reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern, RoutePattern

from partners.models import Agency, User

pytestmark = pytest.mark.django_db

# url name -> (status of an anonymous GET, why it is public)
PUBLIC_URLS: dict[str, tuple[int, str]] = {
    "login": (200, "the sign-in page"),
    "notice": (200, "the system-use notice, shown before sign-in"),
    "accessibility": (200, "the accessibility statement"),
    "healthz": (200, "load balancer health check; answers ok/error only"),
    "set_language": (302, "switches the interface language, then redirects"),
}
# Answers an anonymous visitor, but with an error for any token that is not a valid invitation.
INVALID_TOKEN_URLS: dict[str, int] = {"activate": 400}


@dataclass(frozen=True)
class Route:
    name: str | None  # namespaced ("admin:index"); None for unnamed patterns
    path: str
    view: str
    callback: Callable[..., Any]


def _value_for(group: str, converter: str, *, pk: int, slug: str) -> str:
    """A plausible value for a path parameter: an existing row where the name says which."""
    if group == "format":
        return "json"
    if group == "action":
        return "deactivate"
    if group == "app_label":
        return "partners"
    if group in {"pk", "id", "object_id", "content_type_id"} or converter == "int":
        return str(pk)
    if group == "slug" or converter == "slug":
        return slug
    if group == "url":
        return "x/"
    return "x"


def _fill_route(route: str, *, pk: int, slug: str) -> str:
    return re.sub(
        r"<(?:(?P<conv>[^>:]+):)?(?P<name>\w+)>",
        lambda m: _value_for(m["name"], m["conv"] or "str", pk=pk, slug=slug),
        route,
    )


def _fill_regex(regex: str, *, pk: int, slug: str) -> str:
    """Turn a URL regex into one matching path: named groups get a value, anchors and
    optional slashes go. Anything fancier fails loudly in the resolve() check below."""
    out, i = [], 0
    while i < len(regex):
        if regex.startswith("(?P<", i):
            name = regex[i + 4 : regex.index(">", i)]
            depth, j = 0, i
            while True:  # skip to the group's closing parenthesis
                if regex[j] == "\\":
                    j += 2
                    continue
                depth += {"(": 1, ")": -1}.get(regex[j], 0)
                if depth == 0:
                    break
                j += 1
            out.append(_value_for(name, "str", pk=pk, slug=slug))
            i = j + 1
        else:
            out.append(regex[i])
            i += 1
    text = "".join(out).lstrip("^").rstrip("$")
    return text.replace("/?", "/").replace("\\.", ".").replace("\\/", "/")


def _fill(pattern: object, *, pk: int, slug: str) -> str:
    if isinstance(pattern, RoutePattern):
        return _fill_route(str(pattern), pk=pk, slug=slug)
    if isinstance(pattern, RegexPattern):
        return _fill_regex(pattern.regex.pattern, pk=pk, slug=slug)
    raise AssertionError(f"unknown pattern type {type(pattern).__name__}: {pattern}")


def walk(resolver: URLResolver, *, prefix: str, namespace: str, pk: int, slug: str) -> Iterator[Route]:
    for entry in resolver.url_patterns:
        path = prefix + _fill(entry.pattern, pk=pk, slug=slug)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else entry.namespace or namespace
            yield from walk(entry, prefix=path, namespace=inner or "", pk=pk, slug=slug)
        else:
            assert isinstance(entry, URLPattern)
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield Route(name=name, path="/" + path, view=entry.lookup_str, callback=entry.callback)


@pytest.fixture
def routes(personas: dict[str, User]) -> list[Route]:
    found = list(
        walk(
            get_resolver(),
            prefix="",
            namespace="",
            pk=personas["volunteer"].pk,
            slug=Agency.objects.get(slug="safe-harbor").slug,
        )
    )
    # The walk is only worth something if every path it built reaches the view it was built for.
    for route in found:
        assert resolve(route.path).func is route.callback, f"{route.path} does not reach {route.view}"
    return found


def test_the_walk_covers_the_whole_url_map(routes):
    names = {route.name for route in routes}
    # A sample from each part of the map: if these vanish, the walk lost a branch.
    assert {
        "home",
        "people",
        "person_action",
        "login",
        "security_log",
        "healthz",
        "set_language",
        "admin:index",
        "admin:partners_agency_changelist",
        "api-me",
        "agency-list",
        "agency-detail",
        "api_schema",
        "api_docs",
    } <= names
    assert any(route.name is None for route in routes)  # unnamed patterns (admin catch-all) are walked too
    assert set(PUBLIC_URLS) | set(INVALID_TOKEN_URLS) <= names, "an allowlisted URL no longer exists"


# Without a broker the health check has no worker to ping, so it answers 200
# whether or not a Celery worker runs (tests/test_celery_worker.py covers both).
@override_settings(REDIS_URL="")
def test_anonymous_visitors_get_no_2xx_except_from_the_public_pages(routes):
    opened: list[str] = []
    for route in routes:
        for method in ("get", "post"):
            response = getattr(Client(), method)(route.path)
            expected = PUBLIC_URLS.get(route.name or "")
            if expected is not None and method == "get":
                assert response.status_code == expected[0], (route, response.status_code)
                continue
            if route.name in INVALID_TOKEN_URLS:
                assert response.status_code == INVALID_TOKEN_URLS[route.name], (route, method)
                continue
            if route.name in PUBLIC_URLS:
                continue  # the sign-in form answers its own POST (400 without credentials)
            if 200 <= response.status_code < 300:
                opened.append(f"{method.upper()} {route.path} ({route.name or route.view}) -> {response.status_code}")
    assert opened == [], "anonymous visitors reach:\n" + "\n".join(opened)


def test_anonymous_api_calls_get_a_json_refusal(routes):
    api_routes = [route for route in routes if route.path.startswith("/api/")]
    assert len(api_routes) >= 6
    for route in api_routes:
        for method in ("get", "post", "patch", "delete"):
            response = getattr(Client(), method)(route.path, content_type="application/json")
            assert response.status_code in {401, 403}, (method, route, response.status_code)
            content_type = response["Content-Type"].split(";")[0]
            if route.name == "api_docs":
                assert content_type == "text/html"  # the Swagger page refuses as a page
            elif route.name == "api_schema":
                assert content_type.startswith("application/vnd.oai.openapi")  # in the schema's own format
            else:
                assert content_type == "application/json", (method, route, content_type)
                assert "detail" in response.json()


def test_the_sign_in_page_post_without_credentials_signs_nobody_in():
    response = Client().post("/accounts/sign-in/", {})

    assert response.status_code == 400
    assert "_auth_user_id" not in response.wsgi_request.session


def test_static_files_are_public():
    # Served by WhiteNoise before the URL map; stylesheets and scripts only, no data.
    response = Client().get(f"{settings.STATIC_URL}bootstrap/css/bootstrap.min.css")

    assert response.status_code == 200
