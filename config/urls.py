from django.contrib import admin
from django.urls import include, path

from core import two_factor
from core import views as site
from nhs_login import views as nhs_login_views
from review.views import transparency

urlpatterns = [
    path("", site.home, name="home"),
    path("sign-in/", nhs_login_views.SignInView.as_view(), name="login"),
    path("sign-in/nhs/", include("nhs_login.urls")),
    path("sign-out/", nhs_login_views.sign_out, name="logout"),
    path("fhir/", include("fhir_api.urls")),
    path("sign-in/two-factor/", include((two_factor.urlpatterns, "otp"))),
    path("healthz", site.healthz, name="healthz"),
    path("session/keep-alive/", site.session_keep_alive, name="keep_alive"),
    path("accessibility/", site.accessibility, name="accessibility"),
    path("privacy/", site.privacy, name="privacy"),
    path("transparency/", transparency.transparency, name="transparency"),
    path(
        "transparency/checkpoints/<int:serial>.json",
        transparency.transparency_checkpoint,
        name="transparency_checkpoint",
    ),
    path("policy/", include("policy.urls")),
    path("policy/manage/", include("triage.impact_urls")),
    path("policy/manage/", include("triage.preview_urls")),
    path("review/", include("review.urls")),
    path("", include("triage.urls")),
    path("django-admin/", admin.site.urls),
]

handler500 = "core.views.server_error"
