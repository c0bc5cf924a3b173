"""One GraphQL request, in Centra's order: authenticate, parse and validate, price the query and charge
the rate limiter (429 when a bucket is short), refuse denied root fields, execute, wrap the envelope."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    execute_sync,
    get_operation_ast,
    parse,
    specified_rules,
    validate,
)
from graphql.validation import VariablesInAllowedPositionRule
from starlette.responses import JSONResponse, Response

from sandbox.graphql_api.analysis import QueryAnalysis, analyze
from sandbox.graphql_api.auth import AuthFailure, authenticate, presented_token, refusal
from sandbox.graphql_api.context import RequestContext
from sandbox.graphql_api.errors import format_error, permission_error
from sandbox.graphql_api.fields import default_field_resolver, whole_numbers_as_ints
from sandbox.graphql_api.schema import schema_for
from sandbox.graphql_api.sql import LIMIT_CAP
from sandbox.ratelimit import ComplexityTooHighError
from sandbox.responses import too_many_requests
from sandbox.settings import TokenSpec
from sandbox.state import SandboxState

# Centra disabled strict variable type checks so that `$from: String!` may feed a DateTimeTz argument.
VALIDATION_RULES = tuple(rule for rule in specified_rules if rule is not VariablesInAllowedPositionRule)


@dataclass
class HttpRequest:
    body: bytes
    authorization: str | None
    cookies: dict[str, str]


def handle(state: SandboxState, request: HttpRequest) -> Response:
    token = authenticate(
        state.settings, presented_token(request.authorization, request.cookies), state.clock.now()
    )
    if isinstance(token, AuthFailure):
        return _recorded(state, refusal(state.settings, token))
    payload = _json_body(request.body)
    if isinstance(payload, str):
        return _recorded(state, _error_response(payload, "request", status=400))
    return _recorded(state, *_run(state, token, payload))


def _run(state: SandboxState, token: TokenSpec, payload: dict[str, Any]) -> tuple[Response, int]:
    schema = schema_for(state.settings)
    variables = payload.get("variables") or {}
    document, operation, errors = _prepare(schema, payload["query"], payload.get("operationName"))
    if errors or document is None or operation is None:
        return _charged_or_429(
            state, QueryAnalysis(), False, lambda: _envelope(state, None, errors, QueryAnalysis())
        )
    analysis = analyze(schema, document, operation, variables, token.permissions)
    is_mutation = operation.operation == OperationType.MUTATION

    def respond() -> Response:
        if analysis.denied_root_fields:
            denied = [
                _located(permission_error(field.permission, field.node.name.value), field.node)
                for field in analysis.denied_root_fields
            ]
            return _envelope(state, None, denied, analysis)
        context = RequestContext(state, token)
        cap = LIMIT_CAP.set(state.settings.max_limit)
        try:
            result = execute_sync(
                schema,
                document,
                context_value=context,
                variable_values=variables,
                operation_name=payload.get("operationName"),
                field_resolver=default_field_resolver,
            )
        finally:
            LIMIT_CAP.reset(cap)
        return _envelope(state, result.data, list(result.errors or []), analysis)

    return _charged_or_429(state, analysis, is_mutation, respond)


def _prepare(
    schema: GraphQLSchema, query: str, operation_name: str | None
) -> tuple[DocumentNode | None, OperationDefinitionNode | None, list[GraphQLError]]:
    document, errors = _parsed_and_validated(schema, query)
    if document is None or errors:
        return document, None, list(errors)
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return document, None, [GraphQLError("Unknown or ambiguous operation name.")]
    return document, operation, []


@lru_cache(maxsize=256)
def _parsed_and_validated(
    schema: GraphQLSchema, query: str
) -> tuple[DocumentNode | None, tuple[GraphQLError, ...]]:
    """Parse and validate once per query text: a client sends the same few documents page after page, and
    parsing plus validating a query the size of an orders page costs ~20 ms (a tenth of serving it)."""
    try:
        document = parse(query)
    except GraphQLError as error:
        return None, (error,)
    return document, tuple(validate(schema, document, VALIDATION_RULES))


def _charged_or_429(
    state: SandboxState, analysis: QueryAnalysis, is_mutation: bool, respond: Callable[[], Response]
) -> tuple[Response, int]:
    try:
        wait = state.rate_limiter.charge(analysis.complexity, is_mutation)
    except ComplexityTooHighError:
        limit = state.settings.quotas.complexity_10s
        message = (
            f"Query complexity {analysis.complexity} exceeds the maximum of {limit} allowed in 10 seconds; "
            "select fewer fields or lower the limits of nested lists."
        )
        error = GraphQLError(message, extensions={"category": "complexity"})
        return _envelope(state, None, [error], analysis), 0
    if wait > 0:
        settings = state.settings
        return too_many_requests(wait, settings.retry_after_format, settings.rate_limit_body), 0
    return respond(), analysis.complexity


def _located(error: GraphQLError, node: Any) -> GraphQLError:
    return GraphQLError(
        error.message, nodes=[node], path=[node.alias.value if node.alias else node.name.value],
        extensions=error.extensions,
    )  # fmt: skip


def _envelope(
    state: SandboxState, data: dict[str, Any] | None, errors: list[GraphQLError], analysis: QueryAnalysis
) -> Response:
    """`data` only when execution produced it (Centra omits the key otherwise), then errors, extensions."""
    body: dict[str, Any] = {}
    if data is not None:
        body["data"] = whole_numbers_as_ints(data)
    if errors:
        body["errors"] = [format_error(error) for error in errors]
    extensions: dict[str, Any] = {
        "complexity": analysis.complexity,
        "permissionsUsed": analysis.permissions_used,
    }
    if state.settings.app_version is not None:
        extensions["appVersion"] = state.settings.app_version
    if analysis.deprecated_fields_used:
        extensions["deprecatedFieldsUsed"] = analysis.deprecated_fields_used
    body["extensions"] = extensions
    return JSONResponse(body)


def _json_body(body: bytes) -> dict[str, Any] | str:
    """The request payload, or why it is not one."""
    try:
        payload = json.loads(body or b"null")
    except ValueError:
        return "The request body is not valid JSON."
    if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
        return 'The request body must be a JSON object with a "query" string.'
    if payload.get("variables") is not None and not isinstance(payload["variables"], dict):
        return '"variables" must be a JSON object.'
    if payload.get("operationName") is not None and not isinstance(payload["operationName"], str):
        return '"operationName" must be a string.'
    return payload


def _error_response(message: str, category: str, status: int) -> Response:
    return JSONResponse({"errors": [{"message": message, "extensions": {"category": category}}]}, status)


def _recorded(state: SandboxState, response: Response, complexity: int = 0) -> Response:
    state.stats.record(f"graphql:{response.status_code}", complexity)
    return response
