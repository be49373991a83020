"""GET /campaigns/{slug}/targets gives each target's political group and committee seats, with
the committees' names, as its OpenAPI document describes; on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import schemathesis
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import response_schema_conformance

from representatives.tables import Membership
from tests.webapp.flow import SLUG
from webapp.app_state import app_state

MEP_OFFICE = "t:nl-mep@t:ep"


def _set(app, political_group, committees) -> None:
    with app_state(app).database.session_factory() as session:
        office = session.get(Membership, MEP_OFFICE)
        office.political_group, office.committees = political_group, committees
        session.commit()
    app_state(app).directory.refresh()


@pytest.fixture
def mep_in_committees(app):
    # A seat on a committee of another parliament is named by the sheet itself ("Digital
    # Affairs"): its name is its code.
    _set(app, "Greens/EFA", [{"code": "Digital Affairs", "role": "chair"},
                             {"code": "ITRE", "role": "member"},
                             {"code": "LIBE", "role": "substitute"}])
    yield
    # The PostgreSQL database is shared between tests: the made-up directory as it was.
    _set(app, None, None)


def _targets(client, auth) -> dict:
    response = client.get(f"/api/v1/campaigns/{SLUG}/targets?country=NL", headers=auth)
    assert response.status_code == 200, response.get_json()
    return {t["id"]: t for t in response.get_json()["targets"]}


def test_targets_carry_their_group_and_committees(client, auth, mep_in_committees):
    targets = _targets(client, auth)
    mep = targets["t:nl-mep"]
    assert mep["political_group"] == "Greens/EFA"
    assert mep["committees"] == [
        {"code": "Digital Affairs", "name": "Digital Affairs", "role": "chair"},
        {"code": "ITRE", "name": "Industry, Research and Energy", "role": "member"},
        {"code": "LIBE", "name": "Civil Liberties, Justice and Home Affairs",
         "role": "substitute"},
    ]
    # None known: null and an empty list, as for the minister.
    minister = targets["t:nl-minister"]
    assert (minister["political_group"], minister["committees"]) == (None, [])


def test_the_answer_matches_the_openapi_document(app, client, auth, mep_in_committees):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    document = client.get("/api/v1/openapi.json").get_json()
    properties = document["components"]["schemas"]["Target"]["properties"]
    assert properties["committees"]["items"]["properties"]["role"]["enum"] == [
        "chair", "vice-chair", "member", "substitute"]
    assert properties["political_group"]["nullable"] is True
    operation = schema["/campaigns/{slug}/targets"]["GET"]
    case = operation.Case(path_parameters={"slug": SLUG}, query={"country": "NL"})
    response = case.call(headers={**auth, "Accept-Encoding": "identity"})
    assert response.status_code == 200
    case.validate_response(response, checks=[response_schema_conformance])

    # A role the document does not list would not conform.
    _set(app, "Greens/EFA", [{"code": "ITRE", "role": "rapporteur"}])
    response = case.call(headers={**auth, "Accept-Encoding": "identity"})
    with pytest.raises(FailureGroup) as failed:
        case.validate_response(response, checks=[response_schema_conformance])
    assert "rapporteur" in str(failed.value.exceptions[0])
