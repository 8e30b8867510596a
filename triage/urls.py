from django.urls import path

from triage.views import corrections, decisions, questionnaire

app_name = "triage"

urlpatterns = [
    path("referrals/", decisions.start, name="start"),
    path("referrals/new/", questionnaire.check_begin, name="begin"),
    path("referrals/checks/<uuid:check_id>/check/", questionnaire.check_answers, name="check"),
    path("referrals/checks/<uuid:check_id>/delete/", questionnaire.delete, name="check_delete"),
    path("referrals/checks/<uuid:check_id>/<slug:step>/", questionnaire.step, name="step"),
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
    path(
        "referrals/decisions/<str:reference>/entered-in-error/",
        corrections.mark_entered_in_error,
        name="decision_correct",
    ),
    path(
        "referrals/decisions/<str:reference>/corrected-check/",
        corrections.corrected_check_begin,
        name="corrected_check_begin",
    ),
]
