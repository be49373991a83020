"""Step two's form: one small form per shared letter, found by the numbers in its field names."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from webapp.supporters.forms import MAX_LETTER_GROUPS, LettersForm


def _group(n: int, subject: str = "A treaty", body: str = "Dear all") -> list[tuple[str, str]]:
    return [(f"groups-{n}-recipients", "en:1:gb:1"), (f"groups-{n}-targets", "gb:1"),
            (f"groups-{n}-subject", subject), (f"groups-{n}-body", body)]


def test_groups_are_read_in_order_of_their_numbers(app):
    data = MultiDict(_group(10, subject="ten") + _group(2, subject="two")
                     + [("groups-x-subject", "not a group"), ("groupsy", "no")])
    with app.test_request_context():
        form = LettersForm(data)
        assert [g.subject.data for g in form.groups] == ["two", "ten"]
        assert form.groups[1].targets_name == "groups-10-targets"
        assert form.groups[1].targets == ["gb:1"]
        assert form.validate()


def test_a_bad_letter_fails_the_form_with_its_message_on_the_field(app):
    with app.test_request_context():
        form = LettersForm(MultiDict(_group(0) + _group(1, subject="Bcc: x\r\nSubject")))
        assert not form.validate()
        assert not form.groups[0].errors and form.groups[1].subject.errors


def test_at_most_forty_letters_are_read(app):
    data = MultiDict([pair for n in range(MAX_LETTER_GROUPS + 5) for pair in _group(n)])
    with app.test_request_context():
        assert len(LettersForm(data).groups) == MAX_LETTER_GROUPS


def test_step_one_adds_groups_with_their_texts(app):
    with app.test_request_context():
        form = LettersForm()
        form.add_group({"recipients": "en::gb:1", "targets": ["gb:1"], "subject": "S",
                        "body": "B"})
        form.add_group({"recipients": "nl::nl:2", "targets": [], "subject": "T", "body": "C"})
        assert [g.subject.name for g in form.groups] == ["groups-0-subject", "groups-1-subject"]
        assert form.groups[1].body.data == "C"


def test_a_letter_language_that_is_no_language_code_fails_the_letter(app):
    bad = [(k, "e n:1:gb:1" if k.endswith("recipients") else v) for k, v in _group(1)]
    with app.test_request_context():
        form = LettersForm(MultiDict(_group(0) + bad))
        assert not form.validate()
        assert not form.groups[0].errors
        assert list(form.groups[1].errors) == ["recipients"]
        assert form.groups[1].recipients == "e n:1:gb:1"  # kept as sent
