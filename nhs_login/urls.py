from django.urls import path

from nhs_login import views

app_name = "nhs_login"
urlpatterns = [
    path("", views.cis2_start, name="start"),
    path("callback/", views.cis2_callback, name="callback"),
]
