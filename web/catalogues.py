"""
The interface's translations: the gettext catalogues in ``locale/``.

``locale/<language>/LC_MESSAGES/django.po`` is the catalogue translators
edit (made and updated with ``manage.py makemessages -l es``, which needs
GNU gettext). The build compiles it into ``django.mo`` with
``manage.py compile_catalogues`` (polib, pure Python: a fresh machine with
only Python builds the site), and the test suite checks every catalogue is
complete: no entry untranslated or fuzzy, every placeholder kept.
"""

import re
from pathlib import Path

import polib
from django.conf import settings

# %(name)s, %s, %d, {name}, {} and {0}: what a translation must keep.
PLACEHOLDER_RE = re.compile(r"%\([^)]+\)[sdif]|%[sdif]|\{[^{}\s]*\}")


def catalogue_paths():
    """{language: path of its .po} for every language but English (the source language)."""
    paths = {}
    for code, _name in settings.LANGUAGES:
        if code == settings.LANGUAGE_CODE:
            continue
        for folder in settings.LOCALE_PATHS:
            paths[code] = Path(folder) / code / "LC_MESSAGES" / "django.po"
    return paths


def placeholders(text):
    return sorted(PLACEHOLDER_RE.findall(text))


def problems(catalogue):
    """What is wrong with a catalogue (a polib.POFile), entry by entry."""
    found = []
    for entry in catalogue:
        if entry.obsolete:
            continue
        where = f"line {entry.linenum}: {entry.msgid[:60]!r}"
        if "fuzzy" in entry.flags:
            found.append(f"{where}: fuzzy")
        if entry.msgid_plural:
            forms = entry.msgstr_plural
            if not forms or not all(forms.values()):
                found.append(f"{where}: a plural form is not translated")
                continue
            for form in forms.values():
                if placeholders(form) != placeholders(entry.msgid_plural) and placeholders(
                    form
                ) != placeholders(entry.msgid):
                    found.append(f"{where}: placeholders differ in {form[:60]!r}")
        elif not entry.msgstr:
            found.append(f"{where}: not translated")
        elif placeholders(entry.msgstr) != placeholders(entry.msgid):
            found.append(f"{where}: placeholders differ in {entry.msgstr[:60]!r}")
    return found


def compile_all():
    """Write each catalogue's .mo beside its .po; returns the paths written."""
    written = []
    for path in catalogue_paths().values():
        catalogue = polib.pofile(str(path))
        target = path.with_suffix(".mo")
        catalogue.save_as_mofile(str(target))
        written.append(target)
    return written
