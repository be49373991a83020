"""The moderation rules as such (letters.moderation): words, addresses, near copies."""

from __future__ import annotations

import os
import subprocess
import sys

from letters.moderation import (
    SKETCH_LENGTH,
    Rules,
    listed_words,
    near_copy_sketches,
    parse_words,
    same_address,
    sketch,
    sketch_resemblance,
    word_pattern,
)
from letters.similarity import similarity

LETTER = ("Please support a binding international treaty on artificial intelligence at the "
          "next summit, with independent oversight and clear red lines for the most dangerous "
          "systems. My children deserve a future we chose together.")


def test_words_are_parsed_once_each_case_folded_in_the_order_typed():
    assert parse_words("Idiot\n  scam , IDIOT\n\n Straße  ") == ("idiot", "scam", "strasse")
    assert parse_words("") == ()


def test_listed_words_match_whole_words_in_any_case():
    words = parse_words("idiot\nscam")
    assert listed_words(words, "You IDIOT.", "nothing") == ["idiot"]
    assert listed_words(words, "Scammers and idiotic ideas") == []  # only whole words
    assert listed_words(words, "a scam; an idiot") == ["scam", "idiot"]


def test_listed_words_in_other_scripts():
    words = parse_words("Дурак\nκλέφτης\nﾊﾞｶ\n馬鹿")
    assert listed_words(words, "Вы дурак!") == ["дурак"]
    # Case-folded as listed: the final sigma is folded to the ordinary one.
    assert listed_words(words, "Ο ΚΛΈΦΤΗΣ") == ["κλέφτησ"]
    assert listed_words(words, "バカだ") == ["バカ"]  # half-width as listed, full-width here
    # Japanese and Chinese have no spaces between words: found wherever they stand.
    assert listed_words(words, "あなたは馬鹿です") == ["馬鹿"]
    assert listed_words(words, "дураки") == []


def test_words_with_spaces_and_signs_are_taken_literally():
    words = parse_words("f*ck you\nc++")
    assert listed_words(words, "well F*CK  you") == []  # two spaces: not the phrase
    assert listed_words(words, "well F*CK you.") == ["f*ck you"]
    assert word_pattern(()) is None


def test_same_address_ignores_case_and_spaces():
    assert same_address(" Minister@EZK.example.org", "minister@ezk.example.org ")
    assert not same_address("jane@example.org", "minister@ezk.example.org")


def test_near_copies_count_only_sketches_above_the_threshold():
    changed = LETTER.replace("My children deserve", "Our grandchildren need")
    other = "A completely different letter about something else entirely, in my own words."
    stored = [sketch(LETTER), sketch(LETTER.upper()), sketch(other)]
    assert near_copy_sketches(LETTER, stored, 90) == 2
    assert near_copy_sketches(changed, [sketch(LETTER)], 90) == 0
    assert near_copy_sketches(changed, [sketch(LETTER)], 50) == 1
    assert near_copy_sketches(LETTER, [], 90) == 0


def test_sketches_estimate_the_similarity_measure():
    """Exact for short texts; close to letters.similarity for long ones."""
    short = "Sign the treaty now please, for all of us."
    assert sketch_resemblance(sketch(short), sketch(short + " Thanks.")) == similarity(
        short, short + " Thanks.")
    base = " ".join(f"{LETTER} Paragraph {n}." for n in range(8))
    for cut in (1, 3, 6):
        edited = base.replace(f"Paragraph {cut}.", "An entirely new paragraph of my own.")
        assert abs(sketch_resemblance(sketch(base), sketch(edited))
                   - similarity(base, edited)) < 0.2
    assert len(sketch(base)) == SKETCH_LENGTH and sketch("") == ""
    assert sketch_resemblance("", "") == 1.0


def test_sketches_are_the_same_in_every_process():
    """Stored by one process, compared by another: not hash(), which each process seeds."""
    code = "from letters.moderation import sketch; print(sketch('Sign the treaty now, please.'))"
    outputs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              check=True, env={**os.environ, "PYTHONHASHSEED": seed}).stdout
               for seed in ("1", "2")}
    assert outputs == {sketch("Sign the treaty now, please.") + "\n"}


def test_rules_are_on_when_any_rule_is():
    assert not Rules().any
    assert Rules(flood_per_hour=3).any and Rules(words=("x",)).any
    assert Rules(supporter_as_target=True).any
