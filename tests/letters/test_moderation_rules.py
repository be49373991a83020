"""The moderation rules as such (letters.moderation): words, addresses, near copies."""

from __future__ import annotations

from letters.moderation import (
    Rules,
    listed_words,
    near_copies,
    parse_words,
    same_address,
    word_pattern,
)

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


def test_near_copies_count_only_texts_above_the_threshold():
    changed = LETTER.replace("My children deserve", "Our grandchildren need")
    other = "A completely different letter about something else entirely, in my own words."
    assert near_copies(LETTER, [LETTER, LETTER.upper(), other], 90) == 2
    assert near_copies(changed, [LETTER], 90) == 0
    assert near_copies(changed, [LETTER], 50) == 1
    assert near_copies(LETTER, [], 90) == 0


def test_rules_are_on_when_any_rule_is():
    assert not Rules().any
    assert Rules(flood_per_hour=3).any and Rules(words=("x",)).any
    assert Rules(supporter_as_target=True).any
