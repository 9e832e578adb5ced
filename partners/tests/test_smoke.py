from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_home_page_renders_for_a_verified_advocate(client_for):
    response = client_for("advocate").get("/")
    assert response.status_code == 200
    assert b"Safe Harbor Survivor Services" in response.content
