"""The admin base class shared by every app's append-only records."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Append-only records: the database refuses changes anyway; the admin does not offer them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# django-otp's own TOTP admin has config and QR views that answer a missing id with a 500;
# the service-desk task is only "reset a lost second factor", which deleting the device does.
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "confirmed"]
    fields = ["user", "name", "confirmed"]
    readonly_fields = ["user", "name", "confirmed"]

    def has_add_permission(self, request) -> bool:
        return False
