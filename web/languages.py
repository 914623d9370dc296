"""
Which language a request is answered in, and the same page in the others.

* The public site says its language in the address: English without a
  prefix (today's addresses), Spanish under ``/es/``. The address alone
  decides, so a page is the same for everyone who asks for it: it is cached
  by address (pagecache), and needs no ``Vary: Accept-Language``.
* The admin and the API are not translated by address. The admin speaks the
  editor's choice (the ``django_language`` cookie set by Django's
  ``set_language`` view, else the browser's Accept-Language); the API speaks
  English unless asked with ``?lang=`` (api.views).
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.urls import translate_url
from django.utils import translation
from django.utils.cache import patch_vary_headers

# Paths where the language is the visitor's choice, not the address's.
CHOSEN_LANGUAGE_PATHS = ("/admin/", "/i18n/")


def chosen_by_visitor(path):
    return path.startswith(CHOSEN_LANGUAGE_PATHS)


class LanguageMiddleware(LocaleMiddleware):
    def process_request(self, request):
        if chosen_by_visitor(request.path_info):
            language = translation.get_language_from_request(request)
        else:
            language = translation.get_language_from_path(request.path_info)
            language = language or settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        if chosen_by_visitor(request.path_info):
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


def alternates(request):
    """
    The page ``request`` asked for, in each language: [(code, name, path)],
    with the query parameters its view reads, as it reads them. Empty for a
    page that is not in every language (the admin, an error page).
    """
    from urllib.parse import urlencode

    from django.core.exceptions import SuspiciousOperation

    from .addresses import query_as_read, view_parameters
    from .context_processors import MAX_QUERY

    match = getattr(request, "resolver_match", None)
    if match is None or chosen_by_visitor(request.path_info):
        return []
    names, repeated = view_parameters(match.func)
    try:
        query = urlencode(query_as_read(request.GET, names or frozenset(), repeated))
    except SuspiciousOperation:
        query = ""
    if len(query) > MAX_QUERY:  # as the print footer's address: a huge query is not repeated
        query = ""
    path = request.path
    current = translation.get_language()
    pages = []
    for code, name in settings.LANGUAGES:
        address = path if code == current else translate_url(path, code)
        if address == path and code != current:
            return []  # no such page in that language
        pages.append((code, name, f"{address}?{query}" if query else address))
    return pages


def language_pages(request):
    """
    Context processor: ``language_pages``, the page in each language for the
    switcher and the ``hreflang`` alternates: [{"code", "name", "path",
    "url", "current"}].
    """
    from django.core.exceptions import DisallowedHost

    from .addresses import absolute_url

    pages = []
    current = translation.get_language()
    for code, name, path in alternates(request):
        try:
            url = absolute_url(request, path)
        except DisallowedHost:
            url = path
        pages.append(
            {"code": code, "name": name, "path": path, "url": url, "current": code == current}
        )
    return {"language_pages": pages}
