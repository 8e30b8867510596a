from django.urls import path

from fhir_api import views

app_name = "fhir_api"
urlpatterns = [
    path("Questionnaire", views.questionnaire_search, name="questionnaire_search"),
    path("Questionnaire/<str:resource_id>", views.questionnaire_read, name="questionnaire"),
    path("QuestionnaireResponse", views.response_submit, name="response_submit"),
    path("QuestionnaireResponse/$evaluate", views.response_evaluate, name="response_evaluate"),
    path(
        "GuidanceResponse/<str:reference>",
        views.guidance_response_read,
        name="guidance_response",
    ),
    path("openapi.json", views.openapi, name="openapi"),
]
