"""Django admin for superusers: reviews and verification runs, read-only."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin
from review.models import ChainVerification, Review

admin.site.register(Review, ReadOnlyAdmin)
admin.site.register(ChainVerification, ReadOnlyAdmin)
