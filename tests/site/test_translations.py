"""Every interface string has an English translation (Italian is the source language)."""
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]


def test_every_string_is_translated_to_english(tmp_path):
    pot = tmp_path / "messages.pot"
    CommandLineInterface().run(["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), "-k", "_l",
                                "-o", str(pot), str(ROOT)])
    with pot.open("rb") as f:
        wanted = [m.id for m in read_po(f) if m.id]
    assert len(wanted) > 200
    with (ROOT / "translations/en/LC_MESSAGES/messages.po").open("rb") as f:
        catalog = read_po(f)
    missing = []
    for msgid in wanted:
        message = catalog.get(msgid)
        texts = message.string if message else None
        texts = texts if isinstance(texts, tuple) else (texts,)
        if message is None or message.fuzzy or not all(texts):
            missing.append(msgid)
    assert not missing, "untranslated (run pybabel update and translate): " + repr(missing)
