import pytest


def test_openapi_schema_and_swagger_ui_are_served(client, db):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/exchanges/{exchange_id}/api-keys/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    # The UI's assets come from this server (sidecar), never from a CDN.
    assert b"cdn." not in docs.content and b"jsdelivr" not in docs.content
    assert b"swagger-ui" in docs.content


def test_errors_have_one_shape(client, db):
    response = client.get("/api/v1/exchanges/")
    assert response.status_code in (401, 403)
    error = response.json()["error"]
    assert set(error) == {"code", "message", "detail"}


@pytest.mark.django_db
def test_validation_errors_name_the_field(api_admin):
    from tests.exchanges.factories import ExchangeFactory

    exchange = ExchangeFactory()
    response = api_admin.post(
        f"/api/v1/exchanges/{exchange.pk}/api-keys/", {"label": "x"}, format="json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert "api_key" in error["detail"] and "secret" in error["detail"]


def test_trace_id_is_echoed_or_created(client, db):
    supplied = client.get("/healthz", headers={"X-Trace-Id": "trace-abc-123"})
    assert supplied["X-Trace-Id"] == "trace-abc-123"
    created = client.get("/healthz", headers={"X-Trace-Id": "bad id!"})
    assert created["X-Trace-Id"] != "bad id!" and len(created["X-Trace-Id"]) == 32
