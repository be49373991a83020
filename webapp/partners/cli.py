"""`flask partners ...`: create partners, make and revoke their API keys."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from ..db import get_database
from . import service
from .models import ApiKey, Partner, PartnerConsent, PartnerDraftCount

partners_cli = AppGroup("partners", help="Partner organisations, their embeds and API keys.")


@partners_cli.command("create")
@click.argument("code")
@click.option("--name", required=True)
@click.option("--origin", "origins", multiple=True,
              help="An origin allowed to embed, e.g. https://partner.example (repeatable).")
@click.option("--privacy-url", default="", help="The partner's privacy notice.")
@click.option("--consent-text", default="",
              help="The box supporters may tick to hear from the partner (none when empty).")
def create(code, name, origins, privacy_url, consent_text):
    """Add a partner with the code used in the snippet (data-partner)."""
    with get_database().session_factory() as session:
        try:
            service.create_partner(session, code=code, name=name, origins=list(origins),
                                   privacy_url=privacy_url, consent_text=consent_text)
        except service.PartnerError as error:
            raise click.ClickException(str(error)) from error
        session.commit()
    click.echo(f"partner {code} created")


@partners_cli.command("origins")
@click.argument("code")
@click.argument("origins", nargs=-1)
def set_origins(code, origins):
    """Replace the origins allowed to embed (none given: the partner can embed nowhere)."""
    with get_database().session_factory() as session:
        partner = session.scalar(select(Partner).where(Partner.code == code))
        if partner is None:
            raise click.ClickException(f"no partner {code!r}")
        try:
            partner.allowed_origins = " ".join(service.normalise_origin(o) for o in origins)
        except service.PartnerError as error:
            raise click.ClickException(str(error)) from error
        session.commit()
    click.echo(f"partner {code}: {' '.join(origins) or 'no origins'}")


@partners_cli.command("key")
@click.argument("code")
@click.option("--label", default="")
def make_key(code, label):
    """Make an API key for the partner and print it (it is stored hashed, shown only now)."""
    with get_database().session_factory() as session:
        partner = session.scalar(select(Partner).where(Partner.code == code))
        if partner is None:
            raise click.ClickException(f"no partner {code!r}")
        key = service.create_key(session, partner, label)
        session.commit()
    click.echo(key)


@partners_cli.command("revoke-key")
@click.argument("prefix")
def revoke_key(prefix):
    """Revoke the key starting with PREFIX (as `flask partners list` shows it)."""
    with get_database().session_factory() as session:
        if not service.revoke_key(session, prefix):
            raise click.ClickException(f"no active key {prefix!r}")
        session.commit()
    click.echo(f"key {prefix} revoked")


@partners_cli.command("list")
def list_partners():
    """Partners, their origins, keys, consents and letters."""
    from ..models import Letter, Submission

    with get_database().session_factory() as session:
        for partner in session.scalars(select(Partner).order_by(Partner.code)):
            letters = session.scalar(
                select(func.count(Letter.id)).join(Submission)
                .where(Submission.partner_code == partner.code)) or 0
            drafts = session.scalar(
                select(func.sum(PartnerDraftCount.letters))
                .where(PartnerDraftCount.partner_code == partner.code)) or 0
            consents = session.scalar(
                select(func.count(PartnerConsent.id))
                .where(PartnerConsent.partner_id == partner.id)) or 0
            keys = session.scalars(select(ApiKey).where(ApiKey.partner_id == partner.id,
                                                        ApiKey.revoked_at.is_(None))).all()
            click.echo(f"{partner.code}\t{partner.name}\t{'active' if partner.active else 'off'}"
                       f"\torigins: {partner.allowed_origins or '-'}"
                       f"\tkeys: {', '.join(k.prefix for k in keys) or '-'}"
                       f"\tletters sent for: {letters}\tdrafted: {drafts}"
                       f"\tconsents: {consents}")
