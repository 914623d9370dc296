"""
The ``bibformat`` path converter: one of the bibliography formats' file
extensions (``citations.formats.FORMATS``), so that the addresses of the
downloads follow the one list of formats.
"""

from django.urls import register_converter

from .formats import FORMATS


class BibliographyFormatConverter:
    regex = "|".join(FORMATS)

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(BibliographyFormatConverter, "bibformat")
