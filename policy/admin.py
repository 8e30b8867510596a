"""Django admin for superusers. Policy versions are edited on the policy admin's own pages."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin
from policy.models import Policy, PolicyEditEvent, PolicyVersion

admin.site.register(Policy)


@admin.register(PolicyVersion)
class PolicyVersionAdmin(ReadOnlyAdmin):
    list_display = ("policy", "number", "status", "effective_from", "published_at")


admin.site.register(PolicyEditEvent, ReadOnlyAdmin)
