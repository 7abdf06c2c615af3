"""Mixin codecs and cryptography: pure Python, no Django, no I/O.

Everything here is checked against the published vectors of the Mixin kernel
(MixinNetwork/mixin), bot-api-go-client and the mixin_bot gem (tests/wallet/test_mixin_*).
Amounts are Decimal with at most 8 places; more places, negatives and floats are refused.
Errors are ValueErrors from mixin_kernel.errors: MixinCodecError and its subclasses
MalformedEncodingError (ChecksumMismatchError), InvalidAmountError, InvalidKeyError,
InvalidSignatureError, InsufficientInputsError.

mixin_kernel.kernel -- kernel transaction version 5
    Transaction(asset, inputs, outputs, references=(), extra=b"", signatures=(),
                aggregated_signature=None)      .encode() -> bytes, .hash -> hex, .unsigned()
    Input(hash, index, genesis=b"", deposit=None, mint=None)
    Output(type, amount, keys=(), mask=ZERO_KEY, script=b"", withdrawal=None)
    WithdrawalData(address, tag="")             OUTPUT_TYPE_SCRIPT, OUTPUT_TYPE_WITHDRAWAL_SUBMIT
    encode_transaction(tx) -> bytes             decode_transaction(bytes) -> Transaction
    decode_transaction_hex(str) -> Transaction  transaction_hash(tx) -> hex (BLAKE3, unsigned)
    (the decoders and transaction_as_json live in mixin_kernel.decoding)
    asset_hash(asset_id) -> bytes (SHA3-256)    threshold_script(n) -> b"\\xff\\xfe" + n
    amount_to_integer(Decimal) -> int           amount_from_integer(int) -> Decimal
    amount_text(Decimal) -> "0.10000000"        transaction_as_json(tx) -> dict

mixin_kernel.crypto -- Mixin's scalar Ed25519 (32-byte scalars and points)
    scalar_from_seed(seed32)            the spend key y of a keystore's spend_private_key
    scalar_from_uniform_bytes(seed64)   the kernel's NewKeyFromSeed
    public_key(scalar), scalar_add(a, b), is_public_key(point)
    sign(scalar, message) -> 64 bytes   verify(public, message, signature) -> bool
    hash_scalar, ghost_view_key(mask, view_private, index)   (the Safe API's "views")
    derive_ghost_public_key(r, view_public, spend_public, index)
    derive_ghost_private_key(mask, view_private, spend_private, index)
    MemberKeys(view_public, spend_public)
    GhostKeys(mask, keys)  .from_json(dict) / .as_json()   (POST /safe/keys entries)
    ghost_keys(*, mask_private, members, output_index) -> GhostKeys
    ghost_key_hint(request_id, output_index) -> uuid   (the /safe/keys "hint")
    ghost_mask_private_key(request_id, output_index, spend_seed)   (kernel-address receivers)
    unique_object_id(*parts) -> uuid    hash_members(ids) -> hex   (/safe/outputs?members=)
    sign_transaction(raw_hex, views, spend_private_key_seed_hex) -> signed hex
    verify_transaction_signatures(tx, input_public_keys, *, thresholds=None)   raises

mixin_kernel.invoice -- addresses and payment links
    MixAddress(members, threshold)  .encode() -> "MIX…", .payload(), .sorted_members
    decode_mix_address("MIX…") -> MixAddress
    encode_kernel_address(spend_public, view_public) -> "XIN…"
    decode_kernel_address("XIN…") -> MemberKeys
    InvoiceEntry(trace_id, asset_id, amount, extra=b"", index_references=(),
                 hash_references=())
    Invoice(recipient: MixAddress, entries)  .encode() -> "MIN…", .pay_url()
    decode_invoice("MIN…") -> Invoice          invoice_as_json(invoice) -> dict
    PayRequest(recipient_id, asset_id, amount, trace_id, memo="")  .url()
    parse_pay_url(url) -> PayRequest | Invoice (either kind of https://mixin.one/pay/ link)

mixin_kernel.builders -- unsigned Safe transactions
    SpendableOutput(transaction_hash, output_index, amount)   (from GET /safe/outputs)
    Receiver(members, threshold, amount)      WithdrawalDestination(address, tag, amount)
    GhostKeyRequest(receivers, index, hint)  .as_json()
    GhostKeySource = Callable[[Sequence[GhostKeyRequest]], Sequence[GhostKeys]]
    TransactionRequest(request_id, transaction)  .raw (hex), .as_json()
    select_inputs(*, unspent, amount) -> tuple[SpendableOutput, ...]
    build_transfer(*, request_id, asset_id, inputs, receivers, change_receiver_id,
                   ghost_keys, extra=b"", references=()) -> TransactionRequest
    build_withdrawal(*, request_id, asset_id, inputs, destination, fee_asset_id,
                     fee_amount, fee_inputs=(), change_receiver_id, ghost_keys,
                     extra=b"") -> list[TransactionRequest]
    fee_request_id(request_id) -> uuid5(request_id, "FEE")    MIXIN_FEE_USER_ID

A transfer, end to end (the client does the I/O between the pure steps):
    request = build_transfer(..., ghost_keys=lambda reqs: [GhostKeys.from_json(k) for k in
                             client.post("/safe/keys", [r.as_json() for r in reqs])])
    views = client.post("/safe/transaction/requests", [request.as_json()])[0]["views"]
    raw = sign_transaction(request.raw, views, keystore.spend_private_key)
    client.post("/safe/transactions", [{"request_id": request.request_id, "raw": raw}])
"""
