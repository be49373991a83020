"""A submission keeps its letters until confirmed as one versioned value: each text once."""

from __future__ import annotations

import json

import pytest

from webapp.models import PendingLetter, PendingLetters


def test_letters_sharing_a_text_keep_it_once_and_come_back_as_given():
    letters = [
        PendingLetter("mep:1", "Anna", "a@ep.example", "Geachte mevrouw,", "Verdrag", "Nu.", "nl"),
        PendingLetter("min:1", "Els", "e@min.example", "", "Aan de minister", "Een verdrag.",
                      "nl"),
        PendingLetter("mep:2", "Piet", "p@ep.example", "Geachte heer,", "Verdrag", "Nu.", "nl"),
    ]
    packed = PendingLetters.pack(iter(letters))
    assert packed["version"] == PendingLetters.VERSION
    assert packed["texts"][0] == {"subject": "Verdrag", "text": "Nu.", "language": "nl"}
    assert len(packed["texts"]) == 2
    # Stored as JSON: it comes back through a round trip as it went in.
    back = PendingLetters.unpack(json.loads(json.dumps(packed)))
    assert [letter[:7] for letter in back] == [letter[:7] for letter in letters]
    assert back[0].text_id == back[2].text_id != back[1].text_id
    assert back[0].body == "Geachte mevrouw,\n\nNu." and back[1].body == "Een verdrag."
    assert PendingLetters.unpack(None) == []


def test_a_value_of_an_unknown_version_is_refused_not_misread():
    with pytest.raises(ValueError, match="version"):
        PendingLetters.unpack({"version": 99, "texts": [], "letters": []})
