"""The chaos soak's short version (the long one: benchmarks/chaos_soak.py): five orders
through create → pay → running → exit while ~10 % of the venue's and Mixin's API calls fail
and a worker is SIGKILLed every few seconds; every order ends `exited` or `refunded`, each
external effect happened once on the simulators, the ledger and the loop are clean."""

import pytest

from tests.conftest import requires_postgres, requires_redis
from tests.orders.loop.chaos import chaos_checks, chaos_run
from tests.orders.loop.workers import Processes, purge_broker


@requires_postgres
@requires_redis
@pytest.mark.django_db(transaction=True)
def test_orders_end_well_under_faults_and_kills(world, django_user_model, tmp_path):
    purge_broker()
    processes = Processes(world, tmp_path)
    try:
        report = chaos_run(world, processes, django_user_model, orders=5, min_kills=3, timeout=150)
        chaos_checks(world, report)
    except AssertionError:
        print(processes.logs()[-20000:])
        raise
    finally:
        processes.stop()
    print(
        f"chaos: {len(report.orders)} orders {dict(report.states)} in {report.seconds:.0f} s, "
        f"{report.kills} kills, injected {report.injected}"
    )
    # It was chaos: workers died and calls failed on both sides.
    assert report.kills >= 3
    assert sum(report.injected["venue"]["injected"].values()) > 0
    assert sum(report.injected["mixin"]["injected"].values()) > 0
