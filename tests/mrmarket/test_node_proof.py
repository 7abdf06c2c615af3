"""The node's public proof: /proof.json is canonical JSON (RFC 8785) of the code version, the
permission surface's hash, the rules' hashes and the node's keys, signed with the report key;
changing a preset or a running order's frozen config changes its hash (pinned), and a
tampered or re-signed file fails proof_verify."""

import hashlib
import json
import subprocess

import pytest
import rfc8785
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError
from nacl.signing import SigningKey

from executor.models import ExecutorState
from mrmarket.proof import code_version, proof_build, proof_problems, proof_sign
from orders.models import StrategyPreset
from reports.bundle.canonical import canonical_json
from reports.keys import report_public_key
from tests.executor.harness import Market

pytestmark = pytest.mark.django_db

PINNED_PARAMS = {"bid_spread": "0.01", "ask_spread": "0.01", "order_levels": 2}
# sha256 of {"name":"pinned","params":{"ask_spread":"0.01","bid_spread":"0.01",
# "order_levels":2},"required_overrides":["order_amount"]}: a change of how a preset's
# rules are hashed shows here first.
PINNED_HASH = "8625c55618a43b2c85ae4ed5876b02a85b49c87e94d2142721f80646f05dc156"
PINNED_HASH_WIDER = "b15b635145ea8abd0cb91ebb8b7eec407c5b0e548dc1c962ca2e54f0b0b2f4ac"


class Lines:
    """A stdout for call_command that keeps each written line (`lines`)."""

    def __init__(self):
        self.lines = []

    def write(self, text):
        self.lines.extend(line for line in text.splitlines() if line)

    def flush(self):
        pass


def _pinned_preset():
    return StrategyPreset.objects.create(
        name="pinned",
        title="Pinned",
        rationale="For the pin.",
        params=dict(PINNED_PARAMS),
        required_overrides=["order_amount"],
    )


def _preset_hash(document, name):
    return next(p["rules_sha256"] for p in document["presets"] if p["name"] == name)


def test_proof_json_is_canonical_signed_and_names_code_surface_keys_and_attestation(client):
    _pinned_preset()
    response = client.get("/proof.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    content = response.content
    envelope = json.loads(content)
    # The same bytes a general RFC 8785 encoder writes.
    assert rfc8785.dumps(envelope) == content
    document = envelope["document"]
    assert envelope["sha256"] == hashlib.sha256(canonical_json(document)).hexdigest()
    assert response["X-Proof-SHA256"] == envelope["sha256"]
    assert proof_problems(content, public_key=report_public_key()) == []

    head = subprocess.run(
        ["git", "-C", str(django_settings.BASE_DIR), "rev-parse", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert document["code_version"]["commit"] == head
    assert document["code_version"]["source"] == "git"
    surface = (django_settings.BASE_DIR / "docs" / "permission-surface.md").read_bytes()
    assert document["permission_surface"]["sha256"] == hashlib.sha256(surface).hexdigest()
    assert document["keys"]["report_signing"] == {
        "algorithm": "ed25519",
        "public_key": report_public_key(),
    }
    assert document["attestation"] == {"status": "not attested: no TEE"}
    assert _preset_hash(document, "pinned") == PINNED_HASH
    # The same node in the same state signs the same bytes.
    assert client.get("/proof.json").content == content


def test_changing_a_preset_changes_its_hash_and_the_rules_hash():
    preset = _pinned_preset()
    before = proof_build()
    preset.params = {**PINNED_PARAMS, "bid_spread": "0.02"}
    preset.save()
    after = proof_build()
    assert _preset_hash(before.document, "pinned") == PINNED_HASH
    assert _preset_hash(after.document, "pinned") == PINNED_HASH_WIDER
    assert after.document["rules_sha256"] != before.document["rules_sha256"]
    assert after.sha256 != before.sha256
    # A preset's texts are not rules: its hash stays.
    preset.rationale = "Reworded."
    preset.save()
    assert _preset_hash(proof_build().document, "pinned") == PINNED_HASH_WIDER


def test_a_running_orders_frozen_config_is_hashed_as_the_executor_holds_it():
    market = Market.open()
    order = market.running_order()
    before = proof_build().document
    [entry] = before["running_orders"]
    assert entry == {
        "order": None,  # private: counted, never named
        "market": f"{order.pair.symbol} on {order.pair.exchange.name}",
        "config_sha256": order.config_hash,
        "matches_frozen": True,
    }

    state = ExecutorState.objects.get(order=order)
    state.config = {**state.config, "bid_spread": "0.5"}
    state.save()
    after = proof_build().document
    [changed] = after["running_orders"]
    assert changed["config_sha256"] != order.config_hash
    assert changed["matches_frozen"] is False
    assert after["rules_sha256"] != before["rules_sha256"]

    type(order).objects.filter(pk=order.pk).update(proof_public=True)
    [named] = proof_build().document["running_orders"]
    assert named["order"] == str(order.pk)


def test_the_hufi_address_is_published(settings):
    settings.HUFI_EVM_ADDRESS = "0xAbC0000000000000000000000000000000000001"
    document = proof_build().document
    assert document["keys"]["hufi_evm_addresses"] == ["0xabc0000000000000000000000000000000000001"]


def test_proof_verify_accepts_the_file_and_names_each_tampering(tmp_path):
    _pinned_preset()
    proof = proof_build()
    good = tmp_path / "proof.json"
    good.write_bytes(proof.content)
    out = Lines()
    call_command("proof_verify", str(good), stdout=out)
    assert out.lines == ["verified: canonical form, hash and signature match"]

    envelope = json.loads(proof.content)
    envelope["document"]["presets"][0]["rules_sha256"] = "0" * 64
    tampered = tmp_path / "tampered.json"
    tampered.write_bytes(canonical_json(envelope))
    out = Lines()
    with pytest.raises(CommandError):
        call_command("proof_verify", str(tampered), stdout=out)
    rehashed = hashlib.sha256(canonical_json(envelope["document"])).hexdigest()
    assert out.lines == [
        f"hash: the document hashes to {rehashed}, the proof says {proof.sha256}",
        "signature: does not match the document's hash",
    ]

    # Re-signed by another key: the hash holds, the signer is not this node.
    other = proof_sign(json.loads(proof.content)["document"], key=SigningKey.generate())
    resigned = tmp_path / "resigned.json"
    resigned.write_bytes(other.content)
    out = Lines()
    with pytest.raises(CommandError):
        call_command("proof_verify", str(resigned), stdout=out)
    assert out.lines[0].startswith("signature: signed by key ")
    assert "keys: the document names another report key than the one that signed" in out.lines
    # ... which verifies against that key only when the document names it too.
    assert proof_problems(other.content, public_key=other.public_key) == [
        "keys: the document names another report key than the one that signed"
    ]

    pretty = tmp_path / "pretty.json"
    pretty.write_text(json.dumps(json.loads(proof.content), indent=2))
    assert proof_problems(pretty.read_bytes(), public_key=report_public_key()) == [
        "form: the file is not the canonical JSON of its contents"
    ]


def test_the_code_version_falls_back_to_the_build_argument_then_unknown(
    settings, tmp_path, monkeypatch
):
    settings.BASE_DIR = tmp_path  # no .git here
    code_version.cache_clear()
    try:
        monkeypatch.setenv("MRMARKET_CODE_VERSION", "f75d9f7")
        assert code_version() == {
            "commit": "f75d9f7",
            "source": "MRMARKET_CODE_VERSION",
            "modified": None,
        }
        code_version.cache_clear()
        monkeypatch.delenv("MRMARKET_CODE_VERSION")
        assert code_version() == {"commit": "unknown", "source": "unknown", "modified": None}
    finally:
        code_version.cache_clear()


@pytest.mark.django_db(transaction=True)
def test_proof_verify_reads_a_url(live_server):
    out = Lines()
    call_command("proof_verify", f"{live_server.url}/proof.json", stdout=out)
    assert out.lines == ["verified: canonical form, hash and signature match"]


def test_the_proof_page_shows_the_document(client):
    _pinned_preset()
    page = client.get("/proof/").content.decode()
    proof = proof_build()
    assert f'<dd class="id" id="proof-sha256">{proof.sha256}</dd>' in page
    assert PINNED_HASH in page
    assert "not attested: no TEE" in page
    assert report_public_key() in page
