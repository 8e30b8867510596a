"""The CIS2 claim mapping rules, without a database or a provider."""

import pytest

from nhs_login.claims import AccessRefused, cis2_access
from tests.oidc_provider import GP_ROLE, ICB_ODS, ROLE_GROUPS, cis2_claims

PRACTICES = {"C81001"}


def access(claims):
    return cis2_access(
        {"sub": "5550001", **claims},
        role_groups=ROLE_GROUPS,
        icb_ods_codes={ICB_ODS},
        is_practice=PRACTICES.__contains__,
    )


@pytest.mark.parametrize(
    ("claims", "groups"),
    [
        (cis2_claims(ods_code="C81001"), {"GP"}),
        (cis2_claims(ods_code="c81001"), {"GP"}),
        (
            cis2_claims(ods_code=ICB_ODS, role_code="S0:G0:R0", activity_codes=("B0380",)),
            {"ICB reviewer"},
        ),
        (
            cis2_claims(ods_code=ICB_ODS, role_code="S0:G0:R0", activity_codes=("B0370",)),
            {"Policy admin"},
        ),
        (
            cis2_claims(ods_code=ICB_ODS, role_code="S0:G0:R0", activity_codes=("B0370", "B0380")),
            {"Policy admin", "ICB reviewer"},
        ),
    ],
)
def test_selected_role_maps_to_groups(claims, groups):
    assert access(claims).groups == groups


def test_gp_role_at_icb_gives_no_access():
    with pytest.raises(AccessRefused, match="does not give access"):
        access(cis2_claims(ods_code=ICB_ODS, role_code=GP_ROLE))


def test_icb_activity_at_a_practice_gives_no_access():
    with pytest.raises(AccessRefused, match="does not give access"):
        access(cis2_claims(ods_code="C81001", role_code="S0:G0:R0", activity_codes=("B0380",)))


def test_unknown_organisation_is_refused_naming_the_ods_code():
    with pytest.raises(AccessRefused, match=r"\(Y99999\) does not use this service"):
        access(cis2_claims(ods_code="Y99999"))


def test_selected_role_must_be_one_of_the_users_roles():
    claims = cis2_claims(ods_code="C81001")
    claims["selected_roleid"] = "other"
    with pytest.raises(AccessRefused, match="not one of your roles"):
        access(claims)


def test_several_roles_and_none_selected_is_refused():
    claims = cis2_claims(ods_code="C81001")
    claims["nhsid_nrbac_roles"].append({**claims["nhsid_nrbac_roles"][0], "person_roleid": "2"})
    del claims["selected_roleid"]
    with pytest.raises(AccessRefused, match="select one"):
        access(claims)


def test_no_roles_is_refused():
    with pytest.raises(AccessRefused, match="did not include any role"):
        access({"given_name": "X"})
