"""
Countries written out as a report file: Markdown (.md) or Word (.docx),
one country or the whole atlas. The one place the command line and the
admin's downloads get their files from.
"""

from django.utils.text import slugify

from .writer import write_report

FORMATS = {
    "md": ("text/markdown; charset=utf-8", "Markdown"),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word",
    ),
}


def export(countries, file_format):
    """The bytes of ``countries`` as a report in ``file_format`` ("md" or "docx")."""
    if file_format == "docx":
        from .word import text_to_docx

        return text_to_docx(write_report(countries, for_word=True))
    return write_report(countries).encode("utf-8")


def filename(countries, file_format, *, whole_atlas=False):
    stem = "ai-strategy-atlas" if whole_atlas else slugify(countries[0].slug) or "country"
    return f"{stem}.{file_format}"
