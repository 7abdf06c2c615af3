"""A simulated HuFi: the campaign launcher's public API and the recording oracle's API.

    manifest         the five campaign types and the launcher's rules (pure)
    scoring          a daily cycle's scores, pool and payouts (pure, Decimal)
    exchange_reader  a participant's fills, balances, deposit address via ccxt.binance
    records          tokens, exchanges, users and keys, campaigns, transfers, the clock
    auth             nonce + EIP-191 login over the exact {"nonce":"…"} bytes, tokens
    world            the state and every change to it, under one lock
    oracle           score a cycle, store the results file, pay (to the Mixin simulator)
    api              the routes: /launcher, /oracle, /_sim/ control
    server           the HTTP server; start_in_thread() for tests

Run it with `python manage.py run_hufi_simulator`; see docs/hufi-simulator.md.
"""
