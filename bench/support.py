"""What the benchmarks share: a sandbox in its own process, CPU and memory figures, the results table."""

from __future__ import annotations

import json
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


class PhaseFailedError(Exception):
    """A phase's child process exited non-zero; the message ends with its last stderr lines."""


def in_child(module: str, phase: str, *arguments: str) -> dict[str, Any]:
    """`python -m <module> --phase <phase> <arguments>` in a process of its own (so its CPU seconds and peak
    RSS are its own); its figures are the JSON object on its last line of output."""
    started = time.perf_counter()
    child = subprocess.run(
        [sys.executable, "-m", module, "--phase", phase, *arguments], capture_output=True, text=True
    )
    if child.returncode != 0:
        tail = "\n".join(child.stderr.splitlines()[-15:])
        raise PhaseFailedError(
            f"phase {phase} failed after {time.perf_counter() - started:.0f} s (exit {child.returncode}):\n{tail}"
        )
    figures: dict[str, Any] = json.loads(child.stdout.strip().splitlines()[-1])
    print(f"{phase}: {figures}", flush=True)
    return figures


def change_set(changes: int, seed: int = 7) -> dict[str, int]:
    """The sandbox change set of `changes` changes the benchmarks apply: half re-statused orders, a quarter
    cancelled lines, a quarter new orders."""
    half, quarter = changes // 2, changes // 4
    return {
        "seed": seed,
        "status_changes": half,
        "cancelled_lines": quarter,
        "new_orders": changes - half - quarter,
    }


def timed_flow_run(url: str, warehouse: Path, token: str = "sandbox-token") -> dict[str, Any]:
    """One flow run of `centra_elt` against the sandbox at `url`, end to end (extract, build, checks,
    publish); Prefect's temporary server is started before the timing (`prefect_start_seconds`)."""
    from prefect import flow

    from flows.elt import centra_elt

    # Prefect's first run on a machine creates its database; its telemetry write then races the migration
    # ("database is locked", seen 2026-12-08): no telemetry, as in the tests.
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.update({"SOURCES__CENTRA__GRAPHQL_URL": url, "SOURCES__CENTRA__API_TOKEN": token,
                       "SOURCES__CENTRA__RATE_LIMIT_SHARE": "1.0", "SOURCES__CENTRA__API": "graphql"})  # fmt: skip
    started = time.perf_counter()
    flow(name="warm-up")(lambda: None)()  # Prefect's temporary server starts here, outside the timing
    prefect_start = time.perf_counter() - started
    cpu, started = cpu_seconds(), time.perf_counter()
    summary = centra_elt(warehouse=str(warehouse))  # the sandbox's newest order is old: a warning only
    return {"orders": summary.rows_by_table().get("orders", 0), "seconds": time.perf_counter() - started,
            "cpu_seconds": cpu_seconds() - cpu, "families": {f.name: round(f.seconds, 1) for f in summary.families},
            "build_seconds": summary.build_seconds, "published": summary.published_to is not None,
            "prefect_start_seconds": prefect_start}  # fmt: skip


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
