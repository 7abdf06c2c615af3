"""Mixin codecs and cryptography: pure Python, no Django, no I/O.

kernel   -- kernel transaction v5: Transaction/Input/Output dataclasses, encode/decode,
            transaction_hash, asset_hash, amounts (Decimal, 8 places).
crypto   -- Mixin's scalar Ed25519: keys, sign/verify, ghost keys, hints,
            sign_transaction, verify_transaction_signatures.
"""
