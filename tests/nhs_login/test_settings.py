"""AUTH_METHODS and the OIDC settings fail loudly when wrong."""

import pytest

from tests.core.test_settings import PRODUCTION_ENV, run_python

SHOW = (
    "from django.conf import settings; print(settings.AUTH_METHODS,"
    " settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action'])"
)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"AUTH_METHODS": "saml"}, "AUTH_METHODS must be local, oidc or local,oidc"),
        ({"AUTH_METHODS": "oidc"}, "set OIDC_ISSUER too"),
        ({"OIDC_ROLE_GROUPS": "[1]"}, "OIDC_ROLE_GROUPS must be a JSON object"),
        ({"FHIR_API_CLIENTS": "{not json"}, "FHIR_API_CLIENTS must be a JSON object"),
    ],
)
def test_bad_sign_in_settings_refuse_to_start(env, message):
    result = run_python(SHOW, {**PRODUCTION_ENV, **env})
    assert result.returncode != 0
    assert message in result.stderr


def test_oidc_issuer_origin_is_allowed_as_a_form_action():
    env = {**PRODUCTION_ENV, "AUTH_METHODS": "local,oidc", "OIDC_ISSUER": "https://cis2.example/x"}
    result = run_python(SHOW, env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['local', 'oidc'] [\"'self'\", 'https://cis2.example']"
