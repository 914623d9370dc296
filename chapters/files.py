"""
Files that staff bring: a Markdown report, a Word (.docx) or OpenDocument
(.odt) one, or something else, which is refused with a message that says
what to do. The same rules for the command line and the admin upload.
"""

import zipfile
from io import BytesIO
from pathlib import PurePath

from .problems import ChapterError, Problem
from .reader import decode, parse_report
from .syntax import MAX_FILE_BYTES, MAX_FILE_MEGABYTES

TEXT_SUFFIXES = {".md", ".markdown", ".txt"}
WORD_SUFFIXES = {".docx": "docx", ".odt": "odt"}
ACCEPTED = sorted(TEXT_SUFFIXES | set(WORD_SUFFIXES))

# What other files are, by their first bytes, to say so rather than "not UTF-8".
SIGNATURES = [
    (b"%PDF-", "PDF"),
    (b"\xd0\xcf\x11\xe0", "an old Word (.doc) or Excel (.xls) file"),
    (b"{\\rtf", "RTF"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
]


def read_file(name, data, **options):
    """
    The report in the file ``name`` holding ``data``: Markdown read as it is,
    Word and OpenDocument converted by pandoc. Raise ChapterError saying what
    is wrong (a file too large, of a kind that cannot be imported, not UTF-8)
    or listing the report's problems. ``options`` go to ``parse_report``.
    """
    check_size(len(data))
    return parse_report(file_text(name, data), **options)


def check_size(size):
    if size > MAX_FILE_BYTES:
        raise ChapterError(
            [
                Problem(
                    f"the file is {size / 1024 / 1024:.1f} MB; a file may be at most "
                    f"{MAX_FILE_MEGABYTES} MB"
                )
            ]
        )


def file_text(name, data):
    """The file's content as chapter text (Markdown)."""
    kind = word_kind(name, data)
    if kind:
        from .word import word_to_text

        return word_to_text(data, kind)
    for signature, what in SIGNATURES:
        if data.startswith(signature):
            raise ChapterError(
                [
                    Problem(
                        f"{what} cannot be imported: export the chapter as Word (.docx) "
                        "or Markdown (.md)"
                    )
                ]
            )
    if data.startswith(b"PK\x03\x04"):
        raise ChapterError(
            [
                Problem(
                    "this zip file is neither a Word (.docx) nor an OpenDocument (.odt) "
                    "document: export the chapter as Word or Markdown"
                )
            ]
        )
    if b"\x00" in data[:4096] and not _is_utf8(data):
        raise ChapterError(
            [
                Problem(
                    "this is not a text file (it holds binary data): import Markdown (.md), "
                    "Word (.docx) or OpenDocument (.odt)"
                )
            ]
        )
    suffix = PurePath(name).suffix.lower()
    if suffix and suffix not in TEXT_SUFFIXES:
        raise ChapterError(
            [Problem(f"a {suffix} file cannot be imported: choose one of {', '.join(ACCEPTED)}")]
        )
    return decode(data)


def _is_utf8(data):
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def word_kind(name, data):
    """ "docx" or "odt" for a Word or OpenDocument text file, else None."""
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names:
                return "docx"
            if "mimetype" in names and archive.read("mimetype").strip() == (
                b"application/vnd.oasis.opendocument.text"
            ):
                return "odt"
    except (zipfile.BadZipFile, KeyError, OSError):
        return None
    return None
