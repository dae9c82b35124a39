"""English is complete: every source string is in the catalogue, translated, and compiled."""

import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command

SRC = Path(__file__).resolve().parents[1] / "src" / "rione"
PO = SRC / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def catalogue() -> polib.POFile:
    return polib.pofile(str(PO))


def test_every_english_entry_is_translated_and_not_fuzzy():
    po = catalogue()
    missing = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert not missing, f"{len(missing)} untranslated, e.g. {missing[:5]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


def test_compiled_catalogue_matches_the_po_file():
    compiled = {(entry.msgctxt, entry.msgid): entry.msgstr for entry in polib.mofile(str(MO))}
    source = {
        (entry.msgctxt, entry.msgid): entry.msgstr
        for entry in catalogue().translated_entries()
        if not entry.msgid_plural
    }
    stale = {key for key, text in source.items() if compiled.get(key) != text}
    assert not stale, f"django.mo is out of date; run `make messages`: {sorted(stale)[:5]}"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext")
def test_every_source_string_is_in_the_catalogue(tmp_path, settings, monkeypatch):
    copy = tmp_path / "rione"
    shutil.copytree(
        SRC, copy, ignore=shutil.ignore_patterns("locale", "tests", "static", "__pycache__")
    )
    (copy / "locale").mkdir()
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["en"], verbosity=0, no_obsolete=True)
    extracted = polib.pofile(str(copy / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    known = {(entry.msgctxt, entry.msgid) for entry in catalogue() if not entry.obsolete}
    absent = sorted(entry.msgid for entry in extracted if (entry.msgctxt, entry.msgid) not in known)
    assert not absent, (
        f"{len(absent)} strings missing from django.po; run `make messages`: {absent[:5]}"
    )
