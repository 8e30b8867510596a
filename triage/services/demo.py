"""Demo practices and users. Passwords are public: DEBUG-only (see seed_demo)."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from triage.models import Clinician, Practice
from triage.roles import GP, POLICY_ADMIN, REVIEWER

DEMO_PRACTICES = {
    "C81001": "Peak View Surgery",
    "C81002": "Derwent Bank Medical Centre",
}


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    first_name: str
    last_name: str
    role: str
    practice: str | None
    description: str


DEMO_USERS = (
    DemoUser("gp", "demo-gp-password", "Asha", "Patel", GP, "C81001",
             "GP at Peak View Surgery (C81001)"),
    DemoUser("gp2", "demo-gp2-password", "Tom", "Hughes", GP, "C81002",
             "GP at Derwent Bank Medical Centre (C81002)"),
    DemoUser("reviewer", "demo-reviewer-password", "Ruth", "Okafor", REVIEWER, None,
             "ICB reviewer"),
    DemoUser("admin", "demo-admin-password", "Sam", "Clarke", POLICY_ADMIN, None,
             "Policy admin"),
)  # fmt: skip


@transaction.atomic
def demo_users_ensure() -> None:
    """Create or reset the demo practices and users (idempotent)."""
    User = get_user_model()
    practices = {
        code: Practice.objects.update_or_create(ods_code=code, defaults={"name": name})[0]
        for code, name in DEMO_PRACTICES.items()
    }
    for demo in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=demo.username)
        user.first_name, user.last_name = demo.first_name, demo.last_name
        user.set_password(demo.password)
        user.save()
        user.groups.add(Group.objects.get(name=demo.role))
        if demo.practice:
            Clinician.objects.update_or_create(
                user=user, defaults={"practice": practices[demo.practice]}
            )
