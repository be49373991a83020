"""Campaigns and letter templates edited by staff, and what supporters then get."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from representatives.tables import ContactDetail, Membership, Organization, Person
from tests.webapp.flow import step_one, supporter
from tests.webapp.pages import csrf_token
from webapp.app_state import app_state
from webapp.models import Campaign
from webapp.staff.models import PublishedTemplate, TemplateVersion

from .conftest import token

SLUG = "treaty-at-next-summit"
EDITOR_URL = f"/staff/campaigns/{SLUG}/letters/en"
# The test supporter lives in the Netherlands: their letters are in Dutch.
NL_URL = f"/staff/campaigns/{SLUG}/letters/nl"
GOOD = ("subject: A new subject for {{ target.name }}\ntargets: summit_delegate, minister, mp, mep"
        "\n---\n{{ target|salutation }}\n\nPlease put the treaty first. [[Thanks.|Thank you.]]"
        "\n\n{{ supporter.name }}\n")


def editor_form(client, source, action, url=EDITOR_URL, **extra):
    data = {"csrf_token": token(client, url), "source": source, "action": action,
            "country": "", "target": "", "seed": ""}
    data.update(extra)
    return client.post(url, data=data)


def versions(app):
    with app_state(app).database.session_factory() as session:
        return session.scalars(select(TemplateVersion).order_by(TemplateVersion.number)).all()


def test_editor_starts_from_the_file(editor):
    page = editor.get(EDITOR_URL).get_data(as_text=True)
    assert "subject: [[Put an AI pause treaty on the agenda" in page
    assert "international treaty" in page and "Dear " in page  # the preview, rendered


def test_preview_endpoint_renders_as_you_type(editor):
    response = editor.post(f"{EDITOR_URL}/preview", data={
        "csrf_token": token(editor, EDITOR_URL), "source": GOOD, "country": "NL",
        "target": "", "seed": "1"})
    data = response.get_json()
    assert data["subject"].startswith("A new subject for")
    assert "Please put the treaty first." in data["body"]
    assert data["variants"] == 1


def test_no_js_preview_button(editor):
    response = editor_form(editor, GOOD, "preview")
    assert response.status_code == 200
    assert "Please put the treaty first." in response.get_data(as_text=True)


def test_invalid_template_cannot_be_saved(staff_app, editor):
    bad = "subject: x\n---\nHello\n\n{{ target.nickname }}\n"
    response = editor_form(editor, bad, "publish")
    assert response.status_code == 422
    assert "Line 5:" in response.get_data(as_text=True)
    syntax = editor_form(editor, "subject: x\n---\nHello\n{% if %}\n", "save")
    assert syntax.status_code == 422 and "Line 4:" in syntax.get_data(as_text=True)
    unknown = editor_form(editor, "subject: x\n---\n{{ secret }}\n", "save")
    assert "unknown variable" in unknown.get_data(as_text=True)
    forbidden = editor_form(editor, "subject: x\n---\n{{ ''.__class__.__mro__ }}\n", "save")
    assert "not allowed in a letter" in forbidden.get_data(as_text=True)
    assert versions(staff_app) == []


def test_publish_changes_what_supporters_get(staff_app, editor, client):
    before = step_one(client).get_data(as_text=True)
    assert "Please put the treaty first." not in before
    response = editor_form(editor, GOOD, "publish", NL_URL)
    assert response.status_code == 303
    after = step_one(client).get_data(as_text=True)
    assert "Please put the treaty first." in after
    assert "A new subject for" in after


def test_saving_without_publishing_changes_nothing_for_supporters(staff_app, editor, client):
    assert editor_form(editor, GOOD, "save").status_code == 303
    assert [v.number for v in versions(staff_app)] == [1]
    assert "Please put the treaty first." not in step_one(client).get_data(as_text=True)


def test_versions_compare_and_roll_back(staff_app, editor, client):
    editor_form(editor, GOOD, "publish", NL_URL)
    editor_form(editor, GOOD.replace("treaty first", "pause first"), "publish", NL_URL)
    assert "Please put the pause first." in step_one(client).get_data(as_text=True)
    page = editor.get(f"{NL_URL}/versions?a=1&b=2").get_data(as_text=True)
    assert "-Please put the treaty first." in page and "+Please put the pause first." in page
    response = editor.post(f"{NL_URL}/versions/1/publish",
                           data={"csrf_token": token(editor, f"{NL_URL}/versions")})
    assert response.status_code == 303
    assert "Please put the treaty first." in step_one(client).get_data(as_text=True)
    with app_state(staff_app).database.session_factory() as session:
        published = session.scalars(select(PublishedTemplate)).one()
        assert published.version.number == 1


def test_other_processes_see_a_publication_after_the_check_interval(staff_app, editor):
    other = app_state(staff_app).campaigns
    # Another process's cache: same class, fresh state, checking every few seconds.
    from webapp.campaigns import Campaigns
    from webapp.staff.content import content_revision, load_overrides

    fresh = Campaigns()
    fresh.attach(app_state(staff_app).database.session_factory, content_revision,
                 lambda s, files: load_overrides(s, files, SLUG), check_seconds=3600)
    fresh.renderer  # noqa: B018  (first check)
    editor_form(editor, GOOD, "publish")
    assert "Please put" not in fresh.get(SLUG).templates["en"].body  # not checked yet
    fresh.invalidate()
    assert "Please put" in fresh.get(SLUG).templates["en"].body
    assert other.get(SLUG).templates["en"].body == fresh.get(SLUG).templates["en"].body


def test_campaign_title_per_language_overrides_the_file(staff_app, editor, client):
    url = f"/staff/campaigns/{SLUG}"
    response = editor.post(url, data={
        "csrf_token": token(editor, url), "slug": SLUG, "title_en": "A treaty now",
        "intro_en": "New introduction.", "title_de": "Ein Vertrag jetzt", "intro_de": "Neu.",
        "target_kinds": ["mp", "mep", "minister", "summit_delegate"], "countries": "nl, de",
        "deadline": "2027-02-01", "allow_send": "y", "allow_draft": "y"})
    assert response.status_code == 303
    assert "A treaty now" in client.get(f"/c/{SLUG}?lang=en").get_data(as_text=True)
    assert "Ein Vertrag jetzt" in client.get(f"/c/{SLUG}?lang=de").get_data(as_text=True)
    page = editor.get(url).get_data(as_text=True)
    assert "DE,NL" in page and "2027-02-01" in page


def test_closing_a_campaign_stops_letters_at_once(staff_app, editor, client):
    page = client.get(f"/c/{SLUG}?lang=en").get_data(as_text=True)
    response = editor.post(f"/staff/campaigns/{SLUG}/status",
                           data={"csrf_token": token(editor), "status": "closed"})
    assert response.status_code == 303
    refused = client.post(f"/c/{SLUG}?lang=en", data={**supporter(), "csrf_token":
                                                       csrf_token(page)})
    assert refused.status_code == 409
    assert "closed" in refused.get_data(as_text=True)


def test_channels_are_stored(staff_app, editor):
    url = f"/staff/campaigns/{SLUG}"
    editor.post(url, data={"csrf_token": token(editor, url), "slug": SLUG,
                           "title_en": "T", "target_kinds": ["mp"], "allow_draft": "y"})
    with app_state(staff_app).database.session_factory() as session:
        campaign = session.scalars(select(Campaign).where(Campaign.slug == SLUG)).one()
        assert (campaign.allow_send, campaign.allow_draft) == (False, True)


def test_proof_of_work_is_a_campaign_setting(staff_app, editor, client):
    url = f"/staff/campaigns/{SLUG}"
    assert 'name="proof_of_work"' in editor.get(url).get_data(as_text=True)
    editor.post(url, data={"csrf_token": token(editor, url), "slug": SLUG, "title_en": "T",
                           "target_kinds": ["mp", "mep", "minister"], "allow_send": "y",
                           "allow_draft": "y", "proof_of_work": "y"})
    with app_state(staff_app).database.session_factory() as session:
        campaign = session.scalars(select(Campaign).where(Campaign.slug == SLUG)).one()
        assert campaign.proof_of_work is True
    page = client.get(f"/c/{SLUG}?lang=en").get_data(as_text=True)
    step_two = client.post(f"/c/{SLUG}?lang=en",
                           data={**supporter(), "csrf_token": csrf_token(page)})
    assert "<altcha-widget" in step_two.get_data(as_text=True)


def test_new_campaign_starts_paused_from_the_default_letters(staff_app, editor, client):
    url = "/staff/campaigns/new"
    response = editor.post(url, data={
        "csrf_token": token(editor, url), "slug": "second-campaign", "title_en": "Second",
        "intro_en": "Intro.", "target_kinds": ["mp", "mep"], "allow_send": "y",
        "allow_draft": "y"})
    assert response.status_code == 303
    page = client.get("/c/second-campaign?lang=en").get_data(as_text=True)
    assert "Second" in page and "paused" in page
    duplicate = editor.post(url, data={
        "csrf_token": token(editor, url), "slug": "second-campaign", "title_en": "Again",
        "target_kinds": ["mp"]})
    assert duplicate.status_code == 422


def test_similarity_page(staff_app, editor):
    assert editor.get(f"/staff/campaigns/{SLUG}/similarity").status_code == 200


def test_staff_are_told_which_languages_fall_back_to_english(staff_app, editor, client):
    # The test directory has a Thai summit delegate; the campaign has no Thai letter.
    campaign_url = f"/staff/campaigns/{SLUG}"
    page = editor.get(campaign_url).get_data(as_text=True)
    assert 'data-language="th"' in page and "summit_delegate" in page
    assert "Letters in English so far" in page
    dashboard = editor.get("/staff/").get_data(as_text=True)
    assert "1 language falls back to English: th" in dashboard

    # A Thai supporter sends a letter: it goes in English, and the count says so.
    response = step_one(client, **supporter(country="TH", town="Bangkok"))
    assert response.status_code == 200
    assert "the most powerful general-purpose AI" in response.get_data(as_text=True)
    from tests.webapp.flow import confirm_latest, letters_form, step_two

    assert step_two(client, letters_form(response), "send").status_code in (200, 303)
    assert confirm_latest(staff_app, client).status_code == 303  # counted once confirmed
    row = editor.get(campaign_url).get_data(as_text=True).split('data-language="th"')[1]
    assert "<td>1</td>" in row.split("</tr>")[0]

    # The editor takes any language, starting from the English letter with a note.
    th_url = f"/staff/campaigns/{SLUG}/letters/th"
    th_page = editor.get(th_url).get_data(as_text=True)
    assert "no letter in" in th_page and "subject: [[Put an AI pause treaty" in th_page
    thai = GOOD.replace("Please put the treaty first.", "โปรดให้ความสำคัญกับสนธิสัญญาเป็นอันดับแรก")
    assert editor_form(editor, thai, "publish", th_url).status_code == 303
    assert 'data-language="th"' not in editor.get(campaign_url).get_data(as_text=True)
    again = step_one(client, **supporter(country="TH", town="Bangkok", email="k@example.org"))
    assert "โปรดให้ความสำคัญกับสนธิสัญญาเป็นอันดับแรก" in again.get_data(as_text=True)
    assert editor.get(f"/staff/campaigns/{SLUG}/letters/zz").status_code == 404
    assert editor.get(f"/staff/campaigns/{SLUG}/letters/EN").status_code == 404


def _missing_rows(page: str) -> dict[str, str]:
    """The campaign page's rows of missing languages: language -> the text of its cells after
    the language's name (targets, kinds, countries, letters in English so far)."""
    rows = re.findall(r'<tr data-language="([^"]+)">\s*<td>.*?</td>(.*?)</tr>', page, re.S)
    return {language: " ".join(re.sub(r"<[^>]+>", " ", cells).split())
            for language, cells in rows}


def test_a_reloaded_directory_brings_new_missing_languages(desk_app, db, editor):
    campaign_url = f"/staff/campaigns/{SLUG}"
    assert _missing_rows(editor.get(campaign_url).get_data(as_text=True)) == {
        "th": "1 (summit_delegate) TH 0 Write it"}
    previous = app_state(desk_app).directory.get()

    # Two Mongolian targets a letter reaches (by e-mail, by post), one it cannot (a phone
    # number only), and a Thai member of parliament: in the data, then in a new directory.
    db.add(Organization(id="t:mn-gov", name="Government of Mongolia", classification="ministry",
                        country="MN", source="test"))
    for pid, kind, country, language, channel, value in (
            ("t:mn-minister", "minister", "MN", "mn", "email", "minister@gov.example.mn"),
            ("t:mn-mp", "mp", "MN", "mn", "post", "State Palace, Ulaanbaatar"),
            ("t:mn-phone", "mp", "MN", "mn", "phone", "+976 11 000000"),
            ("t:th-mp", "mp", "TH", "th", "email", "mp@parliament.example.th")):
        db.add(Person(id=pid, name=pid, source="test"))
        db.flush()
        db.add(Membership(id=f"{pid}@t:mn-gov", person_id=pid, organization_id="t:mn-gov",
                          kind=kind, role=kind, country=country, language=language,
                          start_date=date(2024, 1, 1), source="test"))
        db.add(ContactDetail(person_id=pid, kind=channel, value=value, source="test"))
    db.commit()
    assert app_state(desk_app).directory.refresh() is not previous

    page = editor.get(campaign_url).get_data(as_text=True)
    # As many targets each: by language.
    assert list(_missing_rows(page).items()) == [
        ("mn", "2 (minister, mp) MN 0 Write it"),
        ("th", "2 (mp, summit_delegate) TH 0 Write it"),
    ]
    dashboard = editor.get("/staff/").get_data(as_text=True)
    assert "2 languages fall back to English: mn, th" in dashboard
