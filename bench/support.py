"""What the benchmarks share: a sandbox in its own process, CPU and memory figures, the results table."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx

from sandbox.server import free_port

BENCH_DIR = Path(__file__).resolve().parent
README = BENCH_DIR / "README.md"
RESULTS_MARKER = "<!-- results: {name} -->"


@dataclass(frozen=True)
class SandboxProcess:
    url: str
    process: subprocess.Popen[bytes]
    generate_seconds: float

    @property
    def graphql_url(self) -> str:
        return f"{self.url}/graphql"

    def control(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = httpx.request(method, f"{self.url}/__sandbox__/{path}", json=body, timeout=600)
        response.raise_for_status()
        return response.json() if response.content else None


@contextmanager
def sandbox_process(*arguments: str) -> Iterator[SandboxProcess]:
    """`centra-sandbox` in a process of its own (its CPU never competes with the pipeline's GIL)."""
    port = free_port()
    command = [sys.executable, "-m", "sandbox.cli", "--port", str(port), *arguments]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the sandbox exited with {process.returncode}: {' '.join(command)}")
            try:
                httpx.get(f"{url}/__sandbox__/health", timeout=2).raise_for_status()
                break
            except httpx.HTTPError:
                time.sleep(0.5)
        yield SandboxProcess(url, process, time.perf_counter() - started)
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()


def cpu_seconds() -> float:
    """User and system CPU time of this process: unlike wall time, not inflated by other work on the machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / 1024 if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB on Linux


def commit() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        )
        dirty = subprocess.run(["git", "status", "--porcelain"], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head.stdout.strip() + ("+wip" if dirty.stdout.strip() else "")


def machine() -> str:
    cores = os.cpu_count() or 0
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gb = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30
    return f"{cores} vCPU {model}, {memory_gb:.0f} GB RAM"


def record_result(name: str, figures: str) -> None:
    """Append a row (date, commit, machine, figures) to the results table of `name` in bench/README.md."""
    marker = RESULTS_MARKER.format(name=name)
    text = README.read_text()
    row = f"| {date.today()} | {commit()} | {machine()} | {figures} |"
    if marker not in text:
        text = (
            text.rstrip("\n")
            + f"\n\n### {name}\n\n| date | commit | machine | figures |\n|---|---|---|---|\n{marker}\n"
        )
    text = text.replace(marker, f"{row}\n{marker}")
    README.write_text(text)
