"""Every endpoint of /openapi.json fuzzed from its own schema (schemathesis), bounded in
count: no 5xx, no traceback, one error shape, and the store verifies afterwards."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.core.result import Ok

from serving import Deployment

EXAMPLES = {"ana": 20, "root": 10}
"""Examples per endpoint for a lead (writes pilots) and an admin (writes the rest)."""


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_no_endpoint_answers_a_server_error_and_the_store_verifies(
        served: Deployment, run: Any) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", served.client.app)
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result
        operations.append(result.ok())
    assert len(operations) >= 10
    seen: dict[int, int] = {}
    def fuzz(operation: Any, login: str, examples: int) -> None:
        @given(case=operation.as_strategy())
        @settings(max_examples=examples, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def answers_well(case: Any) -> None:
            response = case.call(headers=served.bearer(login))
            seen[response.status_code] = seen.get(response.status_code, 0) + 1
            assert response.status_code < 500, (case.method, case.path, response.text)
            assert b"Traceback" not in response.content
            if response.status_code >= 400:
                assert set(response.json()) == {"error", "hint", "field"}, response.text

        answers_well()

    for operation in operations:
        for login, examples in EXAMPLES.items():
            fuzz(operation, login, examples)
    assert sum(seen.values()) >= 50
    verified = run("verify", "--store")
    assert verified.exit_code == 0, verified.stderr
