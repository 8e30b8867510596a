from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from core import two_factor
from core import views as site

urlpatterns = [
    path("", site.home, name="home"),
    path("sign-in/", site.SignInView.as_view(), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("sign-in/two-factor/", include((two_factor.urlpatterns, "otp"))),
    path("healthz", site.healthz, name="healthz"),
    path("accessibility/", site.accessibility, name="accessibility"),
    path("policy/", include("policy.urls")),
    path("review/", include("review.urls")),
    path("", include("triage.urls")),
    path("django-admin/", admin.site.urls),
]

handler500 = "core.views.server_error"
