"""A simulated exchange speaking the Binance Spot REST dialect, for the demo and the tests.

    engine     matching engine and balances (pure, Decimal, no I/O)
    agents     background market participants per symbol (random-walk mid, makers, takers)
    wallet     coins and networks, deposit addresses, deposit and withdrawal records
    venue      one venue: accounts and permissions, engine, wallet, agents, time, one lock
    book       sides, types, statuses, orders, trades, balances, the price levels
    clock      the venue's time: the wall clock, or a SkippableClock in tests
    transfers  deposits and withdrawals of a venue, and their delivery to the peer
    request    a dialect request and the parsing of its parameters
    dialect    the Binance REST endpoints and signatures over a venue
    control    the unsigned /_sim/ control API, and SimulatorControl, a client for it
    faults     injected misbehaviour per path and method
    server     the HTTP server (keep-alive + TCP_NODELAY); start_in_thread() for tests
    (demo.inprocess_gateway: the exchanges gateway interface straight over a venue)

Run it with `python manage.py run_venue_simulator`; see docs/venue-simulator.md.
"""
