"""Soak `make run`: does the running product keep pace with a user's orders for half an hour?

Runs the steps `make run` runs (migrate, setup_periodic_tasks, demo_setup, then honcho with
the repository's Procfile) in a temporary MRMARKET_VAR_DIR on free ports, sets the demo
venue's chain delays to zero, then every --interval seconds for --minutes creates an order
through the API as the demo user, pays it on the Mixin simulator as the demo Mixin user,
lets it run --hold seconds once `running` and asks for its exit. Every 10 s it samples the
broker's backlog (messages waiting in every queue) and the age of the oldest message.

The embedded default (SQLite and the filesystem broker, as `make run`):

    .venv/bin/python benchmarks/embedded_soak.py [--minutes 30] [--interval 60]

The same on PostgreSQL and Redis (the database is created when missing; --fresh drops and
recreates it and empties the Redis database first):

    .venv/bin/python benchmarks/embedded_soak.py --fresh \\
        --database-url postgres://postgres@127.0.0.1:5432/mm_soak \\
        --broker-url redis://127.0.0.1:6379/8

A short check: add `--minutes 6 --interval 30`. Prints the configuration and command line,
each order's pay → `running` and exit → `exited` (seconds from the simulator's answer to the
API showing the state, polled every 0.5 s), their median, p95 and max, the 1st and the 20th
order, and the backlog at the start, its maximum and at the end. The Procfile is read
afresh each run (its ports replaced by free ones), so the processes are whatever `make run`
starts on this checkout. Every process started here is stopped at the end, on error and on
Ctrl-C; the run is bounded by --minutes plus --startup-timeout and --drain.
"""

import argparse
import contextlib
import json
import logging
import os
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
SAMPLE_EVERY_S = 10
POLL_EVERY_S = 0.5
# Addresses the Procfile gives its servers; each is replaced by a free port.
PORT_IN_COMMAND = re.compile(
    r"(?<=127\.0\.0\.1:)\d{2,5}|(?<=localhost:)\d{2,5}|(?<=--port[ =])\d{2,5}"
)
# Where an order stops moving without help (failed waits for an operator).
FINAL_STATES = {"exited", "refunded", "failed"}


class SoakError(Exception):
    pass


# -- the processes of `make run` -------------------------------------------------------------


def free_port(*, taken: set[int]) -> int:
    while True:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port not in taken:
            taken.add(port)
            return port


@dataclass
class Procfile:
    text: str
    ports: dict[int, int]  # the Procfile's own port -> the one used here
    web_url: str
    venue_url: str
    mixin_url: str
    hufi_url: str


def procfile_on_free_ports(*, source: Path) -> Procfile:
    """The repository's Procfile with every port it names moved to a free one, and the demo
    seed pointed at the moved simulators (its own defaults name the usual ports)."""
    text = source.read_text()
    taken: set[int] = set()
    own_ports = sorted({int(port) for port in PORT_IN_COMMAND.findall(text)})
    ports = {own: free_port(taken=taken) for own in own_ports}
    text = PORT_IN_COMMAND.sub(lambda m: str(ports[int(m.group())]), text)
    lines = text.splitlines()

    def url_of(marker: str) -> str:
        command = next((line for line in lines if marker in line), None)
        if command is None:
            raise SoakError(f"the Procfile has no {marker} process")
        port = re.search(r"(?:127\.0\.0\.1:|--port[ =])(\d+)", command)
        return f"http://127.0.0.1:{port.group(1)}"

    web_url, venue_url = url_of("runserver"), url_of("run_venue_simulator")
    mixin_url = url_of("run_mixin_simulator")
    hufi_url = url_of("run_hufi_simulator")
    lines = [
        f"{line} --venue-url {venue_url} --web-url {web_url}"
        if "demo_seed" in line and "--venue-url" not in line
        else line
        for line in lines
    ]
    return Procfile("\n".join(lines) + "\n", ports, web_url, venue_url, mixin_url, hufi_url)


def manage(*args: str, env: dict[str, str], timeout: float = 300) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise SoakError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


class Honcho:
    """`honcho start` in its own process group; remembers every process under it (honcho
    puts each Procfile process in a session of its own) so that all of them are stopped."""

    def __init__(self, *, procfile: Path, env: dict[str, str], log: Path) -> None:
        self.log = log
        self._log_file = log.open("w")
        self.process = subprocess.Popen(
            [str(BIN / "honcho"), "start", "-f", str(procfile), "-d", str(ROOT)],
            cwd=ROOT,
            env=env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.started: dict[int, str] = {}  # pid -> its start time, so a reused pid is spared

    def remember_descendants(self) -> None:
        children: dict[int, list[int]] = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError):
                fields = stat.read_text().rsplit(")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        waiting = [self.process.pid]
        while waiting:
            pid = waiting.pop()
            if pid not in self.started and (start := _start_time(pid)) is not None:
                self.started[pid] = start
            waiting.extend(children.get(pid, []))

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        # A second Ctrl-C must not cut the stop short and leave processes behind.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        self.remember_descendants()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # honcho terminates its processes
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=20)
        for pid, start in self.started.items():
            if _start_time(pid) == start:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self._log_file.close()


def _start_time(pid: int) -> str | None:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


# -- the broker's backlog ------------------------------------------------------------------


@dataclass
class Sample:
    at: float
    messages: int
    oldest_s: float | None
    by_queue: dict[str, int]


class BacklogProbe:
    """Messages waiting in the broker. The filesystem transport names its files by queue and
    dates them; Redis lists carry no time, so there the oldest message's age is how long
    the same message has been at the head of its queue (a lower bound, 10 s resolution)."""

    def __init__(self, *, broker_url: str, transport_options: dict) -> None:
        self.scheme = urlsplit(broker_url).scheme
        self.first_seen: dict[str, float] = {}
        if self.scheme == "filesystem":
            self.folder = Path(transport_options["data_folder_in"])
        elif self.scheme in ("redis", "rediss"):
            import redis

            self.redis = redis.Redis.from_url(broker_url)
        else:
            raise SoakError(f"no backlog probe for the {self.scheme} broker")

    def sample(self) -> Sample:
        now = time.time()
        by_queue: dict[str, int] = {}
        oldest: float | None = None
        if self.scheme == "filesystem":
            for message in self.folder.glob("*.msg"):
                with contextlib.suppress(FileNotFoundError):  # consumed meanwhile
                    sent = message.stat().st_mtime
                    queue = message.name.split(".", 1)[1].removesuffix(".msg")
                    by_queue[queue] = by_queue.get(queue, 0) + 1
                    oldest = sent if oldest is None else min(oldest, sent)
        else:
            heads = {}
            for key in self.redis.scan_iter(count=500):
                if self.redis.type(key) == b"list" and (length := self.redis.llen(key)):
                    name = key.decode(errors="replace").replace("\x06\x16", ":priority")
                    by_queue[name] = length
                    head = json.loads(self.redis.lindex(key, -1) or b"{}")
                    tag = head.get("properties", {}).get("delivery_tag") or name
                    heads[tag] = self.first_seen.get(tag, now)
            self.first_seen = heads
            oldest = min(heads.values(), default=None)
        return Sample(
            now, sum(by_queue.values()), None if oldest is None else now - oldest, by_queue
        )


# -- the user's side: the API and the Mixin simulator --------------------------------------


@dataclass
class Order:
    number: int
    order_id: str
    paid_at: float
    running_at: float | None = None
    exit_at: float | None = None
    exited_at: float | None = None
    state: str = "payment_pending"
    error: str = ""

    @property
    def to_running(self) -> float | None:
        return None if self.running_at is None else self.running_at - self.paid_at

    @property
    def to_exited(self) -> float | None:
        if self.exited_at is None or self.exit_at is None:
            return None
        return self.exited_at - self.exit_at


@dataclass
class DemoUser:
    api: httpx.Client
    mixin: httpx.Client
    mixin_user_id: str
    pair_id: int = 0
    orders: list[Order] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def order_create_and_pay(self, *, args: argparse.Namespace) -> Order:
        created = self.api.post(
            "/api/v1/market-making/orders/",
            json={
                "pair_id": self.pair_id,
                "strategy": {
                    "preset": args.preset,
                    "overrides": {"order_amount": args.order_amount},
                },
                "base_amount": args.base_amount,
                "quote_amount": args.quote_amount,
            },
        )
        if created.status_code != 201:
            raise SoakError(f"order create answered {created.status_code}: {created.text}")
        body = created.json()
        paid = self.mixin.post(
            "/_sim/pay", json={"payer_id": self.mixin_user_id, "url": body["payment"]["url"]}
        )
        if paid.status_code != 200:
            raise SoakError(f"pay answered {paid.status_code}: {paid.text}")
        order = Order(number=len(self.orders) + 1, order_id=body["id"], paid_at=time.time())
        self.orders.append(order)
        return order

    def order_exit(self, order: Order) -> None:
        answer = self.api.post(
            f"/api/v1/market-making/orders/{order.order_id}/exit/",
            headers={"Idempotency-Key": f"soak-exit-{order.order_id}"},
        )
        if answer.status_code >= 300:
            order.error = f"exit answered {answer.status_code}: {answer.text[:200]}"
        order.exit_at = time.time()

    def states_follow(self, *, hold_s: float) -> None:
        """One poll of the user's order list: note who reached what; exit those held long
        enough."""
        answer = self.api.get("/api/v1/market-making/orders/")
        if answer.status_code != 200:
            raise SoakError(f"order list answered {answer.status_code}: {answer.text}")
        now = time.time()
        states = {row["id"]: row["state"] for row in answer.json()}
        for order in self.orders:
            order.state = states.get(order.order_id, order.state)
            if order.state == "running" and order.running_at is None:
                order.running_at = now
            if order.exit_at is not None and order.state in FINAL_STATES and not order.exited_at:
                order.exited_at = now
            if order.running_at and order.exit_at is None and now >= order.running_at + hold_s:
                self.order_exit(order)

    def unfinished(self) -> list[Order]:
        return [o for o in self.orders if o.state not in FINAL_STATES]


# -- the run -----------------------------------------------------------------------------


def database_prepare(*, url: str, fresh: bool) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        if fresh:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')


def child_env(*, args: argparse.Namespace, var_dir: Path, procfile: Procfile) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL")}
    env.update(
        DEBUG="true",
        MRMARKET_VAR_DIR=str(var_dir),
        MIXIN_API_BASE=procfile.mixin_url,
        MIXIN_OAUTH_BASE=procfile.mixin_url,
        # The product's HuFi client (campaign sync, joins, the demo's payout) finds the moved
        # simulator here; its defaults name the usual port.
        HUFI_LAUNCHER_URL=f"{procfile.hufi_url}/launcher",
        HUFI_ORACLE_URL=f"{procfile.hufi_url}/oracle",
        HUFI_CHAIN_URL=f"{procfile.hufi_url}/chain",
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        PYTHONUNBUFFERED="1",
    )
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    if args.broker_url:
        env["CELERY_BROKER_URL"] = args.broker_url
    return env


def broker_settings(*, env: dict[str, str]) -> tuple[str, dict]:
    """The broker the product itself uses with this environment."""
    code = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps([s.CELERY_BROKER_URL, s.CELERY_BROKER_TRANSPORT_OPTIONS]))"
    )
    url, options = json.loads(manage("shell", "-c", code, env=env).strip().splitlines()[-1])
    return url, options


def demo_wait(*, honcho: Honcho, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while "Demo ready" not in honcho.output():
        if honcho.process.poll() is not None or time.monotonic() > deadline:
            raise SoakError(f"the demo did not come up:\n{honcho.output()[-4000:]}")
        time.sleep(1)


def django_setup(*, env: dict[str, str]) -> None:
    """Django here too, on the run's settings, for the demo's own names of its assets and
    users."""
    for name in ("DEBUG", "MRMARKET_VAR_DIR", "DATABASE_URL", "CELERY_BROKER_URL"):
        os.environ.pop(name, None)
        if name in env:
            os.environ[name] = env[name]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mrmarket.settings")
    import django

    django.setup()
    logging.disable(logging.INFO)  # the settings' JSON lines would bury the report


def chain_delays_set(*, venue_url: str, delay_ms: int) -> None:
    """The demo seeds the venue's coins with its watchable delays; set them again as asked."""
    from demo.scenarios import venue_coins_configure
    from demo.services import ASSETS
    from simulators.venue.control import SimulatorControl

    venue_coins_configure(
        SimulatorControl(venue_url), ASSETS, deposit_delay_ms=delay_ms, withdraw_delay_ms=delay_ms
    )


def demo_user_ready(*, procfile: Procfile, env: dict[str, str], args, count: int) -> DemoUser:
    from demo.services import DEMO_MIXIN_USER_ID, DEMO_USERNAME

    # The token a Mixin login would issue the demo user (wallet.auth keeps only its hash).
    token = manage(
        "shell",
        "-c",
        "from django.contrib.auth import get_user_model; from wallet.auth import api_token_issue; "
        f"print(api_token_issue(user=get_user_model().objects.get(username={DEMO_USERNAME!r})))",
        env=env,
    ).split()[-1]
    user = DemoUser(
        api=httpx.Client(
            base_url=procfile.web_url, headers={"Authorization": f"Token {token}"}, timeout=60
        ),
        mixin=httpx.Client(base_url=procfile.mixin_url, timeout=30),
        mixin_user_id=str(DEMO_MIXIN_USER_ID),
    )
    pairs = user.api.get("/api/v1/market-making/pairs/").json()
    pair = next(p for p in pairs if p["symbol"] == args.pair)
    user.pair_id = pair["id"]
    # Enough to pay every order even if none came back.
    for asset, amount in (
        (pair["base_asset_id"], args.base_amount),
        (pair["quote_asset_id"], args.quote_amount),
    ):
        user.mixin.post(
            f"/_sim/users/{user.mixin_user_id}/credit",
            json={"asset_id": asset, "amount": str(Decimal(amount) * count)},
        ).raise_for_status()
    return user


def soak(*, args: argparse.Namespace, var_dir: Path) -> None:
    if args.database_url:
        database_prepare(url=args.database_url, fresh=args.fresh)
    procfile = procfile_on_free_ports(source=ROOT / "Procfile")
    env = child_env(args=args, var_dir=var_dir, procfile=procfile)
    broker_url, transport_options = broker_settings(env=env)
    if args.fresh and urlsplit(broker_url).scheme.startswith("redis"):
        import redis

        redis.Redis.from_url(broker_url).flushdb()
    for step in (["migrate", "--noinput"], ["setup_periodic_tasks"], ["demo_setup"]):
        manage(*step, env=env)
    (var_dir / "Procfile").write_text(procfile.text)
    honcho = Honcho(procfile=var_dir / "Procfile", env=env, log=var_dir / "honcho.log")
    samples: list[Sample] = []
    stop_sampling = threading.Event()
    try:
        demo_wait(honcho=honcho, timeout_s=args.startup_timeout)
        django_setup(env=env)
        chain_delays_set(venue_url=procfile.venue_url, delay_ms=args.chain_delay_ms)
        count = int(args.minutes * 60 // args.interval)
        user = demo_user_ready(procfile=procfile, env=env, args=args, count=count)
        probe = BacklogProbe(broker_url=broker_url, transport_options=transport_options)

        def sample_every_10_s() -> None:
            while not stop_sampling.is_set():
                samples.append(probe.sample())
                honcho.remember_descendants()
                stop_sampling.wait(SAMPLE_EVERY_S)

        sampler = threading.Thread(target=sample_every_10_s, daemon=True)
        sampler.start()
        started = time.time()
        deadline = started + args.minutes * 60 + args.drain
        slots = 0  # orders due so far, created or refused
        while time.time() < deadline:
            # A refused or timed-out call is part of what is measured: noted, then on.
            try:
                if slots < count and time.time() >= started + slots * args.interval:
                    slots += 1
                    user.order_create_and_pay(args=args)
                user.states_follow(hold_s=args.hold)
            except (httpx.HTTPError, SoakError) as error:
                user.errors.append(f"at {time.time() - started:.0f} s: {error}"[:300])
            if slots == count and not user.unfinished():
                break
            if honcho.process.poll() is not None:
                raise SoakError(f"honcho stopped:\n{honcho.output()[-4000:]}")
            time.sleep(POLL_EVERY_S)
        stop_sampling.set()
        sampler.join(timeout=30)
        samples.append(probe.sample())
        report(args=args, procfile=procfile, broker_url=broker_url, user=user, samples=samples)
    finally:
        stop_sampling.set()
        honcho.stop()


# -- the report ---------------------------------------------------------------------------


def seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def figures(values: list[float | None]) -> tuple[str, str, str]:
    done = sorted(v for v in values if v is not None)
    if not done:
        return "-", "-", "-"
    p95 = done[min(len(done) - 1, max(0, round(0.95 * len(done)) - 1))]
    return seconds(statistics.median(done)), seconds(p95), seconds(done[-1])


def report(*, args, procfile: Procfile, broker_url: str, user: DemoUser, samples: list[Sample]):
    commit = (
        subprocess.run(
            ["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        or "(not a git checkout)"
    )
    processes = [line.split(":", 1)[0] for line in procfile.text.splitlines() if ":" in line]
    print("\n== embedded soak ==")
    print(f"command     {shlex.join([sys.executable, *sys.argv])}")
    print(f"checkout    {commit}  ({os.cpu_count()} cores)")
    print(f"database    {args.database_url or 'SQLite under MRMARKET_VAR_DIR (embedded default)'}")
    print(f"broker      {broker_url}")
    print(f"processes   {', '.join(processes)} (Procfile; ports {procfile.ports})")
    print(
        f"orders      {len(user.orders)} of {args.pair}, one every {args.interval} s for "
        f"{args.minutes} min, {args.base_amount} + {args.quote_amount}, preset {args.preset} "
        f"order_amount {args.order_amount}, exit {args.hold} s after running"
    )
    print(f"chain       venue deposit and withdrawal delays {args.chain_delay_ms} ms")
    print("\norder   pay→running   exit→exited   final state")
    for order in user.orders:
        note = f"  {order.error}" if order.error else ""
        print(
            f"{order.number:5}   {seconds(order.to_running):>11}   "
            f"{seconds(order.to_exited):>11}   {order.state}{note}"
        )
    to_running = [o.to_running for o in user.orders]
    to_exited = [o.to_exited for o in user.orders]
    reached = (sum(v is not None for v in to_running), sum(v is not None for v in to_exited))
    print(f"\nover the orders  {reached[0]:>5} ran   {reached[1]:>5} exited   (seconds)")
    for name, a, b in zip(
        ("median", "p95", "max"), figures(to_running), figures(to_exited), strict=True
    ):
        print(f"{name:14}  {a:>11}   {b:>11}")
    for number in (1, 20):
        if len(user.orders) >= number:
            order = user.orders[number - 1]
            running, exited = seconds(order.to_running), seconds(order.to_exited)
            print(f"order #{number:<7} {running:>11}   {exited:>11}")
    unfinished = user.unfinished()
    print(f"unfinished      {len(unfinished)} (not exited within the run and {args.drain} s drain)")
    print(f"API errors      {len(user.errors)}" + "".join(f"\n  {e}" for e in user.errors[-3:]))
    if samples:
        peak = max(samples, key=lambda s: s.messages)
        oldest = [s.oldest_s or 0 for s in samples]
        print(
            f"\nbacklog         start {samples[0].messages}, max {peak.messages} "
            f"(at {peak.at - samples[0].at:.0f} s), end {samples[-1].messages} messages"
        )
        print(
            f"oldest message  start {oldest[0]:.0f} s, max {max(oldest):.0f} s, "
            f"end {oldest[-1]:.0f} s"
        )
        print(f"at the max      {dict(sorted(peak.by_queue.items()))}")
        per_minute = samples[:: max(1, 60 // SAMPLE_EVERY_S)]
        print("per minute      " + " ".join(str(s.messages) for s in per_minute))


def _interrupt(signum: int, frame: object) -> None:
    """A stop from outside unwinds like Ctrl-C, through the finally that stops the processes."""
    raise KeyboardInterrupt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=30, help="How long orders are created.")
    parser.add_argument("--interval", type=float, default=60, help="Seconds between orders.")
    parser.add_argument("--hold", type=float, default=30, help="Seconds running before exit.")
    parser.add_argument("--drain", type=float, default=600, help="Seconds to wait for the last.")
    parser.add_argument("--startup-timeout", type=float, default=240)
    parser.add_argument("--chain-delay-ms", type=int, default=0)
    parser.add_argument("--database-url", help="postgres://...; default: SQLite as make run")
    parser.add_argument("--broker-url", help="redis://...; default: the filesystem broker")
    parser.add_argument("--fresh", action="store_true", help="Recreate the database, empty Redis.")
    parser.add_argument("--keep", action="store_true", help="Keep the var dir (logs, database).")
    parser.add_argument("--pair", default="XIN/USDT")
    parser.add_argument("--preset", default="stable-depth")
    parser.add_argument("--order-amount", default="0.1", help="The size of each quote.")
    parser.add_argument("--base-amount", default="1")
    parser.add_argument("--quote-amount", default="150")
    args = parser.parse_args()
    # Also when started in the background, where a shell leaves SIGINT ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    var_dir = Path(tempfile.mkdtemp(prefix="mrmarket-soak-"))
    failed = True
    try:
        soak(args=args, var_dir=var_dir)
        failed = False
    except SoakError as error:
        print(f"soak failed: {error}", file=sys.stderr)
    except KeyboardInterrupt:
        print("soak interrupted; every process it started is stopped", file=sys.stderr)
    finally:
        if args.keep or failed:
            print(f"var dir kept: {var_dir} (honcho.log has every process's output)")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
