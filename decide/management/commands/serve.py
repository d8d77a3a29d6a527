"""`manage.py serve` (what `make serve` runs): Decide's production shape on one machine.

nginx in front (static and media files from disk, buffering, WebSocket upgrade) → gunicorn's
sync workers for pages and forms, and WS_PROCESSES uvicorn processes for /ws/; the background
task workers (TASK_WORKERS of `manage.py worker`, 2 by default: decide's db_worker with its heartbeat;
the first also runs the notifications sweep and digests) and the `close_polls` clock. All
under supervisord, from PyPI, rather than honcho: supervisord restarts a process that dies (a
killed uvicorn comes back and its viewers reconnect), where honcho stops everything when one
process exits. The configuration of both is generated here from deploy/*.template into the run
directory; nothing needs root: nginx runs as the current user with its own prefix, pid and
temporary paths. The internal ports are free loopback ports chosen at start; only nginx listens
on SERVE_HOST:SERVE_PORT.

The settings are those of DJANGO_SETTINGS_MODULE (decide.settings.production under
`make serve`), so without SECRET_KEY and CENSUS_PEPPER nothing starts. The command replaces
itself with supervisord: Ctrl+C reaches supervisord, which stops every program gracefully.
"""

from __future__ import annotations

import os
import shlex
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template import Context, Engine

DEPLOY_DIR = Path(settings.BASE_DIR) / "deploy"


@dataclass(frozen=True)
class Program:
    name: str
    command: str
    stopsignal: str = "TERM"
    stopwaitsecs: int = 15
    environment: str = ""


def free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def render(template: str, context: dict[str, Any]) -> str:
    engine = Engine(autoescape=False)
    return engine.from_string((DEPLOY_DIR / template).read_text(encoding="utf-8")).render(
        Context(context, autoescape=False)
    )


class Command(BaseCommand):
    help = "Run the production shape (nginx, gunicorn, uvicorn, task worker, clock) under supervisord."

    def add_arguments(self, parser: CommandParser) -> None:
        env = os.environ.get
        parser.add_argument("--host", default=env("SERVE_HOST", "127.0.0.1"), help="address nginx listens on")
        parser.add_argument("--port", type=int, default=int(env("SERVE_PORT", "8080")), help="port nginx listens on")
        parser.add_argument(
            "--run-dir",
            default=env("SERVE_RUN_DIR", str(Path(settings.BASE_DIR) / "run")),
            help="where the generated configuration, pid files and sockets go",
        )
        parser.add_argument("--ws-processes", type=int, default=int(env("WS_PROCESSES", "2")))
        parser.add_argument(
            "--task-workers",
            type=int,
            default=int(env("TASK_WORKERS", "2")),
            help="background task workers (they claim deliveries with SKIP LOCKED; the first also runs the clock)",
        )
        parser.add_argument("--tls-cert", default=env("SERVE_TLS_CERT", ""), help="certificate: nginx serves HTTPS")
        parser.add_argument("--tls-key", default=env("SERVE_TLS_KEY", ""))
        parser.add_argument(
            "--forwarded-proto",
            default=env("SERVE_FORWARDED_PROTO", ""),
            help="'https' when a TLS terminator in front of nginx speaks plain HTTP to it",
        )
        parser.add_argument(
            "--real-ip-from",
            default=env("SERVE_REAL_IP_FROM", ""),
            help="addresses or networks (comma-separated) of a load balancer whose X-Forwarded-For nginx believes",
        )
        parser.add_argument("--client-max-body-size", default=env("CLIENT_MAX_BODY_SIZE", "64m"))
        parser.add_argument("--nginx", default=env("NGINX", shutil.which("nginx") or "/usr/sbin/nginx"))
        parser.add_argument("--check", action="store_true", help="write and check the configuration, do not start")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.DEBUG:
            raise CommandError(
                "serve runs the production shape: use DJANGO_SETTINGS_MODULE=decide.settings.production."
            )
        nginx = options["nginx"]
        if not Path(nginx).exists():
            raise CommandError(f"nginx not found at {nginx}: install Debian's package (apt-get install nginx).")
        if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
            raise CommandError(f"No collected static files in {settings.STATIC_ROOT}: run `manage.py collectstatic`.")
        if bool(options["tls_cert"]) != bool(options["tls_key"]):
            raise CommandError("Give both --tls-cert and --tls-key (SERVE_TLS_CERT, SERVE_TLS_KEY), or neither.")

        run_dir = Path(options["run_dir"]).resolve()
        self.prepare(run_dir)
        bin_dir = Path(sys.executable).parent
        python = sys.executable
        manage = str(Path(settings.BASE_DIR) / "manage.py")
        web_ports = [free_loopback_port(), free_loopback_port()]
        ws_ports = [free_loopback_port() for _ in range(max(1, options["ws_processes"]))]
        tls = bool(options["tls_cert"])
        host = options["host"]
        listen = f"[{host}]:{options['port']}" if ":" in host else f"{host}:{options['port']}"

        nginx_conf = run_dir / "nginx.conf"
        nginx_conf.write_text(
            render(
                "nginx.conf.template",
                {
                    "run_dir": run_dir,
                    "nginx_workers": 2,
                    "listen": listen,
                    "tls": tls,
                    "tls_cert": Path(options["tls_cert"]).resolve() if tls else "",
                    "tls_key": Path(options["tls_key"]).resolve() if tls else "",
                    "forwarded_proto": options["forwarded_proto"] or "$scheme",
                    "static_root": Path(settings.STATIC_ROOT).resolve(),
                    "media_root": Path(settings.MEDIA_ROOT).resolve(),
                    "client_max_body_size": options["client_max_body_size"],
                    "real_ip_from": [item.strip() for item in options["real_ip_from"].split(",") if item.strip()],
                    "proxy_read_timeout": "120s",
                    "web_ports": web_ports,
                    "ws_ports": ws_ports,
                },
            ),
            encoding="utf-8",
        )
        nginx_base = [nginx, "-p", f"{run_dir}/", "-c", str(nginx_conf), "-e", "stderr"]
        checked = subprocess.run([*nginx_base, "-t", "-q"], capture_output=True, text=True, check=False)  # noqa: S603 - our nginx, our file
        if checked.returncode != 0:
            raise CommandError(f"nginx rejected the generated {nginx_conf}:\n{checked.stderr}")

        programs = [
            Program("nginx", shlex.join([*nginx_base, "-g", "daemon off;"]), stopsignal="QUIT", stopwaitsecs=20),
            Program(
                "web",
                shlex.join(
                    [
                        str(bin_dir / "gunicorn"),
                        "-c",
                        str(Path(settings.BASE_DIR) / "decide/gunicorn.conf.py"),
                        "decide.wsgi",
                    ]
                ),
                stopwaitsecs=35,
                environment=",".join(
                    [
                        'GUNICORN_BIND="{}"'.format(",".join(f"127.0.0.1:{port}" for port in web_ports)),
                        # Behind nginx no slow client reaches a worker, so preloading buys little; without
                        # it a HUP loads new code: upgrades reload the workers without losing a request.
                        'GUNICORN_PRELOAD="{}"'.format(os.environ.get("GUNICORN_PRELOAD", "0")),
                    ]
                ),
            ),
            *[
                Program(
                    f"ws-{index}",
                    shlex.join(
                        [
                            str(bin_dir / "uvicorn"),
                            "decide.asgi:application",
                            "--host",
                            "127.0.0.1",
                            "--port",
                            str(port),
                            "--proxy-headers",
                            "--forwarded-allow-ips",
                            "127.0.0.1",
                            "--no-server-header",
                            "--no-access-log",
                            "--workers",
                            "1",  # uvicorn reads WEB_CONCURRENCY (meant for gunicorn) otherwise
                            "--timeout-graceful-shutdown",
                            "5",
                        ]
                    ),
                )
                for index, port in enumerate(ws_ports, start=1)
            ],
            # notifications' `worker`: decide's db_worker (heartbeat, request ids) on the "background"
            # queues, plus its sweep of what a killed worker left and the daily digests.
            # A task in progress ends (stopwaitsecs). The first worker also sweeps and queues the digests; the
            # others only take tasks: a large event's emails are sent by all of them at once.
            Program("worker", shlex.join([python, manage, "worker"]), stopwaitsecs=60),
            *[
                Program(f"worker-{number}", shlex.join([python, manage, "worker", "--no-clock"]), stopwaitsecs=60)
                for number in range(2, max(options["task_workers"], 1) + 1)
            ],
            Program("clock", shlex.join([python, manage, "close_polls", "--every", "60"])),
        ]
        supervisord_conf = run_dir / "supervisord.conf"
        supervisord_conf.write_text(
            render(
                "supervisord.conf.template", {"run_dir": run_dir, "base_dir": settings.BASE_DIR, "programs": programs}
            ),
            encoding="utf-8",
        )
        scheme = "https" if tls else "http"
        self.stdout.write(
            f"Decide (production shape) on {scheme}://{listen}/ — {', '.join(p.name for p in programs)}\n"
            f"configuration in {run_dir}; Ctrl+C stops everything.",
        )
        if options["check"]:
            return
        sys.stdout.flush()
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(run_dir / "metrics")
        supervisord = str(bin_dir / "supervisord")
        os.execv(supervisord, [supervisord, "-n", "-c", str(supervisord_conf)])  # noqa: S606 - becomes supervisord

    def prepare(self, run_dir: Path) -> None:
        # nginx creates its temporary folders under run/nginx itself, owned by its worker user
        # (which differs from the current one when started as root).
        for sub in ("nginx", "logs"):
            (run_dir / sub).mkdir(parents=True, exist_ok=True)
        metrics_dir = run_dir / "metrics"
        # Multiprocess metric files of a previous run describe processes that no longer exist.
        shutil.rmtree(metrics_dir, ignore_errors=True)
        metrics_dir.mkdir()
        for stale in ("supervisor.sock", "nginx.pid", "supervisord.pid"):
            (run_dir / stale).unlink(missing_ok=True)
