"""The Mixin simulator's world: users, the bot's UTXOs, snapshots, transaction requests.

In memory and its own (never the product's database); one lock serialises every change.
The bot's outputs are real ghost outputs for its spend key: each has a private view x and
the key x·G + Y (Y = the bot's spend public key), so the views handed out with a
transaction request let the bot sign, and the signatures verify against the output keys.
Other users are plain balances: the simulator is their wallet.
"""

import hashlib
import secrets
import threading
import time
import uuid
from decimal import Decimal

import nacl.bindings

from core.rfc3339 import format_ns
from mixin_kernel import crypto as mixin_crypto
from mixin_kernel import invoice as mixin_invoice
from mixin_kernel import kernel
from mixin_kernel.errors import MixinCodecError
from simulators.chaos import Chaos
from simulators.mixin.records import (
    CHAOS_AS_FAULT,
    FAULT_KINDS,
    FEE_USER_ID,
    AssetInfo,
    BotIdentity,
    BotOutput,
    Fault,
    GhostRecord,
    SimError,
    SimUser,
    TxRequest,
    amount_text,
    parse_amount,
    parse_uuid,
)
from simulators.mixin.transactions import TransactionBook, point_of, scalar_of


class SimWorld(TransactionBook):
    def __init__(self, bot: BotIdentity, *, peer_url: str | None = None) -> None:
        self.bot = bot
        # Where withdrawals leave to over the "chain" (the venue simulator); settable later
        # because two simulators that are each other's peer cannot both start first.
        self.peer_url = peer_url.rstrip("/") if peer_url else None
        self.lock = threading.RLock()
        self._spend_public = bytes.fromhex(bot.spend_public_key)
        self._last_ns = 0
        self._sequence = 0
        self.users: dict[str, SimUser] = {}
        self.assets: dict[str, AssetInfo] = {}
        self.outputs: dict[tuple[str, int], BotOutput] = {}
        self.snapshots: list[dict] = []
        self.ghosts: dict[tuple[str, ...], GhostRecord] = {}
        self.requests: dict[str, TxRequest] = {}
        self.deposit_entries: dict[str, dict] = {}
        self.deposits_seen: dict[tuple[str, str], str] = {}
        self.payments_seen: dict[tuple[str, str], str] = {}
        self.oauth_codes: dict[str, str] = {}
        self.oauth_tokens: dict[str, str] = {}
        self.faults: list[Fault] = []
        self.chaos = Chaos()
        self.chain_deliveries: list[dict] = []
        self.users[FEE_USER_ID] = SimUser(FEE_USER_ID, "Mixin withdrawal fees", "0")

    # -- clocks and ids --------------------------------------------------------------

    def _now_ns(self) -> int:
        # Strictly increasing, so snapshot order is creation order.
        self._last_ns = max(self._last_ns + 1, time.time_ns())
        return self._last_ns

    def _next_sequence(self) -> int:
        self._sequence += 1
        return self._sequence

    # -- users and assets ------------------------------------------------------------

    def user_create(self, *, full_name: str, user_id: object = None) -> SimUser:
        """A new demo user; a fixed `user_id` (the demo seed's) returns that user if it exists,
        so a product database that remembers the id still matches after a restart."""
        with self.lock:
            if user_id is not None:
                user_id = parse_uuid(user_id, "user_id")
                if user_id in self.users:
                    return self.users[user_id]
            user = SimUser(
                user_id=user_id or str(uuid.uuid4()),
                full_name=full_name or "Demo user",
                identity_number=str(7000000000 + len(self.users)),
            )
            self.users[user.user_id] = user
            return user

    def user(self, user_id: str) -> SimUser:
        user = self.users.get(str(user_id))
        if user is None:
            raise SimError(404, f"user {user_id} not found", http_status=404)
        return user

    def user_credit(self, *, user_id: str, asset_id: str, amount: object) -> dict:
        with self.lock:
            user = self.user(user_id)
            asset = parse_uuid(asset_id, "asset_id")
            user.balances[asset] = user.balances.get(asset, Decimal(0)) + parse_amount(amount)
            return self.user_balances(user_id=user_id)

    def user_balances(self, *, user_id: str) -> dict:
        with self.lock:
            user = self.user(user_id)
            return {asset: amount_text(value) for asset, value in user.balances.items()}

    def asset(self, asset_id: str) -> AssetInfo:
        """A registered asset; an unknown one is its own chain with no fee and no minimum."""
        asset_id = parse_uuid(asset_id, "asset_id")
        if asset_id not in self.assets:
            self.assets[asset_id] = AssetInfo(asset_id=asset_id, chain_id=asset_id)
        return self.assets[asset_id]

    def asset_register(self, data: dict) -> AssetInfo:
        with self.lock:
            asset_id = parse_uuid(data.get("asset_id"), "asset_id")
            info = AssetInfo(
                asset_id=asset_id,
                chain_id=parse_uuid(data.get("chain_id") or asset_id, "chain_id"),
                symbol=str(data.get("symbol") or "SIM"),
                withdrawal_fee=Decimal(str(data.get("withdrawal_fee") or 0)),
                fee_asset_id=parse_uuid(data.get("fee_asset_id") or asset_id, "fee_asset_id"),
                minimum_withdrawal=Decimal(str(data.get("minimum_withdrawal") or 0)),
            )
            self.assets[asset_id] = info
            return info

    def _asset_by_kernel_hash(self, asset_hash: bytes) -> str:
        for asset_id in self.assets:
            if kernel.asset_hash(asset_id) == asset_hash:
                return asset_id
        raise SimError(10002, f"unknown asset {asset_hash.hex()}")

    # -- the bot's outputs and snapshots --------------------------------------------

    def _bot_output_add(
        self, *, asset_id: str, amount: Decimal, transaction_hash: str, index: int, view: bytes
    ) -> BotOutput:
        key = nacl.bindings.crypto_core_ed25519_add(point_of(view), self._spend_public)
        output = BotOutput(
            output_id=str(uuid.uuid5(uuid.NAMESPACE_OID, f"{transaction_hash}:{index}")),
            transaction_hash=transaction_hash,
            output_index=index,
            asset_id=asset_id,
            amount=amount,
            keys=[key.hex()],
            mask=point_of(scalar_of("mask", transaction_hash, index)).hex(),
            view=view,
            sequence=self._next_sequence(),
            created_ns=self._now_ns(),
        )
        self.asset(asset_id)
        self.outputs[(transaction_hash, index)] = output
        return output

    def _credit_bot(self, *, asset_id: str, amount: Decimal, transaction_hash: str) -> None:
        self._bot_output_add(
            asset_id=asset_id,
            amount=amount,
            transaction_hash=transaction_hash,
            index=0,
            view=scalar_of("view", transaction_hash, secrets.token_hex(16)),
        )

    def _snapshot_add(self, **fields: object) -> dict:
        asset_id = str(fields["asset_id"])
        created_ns = self._now_ns()
        snapshot = {
            "type": "snapshot",
            "snapshot_id": str(uuid.uuid4()),
            "user_id": self.bot.app_id,
            "opponent_id": fields.get("opponent_id") or "",
            "transaction_hash": fields["transaction_hash"],
            "asset_id": asset_id,
            "kernel_asset_id": kernel.asset_hash(asset_id).hex(),
            "amount": amount_text(fields["amount"]),
            "memo": fields.get("memo") or "",
            "request_id": fields.get("request_id") or "",
            "created_at": format_ns(created_ns),
            "deposit": fields.get("deposit"),
            "withdrawal": fields.get("withdrawal"),
            "_ns": created_ns,
        }
        self.snapshots.append(snapshot)
        return snapshot

    def snapshots_list(
        self, *, offset_ns: int | None, limit: int, asset: str | None, opponent: str | None
    ) -> list[dict]:
        with self.lock:
            found = []
            for snapshot in self.snapshots:
                if offset_ns is not None and snapshot["_ns"] < offset_ns:
                    continue
                if asset and snapshot["asset_id"] != asset:
                    continue
                if opponent and snapshot["opponent_id"] != opponent:
                    continue
                found.append({k: v for k, v in snapshot.items() if not k.startswith("_")})
                if len(found) >= limit:
                    break
            return found

    def outputs_list(
        self,
        *,
        members_hash: str,
        threshold: int,
        asset: str | None,
        state: str,
        offset: int,
        limit: int,
    ) -> list[dict]:
        with self.lock:
            if members_hash != mixin_crypto.hash_members([self.bot.app_id]) or threshold != 1:
                return []
            found = []
            for output in sorted(self.outputs.values(), key=lambda o: o.sequence):
                if output.sequence < offset or (state and output.state != state):
                    continue
                if asset and asset not in (
                    output.asset_id,
                    kernel.asset_hash(output.asset_id).hex(),
                ):
                    continue
                found.append(output.as_json(self.bot.app_id))
                if len(found) >= limit:
                    break
            return found

    # -- payments from users ---------------------------------------------------------

    @staticmethod
    def _payment_entries(url: str) -> list[dict]:
        """Each payment a pay URL or MIN invoice asks for: who, what, how much, memo."""
        try:
            parsed = (
                mixin_invoice.decode_invoice(url)
                if url.startswith("MIN")
                else mixin_invoice.parse_pay_url(url)
            )
        except (MixinCodecError, ValueError) as exc:
            raise SimError(10002, f"not a payable URL: {exc}") from None
        if isinstance(parsed, mixin_invoice.PayRequest):
            return [
                {
                    "members": [parsed.recipient_id],
                    "threshold": 1,
                    "asset_id": parsed.asset_id,
                    "amount": parsed.amount,
                    "trace_id": parsed.trace_id,
                    "extra": parsed.memo.encode(),
                }
            ]
        members = sorted(parsed.recipient.members)
        return [
            {
                "members": members,
                "threshold": parsed.recipient.threshold,
                "asset_id": entry.asset_id,
                "amount": entry.amount,
                "trace_id": entry.trace_id,
                "extra": entry.extra,
            }
            for entry in parsed.entries
        ]

    def pay(self, *, payer_id: str, url: str) -> list[str]:
        """The payer pays every entry of the URL to its recipient (must be the bot)."""
        with self.lock:
            payer = self.user(payer_id)
            entries = self._payment_entries(url)
            needed: dict[str, Decimal] = {}
            for entry in entries:
                if entry["members"] != [self.bot.app_id] or entry["threshold"] != 1:
                    raise SimError(10002, "the simulator only pays the bot")
                if (payer.user_id, entry["trace_id"]) in self.payments_seen:
                    continue  # paid before: a payment is unique per payer and trace id
                needed[entry["asset_id"]] = needed.get(entry["asset_id"], 0) + entry["amount"]
            for asset_id, amount in needed.items():
                if payer.balances.get(asset_id, Decimal(0)) < amount:
                    raise SimError(20117, f"insufficient balance of {asset_id}")
            snapshot_ids = []
            for entry in entries:
                seen_key = (payer.user_id, entry["trace_id"])
                if seen_key in self.payments_seen:
                    snapshot_ids.append(self.payments_seen[seen_key])
                    continue
                payer.balances[entry["asset_id"]] -= entry["amount"]
                tx_hash = hashlib.sha3_256(f"pay:{entry['trace_id']}".encode()).hexdigest()
                self._credit_bot(
                    asset_id=entry["asset_id"], amount=entry["amount"], transaction_hash=tx_hash
                )
                snapshot = self._snapshot_add(
                    asset_id=entry["asset_id"],
                    amount=entry["amount"],
                    opponent_id=payer.user_id,
                    transaction_hash=tx_hash,
                    memo=entry["extra"].hex(),
                    request_id=entry["trace_id"],
                )
                self.payments_seen[seen_key] = snapshot["snapshot_id"]
                snapshot_ids.append(snapshot["snapshot_id"])
            return snapshot_ids

    # -- withdrawals fees and deposits -----------------------------------------------

    def asset_fees(self, *, asset_id: str) -> list[dict]:
        with self.lock:
            asset = self.asset(asset_id)
            return [
                {
                    "type": "withdrawal_fee",
                    "asset_id": asset.fee_asset_id,
                    "amount": amount_text(asset.withdrawal_fee),
                    "priority": "normal",
                }
            ]

    def deposit_entry(self, *, chain_id: str) -> list[dict]:
        with self.lock:
            chain_id = parse_uuid(chain_id, "chain_id")
            if chain_id not in self.deposit_entries:
                seed = f"{self.bot.app_id}:{chain_id}".encode()
                self.deposit_entries[chain_id] = {
                    "type": "deposit",
                    "entry_id": str(uuid.uuid5(uuid.NAMESPACE_OID, seed.decode())),
                    "chain_id": chain_id,
                    "members": [self.bot.app_id],
                    "threshold": 1,
                    "destination": "0x" + hashlib.sha3_256(seed).hexdigest()[:40],
                    "tag": "",
                    "signature": "",
                    "is_primary": True,
                }
            return [self.deposit_entries[chain_id]]

    def chain_incoming(self, data: dict) -> dict:
        """A chain transfer to one of the bot's deposit addresses becomes a deposit."""
        with self.lock:
            address, tag = str(data.get("address") or ""), str(data.get("tag") or "")
            tx_hash = str(data.get("tx_hash") or "")
            if not tx_hash:
                raise SimError(10002, "tx_hash is required")
            entry = next(
                (
                    e
                    for e in self.deposit_entries.values()
                    if e["destination"] == address and e["tag"] == tag
                ),
                None,
            )
            if entry is None:
                raise SimError(404, f"{address!r} is no deposit address here", http_status=404)
            asset_id = parse_uuid(data.get("asset_id") or data.get("chain_id"), "asset_id")
            amount = parse_amount(data.get("amount"))
            seen_key = (tx_hash, address)
            if seen_key not in self.deposits_seen:
                kernel_hash = hashlib.sha3_256(f"deposit:{tx_hash}:{address}".encode()).hexdigest()
                self._credit_bot(asset_id=asset_id, amount=amount, transaction_hash=kernel_hash)
                snapshot = self._snapshot_add(
                    asset_id=asset_id,
                    amount=amount,
                    transaction_hash=kernel_hash,
                    deposit={
                        "deposit_hash": tx_hash,
                        "sender": "",
                        "destination": address,
                        "tag": tag,
                    },
                )
                self.deposits_seen[seen_key] = snapshot["snapshot_id"]
            return {"snapshot_id": self.deposits_seen[seen_key]}

    # -- OAuth -----------------------------------------------------------------------

    def oauth_code_create(self, *, user_id: str) -> str:
        with self.lock:
            self.user(user_id)
            code = secrets.token_hex(16)
            self.oauth_codes[code] = str(user_id)
            return code

    def oauth_token(self, data: dict) -> dict:
        with self.lock:
            if data.get("client_id") != self.bot.app_id or not secrets.compare_digest(
                str(data.get("client_secret") or ""), self.bot.oauth_client_secret
            ):
                raise SimError(401, "Unauthorized, maybe invalid token.")
            user_id = self.oauth_codes.pop(str(data.get("code") or ""), None)
            if user_id is None:
                raise SimError(403, "Forbidden: the code is invalid or already used.")
            token = secrets.token_urlsafe(32)
            self.oauth_tokens[token] = user_id
            return {"access_token": token, "scope": "PROFILE:READ"}

    def user_for_token(self, token: str) -> SimUser | None:
        with self.lock:
            user_id = self.oauth_tokens.get(token)
            return self.users.get(user_id) if user_id else None

    # -- faults ----------------------------------------------------------------------

    def fault_add(self, data: dict) -> Fault:
        kind = str(data.get("kind") or "")
        if kind not in FAULT_KINDS:
            raise SimError(10002, f"fault kind must be one of {sorted(FAULT_KINDS)}")
        fault = Fault(
            path=str(data.get("path") or "*"),
            method=str(data.get("method") or "*").upper(),
            kind=kind,
            count=int(data.get("count") or 1),
            code=int(data.get("code") or 0),
            delay_ms=int(data.get("delay_ms") or 3000),
        )
        with self.lock:
            self.faults.append(fault)
        return fault

    def fault_take(self, *, method: str, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.count > 0 and fault.matches(method, path):
                    fault.count -= 1
                    return fault
        if path.startswith("/_sim/"):
            return None
        kind = self.chaos.draw()
        if kind is None:
            return None
        return Fault(
            path=path,
            method=method,
            kind=CHAOS_AS_FAULT[kind],
            count=0,
            code=500 if kind == "http_500" else 0,
            delay_ms=self.chaos.delay_ms,
        )

    # -- overview --------------------------------------------------------------------

    def state_summary(self) -> dict:
        with self.lock:
            bot_balances: dict[str, Decimal] = {}
            for output in self.outputs.values():
                if output.state == "unspent":
                    bot_balances[output.asset_id] = (
                        bot_balances.get(output.asset_id, Decimal(0)) + output.amount
                    )
            return {
                "bot": {
                    "app_id": self.bot.app_id,
                    "balances": {a: amount_text(v) for a, v in bot_balances.items()},
                    "unspent_outputs": sum(o.state == "unspent" for o in self.outputs.values()),
                },
                "users": [
                    {**u.as_json(), "balances": {a: amount_text(v) for a, v in u.balances.items()}}
                    for u in self.users.values()
                ],
                "snapshots": len(self.snapshots),
                "transaction_requests": [
                    {
                        "request_id": r.request_id,
                        "state": r.state,
                        "amount": amount_text(r.amount),
                        "asset_id": r.asset_id,
                        "receivers": r.receivers,
                    }
                    for r in self.requests.values()
                ],
                "deposit_entries": list(self.deposit_entries.values()),
                "chain_deliveries": list(self.chain_deliveries),
                "faults": [vars(f) for f in self.faults if f.count > 0],
                "chaos": self.chaos.snapshot(),
            }
