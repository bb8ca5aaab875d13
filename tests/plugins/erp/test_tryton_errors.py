"""erp.tryton against a real trytond: what each kind of failure becomes for the hub's outbox."""
from __future__ import annotations

import pytest

from hub import PermanentError, PluginConfigurationError, TransientError


async def test_bad_credentials_stop_loudly_then_the_lock_out_too(erp_factory, make_order, deliver, tag):
    # given a login the server does not know (the test server locks a name after one failure)
    erp = erp_factory(username=f"nobody-{tag}", password="wrong")
    order = make_order(tag, ("X", "1", "1"))

    # when / then: HTTP 401, then HTTP 429: both are for ops to fix, neither is retried
    with pytest.raises(PluginConfigurationError, match="rejected the configured credentials"):
        await deliver(erp, "hub_order_received", order=order)
    with pytest.raises(PluginConfigurationError, match="rate-limiting"):
        await deliver(erp, "hub_order_received", order=order)


async def test_a_tryton_user_error_dead_letters_with_trytons_message(erp, back, make_order, deliver, tag):
    # given a product Tryton may not sell
    await back.product(f"N-{tag}", "5", stock=3, salable=False)
    order = make_order(tag, (f"N-{tag}", "1", "5"))

    with pytest.raises(PermanentError) as raised:
        await deliver(erp, "hub_order_posted", order=order)

    assert not isinstance(raised.value, PluginConfigurationError)
    message = str(raised.value)
    assert f'The value "[N-{tag}] Widget N-{tag}" for field "Product"' in message
    assert message.endswith('of "Sale Line" is not valid according to its domain.')


async def test_unknown_product_is_permanent(erp, make_order, deliver, tag):
    with pytest.raises(PermanentError, match=f"does not know the product code.*NOPE-{tag}"):
        await deliver(erp, "hub_order_received", order=make_order(tag, (f"NOPE-{tag}", "1", "1")))


async def test_tryton_down_is_transient_and_the_next_attempt_succeeds(
        private_tryton, private_back, erp_factory, make_order, deliver, tag):
    # given a plugin that has talked to its Tryton
    await private_back.product(f"A-{tag}", "2", stock=4)
    erp = erp_factory(private_tryton)
    order = make_order(tag, (f"A-{tag}", "1", "2"))
    assert await deliver(erp, "hub_order_received", order=order)

    # when the server goes away, the delivery is worth retrying
    private_tryton.stop()
    with pytest.raises(TransientError, match="unreachable"):
        await deliver(erp, "hub_order_received", order=order)

    # and once it is back, the retry goes through on the same session
    private_tryton.start()
    reported = await deliver(erp, "hub_order_received", order=order)
    assert reported[0][3]["lines"][0]["available_qty"] == "4"
