from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from django.views.generic import ListView

from .formats import FORMATS
from .models import Citation


@method_decorator(csrf_exempt, name="dispatch")  # read-only page: other methods get 405
class CitationListView(ListView):
    http_method_names = ["get", "head"]
    template_name = "citations/citation_list.html"
    context_object_name = "citations"
    paginate_by = 50

    def get_queryset(self):
        return Citation.objects.cited().order_by("key")


@csrf_exempt  # read-only page: other methods get 405, not a CSRF failure
@require_safe
def citation_detail(request, key):
    citation = get_object_or_404(Citation.objects.cited(), key=key)
    countries = citation.countries.published().order_by("name")
    return render(
        request,
        "citations/citation_detail.html",
        {"citation": citation, "countries": countries},
    )


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


@csrf_exempt  # read-only download: other methods get 405, not a CSRF failure
@require_safe
def export(request, extension):
    """The whole public bibliography: every source a published country cites."""
    citations = Citation.objects.cited().order_by("key")
    return bibliography_response(citations, "ai-strategy-atlas-citations", extension)
