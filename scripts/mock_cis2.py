"""A mock NHS CIS2 for development: oidc-provider-mock with CIS2-shaped demo users.

`AUTH_METHODS=local,oidc make run` starts it beside the dev server. Its sign-in page lists the
demo users; pick one to sign in as them. Development only: anyone can be anyone.
"""

import argparse
import os

import werkzeug.serving
from oidc_provider_mock import User, app

ICB = "15M"


def role(ods_code: str, role_code: str, activities: list[str]) -> dict:
    return {
        "nhsid_nrbac_roles": [
            {
                "person_orgid": "1",
                "person_roleid": "1",
                "org_code": ods_code,
                "role_code": role_code,
                "activity_codes": activities,
            }
        ],
        "selected_roleid": "1",
    }


DEMO_USERS = [
    User(
        sub="gp-c81001",
        claims={
            "given_name": "Gill",
            "family_name": "Pratt",
            **role("C81001", "S8000:G8000:R8000", []),
        },
    ),
    User(
        sub="reviewer-15m",
        claims={"given_name": "Ravi", "family_name": "Shah", **role(ICB, "S0:G0:R0", ["B0380"])},
    ),
    User(
        sub="admin-15m",
        claims={"given_name": "Ada", "family_name": "Okafor", **role(ICB, "S0:G0:R0", ["B0370"])},
    ),
    User(
        sub="gp-y99999",
        claims={
            "given_name": "Sam",
            "family_name": "Elsewhere",
            **role("Y99999", "S8000:G8000:R8000", []),
        },
    ),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=9400)
    args = parser.parse_args()
    os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")
    print(
        f"Mock NHS CIS2 at http://localhost:{args.port} (users: gp-c81001, reviewer-15m, "
        "admin-15m, gp-y99999)",
        flush=True,
    )
    werkzeug.serving.run_simple(
        "127.0.0.1",
        args.port,
        app(require_nonce=True, user_claims=DEMO_USERS),
        threaded=True,
    )


if __name__ == "__main__":
    main()
