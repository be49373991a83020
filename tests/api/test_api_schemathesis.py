"""Schemathesis against /api/v1/openapi.json: generated requests never make a server error,
nor leave anything half-stored; on SQLite and PostgreSQL (the `app` fixture's two back-ends)."""

from __future__ import annotations

import schemathesis  # a test dependency (pyproject.toml): missing, the run fails, not skips
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from tests.webapp.fuzzing import assert_whole, counts

# Bounded, so the whole run takes seconds: every operation, valid and invalid data.
EXAMPLES_PER_OPERATION = 40


def test_no_server_error_for_any_generated_request(app, auth):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 4  # it leaves out the document itself
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            before = counts(app)
            response = case.call(headers=auth)
            case.validate_response(response, checks=[not_a_server_error])
            # Refused: nothing stored. Taken: a submission with its confirmation mail.
            if response.status_code >= 400:
                assert counts(app) == before, response.status_code
            assert_whole(app)
            # Every answer of the API is JSON, errors included.
            content_type = response.headers.get("content-type") or [""]
            assert content_type[0].startswith("application/json"), (
                response.status_code, response.text[:200])

        check()
