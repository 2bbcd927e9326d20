"""Request metrics and the access log: per route template, never with a path a caller typed."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api_helpers import Api


def test_metrics_count_requests_per_route_template(api: Api, client: TestClient) -> None:
    case = api.open_case("sd")
    client.get(f"/api/v1/cases/{case['id']}", headers=api.headers("sd"))
    client.get("/api/v1/persons/756.1234.5678.97", headers=api.headers("sd"))
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert (
        'cockpit_http_request_duration_seconds_bucket{le="0.001",method="GET",route="/api/v1/cases/{case_id}"}'
        in text
    )
    assert (
        'cockpit_http_requests_total{method="GET",route="/api/v1/persons/{person_id}",status="422"}' in text
    )
    assert case["id"] not in text
    assert "756.1234" not in text


def test_security_headers_and_correlation_id_on_every_answer(client: TestClient) -> None:
    response = client.get(
        "/health/live", headers={"X-Correlation-ID": "0b5e3f4c-59a4-4a55-9c1e-4d3f0e2a7b11"}
    )
    assert response.headers["X-Correlation-ID"] == "0b5e3f4c-59a4-4a55-9c1e-4d3f0e2a7b11"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "Cache-Control" not in response.headers
    api_answer = client.get("/api/v1/institutions")
    assert api_answer.headers["Cache-Control"] == "no-store"


def test_a_declared_body_over_one_megabyte_is_refused_before_the_route(api: Api, client: TestClient) -> None:
    response = client.post(
        "/api/v1/persons",
        content=b"{}",
        headers={**api.headers("sd"), "Content-Type": "application/json", "Content-Length": "2000000"},
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert len(response.headers["X-Correlation-ID"]) == 32
