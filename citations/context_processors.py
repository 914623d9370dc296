"""Template context: the bibliography formats, for the download links on every list of sources."""

from .formats import FORMATS


def bibliography_formats(request):
    return {"bibliography_formats": FORMATS.values()}
