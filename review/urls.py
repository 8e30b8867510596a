from django.urls import path

from review.views import access_log, dashboard, jobs, practice, review

app_name = "review"

urlpatterns = [
    path("", review.decision_list, name="list"),
    path("export.csv", review.decision_export, name="export"),
    path("next/", review.review_queue, name="next"),
    path("sample/", review.audit_sample, name="sample"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/<slug:table>.csv", dashboard.dashboard_csv, name="dashboard_csv"),
    path("dashboard/verify/", jobs.chain_verify_run, name="verify"),
    path("jobs/<int:job_id>/", jobs.job_detail, name="job"),
    path("jobs/<int:job_id>/download/", jobs.job_download, name="job_download"),
    path("access-log/", access_log.access_log, name="access_log"),
    path("access-log.csv", access_log.access_log_export, name="access_log_export"),
    path("practice/dashboard/", dashboard.practice_dashboard, name="practice_dashboard"),
    path(
        "practice/dashboard/<slug:table>.csv",
        dashboard.practice_dashboard_csv,
        name="practice_dashboard_csv",
    ),
    path("practice/decisions/<str:reference>/", practice.practice_reply, name="practice_reply"),
    path("decisions/<str:reference>/", review.decision_detail, name="detail"),
    path("decisions/<str:reference>/reviews/", review.review_create, name="review"),
]
