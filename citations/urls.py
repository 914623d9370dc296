from django.urls import path

from . import converters, views  # noqa: F401 -- converters registers "bibformat"

app_name = "citations"

urlpatterns = [
    path("", views.CitationListView.as_view(), name="list"),
    path("export.<bibformat:extension>", views.export, name="export"),
    path("<slug:key>/", views.citation_detail, name="detail"),
]
