from django.urls import path

from triage.views import impact

app_name = "impact"

urlpatterns = [
    path("drafts/<int:pk>/impact/", impact.draft_impact, name="draft"),
    path("drafts/<int:pk>/impact.csv", impact.draft_impact_csv, name="draft_csv"),
]
