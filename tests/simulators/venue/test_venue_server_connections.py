"""The server keeps connections alive and answers in JSON even when it fails."""

import http.client
import json
from urllib.parse import urlsplit

import pytest

from simulators.venue.server import start_in_thread
from simulators.venue.venue import Venue


@pytest.fixture
def venue_and_url():
    venue = Venue()
    url, stop = start_in_thread(venue=venue, agent_interval_s=0)
    yield venue, url
    stop()


def test_one_connection_carries_many_requests(venue_and_url):
    _, url = venue_and_url
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    answers, sockets = [], []
    try:
        for _ in range(3):
            connection.request("GET", "/api/v3/time")
            response = connection.getresponse()
            answers.append((response.status, json.loads(response.read())))
            sockets.append(connection.sock)
    finally:
        connection.close()
    assert all(sock is sockets[0] for sock in sockets)  # never reopened
    assert [status for status, _ in answers] == [200, 200, 200]
    assert all("serverTime" in body for _, body in answers)


def test_a_bug_in_the_simulator_answers_500_with_a_json_error(venue_and_url, monkeypatch):
    venue, url = venue_and_url

    def broken(symbol):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(venue, "ticker_24h", broken)
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    connection.request("GET", "/api/v3/ticker/24hr?symbol=XINUSDT")
    response = connection.getresponse()
    assert response.status == 500
    assert json.loads(response.read())["code"] == -1000


def test_an_unknown_endpoint_is_a_404(venue_and_url):
    _, url = venue_and_url
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    connection.request("GET", "/api/v3/nothing-here")
    assert connection.getresponse().status == 404
