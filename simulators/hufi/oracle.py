"""The recording and reputation oracles' work: score a cycle, store its results, pay.

A cycle is read from each participant's exchange with the key it registered (fills over
`[max(cycle start, joined_at), cycle end)`, or its balance for holding types, and its
deposit address for the shared-address rule), scored by `scoring`, written into the
campaign's results file (stored under its sha256), and paid: one transfer of the reward
token per participant to its payout address. A transfer whose token has a Mixin asset id is
handed to the peer (the Mixin simulator) as a chain deposit, so it arrives as a snapshot.
"""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from decimal import Decimal

import httpx

from simulators.hufi import scoring
from simulators.hufi.exchange_reader import (
    ExchangeAccess,
    ExchangeReadError,
    balances_read,
    deposit_address_read,
    fills_read,
)
from simulators.hufi.manifest import iso_ms, json_value
from simulators.hufi.records import ACTIVE, TO_CANCEL, Campaign, HufiError, Participation, Transfer
from simulators.hufi.world import HufiWorld

logger = logging.getLogger(__name__)

BATCH_SIZE = 99
DELIVERY_ATTEMPTS = 3


def _participant_read(
    campaign: Campaign,
    joined: Participation,
    access: ExchangeAccess | None,
    window: tuple[int, int],
    errors: dict[str, str],
) -> scoring.Participant:
    """What the exchange says about one participant; nothing (scored 0) if it cannot say."""
    manifest = campaign.manifest
    empty = scoring.Participant(address=joined.address, joined_at_ms=joined.joined_at_ms)
    if access is None:
        errors[joined.address] = "no exchange key registered"
        return empty
    try:
        fills: tuple[scoring.Fill, ...] = ()
        balance = Decimal(0)
        if manifest.is_trading:
            start = max(window[0], joined.joined_at_ms)
            fills = tuple(fills_read(access, pair=manifest.symbol, from_ms=start, to_ms=window[1]))
        else:
            balance = balances_read(access).get(manifest.symbol, Decimal(0))
    except ExchangeReadError as exc:
        errors[joined.address] = str(exc)
        return empty
    return scoring.Participant(
        address=joined.address,
        joined_at_ms=joined.joined_at_ms,
        deposit_address=deposit_address_read(access, asset=manifest.base_asset),
        fills=fills,
        balance=balance,
    )


def _participants_read(
    world: HufiWorld, campaign: Campaign, window: tuple[int, int]
) -> tuple[list[scoring.Participant], dict[str, str]]:
    with world.lock:
        jobs = [
            (joined, world.exchange_access(world.users[key], campaign.manifest.exchange))
            for key, joined in campaign.participants.items()
            if joined.joined_at_ms < window[1]
        ]
    errors: dict[str, str] = {}
    participants = [
        _participant_read(campaign, joined, access, window, errors) for joined, access in jobs
    ]
    return participants, errors


def _score(campaign: Campaign, participants: list, *, gross: bool = False) -> scoring.CycleResult:
    return scoring.cycle_score(
        campaign_type=campaign.manifest.type,
        details=campaign.manifest.details,
        daily=campaign.daily_reward(gross=gross),
        decimals=campaign.token.decimals,
        participants=participants,
    )


def _leaderboard_rows(
    result: scoring.CycleResult, gross: scoring.CycleResult
) -> list[dict[str, object]]:
    paid, paid_gross = dict(result.payouts), dict(gross.payouts)
    ranked = sorted(result.outcomes, key=lambda o: o.score, reverse=True)
    return [
        {
            "address": o.address,
            "score": json_value(o.score),
            "result": json_value(o.total_volume),
            "estimated_reward": json_value(paid.get(o.address, Decimal(0))),
            "estimated_reward_gross": json_value(paid_gross.get(o.address, Decimal(0))),
        }
        for o in ranked
    ]


def leaderboard(world: HufiWorld, key: str) -> dict:
    """The running cycle scored so far (estimates), or the last cycle once all are done."""
    campaign = world.campaign(key)
    with world.lock:
        window = campaign.next_window()
        rows = list(campaign.last_leaderboard)
    if window is not None:
        participants, _ = _participants_read(world, campaign, window)
        rows = _leaderboard_rows(
            _score(campaign, participants), _score(campaign, participants, gross=True)
        )
    return {"data": rows, "total": len(rows), "updated_at": iso_ms(world.clock.now_ms())}


def _results_entry(
    campaign: Campaign, window: tuple[int, int], result: scoring.CycleResult
) -> dict:
    outcomes = [
        {
            "address": o.address,
            "score": json_value(o.score),
            "total_volume": json_value(o.total_volume),
        }
        for o in result.outcomes
    ]
    batches = [
        {
            "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{campaign.key}:{window[0]}:{start}")),
            "results": outcomes[start : start + BATCH_SIZE],
        }
        for start in range(0, len(outcomes), BATCH_SIZE)
    ]
    return {
        "from": iso_ms(window[0]),
        "to": iso_ms(window[1]),
        "reserved_funds": json_value(result.pool),
        "total_volume": json_value(result.total_volume),
        "participants_outcomes_batches": batches,
    }


def cycle_advance(world: HufiWorld, key: str) -> dict:
    """Score and pay the campaign's next cycle now, whether or not it has ended."""
    campaign = world.campaign(key)
    with world.lock:
        window = campaign.next_window()
        if window is None or campaign.status not in (ACTIVE, TO_CANCEL):
            raise HufiError(400, f"campaign {key} has no cycle left to score")
        if campaign.cycle_in_progress:
            raise HufiError(409, f"a cycle of {key} is being scored")
        campaign.cycle_in_progress = True
    try:
        participants, errors = _participants_read(world, campaign, window)
        result = _score(campaign, participants)
        gross = _score(campaign, participants, gross=True)
        with world.lock:
            transfers = _cycle_record(world, campaign, window, result, gross)
    finally:
        with world.lock:
            campaign.cycle_in_progress = False
    transfers_deliver(world, transfers)
    return {
        "campaign": campaign.key,
        "from": iso_ms(window[0]),
        "to": iso_ms(window[1]),
        "reserved_funds": json_value(result.pool),
        "outcomes": [
            {**vars(o), "score": json_value(o.score), "total_volume": json_value(o.total_volume)}
            for o in result.outcomes
        ],
        "read_errors": errors,
        "results_url": campaign.intermediate_results_url,
        "transfers": [t.as_json() for t in transfers],
    }


def _cycle_record(
    world: HufiWorld,
    campaign: Campaign,
    window: tuple[int, int],
    result: scoring.CycleResult,
    gross: scoring.CycleResult,
) -> list[Transfer]:
    """Under the world's lock: the results file, the payments, the campaign's progress."""
    campaign.results.append(_results_entry(campaign, window, result))
    _, url = world.results_file_store(
        {
            "chain_id": campaign.chain_id,
            "address": campaign.address,
            "exchange": campaign.manifest.exchange,
            "symbol": campaign.manifest.symbol,
            "results": campaign.results,
        }
    )
    campaign.intermediate_results_url = url
    transfers = []
    for address, amount in result.payouts:
        user = world.users[address.lower()]
        tx_seed = f"reward:{campaign.key}:{window[0]}:{address}".lower()
        transfers.append(
            Transfer(
                tx_hash="0x" + hashlib.sha256(tx_seed.encode()).hexdigest(),
                campaign=campaign.key,
                cycle_from_ms=window[0],
                participant=address,
                to=user.payout_address,
                token=campaign.token,
                amount=amount,
            )
        )
    paid = sum((t.amount for t in transfers), Decimal(0))
    campaign.amount_paid += paid
    day = iso_ms(window[0])[:10]
    campaign.daily_paid[day] = campaign.daily_paid.get(day, Decimal(0)) + paid
    campaign.last_leaderboard = _leaderboard_rows(result, gross)
    campaign.cycles_done += 1
    if campaign.next_window() is None:
        world.campaign_finalize(campaign)
    world.transfers.extend(transfers)
    return transfers


def transfers_deliver(world: HufiWorld, transfers: list[Transfer]) -> None:
    for transfer in transfers:
        status, detail = _deliver(world.peer_url, transfer)
        with world.lock:
            transfer.status, transfer.detail = status, detail


def _deliver(peer_url: str, transfer: Transfer) -> tuple[str, str]:
    """(status, detail): delivered to the peer, external (not the peer's), or undelivered."""
    if not peer_url or not transfer.token.mixin_asset_id:
        return "external", "no peer takes this token"
    payload = {
        "asset_id": transfer.token.mixin_asset_id,
        "address": transfer.to,
        "tag": "",
        "amount": json_value(transfer.amount),
        "tx_hash": transfer.tx_hash,
    }
    problem = ""
    for attempt in range(DELIVERY_ATTEMPTS):
        try:
            response = httpx.post(f"{peer_url}/_sim/chain/incoming", json=payload, timeout=5)
        except httpx.HTTPError as exc:
            problem = f"peer unreachable: {exc}"
            time.sleep(0.2 * 2**attempt)
            continue
        if response.status_code == 200:
            return "delivered", str(response.json().get("snapshot_id", ""))
        if response.status_code == 404:
            return "external", "the address is not one of the peer's"
        problem = f"peer answered {response.status_code}: {response.text[:200]}"
        break
    logger.warning("a reward transfer was not delivered", extra={"error": problem})
    return "undelivered", problem


def cycles_run_due(world: HufiWorld) -> list[dict]:
    """Score every cycle that has ended by the simulator's clock (the background loop)."""
    with world.lock:
        keys = [c.key for c in world.campaigns.values() if c.status in (ACTIVE, TO_CANCEL)]
    done = []
    for key in keys:
        while _cycle_due(world, world.campaign(key)):
            try:
                done.append(cycle_advance(world, key))
            except HufiError as exc:
                logger.warning("a due cycle was not scored", extra={"error": exc.message})
                break
    return done


def _cycle_due(world: HufiWorld, campaign: Campaign) -> bool:
    with world.lock:
        window = campaign.next_window()
        return (
            campaign.status in (ACTIVE, TO_CANCEL)
            and not campaign.cycle_in_progress
            and window is not None
            and window[1] <= world.clock.now_ms()
        )
