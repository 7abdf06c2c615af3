"""Throughput of the Mixin codecs on this machine: how many Safe transactions per second
the product can build and sign, and the Mixin simulator can verify.

Run: .venv/bin/python benchmarks/mixin_codec.py
"""

import os
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mixin_kernel import crypto, decoding, kernel  # noqa: E402


def rate(label: str, count: int, action) -> None:
    started = time.perf_counter()
    for _ in range(count):
        action()
    elapsed = time.perf_counter() - started
    print(f"{label:<42} {count / elapsed:>10,.0f} /s   {elapsed / count * 1e6:>8.1f} us each")


def main() -> None:
    spend_seed = os.urandom(32)
    view_private = crypto.scalar_from_uniform_bytes(os.urandom(64))
    bot = crypto.MemberKeys(
        view_public=crypto.public_key(view_private),
        spend_public=crypto.public_key(crypto.scalar_from_seed(spend_seed)),
    )
    spent = [
        crypto.ghost_keys(
            mask_private=crypto.scalar_from_uniform_bytes(os.urandom(64)),
            members=[bot],
            output_index=0,
        )
        for _ in range(2)
    ]
    receiver = crypto.ghost_keys(
        mask_private=crypto.scalar_from_uniform_bytes(os.urandom(64)), members=[bot], output_index=0
    )
    tx = kernel.Transaction(
        asset=kernel.asset_hash("4d8c508b-91c5-375b-92b0-ee702ed2dac5"),
        inputs=tuple(kernel.Input(hash=os.urandom(32), index=0) for _ in spent),
        outputs=(
            kernel.Output(
                type=kernel.OUTPUT_TYPE_SCRIPT,
                amount=Decimal("12.34567891"),
                keys=receiver.keys,
                mask=receiver.mask,
                script=kernel.threshold_script(1),
            ),
        ),
        extra=b"benchmark memo",
    )
    raw = tx.encode().hex()
    views = [crypto.ghost_view_key(s.mask, view_private, 0).hex() for s in spent]
    signed = decoding.decode_transaction_hex(crypto.sign_transaction(raw, views, spend_seed.hex()))
    input_keys = [list(s.keys) for s in spent]

    print(f"transaction: 2 inputs, 1 output, {len(raw) // 2} bytes unsigned")
    rate("encode", 5000, tx.encode)
    rate("decode (with canonical re-encode)", 5000, lambda: decoding.decode_transaction_hex(raw))
    rate("transaction hash", 5000, lambda: tx.hash)
    rate(
        "ghost keys for one member",
        1000,
        lambda: crypto.ghost_keys(
            mask_private=crypto.scalar_from_uniform_bytes(os.urandom(64)),
            members=[bot],
            output_index=1,
        ),
    )
    rate(
        "sign_transaction (2 inputs)",
        1000,
        lambda: crypto.sign_transaction(raw, views, spend_seed.hex()),
    )
    rate(
        "verify_transaction_signatures (2 inputs)",
        1000,
        lambda: crypto.verify_transaction_signatures(signed, input_keys),
    )


if __name__ == "__main__":
    main()
