"""Django admin for superusers: manage practices and clinicians; audit tables are read-only."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin
from triage.models import AccessEvent, Clinician, Decision, DecisionCorrection, Practice


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):
    list_display = ("ods_code", "name")
    search_fields = ("ods_code", "name")


@admin.register(Clinician)
class ClinicianAdmin(admin.ModelAdmin):
    list_display = ("user", "practice")
    list_select_related = ("user", "practice")
    # A plain select, not autocomplete: Django's autocomplete widget renders a bound value by
    # querying it unvalidated, so a non-numeric practice in a POST or query string gave a 500.
    search_fields = ("user__username", "user__last_name", "practice__ods_code")


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ("reference", "created_at", "practice", "outcome", "policy_version")
    list_select_related = ("practice", "policy_version")
    search_fields = ("reference", "nhs_number")
    list_filter = ("outcome",)
    show_full_result_count = False


admin.site.register(AccessEvent, ReadOnlyAdmin)
# Drafts (ReferralCheck) are left out on purpose: only the clinician who started one sees it.
admin.site.register(DecisionCorrection, ReadOnlyAdmin)
