"""The credential guard refuses what it cannot read instead of letting it through or
failing: deep nesting is a 400 (not a RecursionError), and a body is read in the charset
it declares, so latin-1 cannot carry a credential past the guard."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

DEEP = 1000


def nested_json(depth: int, inner: str = "{}") -> str:
    return '{"a": ' * depth + inner + "}" * depth


@pytest.mark.parametrize(
    "path", ["/api/v1/market-making/orders/", "/api/v1/exchanges/", "/api/v1/no-such-thing/"]
)
def test_deeply_nested_json_is_a_400_even_unauthenticated(path):
    response = Client().post(path, nested_json(DEEP), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "body_too_deep"


def test_deeply_nested_arrays_are_refused_too():
    body = "[" * DEEP + "]" * DEEP
    response = Client().post("/api/v1/exchanges/", body, content_type="application/json")
    assert response.status_code == 400


def test_moderate_nesting_still_reaches_the_view(api_admin):
    body = nested_json(10)
    response = api_admin.post("/api/v1/exchanges/", body, content_type="application/json")
    assert response.status_code == 405  # the view answered: the guard let it through


def test_a_credential_deep_inside_is_still_found(api_admin):
    body = nested_json(30, '{"secret": "x"}')
    response = api_admin.post("/api/v1/exchanges/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "credential_field_refused"


def test_a_latin1_body_is_read_in_latin1_and_its_credential_refused(api_admin):
    body = '{"note": "caf\u00e9", "api_key": "k"}'.encode("latin-1")
    response = api_admin.post(
        "/api/v1/exchanges/", body, content_type="application/json; charset=latin-1"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "credential_field_refused"
    assert response.json()["error"]["detail"]["fields"] == ["api_key"]


def test_a_body_that_is_not_text_in_its_charset_is_refused(api_admin):
    body = b'{"note": "caf\xe9", "api_key": "k"}'  # latin-1 bytes, declared as UTF-8
    response = api_admin.post("/api/v1/exchanges/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "body_unreadable"


def test_an_unknown_charset_is_read_as_utf8_like_django_and_drf_do(api_admin):
    response = api_admin.post(
        "/api/v1/exchanges/",
        b'{"api_key": "k"}',
        content_type="application/json; charset=no-such-charset",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "credential_field_refused"
