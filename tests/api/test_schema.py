"""The committed OpenAPI schema (docs/openapi.json) is the one the code publishes."""

import json
from pathlib import Path

import pytest
from django.test import Client

from motcua.api.management.commands.api_schema import schema_text

COMMITTED = Path(__file__).resolve().parent.parent.parent / "docs" / "openapi.json"


def test_the_committed_schema_is_up_to_date() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == schema_text(), (
        "docs/openapi.json is stale: run `make openapi` and commit it"
    )


def test_the_schema_documents_every_endpoint_and_both_key_headers() -> None:
    schema = json.loads(schema_text())
    assert set(schema["paths"]) == {
        "/api/indicators",
        "/api/indicators/{code}/explain",
        "/api/formula-sets",
        "/api/units",
        "/api/apikeys/{name}/revoke",
    }
    schemes = schema["components"]["securitySchemes"]
    assert set(schemes) == {"BearerKey", "HeaderKey", "Session"}
    assert schemes["HeaderKey"]["name"] == "X-API-Key"
    assert schemes["BearerKey"]["scheme"] == "bearer"


def test_the_schema_and_docs_are_served_without_a_cdn(db: None) -> None:
    client = Client()
    served = client.get("/api/openapi.json")
    assert served.status_code == 200
    assert served.json()["info"]["title"] == "motcua API"
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    body = docs.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in body
    assert "cdn" not in body.lower()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_api_docs_render_under_the_content_security_policy(live_server, page) -> None:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(live_server.url + "/api/docs")
    page.wait_for_selector(".swagger-ui .info", timeout=15000)
    assert "motcua API" in page.locator(".swagger-ui .info").inner_text()
    assert errors == []
