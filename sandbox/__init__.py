"""The Centra imitation: a tool for development (tests, `centra-elt demo`, benchmarks), never the pipeline's.

Its web stack (ariadne, starlette, uvicorn) is the `sandbox` extra, not a runtime dependency of centra-elt,
so a production install does without it. The entry points call `require_web_stack()` first: without the
extra they stop with one line saying what to install, not an ImportError traceback. This module imports
nothing beyond the standard library, so that check always runs.
"""

from __future__ import annotations

import importlib.util

WEB_STACK = ("ariadne", "starlette", "uvicorn")
INSTALL_HINT = "pip install 'centra-elt[sandbox]' (in a clone of the repository: `uv sync`)"


class SandboxNotInstalledError(ImportError):
    """The sandbox's web stack is not installed."""


def require_web_stack() -> None:
    """SandboxNotInstalledError naming the missing packages and the install line, when any is missing."""
    missing = [name for name in WEB_STACK if importlib.util.find_spec(name) is None]
    if missing:
        raise SandboxNotInstalledError(
            f"the Centra sandbox needs {', '.join(missing)}, which this installation lacks: {INSTALL_HINT}"
        )
