"""STarT Back scoring at Keele University's published cut-offs."""

import pytest

from policy.engine.startback import StartBackError, startback_risk, startback_score


def responses(agree: set[int], bothersome: str = "slightly") -> dict[int, str]:
    data = {item: ("agree" if item in agree else "disagree") for item in range(1, 9)}
    data[9] = bothersome
    return data


@pytest.mark.parametrize(
    ("agree", "bothersome", "total", "psychosocial", "risk"),
    [
        (set(), "not_at_all", 0, 0, "low"),
        ({1, 2, 3}, "moderately", 3, 0, "low"),
        ({1, 2, 3, 4}, "slightly", 4, 0, "medium"),
        ({1, 5, 6, 7}, "not_at_all", 4, 3, "medium"),
        ({5, 6, 7}, "very_much", 4, 4, "high"),
        ({5, 6, 7, 8}, "extremely", 5, 5, "high"),
        ({1, 2, 3, 4, 5, 6, 7, 8}, "extremely", 9, 5, "high"),
    ],
)
def test_startback_scores_total_subscale_and_risk_as_keele_publishes(
    agree, bothersome, total, psychosocial, risk
):
    score = startback_score(responses(agree, bothersome))
    assert (score.total, score.psychosocial, score.risk) == (total, psychosocial, risk)


def test_every_total_and_subscale_falls_in_exactly_one_band():
    for psychosocial in range(6):
        for total in range(psychosocial, psychosocial + 5):
            risk = startback_risk(total, psychosocial)
            if psychosocial >= 4:
                assert risk == "high"
            elif total <= 3:
                assert risk == "low"
            else:
                assert risk == "medium"


def test_a_missing_or_out_of_range_item_is_named():
    data = responses(set())
    del data[4]
    data[9] = "unbearable"
    with pytest.raises(StartBackError) as refused:
        startback_score(data)
    assert refused.value.problems == [
        "item 4: answer this question",
        "item 9: 'unbearable' is not one of the answers "
        "(not_at_all, slightly, moderately, very_much, extremely)",
    ]
