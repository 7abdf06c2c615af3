"""The Mixin client is the MixinApi port: every call, with the port's signature."""

import inspect

import pytest

from wallet.client import MixinApi, MixinClient

CONTEXT_MANAGER = {"__enter__", "__exit__"}
PORT_METHODS = sorted(
    name
    for name, member in vars(MixinApi).items()
    if inspect.isfunction(member) and (not name.startswith("_") or name in CONTEXT_MANAGER)
)


@pytest.mark.parametrize("name", PORT_METHODS)
def test_each_call_has_the_ports_signature(name):
    port = inspect.signature(getattr(MixinApi, name), eval_str=True)
    implemented = inspect.signature(getattr(MixinClient, name), eval_str=True)
    assert implemented == port


def test_the_client_passes_for_the_port(keystore):
    with MixinClient(base_url="http://127.0.0.1:9", keystore=keystore, timeout_seconds=1) as client:
        port: MixinApi = client
        assert isinstance(port, MixinApi)
        assert port.keystore is keystore
    assert not isinstance(object(), MixinApi)
    assert "snapshots" in PORT_METHODS and "__enter__" in PORT_METHODS
