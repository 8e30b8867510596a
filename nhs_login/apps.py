from django.apps import AppConfig


class NhsLoginConfig(AppConfig):
    name = "nhs_login"
    verbose_name = "NHS CIS2 sign-in"
