"""Step two: a letter written in another language the campaign has, and the hint when the
supporter's own words are in another language than their letter."""

from __future__ import annotations

from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from webapp.app_state import app_state
from webapp.models import Letter, Submission

from .flow import SLUG, confirm_latest, letters_form, read_outbox, run_worker, step_one, step_two
from .pages import text

GERMAN = ("Mein Sohn studiert Informatik in Berlin und sieht jeden Tag, wie schnell diese "
          "Systeme besser werden. Bitte setzen Sie sich für diesen Vertrag ein.")


def stored(app) -> tuple[int, int]:
    with app_state(app).database.session_factory() as session:
        return (session.scalar(select(func.count()).select_from(Submission)),
                session.scalar(select(func.count()).select_from(Letter)))


def letters(app) -> list[Letter]:
    with app_state(app).database.session_factory() as session:
        return list(session.scalars(select(Letter).order_by(Letter.id)))


def switch(client, fields, index: str, language: str, changes=None):
    """Choose `language` in a letter's list and press its "Change" button."""
    data = [(k, v) for k, v in fields if k != f"groups-{index}-language"]
    for name, value in (changes or {}).items():
        data = [(k, v) for k, v in data if k != name]
        data.append((name, value))
    data += [(f"groups-{index}-language", language), ("switch", index)]
    return client.post(f"/c/{SLUG}/letters?lang=en", data=MultiDict(data))


def field(fields, name: str) -> str:
    return dict(fields)[name]


def test_each_letter_offers_the_campaigns_languages_by_name(client):
    page = text(step_one(client))
    assert 'name="groups-0-language"' in page and 'name="groups-1-language"' in page
    assert '<option value="nl" selected>Dutch</option>' in page
    assert '<option value="de">German</option>' in page
    assert '<option value="pt-br">Portuguese (Brazil)</option>' in page
    german_page = text(step_one(client, lang="de"))
    assert '<option value="nl" selected>Niederländisch</option>' in german_page


def test_a_letter_switched_to_german_is_stored_and_sent_in_german(app, client, outbox):
    fields = letters_form(step_one(client))
    assert field(fields, "groups-0-recipients").startswith("nl:")
    dutch_mep_text = field(fields, "groups-1-body")
    response = switch(client, fields, "0", "de")
    assert response.status_code == 200, text(response)
    assert stored(app) == (0, 0)  # changing a language stores nothing
    switched = letters_form(response)
    assert field(switched, "groups-0-recipients").startswith("de:")
    body = field(switched, "groups-0-body")
    assert "Vertrag" in body and "verdrag" not in body
    assert "Jane Doe" in body and "Utrecht" in body  # the supporter's details stay
    assert field(switched, "groups-1-body") == dutch_mep_text  # the other letter is untouched
    assert "groups-0-earlier" not in dict(switched)  # nothing of theirs to keep
    page = text(response)
    assert "Opens with: Sehr geehrte Frau" in page  # the salutation follows the letter

    sent = step_two(client, switched)
    assert "Please check your inbox" in text(sent)
    confirm_latest(app, client)
    by_language = {letter.language for letter in letters(app)}
    assert by_language == {"de", "nl"}
    run_worker(app)
    german = [m for m in read_outbox(outbox) if "Vertrag" in m.get_body().get_content()]
    assert german, "the German letter was not sent in German"


def test_edits_ticks_and_other_letters_survive_a_switch(app, client):
    fields = letters_form(step_one(client))
    own = field(fields, "groups-0-body") + "\nIk werk zelf in de zorg.\n"
    other = field(fields, "groups-1-body") + "\nEen eigen zin in de andere brief.\n"
    ticked = [v for k, v in fields if k == "groups-1-targets"]
    fields = [(k, v) for k, v in fields if not (k == "groups-1-targets" and v == ticked[0])]
    response = switch(client, fields, "0", "fr",
                      changes={"groups-0-body": own, "groups-1-body": other})
    assert response.status_code == 200
    switched = letters_form(response)
    assert "traité" in field(switched, "groups-0-body")
    # Their own version is kept beside the new text, to copy from; it is not sent.
    assert field(switched, "groups-0-earlier").rstrip() == own.rstrip()
    assert "Your text before you changed the language" in text(response)
    assert field(switched, "groups-1-body").rstrip() == other.rstrip()
    assert ticked[0] not in [v for k, v in switched if k == "groups-1-targets"]
    # Back to Dutch: the campaign's Dutch text again, their words still kept beside it.
    again = letters_form(switch(client, switched, "0", "nl"))
    assert "verdrag" in field(again, "groups-0-body")
    assert "Ik werk zelf in de zorg." in field(again, "groups-0-earlier")


def test_an_edited_subject_is_kept_through_a_switch_and_back(client):
    fields = letters_form(step_one(client))
    own = "Mijn eigen onderwerp: een verdrag over AI"
    # Only the subject edited: it stays as the supporter wrote it, the text follows the
    # language, and there is no earlier text to keep (they did not change the text).
    switched = letters_form(switch(client, fields, "0", "de",
                                   changes={"groups-0-subject": own}))
    assert field(switched, "groups-0-subject") == own
    assert "Vertrag" in field(switched, "groups-0-body")
    assert "groups-0-earlier" not in dict(switched)
    # With the text edited too: both kept, the text beside the new one as before.
    body = field(fields, "groups-0-body") + "\nIk werk zelf in de zorg.\n"
    switched = letters_form(switch(client, fields, "0", "fr",
                                   changes={"groups-0-subject": own, "groups-0-body": body}))
    assert field(switched, "groups-0-subject") == own
    assert "traité" in field(switched, "groups-0-body")
    assert "Ik werk zelf in de zorg." in field(switched, "groups-0-earlier")
    # Back to Dutch: still theirs.
    again = letters_form(switch(client, switched, "0", "nl"))
    assert field(again, "groups-0-subject") == own


def test_an_unedited_subject_follows_the_language(client):
    fields = letters_form(step_one(client))
    dutch_subject = field(fields, "groups-0-subject")
    # Spacing the browser or the supporter changed is not an edit, as for the text.
    spaced = "  " + dutch_subject.replace(" ", "  ", 1) + " "
    german = letters_form(switch(client, fields, "0", "de",
                                 changes={"groups-0-subject": spaced}))
    german_subject = field(german, "groups-0-subject")
    assert german_subject.split() != dutch_subject.split()
    # Emptied: nothing of theirs to keep, the new language's subject fills it.
    emptied = letters_form(switch(client, fields, "0", "de", changes={"groups-0-subject": ""}))
    assert field(emptied, "groups-0-subject") == german_subject
    # And back: the Dutch subject again.
    again = letters_form(switch(client, german, "0", "nl"))
    assert field(again, "groups-0-subject") == dutch_subject


def test_a_language_the_campaign_does_not_have_is_refused_with_the_text_kept(app, client):
    fields = letters_form(step_one(client))
    own = field(fields, "groups-0-body") + "\nMijn eigen zin.\n"
    for language in ("tlh", "xx", "de-zz", "", "../en"):
        response = switch(client, fields, "0", language, changes={"groups-0-body": own})
        assert response.status_code == 422, language
        page = text(response)
        assert "This campaign has no letter in" in page
        assert field(letters_form(response), "groups-0-body").rstrip() == own.rstrip()
    # A letter switched on a tampered page is refused when sent, too.
    recipients = field(fields, "groups-0-recipients")
    response = step_two(client, fields,
                        changes={"groups-0-recipients": "fr-ca" + recipients[2:]})
    assert response.status_code == 422
    assert "This campaign has no letter in French (Canada)" in text(response)
    # A switch naming no letter on the page is a clear message, not a 500.
    response = client.post(f"/c/{SLUG}/letters?lang=en",
                           data=MultiDict([*fields, ("switch", "99")]))
    assert response.status_code == 422
    assert "has changed" in text(response)
    assert stored(app) == (0, 0)


def test_own_words_in_another_language_get_a_hint_once(app, client):
    fields = letters_form(step_one(client))
    body = field(fields, "groups-0-body").replace("Jane Doe", GERMAN + "\n\nJane Doe")
    first = step_two(client, fields, changes={"groups-0-body": body})
    assert first.status_code == 200
    page = text(first)
    assert ("Part of your letter seems to be in German, but the letter is in Dutch: the office "
            "may not read it.") in page
    assert stored(app) == (0, 0)
    kept = letters_form(first)
    assert field(kept, "groups-0-body").replace("\r\n", "\n") == body  # nothing lost
    assert field(kept, "language_hint_shown") == "y"
    second = step_two(client, kept)
    assert "seems to be in" not in text(second)
    assert stored(app)[0] == 1


def test_the_hint_names_the_languages_in_the_interface_language(client):
    fields = letters_form(step_one(client, lang="de"))
    body = ("My son studies computer science in London and sees every day how fast these "
            "systems get better. Please support this treaty.\n") + field(fields, "groups-0-body")
    response = step_two(client, fields, lang="de", changes={"groups-0-body": body})
    assert response.status_code == 200
    page = text(response)
    hint = page[page.index('class="notice language-hint"'):]
    hint = hint[:hint.index("</p>")]
    assert "Englisch" in hint and "Niederländisch" in hint


def test_words_in_the_letters_own_language_go_straight_through(app, client):
    fields = letters_form(step_one(client))
    dutch = ("Mijn zoon studeert informatica in Amsterdam en ziet elke dag hoe snel deze "
             "systemen beter worden. Steun dit verdrag alstublieft.")
    body = field(fields, "groups-0-body").replace("Jane Doe", dutch + "\n\nJane Doe")
    response = step_two(client, fields, changes={"groups-0-body": body})
    assert "seems to be in" not in text(response)
    assert stored(app)[0] == 1


def test_a_hint_never_blocks_letters_left_unticked(app, client):
    fields = letters_form(step_one(client))
    body = field(fields, "groups-0-body") + "\n" + GERMAN + "\n"
    fields = [(k, v) for k, v in fields if k != "groups-0-targets"]
    response = step_two(client, fields, changes={"groups-0-body": body})
    assert "seems to be in" not in text(response)
    assert stored(app)[0] == 1


def test_own_words_from_step_one_in_another_language_are_pointed_out_at_once(app, client):
    # A Dutch supporter's own sentence, in German, goes into their Dutch letters: step two
    # says so when it opens; sending the letters unchanged then goes straight through.
    response = step_one(client, own_words=GERMAN)
    page = text(response)
    assert ("Part of your letter seems to be in German, but the letter is in Dutch") in page
    fields = letters_form(response)
    sent = step_two(client, fields)
    assert "seems to be in" not in text(sent)
    assert stored(app)[0] == 1


def test_own_words_in_the_letters_language_are_not_pointed_out(client):
    dutch = ("Mijn dochter groeit op met wat we nu bouwen, en ik wil dat zij veilig is. "
             "Zet u zich alstublieft in voor dit verdrag.")
    page = text(step_one(client, own_words=dutch))
    government = page[:page.index("Your members of the European Parliament")]
    assert "seems to be in" not in government
