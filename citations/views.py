from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control

from pagecache.fragments import rendered_rows
from web.views import PublicListView, public_view

from .formats import FORMATS
from .models import Citation, citation_scope


def keep_references(notes):
    """
    Give each of a page's ``notes`` (``FootnoteRenderer.notes``) its source's
    reference as HTML (``note.reference``), kept under the source's own
    version as the list of sources keeps it: a page of many notes renders
    only those of sources changed since.
    """
    references = rendered_rows(
        "includes/reference.html",
        [note.citation for note in notes],
        name="citation",
        scope_of=lambda citation: citation_scope(citation.pk),
        key_of=lambda citation: citation.pk,
    )
    for note, reference in zip(notes, references, strict=True):
        note.reference = reference
    return notes


class CitationListView(PublicListView):
    template_name = "citations/citation_list.html"
    context_object_name = "citations"
    paginate_by = 50

    def get_queryset(self):
        return Citation.objects.cited().order_by("key")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Each source's reference, kept under the source's own version.
        context["references"] = rendered_rows(
            "citations/citation_row.html",
            context["citations"],
            name="citation",
            scope_of=lambda citation: citation_scope(citation.pk),
            key_of=lambda citation: citation.pk,
        )
        return context


@public_view
def citation_detail(request, key):
    """
    A source the public sees (one a published country cites). Staff who may
    view citations also see the others, so that a draft's preview leads to
    its sources: marked as not public and never cached.
    """
    user = request.user
    staff = user.is_staff and user.has_perm("citations.view_citation")
    citation = get_object_or_404(
        Citation.objects.all() if staff else Citation.objects.cited(), key=key
    )
    public = not staff or Citation.objects.cited().filter(pk=citation.pk).exists()
    # By name as the page's language shows it (a source cites few countries).
    countries = sorted(
        citation.countries.published(), key=lambda country: (country.name.casefold(), country.slug)
    )
    response = render(
        request,
        "citations/citation_detail.html",
        {"citation": citation, "countries": countries, "not_public": not public},
    )
    if not public:
        patch_cache_control(response, private=True, no_store=True)
    return response


def bibliography_response(citations, filename, extension):
    """
    ``citations`` as a download in the format named by ``extension``
    ("bib", "ris" or "json"), saved as ``filename.extension``.
    """
    bibliography_format = FORMATS[extension]
    response = HttpResponse(
        bibliography_format.render(citations), content_type=bibliography_format.content_type
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.{extension}"'
    return response


@public_view
def export(request, extension):
    """The whole public bibliography: every source a published country cites."""
    citations = Citation.objects.cited().order_by("key")
    return bibliography_response(citations, "ai-strategy-atlas-citations", extension)
