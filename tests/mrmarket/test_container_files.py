"""The container path (Dockerfile, compose.yaml) checked where Docker may not run: the
compose file by `docker compose config` when the plugin is there, else by its shape; the
image's build context and its build-time step (collectstatic) for real."""

import fnmatch
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())
SERVICES = COMPOSE["services"]
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def _command(service: dict) -> str:
    command = service.get("command", "")
    return " ".join(command) if isinstance(command, list) else command


def test_the_node_runs_every_role_and_the_demo_is_a_profile():
    always = {name for name, s in SERVICES.items() if not s.get("profiles")}
    demo = {name for name, s in SERVICES.items() if "demo" in s.get("profiles", [])}
    assert always == {
        "postgres",
        "redis",
        "migrate",
        "web",
        "worker-loop",
        "worker-pollers",
        "worker-proofs",
        "beat",
        "flower",
    }
    assert demo == {"venue", "mixin", "hufi", "demo-seed"}


def test_workers_consume_every_queue_and_the_loop_alone():
    consumed = {}
    for name, service in SERVICES.items():
        args = _command(service).split()
        if "worker" in args:
            consumed[name] = set(args[args.index("--queues") + 1].split(","))
    queues = {queue.name for queue in settings.CELERY_TASK_QUEUES}
    assert set().union(*consumed.values()) == queues
    assert consumed["worker-loop"] == {"loop"}


def test_web_is_gunicorn_never_runserver_and_migrations_come_first():
    assert "command" not in SERVICES["web"]  # the image's CMD
    assert 'CMD ["gunicorn", "mrmarket.wsgi:application"' in DOCKERFILE
    for name, service in SERVICES.items():
        assert "runserver" not in _command(service), name
    assert "migrate --noinput" in _command(SERVICES["migrate"])
    for name in ("web", "worker-loop", "worker-pollers", "beat", "flower"):
        depends = SERVICES[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully", name


def test_published_ports_are_on_loopback_and_flower_needs_its_login():
    for name, service in SERVICES.items():
        for port in service.get("ports", []):
            assert port.startswith("127.0.0.1:"), (name, port)
    flower = _command(SERVICES["flower"])
    assert "--basic-auth" in flower and 'test -n "$$FLOWER_BASIC_AUTH"' in flower


def test_the_image_is_multi_stage_and_runs_as_a_user():
    assert DOCKERFILE.count("\nFROM ") + DOCKERFILE.startswith("FROM ") >= 2
    users = [line.split()[1] for line in DOCKERFILE.splitlines() if line.startswith("USER ")]
    assert users and users[-1] not in {"root", "0"}


def _ignored(relative: str, patterns: list[str]) -> bool:
    ignored = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        pattern = pattern.removeprefix("!")
        if fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(relative, pattern + "/*"):
            ignored = not negated
        elif pattern.startswith("**/") and fnmatch.fnmatch(Path(relative).name, pattern[3:]):
            ignored = not negated
    return ignored


def image_context() -> set[str]:
    """The files `docker build .` sends, by the rules of .dockerignore."""
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    files = set()
    for directory, subdirs, names in os.walk(ROOT):
        rel_dir = Path(directory).relative_to(ROOT).as_posix()
        subdirs[:] = [
            d for d in subdirs if not _ignored(f"{rel_dir}/{d}".removeprefix("./"), patterns)
        ]
        for name in names:
            relative = f"{rel_dir}/{name}".removeprefix("./")
            if not _ignored(relative, patterns):
                files.add(relative)
    return files


def test_the_build_context_has_the_code_and_no_local_state():
    context = image_context()
    for needed in ("pyproject.toml", "manage.py", "mrmarket/settings.py", "Dockerfile"):
        assert needed in context
    assert any(f.startswith("static/") for f in context)
    assert any(f.startswith("templates/") for f in context)
    for leaked in (".venv/", "var/", ".git/"):
        assert not any(f.startswith(leaked) for f in context), leaked
    assert "deploy/production.env.example" in context
    assert "deploy/demo.env" not in context
    for line in DOCKERFILE.splitlines():
        if line.startswith("COPY ") and "--from=" not in line:
            for source in shlex.split(line)[1:-1]:
                assert source == "." or source in context, source


def test_the_build_step_collects_static_files(tmp_path):
    """The Dockerfile's collectstatic, run as the build runs it."""
    step = next(line for line in DOCKERFILE.split("RUN ") if "collectstatic" in line)
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL"}}
    for assignment in shlex.split(step.replace("\\\n", " ").split("python manage.py")[0]):
        name, _, value = assignment.partition("=")
        env[name] = value
    env.update(STATIC_ROOT=str(tmp_path / "static"), MRMARKET_VAR_DIR=str(tmp_path / "var"))
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    assert (tmp_path / "static" / "staticfiles.json").exists()  # hashed names for whitenoise
    assert list((tmp_path / "static" / "admin" / "css").glob("base.*.css.gz"))


def compose_command() -> list[str] | None:
    """`docker compose` (the plugin) or `docker-compose` (the standalone tool)."""
    if shutil.which("docker") and (
        subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0
    ):
        return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


@pytest.mark.skipif(
    compose_command() is None,
    reason="neither `docker compose` nor `docker-compose` here: the shape tests stand in",
)
def test_docker_compose_accepts_the_file():
    env_file = ROOT / "deploy" / "production.env"
    created = not env_file.exists()
    if created:
        shutil.copy(ROOT / "deploy" / "production.env.example", env_file)
    try:
        for profile in ([], ["--profile", "demo"]):
            result = subprocess.run(
                [*compose_command(), *profile, "config", "--quiet"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert result.returncode == 0, result.stderr
    finally:
        if created:
            env_file.unlink()
