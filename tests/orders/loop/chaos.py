"""The chaos soak, shared by its short test (test_chaos_soak.py) and its long benchmark
(benchmarks/chaos_soak.py): N orders through create → pay → running → exit on real
workers (PostgreSQL + Redis) while both simulators fail a share of the API calls
(POST /_sim/chaos: timeouts, 5xx, 429, dropped connections) and a worker is SIGKILLed at
random every few seconds and replaced. Then every order must be `exited` or `refunded`,
each external effect counted once on the simulators, the ledger and the loop clean.

Two workers split the queues as the Procfile does (the funds loop; intake and ticks); the
killer picks one of them each time. This process stands in for the user (creates, pays,
exits, retrying what a person would retry) and for the beat's reconcile job, run here
every few seconds with a short bound instead of its production one.
"""

import json
import random
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from rest_framework.test import APIClient

from executor.models import TrackedOrder
from ledger.selectors import ledger_violations
from orders.models import MarketMakingOrder, Payout
from orders.services.reconcile import reconcile_run
from tests.orders.loop.harness import USDT, XIN
from tests.orders.loop.workers import Processes
from wallet.models import MixinSnapshot

FINAL = ("exited", "refunded")
START = {XIN: Decimal("10"), USDT: Decimal("1000")}
QUEUE_SPLIT = ("loop", "intake,ticks,proofs")  # the Procfile's workers (proofs with pollers)


@dataclass
class ChaosOrder:
    user: object
    body: dict
    exit_asked: bool = False
    done_at: float | None = None

    @property
    def order_id(self) -> str:
        return self.body["id"]


@dataclass
class ChaosReport:
    orders: list[ChaosOrder]
    started: float
    seconds: float = 0.0
    kills: int = 0
    states: Counter = field(default_factory=Counter)
    injected: dict[str, dict] = field(default_factory=dict)
    api_retries: int = 0

    def order_seconds(self) -> list[float]:
        return sorted(o.done_at - self.started for o in self.orders if o.done_at)


class Killer(threading.Thread):
    """SIGKILLs one of the workers at random, `every` (min, max) seconds after the last
    replacement was ready, and starts the next replacement at once, as a supervisor would.
    Counting from ready rather than from start leaves each life some work to do however
    slowly a worker starts on a loaded machine."""

    def __init__(self, processes: Processes, *, every: tuple[float, float], seed: int) -> None:
        super().__init__(daemon=True)
        self.processes = processes
        self.every = every
        self.random = random.Random(seed)
        self.stopping = threading.Event()
        self.workers = {queues: processes.worker(queues=queues) for queues in QUEUE_SPLIT}
        self.kills = 0

    def run(self) -> None:
        while not self.stopping.is_set():
            started = self.workers.values()
            deadline = time.monotonic() + 90
            while not all(Processes.ready(w) for w in started) and time.monotonic() < deadline:
                if self.stopping.wait(0.2):
                    return
            if self.stopping.wait(self.random.uniform(*self.every)):
                return
            queues = self.random.choice(QUEUE_SPLIT)
            self.workers[queues].kill()  # SIGKILL
            self.workers[queues].wait()
            self.kills += 1
            self.workers[queues] = self.processes.worker(queues=queues)

    def stop(self) -> None:
        self.stopping.set()
        self.join()


def api_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def with_retries(call, *, ok: int, report: ChaosReport, attempts: int = 20):
    """What a person does when the product answers that something outside failed: again."""
    for _ in range(attempts):
        answer = call()
        if answer.status_code == ok:
            return answer
        assert answer.status_code in (502, 503, 504, 429), answer.content[:500]
        report.api_retries += 1
        time.sleep(0.5)
    raise AssertionError(f"still failing after {attempts} attempts: {answer.content!r}")


def chaos_run(
    world,
    processes: Processes,
    django_user_model,
    *,
    orders: int,
    fault_rate: float = 0.1,
    kill_every: tuple[float, float] = (3, 8),
    timeout: float = 600,
    seed: int = 1,
    min_kills: int = 0,
) -> ChaosReport:
    """`min_kills`: exits are asked only once that many kills happened, so a run that goes
    fast still has workers dying under it."""
    chaos = {"rate": fault_rate, "seed": seed, "delay_ms": 200}
    world.venue.call("POST", "/_sim/chaos", chaos)
    world.mixin("POST", "/_sim/chaos", chaos)
    processes.beat()
    killer = Killer(processes, every=kill_every, seed=seed)
    report = ChaosReport(orders=[], started=time.monotonic())
    killer.start()
    try:
        for n in range(orders):
            user = world.mixin_user(
                django_user_model, name=f"Chaos {n}", **{a: str(v) for a, v in START.items()}
            )
            body = with_retries(
                lambda user=user: api_for(user).post(
                    "/api/v1/market-making/orders/",
                    {
                        "pair_id": world.pair.pk,
                        "strategy": {
                            "preset": "stable-depth",
                            "overrides": {"order_amount": "0.1"},
                        },
                        "base_amount": "1",
                        "quote_amount": "100",
                    },
                    format="json",
                ),
                ok=201,
                report=report,
            ).json()
            world.pay(user, body["payment"]["url"])
            report.orders.append(ChaosOrder(user=user, body=body))
        deadline = report.started + timeout
        last_reconcile = 0.0
        while pending := [o for o in report.orders if o.done_at is None]:
            assert time.monotonic() < deadline, chaos_stuck(report)
            for order in pending:
                state = MarketMakingOrder.objects.values_list("state", flat=True).get(
                    pk=order.order_id
                )
                if state in FINAL:
                    order.done_at = time.monotonic()
                elif state == "running" and not order.exit_asked and killer.kills >= min_kills:
                    with_retries(
                        lambda order=order: api_for(order.user).post(
                            f"/api/v1/market-making/orders/{order.order_id}/exit/",
                            headers={"Idempotency-Key": uuid.uuid4().hex},
                        ),
                        ok=200,
                        report=report,
                    )
                    order.exit_asked = True
            if time.monotonic() - last_reconcile > 3:
                reconcile_run(older_than=timedelta(seconds=5))
                last_reconcile = time.monotonic()
            time.sleep(0.5)
    finally:
        killer.stop()
        report.kills = killer.kills
        report.seconds = time.monotonic() - report.started
        # What was injected, then calm: the checks read the simulators without faults.
        for name, call in (("venue", world.venue.call), ("mixin", world.mixin)):
            report.injected[name] = call("POST", "/_sim/chaos", {"rate": 0})
    report.states = Counter(
        MarketMakingOrder.objects.filter(pk__in=[o.order_id for o in report.orders]).values_list(
            "state", flat=True
        )
    )
    return report


def chaos_stuck(report: ChaosReport) -> str:
    lines = ["orders not final:"]
    for order in MarketMakingOrder.objects.filter(pk__in=[o.order_id for o in report.orders]):
        last = order.events.order_by("-created_at").first()
        lines.append(
            f"  {order.pk} {order.state} since {order.state_changed_at:%H:%M:%S}; last event "
            f"{last.kind if last else '-'}: {last.reason if last else ''} {order.lifecycle_error}"
        )
    return "\n".join(lines)


def chaos_checks(world, report: ChaosReport) -> None:
    """Every order final, each external effect once, the ledger and the loop clean."""
    assert set(report.states) <= set(FINAL), chaos_stuck(report)
    venue = world.venue.state()
    mixin = world.mixin("GET", "/_sim/state")
    funded = MarketMakingOrder.objects.filter(
        pk__in=[o.order_id for o in report.orders], legs__deposited_amount__gt=0
    ).distinct()
    # One Mixin withdrawal to the exchange per funded leg, one deposit each there.
    assert len(mixin["chain_deliveries"]) == 2 * funded.count()
    assert len(venue["deposits"]) == 2 * funded.count()
    # Each quote sent once; nothing of ours left on the book.
    assert venue["client_order_ids_placed_twice"] == []
    assert world.our_open_orders() == []
    exit_legs = sum(
        1 for o in funded.prefetch_related("legs") for leg in o.legs.all() if leg.exit_amount
    )
    assert len(venue["withdrawals"]) == exit_legs
    for order in report.orders:
        payouts = list(Payout.objects.filter(order_id=order.order_id))
        assert all(p.status == Payout.Status.SENT for p in payouts), payouts
        assert len(payouts) == len({p.asset_id for p in payouts})
        user_id = str(order.user.mixin.mixin_user_id)
        # Sent ("spent"); a request created and never submitted moved nothing.
        transfers = [
            r
            for r in mixin["transaction_requests"]
            if r["state"] == "spent" and user_id in json.dumps(r["receivers"])
        ]
        assert len(transfers) == len(payouts), (order.order_id, transfers, payouts)
        back = {str(p.asset_id): p.amount for p in payouts}
        for asset, start in START.items():
            paid = sum(
                Decimal(e["amount"])
                for e in order.body["payment"]["entries"]
                if e["asset_id"] == asset
            )
            assert world.mixin_balance(order.user, asset) == start - paid + back.get(asset, 0)
    assert ledger_violations() == []
    assert loop_violations() == []


def loop_violations() -> list[str]:
    """The funds loop at rest: no payment left unrouted, no payout unsettled, no exchange
    order of ours still live or holding a reservation."""
    found = []
    unrouted = MixinSnapshot.objects.filter(
        direction=MixinSnapshot.Direction.INCOMING,
        processing_state__in=[
            MixinSnapshot.ProcessingState.RECORDED,
            MixinSnapshot.ProcessingState.DISPATCHED,
        ],
    )
    found += [f"snapshot {s.snapshot_id} not routed" for s in unrouted]
    unsettled = Payout.objects.exclude(status=Payout.Status.SENT)
    found += [f"payout {p.pk} {p.status}" for p in unsettled]
    unreleased = TrackedOrder.objects.filter(released=False)
    found += [f"exchange order {t.client_order_id} {t.status} not released" for t in unreleased]
    return found
