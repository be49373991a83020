"""The OpenAPI 3.0 description of /api/v1, served at /api/v1/openapi.json."""

from __future__ import annotations

from letters.sender_address import ADDRESS_MAX_LENGTH
from representatives.model import COMMITTEE_ROLES

from .errors import ERROR_CODES

# The same limits as the web form (webapp/forms.py).
LIMITS = {"name": 100, "email": 254, "town": 100, "postcode": 16, "area": 64, "own_words": 1000,
          "subject": 200, "body": 10000, "letters": 100}


def _string(max_length: int, **extra) -> dict:
    return {"type": "string", "maxLength": max_length, **extra}


LETTER_LANGUAGE = {
    "type": "string", "maxLength": 16,
    "description": ("The language to write the letter in: one the campaign has a letter in "
                    "for this target (\"de\", \"pt-br\"). Default: the target's own. With "
                    "your own subject and body, the language they are in."),
}
AREA_DESCRIPTION = (
    "The supporter's constituency or district, the id of one of area_choices (GET "
    "/campaigns/{slug}/targets): where no postcode tells it, or the postcode lies in several.")
AREA_CHOICES = {
    "type": "array", "description": "The areas the supporter chooses theirs from (pass its id as "
    "area); empty when there is nothing to choose.",
    "items": {"type": "object", "required": ["id", "name"],
              "properties": {"id": {"type": "string"}, "name": {"type": "string"}}}}

# Request bodies take only the fields they declare: the API answers 422 (invalid_field),
# naming them, for any other, so that a misspelt field is not silently ignored.
SUPPORTER = {
    "type": "object",
    "required": ["name", "email", "country"],
    "additionalProperties": False,
    "properties": {
        "name": _string(LIMITS["name"], minLength=1),
        "email": _string(LIMITS["email"], format="email"),
        "town": _string(LIMITS["town"]),
        "country": _string(2, minLength=2, description="ISO 3166-1 alpha-2, e.g. NL"),
        "postcode": _string(LIMITS["postcode"]),
        "area": _string(LIMITS["area"], description=AREA_DESCRIPTION),
        "own_words": _string(LIMITS["own_words"]),
        "wants_updates": {"type": "boolean", "default": False},
        "street_address": _string(ADDRESS_MAX_LENGTH, description=(
            "The supporter's street address, at most 6 lines: required on a submission with a "
            "letter to a member of the US Congress or a UK MP, who read only their "
            "constituents' letters. It goes into those letters only, below the name.")),
    },
}

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {
        "type": "object",
        "required": ["code", "message"],
        "properties": {
            "code": {"type": "string", "enum": list(ERROR_CODES) + ["unavailable"]},
            "message": {"type": "string"},
            "fields": {"type": "object", "additionalProperties": {
                "type": "array", "items": {"type": "string"}}},
            "targets": {"type": "array", "items": {"type": "string"}},
        },
    }},
}

TARGET = {
    "type": "object",
    "required": ["id", "name", "kind", "group", "can_send_for_me", "channels"],
    "properties": {
        "id": {"type": "string"}, "name": {"type": "string"}, "kind": {"type": "string"},
        "group": {"type": "string"}, "role": {"type": "string"}, "body": {"type": "string"},
        "local_role": {"type": "string", "nullable": True, "description": (
            "The role's title in the target's `language`, where the data gives it "
            "(\"Président de la République\"); `role` is in English")},
        "local_body": {"type": "string", "nullable": True, "description": (
            "The body's name in the target's `language`, where the data gives it; `body` is "
            "in English")},
        "country": {"type": "string"}, "language": {"type": "string"},
        "party": {"type": "string", "nullable": True},
        "political_group": {"type": "string", "nullable": True,
                            "description": "The group in the parliament, e.g. Greens/EFA"},
        "committees": {"type": "array", "description": (
            "The committees the target sits on, by code; empty when none are known"),
            "items": {"type": "object", "required": ["code", "name", "role"], "properties": {
                "code": {"type": "string", "description": "e.g. ITRE"},
                "name": {"type": "string", "description": (
                    "The committee's English name (the code where it is not one of the "
                    "European Parliament's)")},
                "role": {"type": "string", "enum": list(COMMITTEE_ROLES)}}}},
        "area": {"type": "string", "nullable": True},
        "reason": {"type": "string"}, "matched_on": {"type": "string"},
        "can_send_for_me": {"type": "boolean"},
        "addressed_by_title": {"type": "boolean"},
        "channels": {"type": "array", "items": {
            "type": "object", "properties": {
                "kind": {"type": "string"}, "value": {"type": "string"},
                "source_url": {"type": "string", "nullable": True},
                "checked_on": {"type": "string", "format": "date", "nullable": True},
                "checked_on_stored_copy": {"type": "boolean"}}}},
    },
}


SUBMITTED = {
    "type": "object", "required": ["status", "letters"], "properties": {
        "status": {"type": "string", "enum": ["pending_confirmation"]},
        "duplicate": {"type": "boolean"},
        "letters": {"type": "array", "items": {"type": "object", "properties": {
            "target_id": {"type": "string"}, "target_name": {"type": "string"}}}},
        "not_sent": {"type": "array", "items": {"type": "string"}},
    },
}


def _error(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


COMMON_ERRORS = {
    "401": _error("Missing, unknown or revoked key (missing_key, invalid_key)"),
    "404": _error("No such campaign (not_found)"),
    "429": _error("Too many requests for this key (rate_limited)"),
}
BODY_ERRORS = {
    "400": _error("Not a JSON object, nested too deeply, or holding text that is not "
                  "Unicode (invalid_json)"),
    "413": _error("Body too large (payload_too_large)"),
    "422": _error("Invalid fields, or the supporter cannot be matched (invalid_field, "
                  "unknown_country, postcode_required, unknown_postcode, unknown_area, "
                  "unknown_target, no_targets, nothing_to_send)"),
}
SLUG = {"name": "slug", "in": "path", "required": True,
        "schema": {"type": "string", "maxLength": 80}}


def _json(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def openapi_document(server: str) -> dict:
    """The document, with this server's address."""
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Treaty letters partner API",
            "version": "1.0.0",
            "description": (
                "Letters to representatives for partner organisations. Send your key as "
                "'Authorization: Bearer <key>' (staff make keys with `flask partners key`). "
                "Letters submitted here follow the web form's way: the supporter gets an "
                "e-mail and the letters go out only after they confirm. Errors are JSON with a "
                "stable `error.code` and a readable `error.message`. Request bodies take only "
                "the fields described here: any other is refused (invalid_field), named."),
        },
        "servers": [{"url": f"{server}/api/v1"}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": ERROR, "Supporter": SUPPORTER, "Target": TARGET,
                        "Submitted": SUBMITTED},
        },
        "paths": {
            "/openapi.json": {"get": {
                "summary": "This document", "security": [], "operationId": "openapi",
                "responses": {"200": {"description": "The OpenAPI document",
                                      **_json({"type": "object"})}}}},
            "/campaigns": {"get": {
                "summary": "List campaigns", "operationId": "listCampaigns",
                "responses": {
                    "200": {"description": "Campaigns", **_json({
                        "type": "object", "required": ["campaigns"],
                        "properties": {"campaigns": {"type": "array", "items": {
                            "type": "object", "required": ["slug", "status"],
                            "properties": {
                                "slug": {"type": "string"}, "status": {"type": "string"},
                                "titles": {"type": "object",
                                           "additionalProperties": {"type": "string"}},
                                "languages": {"type": "array", "items": {"type": "string"}},
                                "allow_send": {"type": "boolean"},
                                "allow_draft": {"type": "boolean"}}}}}})},
                    **COMMON_ERRORS}}},
            "/campaigns/{slug}/targets": {"get": {
                "summary": "Targets for a country and postcode", "operationId": "targets",
                "parameters": [
                    SLUG,
                    {"name": "country", "in": "query", "required": True,
                     "schema": {"type": "string", "minLength": 2, "maxLength": 2}},
                    {"name": "postcode", "in": "query", "required": False,
                     "schema": {"type": "string", "maxLength": LIMITS["postcode"]}},
                    {"name": "area", "in": "query", "required": False,
                     "description": AREA_DESCRIPTION,
                     "schema": {"type": "string", "maxLength": LIMITS["area"]}},
                ],
                "responses": {
                    "200": {"description": "Targets, in page order", **_json({
                        "type": "object", "required": ["country", "targets"],
                        "properties": {
                            "country": {"type": "string"},
                            "notes": {"type": "array", "items": {"type": "string"}},
                            "candidate_areas": {"type": "array", "items": {"type": "string"}},
                            "area_choices": AREA_CHOICES,
                            "targets": {"type": "array",
                                        "items": {"$ref": "#/components/schemas/Target"}}}})},
                    "422": BODY_ERRORS["422"], **COMMON_ERRORS}}},
            "/campaigns/{slug}/render": {"post": {
                "summary": "The campaign's letter from a supporter to one target",
                "operationId": "renderLetter",
                "parameters": [SLUG],
                "requestBody": {"required": True, **_json({
                    "type": "object", "required": ["supporter", "target_id"],
                    "additionalProperties": False,
                    "properties": {"supporter": {"$ref": "#/components/schemas/Supporter"},
                                   "target_id": {"type": "string", "maxLength": 64},
                                   "language": LETTER_LANGUAGE}})},
                "responses": {
                    "200": {"description": "The letter as its recipient gets it", **_json({
                        "type": "object",
                        "required": ["target_id", "language", "subject", "body"],
                        "properties": {"target_id": {"type": "string"},
                                       "language": {"type": "string"},
                                       "subject": {"type": "string"},
                                       "body": {"type": "string"}}})},
                    **BODY_ERRORS, **COMMON_ERRORS}}},
            "/campaigns/{slug}/submissions": {"post": {
                "summary": "Submit letters to send for the supporter, after they confirm",
                "description": (
                    "Without `letters`, the campaign's letter goes to every target we can "
                    "send to. A letter without subject or body gets the campaign's. The "
                    "supporter receives a confirmation e-mail; nothing is sent before they "
                    "confirm. Repeating an `idempotency_key` stores nothing twice."),
                "operationId": "submitLetters",
                "parameters": [SLUG],
                "requestBody": {"required": True, **_json({
                    "type": "object", "required": ["supporter"],
                    "additionalProperties": False,
                    "properties": {
                        "supporter": {"$ref": "#/components/schemas/Supporter"},
                        "partner_consent": {
                            "type": "boolean", "default": False,
                            "description": (
                                "The supporter ticked your consent box. It is recorded when "
                                "they confirm their address by the link we e-mail them, "
                                "with the words your box had when they submitted")},
                        "idempotency_key": {"type": "string", "minLength": 8,
                                            "maxLength": 64,
                                            "description": "Printable characters"},
                        "letters": {"type": "array", "minItems": 1,
                                    "maxItems": LIMITS["letters"],
                                    "description": "Each target once", "items": {
                                        "type": "object", "required": ["target_id"],
                                        "additionalProperties": False,
                                        "properties": {
                                            "target_id": {"type": "string", "maxLength": 64},
                                            "subject": _string(LIMITS["subject"]),
                                            "body": _string(LIMITS["body"]),
                                            "language": LETTER_LANGUAGE}}}}})},
                "responses": {
                    "202": {"description": "Stored; a confirmation mail is on its way",
                            **_json({"$ref": "#/components/schemas/Submitted"})},
                    "200": {"description": "The same idempotency key again: nothing new",
                            **_json({"$ref": "#/components/schemas/Submitted"})},
                    "409": _error("The campaign is closed or does not send "
                                  "(campaign_closed, sending_not_offered)"),
                    **BODY_ERRORS, **COMMON_ERRORS}}},
            "/consents": {"get": {
                "summary": "Supporters who ticked your consent box, oldest first",
                "description": (
                    "Only your own partner's consents, recorded when the supporter confirmed "
                    "their address. At most 500 a call: ask again with `after` set to the "
                    "last `id` until `consents` is empty. Each call is logged."),
                "operationId": "listConsents",
                "parameters": [{"name": "after", "in": "query", "required": False,
                                "schema": {"type": "integer", "minimum": 0,
                                           "maximum": 2**31 - 1, "default": 0}}],
                "responses": {
                    "200": {"description": "Consents", **_json({
                        "type": "object", "required": ["consents"],
                        "properties": {"consents": {"type": "array", "items": {
                            "type": "object",
                            "required": ["id", "campaign", "name", "email", "language",
                                         "consent_text", "created_at"],
                            "properties": {
                                "id": {"type": "integer"}, "campaign": {"type": "string"},
                                "name": {"type": "string"},
                                "email": {"type": "string", "format": "email"},
                                "language": {"type": "string"},
                                "consent_text": {"type": "string"},
                                "created_at": {"type": "string",
                                               "format": "date-time"}}}}}})},
                    "422": _error("`after` is not a whole number from 0 (invalid_field)"),
                    **COMMON_ERRORS}}},
        },
    }
