"""dpm.lib.outage: after Redis fails, the callers that can do without it skip it at once for a
while instead of each waiting for its timeout (issue 12: with Redis hung, every write and every
login took 10 s)."""

from unittest import mock

import pytest
from django.test import RequestFactory
from redis.exceptions import TimeoutError as RedisTimeout

from api.ratelimit import LOGIN_GROUP, usage
from dpm.lib.outage import REDIS, Outage
from products.recompute import enqueue_recompute

pytestmark = pytest.mark.django_db


def test_it_remembers_a_failure_for_its_pause_only(monkeypatch):
    outage = Outage("test", pause_seconds=30)
    clock = iter([100.0, 100.0, 129.9, 130.1])
    monkeypatch.setattr("dpm.lib.outage.time.monotonic", lambda: next(clock))
    outage.record()  # at 100
    assert outage.known()  # 100
    assert outage.known()  # 129.9
    assert not outage.known()  # 130.1: the next call tries again


def test_an_edit_after_a_failed_queueing_does_not_wait_for_redis_again(product):
    with mock.patch("products.recompute.cache.add", side_effect=RedisTimeout("hung")) as add:
        assert enqueue_recompute(product.pk) is False
        assert REDIS.known()
        assert enqueue_recompute(product.pk) is False
    assert add.call_count == 1  # the second edit did not ask the hung Redis


def test_a_login_after_a_failed_rate_check_does_not_wait_for_redis_again():
    request = RequestFactory().post("/accounts/login/")
    with mock.patch("api.ratelimit.get_usage", side_effect=RedisTimeout("hung")) as get_usage:
        assert usage(request, group=LOGIN_GROUP, key="k", rate="10/m", increment=False) is None
        assert usage(request, group=LOGIN_GROUP, key="k", rate="10/m", increment=True) is None
    assert get_usage.call_count == 1
