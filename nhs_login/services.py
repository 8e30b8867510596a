"""Create or update the local account of a person who signed in with NHS CIS2."""

from collections.abc import Mapping

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from core.roles import GP, ROLES
from nhs_login.claims import Cis2Access, cis2_access
from triage.models import Clinician, Practice


def cis2_access_from_claims(claims: Mapping) -> Cis2Access:
    """Map claims with the deployment's settings; raises AccessRefused."""
    return cis2_access(
        claims,
        role_groups=settings.OIDC_ROLE_GROUPS,
        icb_ods_codes=set(settings.OIDC_ICB_ODS_CODES),
        is_practice=lambda code: Practice.objects.filter(ods_code=code).exists(),
    )


@transaction.atomic
def cis2_user_sync(*, access: Cis2Access):
    """The user for `access`, created on first sign-in, with groups and practice brought up to
    date each time (a GP who moves practice, or loses a role, is updated at the next sign-in)."""
    user, created = get_user_model().objects.get_or_create(
        username=access.username,
        defaults={
            "first_name": access.given_name,
            "last_name": access.family_name,
            "email": access.email,
        },
    )
    if created:
        user.set_unusable_password()
    else:
        user.first_name, user.last_name = access.given_name, access.family_name
        user.email = access.email
    user.full_clean(exclude=["password"])
    user.save()
    keep = user.groups.exclude(name__in=ROLES)
    user.groups.set([*keep, *(Group.objects.get_or_create(name=g)[0] for g in access.groups)])
    if GP in access.groups:
        practice = Practice.objects.get(ods_code=access.ods_code)
        Clinician.objects.update_or_create(user=user, defaults={"practice": practice})
    return user
