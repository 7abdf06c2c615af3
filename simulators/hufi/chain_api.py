"""The chain's routes, under /chain (what a launcher reaches through an RPC node and the
escrow factory) and /_sim/chain (what stands in for a wallet nobody here holds the key of).

    POST /chain/escrows               {chain_id, token, fund_amount, manifest, launcher,
                                       request_id} -> the escrow (same request_id: same escrow)
    GET  /chain/escrows/{chain-addr}  -> the escrow: status pending|funded, balance, transfers
    POST /chain/transfers             a signed transfer -> {transfer, escrow?}
    GET  /chain/transfers/{id}        -> the transfer, 404 if the chain never saw it
    GET  /chain/balances/{chain}/{token}/{holder} -> {balance}
    POST /_sim/chain/mint             {chain_id, token, address, amount} -> {balance}
    POST /_sim/chain/transfers        an unsigned transfer: a user's wallet signing it
"""

from __future__ import annotations

from simulators.hufi.api import CAMPAIGN, Request, route
from simulators.hufi.chain import FUNDED, PENDING, ChainTransfer, Escrow
from simulators.hufi.manifest import parse_decimal
from simulators.hufi.records import HufiError
from simulators.hufi.world import HufiWorld

ADDRESS = r"(?P<holder>0x[0-9a-fA-F]{40})"


def _token(world: HufiWorld, body: dict):
    return world.token_find(int(body.get("chain_id") or 0), str(body.get("token") or ""))


def _launch_if_funded(world: HufiWorld, escrow: Escrow | None) -> None:
    """An escrow whose balance reached its fund is set up: its campaign goes live."""
    if escrow is None or escrow.status != PENDING or escrow.balance < escrow.fund_amount:
        return
    escrow.status = FUNDED
    escrow.funded_at_ms = world.clock.now_ms()
    world.campaign_create(
        {
            "chain_id": escrow.chain_id,
            "fund_token": escrow.token.address,
            "fund_amount": str(escrow.fund_amount),
            "manifest": escrow.manifest,
            "launcher": escrow.launcher or None,
            "address": escrow.address,
        },
        checked_at_ms=escrow.created_at_ms,
    )


def _transfer(world: HufiWorld, body: dict, *, signed: bool) -> dict:
    token = _token(world, body)
    with world.lock:
        record, escrow = world.chain.transfer(
            body, token=token, now_ms=world.clock.now_ms(), signed=signed
        )
        _launch_if_funded(world, escrow)
        return _transfer_json(record, escrow)


def _transfer_json(record: ChainTransfer, escrow: Escrow | None) -> dict:
    return {"transfer": record.as_json(), "escrow": escrow.as_json() if escrow else None}


@route("POST", "/chain/escrows")
def escrow_create(world: HufiWorld, request: Request, _: dict) -> object:
    token = _token(world, request.body)
    with world.lock:
        escrow = world.chain.escrow_create(
            request.body, token=token, now_ms=world.clock.now_ms(), exchanges=set(world.exchanges)
        )
        return escrow.as_json()


@route("GET", f"/chain/escrows/{CAMPAIGN}")
def escrow_get(world: HufiWorld, request: Request, args: dict) -> object:
    with world.lock:
        return world.chain.escrow(args["key"]).as_json()


@route("POST", "/chain/transfers")
def transfer_signed(world: HufiWorld, request: Request, _: dict) -> object:
    return _transfer(world, request.body, signed=True)


@route("GET", r"/chain/transfers/(?P<transfer_id>[^/]+)")
def transfer_get(world: HufiWorld, request: Request, args: dict) -> object:
    with world.lock:
        record = world.chain.transfers.get(args["transfer_id"])
        if record is None:
            raise HufiError(404, f"no transfer {args['transfer_id']}")
        return _transfer_json(record, world.chain.escrow_at(record.chain_id, record.to))


@route("GET", rf"/chain/balances/(?P<chain_id>\d+)/(?P<token>[^/]+)/{ADDRESS}")
def balance_get(world: HufiWorld, request: Request, args: dict) -> object:
    token = world.token_find(int(args["chain_id"]), args["token"])
    with world.lock:
        balance = world.chain.balance(token.chain_id, token.address, args["holder"])
        return {"balance": str(balance)}


@route("POST", "/_sim/chain/mint")
def sim_mint(world: HufiWorld, request: Request, _: dict) -> object:
    token = _token(world, request.body)
    amount = parse_decimal(request.body.get("amount"), "amount")
    with world.lock:
        balance = world.chain.mint(token, str(request.body.get("address") or ""), amount)
        return {"balance": str(balance)}


@route("POST", "/_sim/chain/transfers")
def sim_transfer(world: HufiWorld, request: Request, _: dict) -> object:
    return _transfer(world, request.body, signed=False)
