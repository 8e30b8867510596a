"""Turns NHS CIS2 claims into the service's roles and practice, or says why access is refused.

Pure Python over plain data: the caller supplies the role mapping and the set of known
practices, so the rules can be tested without a database or a provider.
"""

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

from core.roles import GP, POLICY_ADMIN, REVIEWER

ICB_ROLES = frozenset({REVIEWER, POLICY_ADMIN})


class AccessRefused(Exception):
    """The person signed in with CIS2 but may not use this service; the message says why."""


@dataclass(frozen=True, slots=True)
class Cis2Access:
    """Who a CIS2 user is here: their identity, the organisation of the selected role, and
    the service's groups that role maps to."""

    subject: str
    ods_code: str
    groups: frozenset[str]
    given_name: str
    family_name: str
    email: str

    @property
    def username(self) -> str:
        return f"cis2-{self.subject}"


def selected_role(claims: Mapping) -> Mapping:
    """The national RBAC role the person chose when signing in (CIS2's selected_roleid)."""
    roles = claims.get("nhsid_nrbac_roles")
    if not isinstance(roles, list) or not roles or not all(isinstance(r, dict) for r in roles):
        raise AccessRefused("Your NHS identity did not include any role.")
    selected = claims.get("selected_roleid")
    if selected is None:
        if len(roles) == 1:
            return roles[0]
        raise AccessRefused("You hold several roles; sign in again and select one.")
    for role in roles:
        if str(role.get("person_roleid")) == str(selected):
            return role
    raise AccessRefused("The role you selected is not one of your roles.")


def role_codes(role: Mapping) -> list[str]:
    """Job role codes (S…:G…:R…) and activity codes (B…) of one role."""
    codes = [code for code in str(role.get("role_code", "")).split(":") if code]
    activities = role.get("activity_codes") or []
    if isinstance(activities, list):
        codes.extend(str(code) for code in activities)
    return codes


def cis2_access(
    claims: Mapping,
    *,
    role_groups: Mapping[str, str],
    icb_ods_codes: Collection[str],
    is_practice: Callable[[str], bool],
) -> Cis2Access:
    """What the signed-in person may do here, or AccessRefused.

    A GP role counts only at a practice the service knows; ICB roles only at the ICB.
    """
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise AccessRefused("Your NHS identity did not include a user identifier.")
    role = selected_role(claims)
    ods_code = str(role.get("org_code", "")).strip().upper()
    if not ods_code:
        raise AccessRefused("Your selected role does not name an organisation.")
    mapped = {role_groups[code] for code in role_codes(role) if code in role_groups}
    if ods_code in icb_ods_codes:
        groups = mapped & ICB_ROLES
    elif is_practice(ods_code):
        groups = mapped & {GP}
    else:
        raise AccessRefused(
            f"Your selected role's organisation ({ods_code}) does not use this service."
        )
    if not groups:
        raise AccessRefused(
            f"Your selected role at {ods_code} does not give access to this service."
        )
    return Cis2Access(
        subject=subject,
        ods_code=ods_code,
        groups=frozenset(groups),
        given_name=str(claims.get("given_name") or "")[:150],
        family_name=str(claims.get("family_name") or "")[:150],
        email=str(claims.get("email") or "")[:254],
    )
