"""The API's area choice: the areas to choose from, and the chosen one matched."""

from __future__ import annotations

import pytest

from tests.webapp.area_data import gb_members  # noqa: F401 (a fixture)


@pytest.mark.usefixtures("gb_members")
def test_api_lists_areas_and_matches_the_chosen_one(client, auth):
    body = client.get("/api/v1/campaigns/treaty-at-next-summit/targets?country=GB",
                      headers=auth).get_json()
    assert "no_postcode_data" in body["notes"]
    assert body["area_choices"] == [{"id": "Aberavon", "name": "Aberavon"},
                                    {"id": "Bath", "name": "Bath"},
                                    {"id": "Ynys Môn", "name": "Ynys Môn"}]
    chosen = client.get("/api/v1/campaigns/treaty-at-next-summit/targets",
                        query_string={"country": "GB", "area": "Bath"},
                        headers=auth).get_json()
    assert [t["id"] for t in chosen["targets"] if t["kind"] == "mp"] == ["t:gb-mp-bath"]
    assert chosen["area_choices"] == []
    refused = client.get("/api/v1/campaigns/treaty-at-next-summit/targets",
                         query_string={"country": "GB", "area": "Atlantis"},
                         headers=auth)
    assert refused.status_code == 422
    assert refused.get_json()["error"]["code"] == "unknown_area"
