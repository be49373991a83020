"""`flask partners ...`: partners and keys made by staff on the command line."""

from __future__ import annotations

from sqlalchemy import select

from webapp.app_state import app_state
from webapp.partners import service
from webapp.partners.models import ApiKey, Partner

from .support import clear_partners


def test_create_partner_key_list_and_revoke(app):
    clear_partners(app)
    runner = app.test_cli_runner()
    result = runner.invoke(args=[
        "partners", "create", "climate-now", "--name", "Climate Now",
        "--origin", "https://Climate.example/", "--origin", "http://localhost:8000",
        "--privacy-url", "https://climate.example/privacy",
        "--consent-text", "Climate Now may e-mail me."])
    assert result.exit_code == 0, result.output
    key = runner.invoke(args=["partners", "key", "climate-now", "--label", "site"])
    assert key.exit_code == 0, key.output
    secret = key.output.strip()
    assert secret.startswith("tl_") and len(secret) > 40
    with app_state(app).database.session_factory() as session:
        partner = session.scalars(select(Partner)).one()
        assert partner.origins == ["https://climate.example", "http://localhost:8000"]
        row = session.scalars(select(ApiKey)).one()
        assert row.key_hash == service.hash_key(secret) and secret not in row.key_hash
        assert service.partner_for_key(session, secret).code == "climate-now"

    listing = runner.invoke(args=["partners", "list"])
    assert "climate-now" in listing.output and secret[:12] in listing.output
    assert secret not in listing.output

    revoked = runner.invoke(args=["partners", "revoke-key", secret[:12]])
    assert revoked.exit_code == 0, revoked.output
    with app_state(app).database.session_factory() as session:
        assert service.partner_for_key(session, secret) is None

    origins = runner.invoke(args=["partners", "origins", "climate-now", "https://new.example"])
    assert origins.exit_code == 0, origins.output


def test_bad_partner_input_is_refused(app):
    clear_partners(app)
    runner = app.test_cli_runner()
    for args in (["Bad Code", "--name", "x"],
                 ["ok", "--name", "x", "--origin", "https://x.example/path"],
                 ["ok", "--name", "x", "--origin", "javascript:alert(1)"],
                 ["ok", "--name", "x", "--privacy-url", "ftp://x"]):
        result = runner.invoke(args=["partners", "create", *args])
        assert result.exit_code != 0 and "Error" in result.output, args
    assert runner.invoke(args=["partners", "key", "nobody"]).exit_code != 0
