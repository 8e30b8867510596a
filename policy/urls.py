from django.urls import path

from policy.views import manage, public, wording

app_name = "policy"

urlpatterns = [
    path("", public.current, name="current"),
    path("versions/", public.version_list, name="versions"),
    path("versions/<int:number>/", public.version_detail, name="version"),
    path("manage/", manage.manage, name="manage"),
    path("manage/drafts/", manage.draft_start, name="draft_start"),
    path("manage/versions/<int:number>/edit/", manage.draft_edit, name="draft_edit"),
    path("manage/versions/<int:number>/wording/", wording.draft_wording, name="draft_wording"),
    path("manage/versions/<int:number>/preview/", manage.draft_preview, name="draft_preview"),
    path("manage/versions/<int:number>/compare/", manage.draft_diff, name="draft_diff"),
    path("manage/versions/<int:number>/publish/", manage.draft_publish, name="draft_publish"),
    path("manage/versions/<int:number>/discard/", manage.draft_discard, name="draft_discard"),
]
