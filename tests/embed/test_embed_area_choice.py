"""The embed's step one lists the constituencies to choose from, as our own page does, and
keeps the partner's token and the supporter's input with it."""

from __future__ import annotations

import re

import pytest
from werkzeug.datastructures import MultiDict

from tests.webapp.area_data import gb_members  # noqa: F401 (a fixture)
from tests.webapp.pages import form_fields, text

from .support import EMBED, FRAME_ORIGIN, QUERY, embed_step_one, embed_step_two


@pytest.mark.usefixtures("gb_members")
def test_embed_supporter_chooses_their_constituency(client, partner):
    response = embed_step_one(client, country="GB")
    page = text(response)
    assert response.status_code == 200, page
    assert re.findall(r'<option value="([^"]+)"', page.split('name="area"')[1].split(
        "</select>")[0]) == ["Aberavon", "Bath", "Ynys Môn"]
    # Sent again from the frame as it is now, with a constituency chosen.
    fields = [(k, v) for k, v in form_fields(page, EMBED) if k != "area"] + [("area", "Bath")]
    assert "embed_token" in dict(fields) and ("name", "Jane Doe") in fields
    letters = client.post(EMBED, query_string=QUERY, data=MultiDict(fields),
                          headers=FRAME_ORIGIN)
    page = text(letters)
    assert letters.status_code == 200, page
    assert "Wera Hobhouse" in page and "Llinos Medi" not in page
    drafts = text(embed_step_two(client, letters, "draft"))
    assert "wera@commons.example.org" in drafts
