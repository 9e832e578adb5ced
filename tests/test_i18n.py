"""English now, Spanish started: the catalogue is complete and used."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_sign_in_page_in_spanish(client):
    response = client.get("/accounts/sign-in/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="es">' in page
    assert "Iniciar sesión" in page
    assert "aviso de uso del sistema" in page.lower()


@pytest.mark.django_db
def test_language_switcher_sets_spanish(client):
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/accounts/sign-in/"}, follow=True)
    assert '<html lang="es">' in response.content.decode()


def test_the_compiled_catalogue_is_committed_beside_its_source():
    po = ROOT / "locale/es/LC_MESSAGES/django.po"
    mo = ROOT / "locale/es/LC_MESSAGES/django.mo"
    assert po.exists()
    assert mo.exists()
    untranslated = [
        block for block in po.read_text().split("\n\n")[1:] if 'msgstr ""' in block and 'msgstr ""\n"' not in block
    ]
    assert untranslated == []
