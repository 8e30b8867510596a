"""seed_demo --decisions: repeatable, realistic, fast enough, and the chain still verifies."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count

from review.models import ChainVerification, Review
from review.services.demo import DEMO_USERS, nhs_number_random
from review.services.verify import chain_verify
from triage.models import Decision, Practice
from triage.nhs_number import nhs_number_check_digit_ok


def test_seed_demo_decisions_is_repeatable_without_duplicating_users(policy_v1, capsys):
    call_command("seed_demo", decisions=300, seed=1, force=True)
    users = get_user_model().objects.count()
    call_command("seed_demo", decisions=300, seed=2, force=True)
    assert Decision.objects.count() == 600
    assert get_user_model().objects.count() == users == len(DEMO_USERS)
    assert Practice.objects.count() == 5
    assert list(Decision.objects.order_by("sequence").values_list("sequence", flat=True)) == list(
        range(1, 601)
    )
    assert "Added 300 decisions" in capsys.readouterr().out
    assert chain_verify(run_by="test").ok
    assert ChainVerification.objects.get().decisions_checked == 600


def test_seeded_decisions_are_in_date_order_and_realistic(policy_v1):
    call_command("seed_demo", decisions=1000, seed=3, force=True)
    dates = list(Decision.objects.order_by("sequence").values_list("created_at", flat=True))
    assert dates == sorted(dates)
    assert (dates[-1] - dates[0]).days > 365
    outcomes = dict(Decision.objects.values_list("outcome").annotate(n=Count("id")))
    assert outcomes["not_isolated_back_pain"] + outcomes["not_routinely_commissioned"] > 600
    assert 0 < outcomes["urgent_pathway"] < 100
    assert Decision.objects.values("practice").distinct().count() == 5
    assert Review.objects.exists()
    for review in Review.objects.select_related("decision"):
        assert review.created_at >= review.decision.created_at
    assert all(
        nhs_number_check_digit_ok(n) for n in Decision.objects.values_list("nhs_number", flat=True)
    )


def test_decisions_if_empty_adds_only_to_an_empty_database(policy_v1):
    call_command("seed_demo", decisions_if_empty=50, force=True)
    assert Decision.objects.count() == 50
    call_command("seed_demo", decisions_if_empty=50, force=True)
    assert Decision.objects.count() == 50


def test_seed_demo_needs_a_published_policy(db):
    with pytest.raises(CommandError, match="seed_policy"):
        call_command("seed_demo", decisions=5, force=True)


@pytest.mark.parametrize("seed", range(5))
def test_random_nhs_numbers_pass_every_check_in_the_test_range(seed):
    import random

    from triage.nhs_number import nhs_number_normalise

    rng = random.Random(seed)
    for _ in range(200):
        number = nhs_number_random(rng)
        assert number.startswith("999")
        assert nhs_number_normalise(number) == number
