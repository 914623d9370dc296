from django.urls import path

from . import views

app_name = "citations"

urlpatterns = [
    path("", views.CitationListView.as_view(), name="list"),
    path("<slug:key>/", views.citation_detail, name="detail"),
]
