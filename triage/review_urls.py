from django.urls import path

from triage.views import placeholders

app_name = "review"

urlpatterns = [
    path("", placeholders.review_start, name="list"),
]
