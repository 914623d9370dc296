from django.urls import path, re_path

from . import views

app_name = "citations"

urlpatterns = [
    path("", views.CitationListView.as_view(), name="list"),
    re_path(r"^export\.(?P<extension>bib|ris|json)$", views.export, name="export"),
    path("<slug:key>/", views.citation_detail, name="detail"),
]
