"""The start page's links are reversed once and filled in per reference: each must be exactly
the URL Django's reverse gives, for any reference, including a stored one of an odd shape."""

from django.urls import reverse

from triage.references import reference_generate, reference_urls


def test_reference_urls_equal_reverse_for_generated_references():
    references = [reference_generate() for _ in range(200)]
    for viewname in ("triage:decision", "review:detail", "review:practice_reply"):
        expected = [reverse(viewname, args=[reference]) for reference in references]
        assert reference_urls(viewname, references) == expected


def test_a_reference_of_another_shape_is_reversed_and_quoted_as_django_would():
    odd = ["FT-2222-2222", "legacy ref 1", "FT-ABCD-EFG1", "ft-abcd-efgh", "FT-ÄBCD-EFGH"]
    assert reference_urls("triage:decision", odd) == [
        reverse("triage:decision", args=[reference]) for reference in odd
    ]
    assert reference_urls("triage:decision", ["legacy ref 1"])[0].endswith("/legacy%20ref%201/")
