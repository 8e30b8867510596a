"""The public transparency page: the latest signed checkpoint and the public key, for anyone."""

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from core.checkpoints import checkpoint_paths, checkpoint_sign, public_key_load, public_key_pem


@pytest.fixture
def signed(checkpoints, make_decision):
    """Two decisions and a checkpoint of them."""
    make_decision()
    make_decision()
    call_command("chain_checkpoint")
    return checkpoint_paths(checkpoints)[0]


def test_anyone_signed_out_sees_the_latest_checkpoint_and_the_public_key(signed):
    response = Client().get(reverse("transparency"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Number 1, signed" in body
    assert "Decision records" in body
    assert public_key_pem(public_key_load()).strip() in body
    assert reverse("transparency_checkpoint", args=[1]) in body
    assert "&quot;signature&quot;:" in body  # the file itself (escaped), with its signature
    assert "openssl pkeyutl -verify" in body
    assert "chain_checkpoint --verify-consistency" in body


def test_a_checkpoint_file_is_served_exactly_as_written(signed):
    response = Client().get(reverse("transparency_checkpoint", args=[1]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert b"".join(response.streaming_content) == signed.read_bytes()


def test_an_unknown_checkpoint_is_a_404(signed):
    assert Client().get(reverse("transparency_checkpoint", args=[2])).status_code == 404
    assert Client().get("/transparency/checkpoints/0.json").status_code == 404


def test_the_pages_refuse_post(signed):
    assert Client().post(reverse("transparency")).status_code == 405
    assert Client().post(reverse("transparency_checkpoint", args=[1])).status_code == 405


def test_without_checkpoints_the_page_says_so(db):
    response = Client().get(reverse("transparency"))
    assert response.status_code == 200
    assert "This service is not keeping signed checkpoints yet." in response.content.decode()


def test_a_newer_file_that_does_not_verify_is_flagged(signed, checkpoints):
    from core.checkpoints import checkpoint_store

    checkpoint_store(
        checkpoint_sign(
            {"format": "fusion-triage-checkpoint/1", "serial": 2, "chains": {}},
            Ed25519PrivateKey.generate(),
        ),
        checkpoints,
    )
    body = Client().get(reverse("transparency")).content.decode()
    assert "A checkpoint file did not verify" in body
    assert "Number 1, signed" in body
