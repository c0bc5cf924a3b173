"""How the one CentraSettings is resolved: dlt's providers (TOML files, environment), overrides on top,
secrets only from secret providers, and never shown in a repr."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from dlt.common.configuration.container import Container
from dlt.common.configuration.specs.pluggable_run_context import PluggableRunContext

from pipelines.centra.errors import CentraConfigError
from pipelines.centra.settings import configurable_names, resolve_settings, variable

Project = Callable[[str, str], None]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Project]:
    """A dlt project folder of the test's own: `project(config_toml, secrets_toml)` writes its `.dlt/` and
    points dlt at it (dlt reads the files when its run context loads, not per lookup)."""
    for name in configurable_names():
        monkeypatch.delenv(variable(name), raising=False)
    context = Container()[PluggableRunContext]
    before = context.context.run_dir

    def write(config: str, secrets: str) -> None:
        (tmp_path / ".dlt").mkdir(exist_ok=True)
        (tmp_path / ".dlt" / "config.toml").write_text(config)
        (tmp_path / ".dlt" / "secrets.toml").write_text(secrets)
        context.reload(str(tmp_path))

    try:
        yield write
    finally:
        context.reload(before)


def test_the_toml_files_configure_every_kind_of_value(project: Project) -> None:
    project(
        '[sources.centra]\ngraphql_url = "https://shop.centra.com/graphql"\nstart_date = 2024-01-01\n'
        "hash_pii = true\nwindow_days = 7\nrate_limit_share = 0.3\n",
        '[sources.centra]\napi_token = "token-from-secrets"\n',
    )
    settings = resolve_settings()
    assert (settings.graphql_url, settings.api_token) == (
        "https://shop.centra.com/graphql",
        "token-from-secrets",
    )
    assert (settings.start_date, settings.hash_pii, settings.window_days) == (date(2024, 1, 1), True, 7)
    assert settings.rate_limit_share == 0.3


def test_the_environment_wins_over_the_files_and_overrides_win_over_both(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    project("[sources.centra]\norder_lookback_days = 30\n", "")
    assert resolve_settings(require_api=False).order_lookback_days == 30
    monkeypatch.setenv(variable("order_lookback_days"), "45")
    assert resolve_settings(require_api=False).order_lookback_days == 45
    assert resolve_settings(require_api=False, order_lookback_days=180).order_lookback_days == 180
    assert resolve_settings(require_api=False, order_lookback_days=None).order_lookback_days == 45


def test_a_token_in_config_toml_is_refused_naming_the_variable_not_the_token(project: Project) -> None:
    project('[sources.centra]\napi_token = "committed-token-123"\n', "")
    with pytest.raises(CentraConfigError, match=r"SOURCES__CENTRA__API_TOKEN is a secret") as raised:
        resolve_settings(require_api=False)
    assert "committed-token-123" not in str(raised.value)


def test_the_secrets_never_appear_in_the_settings_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(variable("graphql_url"), "http://centra.test/graphql")
    monkeypatch.setenv(variable("api_token"), "graphql-secret-456")
    monkeypatch.setenv(variable("order_api_url"), "http://centra.test/api/plugin")
    monkeypatch.setenv(variable("order_api_key"), "order-api-secret-789")
    settings = resolve_settings()
    assert settings.api_token == "graphql-secret-456"
    assert "graphql-secret-456" not in repr(settings)
    assert "order-api-secret-789" not in repr(settings)


def test_an_override_that_is_not_a_setting_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(CentraConfigError, match="unknown Centra setting 'lookback_days'"):
        resolve_settings(require_api=False, lookback_days=3)


def test_without_require_api_the_values_are_checked_but_no_api_is_needed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in configurable_names():
        monkeypatch.delenv(variable(name), raising=False)
    assert resolve_settings(require_api=False).graphql_url is None
    with pytest.raises(CentraConfigError, match="SOURCES__CENTRA__GRAPHQL_URL"):
        resolve_settings()
    monkeypatch.setenv(variable("timezone"), "Mars/Base")
    with pytest.raises(CentraConfigError, match="SOURCES__CENTRA__TIMEZONE"):
        resolve_settings(require_api=False)
