from django.shortcuts import get_object_or_404, render
from django.views.generic import ListView

from .models import Citation


class CitationListView(ListView):
    template_name = "citations/citation_list.html"
    context_object_name = "citations"
    paginate_by = 100

    def get_queryset(self):
        return Citation.objects.cited().order_by("key")


def citation_detail(request, key):
    citation = get_object_or_404(Citation.objects.cited(), key=key)
    countries = citation.countries.published().order_by("name")
    return render(
        request,
        "citations/citation_detail.html",
        {"citation": citation, "countries": countries},
    )
