"""
Public views are read-only and have one address per page.

* ``public_view`` marks a function view as read-only (GET and HEAD; other
  methods get 405 Method Not Allowed, never a CSRF failure, since there is
  nothing to forge) and declares the query parameters its response depends
  on. The page cache (``pagecache``) keys its copies by those parameters
  alone: any other parameter, a tracking tag or junk, gets the same page
  and can neither fill the cache nor force a render. A parameter the view
  reads with all its values (``repeated``) is keyed by all of them.
* ``page_number`` reads ``?page=`` strictly: "1", "2", ... (and "last" in
  lists), so that each page has one address; "01" or "+1" is not found.
* ``PublicListView`` is Django's ``ListView`` with both.
"""

import re

from django.core.paginator import InvalidPage
from django.http import Http404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from django.views.generic import ListView

PAGE_RE = re.compile(r"[1-9][0-9]{0,8}")


def public_view(view=None, *, query=(), repeated=(), scope=None):
    """
    ``@public_view`` or ``@public_view(query=["page"])``: a read-only view
    whose response depends on the query parameters named in ``query`` only.
    Those named in ``repeated`` too are read with every value they are given
    (``?c=a&c=b``, ``request.GET.getlist``); the others by their last value.
    ``scope``, a function of the URL's keyword arguments, names the one part
    of the content the page shows (``pagecache.versions``), when it shows one.
    """

    def decorate(view):
        view = csrf_exempt(require_safe(view))
        view.query_parameters = frozenset(query)
        view.repeated_query_parameters = frozenset(repeated)
        view.content_scope = scope
        return view

    return decorate(view) if view is not None else decorate


def page_number(value, *, allow_last=False):
    """
    The number a ``?page=`` value names, or "last" when allowed; 1 when it
    is missing or empty. Raise Http404 for any other spelling.
    """
    if value is None or value == "":
        return 1
    if allow_last and value == "last":
        return "last"
    if not PAGE_RE.fullmatch(value):
        raise Http404(f"Invalid page “{value[:20]}”: pages are numbered 1, 2, 3 and so on.")
    return int(value)


def page_of(paginator, value):
    """The page of ``paginator`` that the ``?page=`` value names, or Http404."""
    try:
        return paginator.page(page_number(value))
    except InvalidPage:
        raise Http404(
            f"Invalid page “{value}”: pages run from 1 to {paginator.num_pages}."
        ) from None


class PublicListView(ListView):
    """A read-only list, paginated by ``?page=`` read strictly."""

    http_method_names = ["get", "head"]
    query_parameters = frozenset({"page"})

    @classmethod
    def as_view(cls, **initkwargs):
        return csrf_exempt(super().as_view(**initkwargs))

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(
            queryset,
            page_size,
            orphans=self.get_paginate_orphans(),
            allow_empty_first_page=self.get_allow_empty(),
        )
        value = self.request.GET.get(self.page_kwarg)
        number = page_number(value, allow_last=True)
        if number == "last":
            number = paginator.num_pages
        try:
            page = paginator.page(number)
        except InvalidPage:
            raise Http404(
                f"Invalid page “{value}”: pages run from 1 to {paginator.num_pages}."
            ) from None
        return paginator, page, page.object_list, page.has_other_pages()
