"""Without the `sandbox` extra, `centra-elt demo` and `centra-sandbox` say in one line what to install."""

from __future__ import annotations

import subprocess
import sys

import pytest

from sandbox import INSTALL_HINT, WEB_STACK

# Runs an entry point with the web stack's packages unimportable, as in `pip install centra-elt`.
WITHOUT_WEB_STACK = """
import sys
for name in {missing!r}:
    sys.modules[name] = None  # `import name` now raises ImportError, find_spec says it is absent
sys.argv = {argv!r}
{call}
"""


def _run_without(missing: tuple[str, ...], argv: list[str], call: str) -> subprocess.CompletedProcess[str]:
    code = WITHOUT_WEB_STACK.format(missing=missing, argv=argv, call=call)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("missing", [("ariadne",), WEB_STACK])
def test_centra_sandbox_names_what_to_install(missing: tuple[str, ...]) -> None:
    result = _run_without(
        missing, ["centra-sandbox", "--orders", "10"], "from sandbox.cli import main; sys.exit(main())"
    )

    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"centra-sandbox: the Centra sandbox needs {', '.join(missing)},")
    assert line.endswith(INSTALL_HINT)


def test_centra_elt_demo_names_what_to_install(tmp_path: object) -> None:
    result = _run_without(
        ("ariadne",),
        ["centra-elt", "demo", "--orders", "10", "--warehouse", f"{tmp_path}/demo.duckdb"],
        "from flows.cli import main; main()",
    )

    assert result.returncode == 1
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    [line] = output.strip().splitlines()
    assert "centra-elt demo runs against the Centra sandbox: the Centra sandbox needs ariadne" in line
    assert "pip install 'centra-elt[sandbox]'" in line
