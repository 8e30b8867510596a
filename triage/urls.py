from django.urls import path

from triage.views import decisions, questionnaire

app_name = "triage"

urlpatterns = [
    path("referrals/", decisions.start, name="start"),
    path("referrals/new/", questionnaire.journey_begin, name="begin"),
    path("referrals/new/check/", questionnaire.check, name="check"),
    path("referrals/new/<slug:step>/", questionnaire.step, name="step"),
    path("referrals/decisions/<str:reference>/", decisions.decision_detail, name="decision"),
    path(
        "referrals/decisions/<str:reference>/startback/",
        decisions.decision_startback,
        name="decision_startback",
    ),
    path(
        "referrals/decisions/<str:reference>/print/",
        decisions.decision_print,
        name="decision_print",
    ),
]
