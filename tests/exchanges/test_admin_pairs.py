import pytest

from tests.exchanges.factories import ExchangeFactory, TradingPairFactory

pytestmark = pytest.mark.django_db


def test_pair_list_filters_searches_and_sorts(client, admin_client_user):
    venue_a, venue_b = ExchangeFactory(name="Alpha"), ExchangeFactory(name="Beta")
    TradingPairFactory(exchange=venue_a, symbol="XIN/USDT", base_symbol="XIN")
    TradingPairFactory(exchange=venue_b, symbol="BTC/USDT", base_symbol="BTC", enabled=False)
    TradingPairFactory(exchange=venue_b, symbol="ETH/USDT", base_symbol="ETH", kind="spot")
    client.force_login(admin_client_user)
    url = "/admin/exchanges/tradingpair/"

    def symbols(query: str) -> set[str]:
        page = client.get(url + query)
        assert page.status_code == 200
        return {p.symbol for p in page.context["cl"].result_list}

    assert symbols("") == {"XIN/USDT", "BTC/USDT", "ETH/USDT"}
    assert symbols(f"?exchange__id__exact={venue_b.pk}") == {"BTC/USDT", "ETH/USDT"}
    assert symbols("?enabled__exact=0") == {"BTC/USDT"}
    assert symbols("?kind__exact=spot") == {"ETH/USDT"}
    assert symbols("?q=XIN") == {"XIN/USDT"}
    ordered = client.get(url + "?o=1").context["cl"].result_list
    assert [p.symbol for p in ordered] == ["BTC/USDT", "ETH/USDT", "XIN/USDT"]


def test_admin_changes_are_audited_with_the_acting_user(client, admin_client_user):
    from auditlog.models import LogEntry

    pair = TradingPairFactory()
    client.force_login(admin_client_user)
    response = client.get(f"/admin/exchanges/tradingpair/{pair.pk}/change/")
    form = response.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data["enabled"] = ""  # switch the pair off
    data["exchange"] = pair.exchange_id
    response = client.post(
        f"/admin/exchanges/tradingpair/{pair.pk}/change/",
        data,
        headers={"X-Trace-Id": "trace-admin-0001"},
    )
    assert response.status_code == 302
    entry = LogEntry.objects.get_for_object(pair).latest("timestamp")
    assert entry.actor == admin_client_user
    assert entry.changes_dict["enabled"] == ["True", "False"]
    assert entry.cid == "trace-admin-0001"
