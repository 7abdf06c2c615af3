"""The node's public proof: what code it runs, under which rules, with which keys, signed.

The document is canonical JSON (RFC 8785, reports/bundle/canonical.py, the report bundle's
encoder) of the code version, the hash of the permission surface, the hash of every
strategy preset's rules and of every running order's frozen config as the executor holds
it, the node's public keys and its attestation status. The file served at `/proof.json` is
`{"document", "format", "public_key", "sha256", "signature"}`: `sha256` is the hash of the
document's canonical bytes and `signature` the report key's ed25519 signature of those 32
hash bytes, as for a report bundle (docs/reports.md), so one recipe checks both.
Nothing in the document depends on when it was built: the same node in the same state
gives the same bytes. Private orders are counted by their rules only, never named.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from nacl.encoding import HexEncoder
from nacl.signing import SigningKey

from campaigns.models import HufiIdentity
from executor.models import ExecutorState
from mrmarket.status import attestation_check
from orders.models import StrategyPreset
from orders.states import OrderState
from reports.bundle.build import config_document, config_sha256
from reports.bundle.canonical import NotCanonicalInput, canonical_json, strict_loads
from reports.keys import report_signing_key, sign_canonical, signer_problems

PROOF_FORMAT = "mrmarket-node-proof/1"
PERMISSION_SURFACE = Path("docs") / "permission-surface.md"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _git(*args: str) -> str | None:
    git = shutil.which("git")
    if git is None:
        return None
    try:
        # Fixed arguments of our own, no shell: nothing here comes from a request.
        done = subprocess.run(  # noqa: S603
            [git, "-C", str(settings.BASE_DIR), *args],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip()


@cache
def code_version() -> dict[str, Any]:
    """The commit the node runs: from git when the code is a checkout (with whether tracked
    files differ from it), else from MRMARKET_CODE_VERSION (the image's build argument),
    else unknown. Read once per process: the code does not change under a running one."""
    if (Path(settings.BASE_DIR) / ".git").exists():
        commit = _git("rev-parse", "HEAD")
        if commit:
            changed = _git("status", "--porcelain", "--untracked-files=no")
            return {"commit": commit, "source": "git", "modified": bool(changed)}
    given = os.environ.get("MRMARKET_CODE_VERSION", "").strip()
    if given:
        return {"commit": given, "source": "MRMARKET_CODE_VERSION", "modified": None}
    return {"commit": "unknown", "source": "unknown", "modified": None}


def permission_surface_entry() -> dict[str, str]:
    path = Path(settings.BASE_DIR) / PERMISSION_SURFACE
    return {"path": PERMISSION_SURFACE.as_posix(), "sha256": sha256_hex(path.read_bytes())}


def preset_rules(preset: StrategyPreset) -> dict[str, Any]:
    """What a preset sets: its parameters and the ones a user must give (its texts and
    its place in the list are not rules)."""
    return {
        "name": preset.name,
        "params": preset.params,
        "required_overrides": sorted(preset.required_overrides or []),
    }


def preset_entries() -> list[dict[str, Any]]:
    return [
        {
            "name": preset.name,
            "enabled": preset.enabled,
            "rules_sha256": sha256_hex(canonical_json(preset_rules(preset))),
        }
        for preset in StrategyPreset.objects.order_by("name")
    ]


def running_order_entries() -> list[dict[str, Any]]:
    """Each running order's frozen config as the executor holds it, hashed as the report
    bundle hashes it; an order is named only when its owner made its proof public."""
    states = (
        ExecutorState.objects.filter(order__state=OrderState.RUNNING)
        .select_related("order", "pair__exchange")
        .order_by("order__created_at", "order_id")
    )
    entries = []
    for state in states:
        held = config_sha256(config_document(state.config))
        public = state.order.proof_public
        entries.append(
            {
                "order": str(state.order_id) if public else None,
                "market": f"{state.pair.symbol} on {state.pair.exchange.name}",
                "config_sha256": held,
                # The hash the order was started with: a config changed since shows here.
                "matches_frozen": held == state.config_hash == state.order.config_hash,
            }
        )
    return sorted(entries, key=lambda e: (e["market"], e["config_sha256"], e["order"] or ""))


def node_keys(key: SigningKey) -> dict[str, Any]:
    addresses = sorted({a.lower() for a in HufiIdentity.objects.values_list("address", flat=True)})
    configured = (getattr(settings, "HUFI_EVM_ADDRESS", "") or "").lower()
    if configured and configured not in addresses:
        addresses = sorted([*addresses, configured])
    return {
        "report_signing": {
            "algorithm": "ed25519",
            "public_key": key.verify_key.encode(encoder=HexEncoder).decode(),
        },
        "hufi_evm_addresses": addresses,
    }


def proof_document(*, key: SigningKey | None = None) -> dict[str, Any]:
    key = key or report_signing_key()
    presets = preset_entries()
    orders = running_order_entries()
    rules = {
        "presets": [[p["name"], p["rules_sha256"]] for p in presets],
        "running_orders": [o["config_sha256"] for o in orders],
    }
    return {
        "node": "Mr.Market",
        "code_version": code_version(),
        "permission_surface": permission_surface_entry(),
        # One hash over every rule above, to compare two proofs at a glance.
        "rules_sha256": sha256_hex(canonical_json(rules)),
        "presets": presets,
        "running_orders": orders,
        "keys": node_keys(key),
        "attestation": {"status": attestation_check()["figure"]},
    }


@dataclass(frozen=True)
class SignedProof:
    document: dict[str, Any]
    content: bytes
    sha256: str
    signature: str
    public_key: str


def proof_sign(document: dict[str, Any], *, key: SigningKey | None = None) -> SignedProof:
    signed = sign_canonical(canonical_json(document), key=key)
    envelope = {
        "document": document,
        "format": PROOF_FORMAT,
        "public_key": signed.public_key,
        "sha256": signed.sha256,
        "signature": signed.signature,
    }
    return SignedProof(
        document, canonical_json(envelope), signed.sha256, signed.signature, signed.public_key
    )


def proof_build(*, key: SigningKey | None = None) -> SignedProof:
    key = key or report_signing_key()
    return proof_sign(proof_document(key=key), key=key)


def proof_problems(content: bytes, *, public_key: str) -> list[str]:
    """One line per reason the file is not a proof signed by `public_key`; none when it is."""
    try:
        envelope = strict_loads(content)
    except (NotCanonicalInput, ValueError) as error:
        return [f"not a readable proof: {error}"]
    if not isinstance(envelope, dict) or envelope.get("format") != PROOF_FORMAT:
        return [f"not a {PROOF_FORMAT} document"]
    missing = {"document", "public_key", "sha256", "signature"} - envelope.keys()
    if missing:
        return [f"not a complete proof: no {', '.join(sorted(missing))}"]
    if not isinstance(envelope["document"], dict):
        return ["not a complete proof: its document is not an object"]
    problems = []
    if canonical_json(envelope) != content.strip():
        problems.append("form: the file is not the canonical JSON of its contents")
    digest = hashlib.sha256(canonical_json(envelope["document"])).digest()
    if digest.hex() != envelope["sha256"]:
        problems.append(
            f"hash: the document hashes to {digest.hex()}, the proof says {envelope['sha256']}"
        )
    problems += signer_problems(
        digest=digest,
        public_key=str(envelope["public_key"]),
        signature=str(envelope["signature"]),
        expected_key=public_key,
        what="the document's hash",
    )
    stated = (envelope["document"].get("keys") or {}).get("report_signing") or {}
    if stated.get("public_key") != envelope["public_key"]:
        problems.append("keys: the document names another report key than the one that signed")
    return problems
