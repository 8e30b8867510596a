from django.urls import path

from policy.views import manage, public, scenarios, wording

app_name = "policy"

urlpatterns = [
    path("", public.current, name="current"),
    path("versions/", public.version_list, name="versions"),
    path("versions/<int:number>/", public.version_detail, name="version"),
    path("manage/", manage.manage, name="manage"),
    path("manage/drafts/", manage.draft_start, name="draft_start"),
    path("manage/drafts/<int:pk>/edit/", manage.draft_edit, name="draft_edit"),
    path("manage/drafts/<int:pk>/preview/", manage.draft_preview, name="draft_preview"),
    path("manage/drafts/<int:pk>/compare/", manage.draft_diff, name="draft_diff"),
    path("manage/drafts/<int:pk>/ready/", manage.draft_ready, name="draft_ready"),
    path("manage/drafts/<int:pk>/publish/", manage.draft_publish, name="draft_publish"),
    path("manage/drafts/<int:pk>/discard/", manage.draft_discard, name="draft_discard"),
    path("manage/drafts/<int:pk>/test-cases/", scenarios.draft_results, name="draft_scenarios"),
    path(
        "manage/versions/<int:number>/withdraw/",
        manage.version_withdraw,
        name="version_withdraw",
    ),
    path("manage/test-cases/", scenarios.scenario_list, name="scenarios"),
    path("manage/test-cases/new/", scenarios.scenario_edit, name="scenario_add"),
    path("manage/test-cases/<int:pk>/", scenarios.scenario_edit, name="scenario_edit"),
    path("manage/test-cases/<int:pk>/delete/", scenarios.scenario_delete, name="scenario_delete"),
    path("manage/test-cases/import/", scenarios.scenario_import, name="scenario_import"),
    path("manage/test-cases/export.json", scenarios.scenario_export, name="scenario_export"),
    path("manage/drafts/<int:pk>/wording/", wording.draft_wording, name="draft_wording"),
]
