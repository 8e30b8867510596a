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
