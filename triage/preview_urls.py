from django.urls import path

from triage.views import preview

app_name = "preview"

urlpatterns = [
    path("drafts/<int:pk>/questionnaire/<slug:step>/", preview.preview_step, name="step"),
    path("drafts/<int:pk>/questionnaire-outcome/", preview.preview_outcome, name="outcome"),
]
