"""Rate limits of the JSON API (per token) and of the login form (failed attempts per client
address and username, and per client address), on django-ratelimit's fixed-window counters in
Django's cache.

Both limits live here because they share the counters and the rule for the client's address:
REMOTE_ADDR, or — with DPM_BEHIND_TLS_PROXY on — the last X-Forwarded-For entry, which is the
address the one trusted proxy in front of dpm saw (earlier entries are the client's own word).

On Redis (production) the counters are atomic. The embedded default's file cache is not: two
requests in the same instant may both count as one, so there the limit is approximate — fine on
a laptop, and why django_ratelimit's own system check (which refuses that cache) is not installed.
A cache outage lets requests through (and is logged) rather than locking everyone out.
"""

import logging
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django_ratelimit.core import get_usage
from redis.exceptions import RedisError

from dpm.lib.outage import REDIS

logger = logging.getLogger(__name__)

CACHE_ERRORS = (RedisError, OSError)
LOGIN_GROUP = "dpm-login-failures"
LOGIN_ADDRESS_GROUP = "dpm-login-failures-per-address"
API_GROUP = "dpm-api"
API_AUTH_FAILURE_GROUP = "dpm-api-auth-failures"


@dataclass(frozen=True)
class Usage:
    count: int
    limit: int
    retry_after: int  # seconds until the window resets, at least 1

    @property
    def exceeded(self) -> bool:
        return self.count > self.limit

    @property
    def exhausted(self) -> bool:
        """The next counted request would exceed the limit."""
        return self.count >= self.limit


def client_ip(request) -> str:
    if settings.DPM_CLIENT_IP_FROM_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.rsplit(",", 1)[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR") or "unknown"


def usage(request, *, group: str, key: str, rate: str, increment: bool) -> Usage | None:
    """The window's count for `key` (counting this request when `increment`); None when the
    cache cannot answer."""
    if REDIS.known():  # failed moments ago: do not wait for its timeout again
        return None
    try:
        found = get_usage(
            request, group=group, key=lambda _group, _request: key, rate=rate, increment=increment
        )
    except CACHE_ERRORS:
        REDIS.record()
        logger.exception("Rate limit %s not checked: the cache did not answer", group)
        return None
    if found is None or found["limit"] == 0:  # disabled, or the cache lost the counter
        return None
    return Usage(found["count"], found["limit"], max(1, found["time_left"]))


def describe_rate(rate: str) -> str:
    """'600/m' → '600 requests a minute'; '100/5m' → '100 requests every 5 minutes'."""
    count, period = rate.split("/")
    unit = {"s": "second", "m": "minute", "h": "hour", "d": "day"}[period[-1]]
    multiple = period[:-1]
    span = f"every {multiple} {unit}s" if multiple not in ("", "1") else f"a {unit}"
    return f"{count} {'request' if count == '1' else 'requests'} {span}"


def limit_login(view):
    """Wrap the login view: after DPM_LOGIN_RATE failed attempts for one username from one
    address, or DPM_LOGIN_RATE_PER_ADDRESS failed attempts for any usernames from one address
    (one address guessing many accounts), further attempts get a 429 page until the window
    ends. Successful logins are not counted, so people who log in and out often are never
    locked out."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method != "POST":
            return view(request, *args, **kwargs)
        address = client_ip(request)
        username = request.POST.get("username", "").strip().lower()[:150]
        limits = [
            (LOGIN_ADDRESS_GROUP, address, settings.DPM_LOGIN_RATE_PER_ADDRESS, True),
            (LOGIN_GROUP, f"{address}|{username}", settings.DPM_LOGIN_RATE, False),
        ]
        for group, key, rate, per_address in limits:
            before = usage(request, group=group, key=key, rate=rate, increment=False)
            if before is not None and before.exhausted:
                response = render(
                    request,
                    "api/login_rate_limited.html",
                    {
                        "retry_after": before.retry_after,
                        "username": username,
                        "per_address": per_address,
                    },
                    status=429,
                )
                response["Retry-After"] = str(before.retry_after)
                return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200:  # the form came back with an error: a failed attempt
            for group, key, rate, _per_address in limits:
                usage(request, group=group, key=key, rate=rate, increment=True)
        return response

    return login_not_required(wrapper)
