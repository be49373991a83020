"""A submission keeps its letters until confirmed as one value: each text once."""

from __future__ import annotations

import json

from webapp.models import pack_pending, unpack_pending


def test_letters_sharing_a_text_keep_it_once_and_come_back_as_given():
    letters = [
        ("mep:1", "Anna", "a@ep.example", "Geachte mevrouw,", "Verdrag", "Nu.", "nl"),
        ("min:1", "Els", "e@min.example", "", "Aan de minister", "Een verdrag.", "nl"),
        ("mep:2", "Piet", "p@ep.example", "Geachte heer,", "Verdrag", "Nu.", "nl"),
    ]
    packed = pack_pending(iter(letters))
    assert len(json.loads(packed)["texts"]) == 2
    back = unpack_pending(packed)
    assert [(p.target_id, p.target_name, p.to_address, p.salutation, p.subject, p.text,
             p.language) for p in back] == letters
    assert back[0].text_id == back[2].text_id != back[1].text_id
    assert back[0].body == "Geachte mevrouw,\n\nNu." and back[1].body == "Een verdrag."
    assert unpack_pending(None) == []
