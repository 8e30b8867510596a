from django.urls import path

from review.views import dashboard, review

app_name = "review"

urlpatterns = [
    path("", review.decision_list, name="list"),
    path("export.csv", review.decision_export, name="export"),
    path("next/", review.review_queue, name="next"),
    path("sample/", review.audit_sample, name="sample"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/verify/", dashboard.chain_verify_run, name="verify"),
    path("decisions/<str:reference>/", review.decision_detail, name="detail"),
    path("decisions/<str:reference>/reviews/", review.review_create, name="review"),
]
