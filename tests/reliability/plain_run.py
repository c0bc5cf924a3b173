"""The real run, plain (`flows.run.run_elt`, no Prefect server), for the reliability tests: the code the
flow runs, with every rule (extraction records, reconciliation, the missing-inputs skip, staleness).
Configuration comes from `SOURCES__CENTRA__*`.

Also a script: `python -m tests.reliability.plain_run WAREHOUSE AS_OF [--kill TARGET:N[:MATCH]] [--hash-pii]
[--wait SECONDS]` runs it in a fresh process; with `--kill` it first replaces TARGET (a dotted path to a
function or method) by a wrapper that SIGKILLs the process on its Nth call (among calls whose arguments'
text contains MATCH, when given): a crash at a chosen point, with no chance to clean up. It exits 1 when the
run failed. `python -m tests.reliability.plain_run --many JSON_FILE AS_OF` runs many such runs
(`[{"warehouse": ..., "kill": ... or null, "env": {...}}, ...]`), two at a time, each in a child forked
after the imports (the imports cost ~2 s a process), and prints each child's exit status (-9: killed as
planned) as a JSON list.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import json
import os
import signal
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from flows.run import RunFailedError, run_elt
from flows.summary import RunSummary

# No family-level retries: the faults must be survived by the clients' own retries (a family retried after
# a client gave up too early would hide that), and a bad input fails once, as fast as it can.
RETRIES = 0


def run(
    warehouse: Path,
    as_of: datetime,
    *,
    resources: Sequence[str] | None = None,
    hash_pii: bool | None = None,
    wait_seconds: float = 0.0,
) -> RunSummary:
    """One run (`flows.run.run_elt`) on `warehouse` at `as_of`; raises RunFailedError when it failed.

    `resources` makes lighter runs: only some families (on a warehouse that lacks the others the run loads
    without a build, as the flow does: the Order API serves no reference data), or only the families a
    change touched."""
    summary = run_elt(
        str(warehouse),
        list(resources) if resources else None,
        wait_seconds=wait_seconds,
        retries=RETRIES,
        retry_delay_seconds=0.0,
        hash_pii=hash_pii,
        as_of=as_of,
    )
    if not summary.succeeded:
        raise RunFailedError(summary)
    return summary


def install_kill(spec: str) -> None:
    """`module.attr[.attr]:N[:MATCH]`: SIGKILL this process on the Nth (matching) call of that callable."""
    target, count, *match = spec.split(":", 2)
    owner_path, attribute = target.rsplit(".", 1)
    owner = resolve(owner_path)
    original = getattr(owner, attribute)
    calls = {"n": 0}
    wanted = int(count)

    @functools.wraps(original)
    def killing(*args: Any, **kwargs: Any) -> Any:
        if not match or match[0] in repr((args, kwargs)):
            calls["n"] += 1
            if calls["n"] == wanted:
                os.kill(os.getpid(), signal.SIGKILL)
        return original(*args, **kwargs)

    setattr(owner, attribute, killing)


def resolve(path: str) -> Any:
    """The object a dotted path names: the longest importable module, then attributes."""
    parts = path.split(".")
    for split in range(len(parts), 0, -1):
        try:
            found: Any = importlib.import_module(".".join(parts[:split]))
        except ModuleNotFoundError:
            continue
        for name in parts[split:]:
            found = getattr(found, name)
        return found
    raise ValueError(f"can not import {path}")


def run_many(plan: list[dict[str, Any]], as_of: datetime, parallel: int = 2) -> list[int]:
    """Run each `{"warehouse", "kill" (or None), "env"}` in a child forked from this process, `parallel` at
    a time; the children's exit statuses in plan order (-9: killed, 0: completed)."""
    statuses: dict[int, int] = {}
    running: dict[int, int] = {}  # pid -> index
    for index, item in enumerate(plan):
        while len(running) >= parallel:
            pid, status = os.wait()
            statuses[running.pop(pid)] = os.waitstatus_to_exitcode(status)
        pid = os.fork()
        if pid == 0:  # the child: never returns into the parent's code
            code = 1
            try:
                os.environ.update(item["env"])
                if item["kill"]:
                    install_kill(item["kill"])
                run(Path(item["warehouse"]), as_of)
                code = 0
            finally:
                os._exit(code)
        running[pid] = index
    while running:
        pid, status = os.wait()
        statuses[running.pop(pid)] = os.waitstatus_to_exitcode(status)
    return [statuses[index] for index in range(len(plan))]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--many":
        plan = json.loads(Path(argv[1]).read_text())
        print(json.dumps(run_many(plan, datetime.fromisoformat(argv[2]))))
        return 0
    parser = argparse.ArgumentParser()
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("as_of", type=datetime.fromisoformat)
    parser.add_argument("--kill")
    parser.add_argument("--hash-pii", action="store_true")
    parser.add_argument("--wait", type=float, default=0.0)
    args = parser.parse_args(argv)
    if args.kill:
        install_kill(args.kill)
    run(args.warehouse, args.as_of, hash_pii=args.hash_pii or None, wait_seconds=args.wait)
    return 0


if __name__ == "__main__":
    sys.exit(main())
