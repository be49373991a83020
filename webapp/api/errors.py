"""JSON errors with stable codes: clients branch on `code`, people read `message`."""

from __future__ import annotations

from flask import jsonify


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, **details):
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details


def error_response(status: int, code: str, message: str, **details):
    body = {"error": {"code": code, "message": message, **details}}
    response = jsonify(body)
    response.status_code = status
    return response


# Every code the API answers with, as documented in the OpenAPI file.
ERROR_CODES = (
    "missing_key", "invalid_key", "invalid_json", "invalid_field", "not_found",
    "method_not_allowed", "payload_too_large", "rate_limited", "campaign_closed",
    "sending_not_offered", "unknown_country", "postcode_required", "unknown_postcode",
    "unknown_area", "no_targets", "unknown_target", "nothing_to_send", "server_error",
)
