"""The demo's HTTP client: POSTs carry an Idempotency-Key kept across retries; lists follow next links."""

from typing import Any

import httpx

from steward.demo.client import Api, As

SUP = As("sup-1", ("supervisor",))


def _api(handler: Any) -> Api:
    api = Api({"customer": "http://customer.test"}, org="rcc-test", concurrency=2)
    api.http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return api


async def test_a_post_retried_after_a_lost_answer_sends_the_same_key():
    keys: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        keys.append(request.headers.get("Idempotency-Key"))
        if len(keys) == 1:
            raise httpx.ReadError("connection reset", request=request)
        return httpx.Response(201, json={"id": "c-1"})

    api = _api(handler)
    assert await api.post("customer", "/customers", SUP, json={"name": "甲"}) == {"id": "c-1"}
    assert len(keys) == 2
    assert keys[0] is not None
    assert keys[0] == keys[1]
    await api.post("customer", "/customers", SUP, json={"name": "乙"})
    assert keys[2] != keys[0], "a new request, a new key"


async def test_a_list_is_followed_through_its_next_links_unless_a_limit_is_given():
    pages = {
        "0": ([1, 2], '</customers?limit=2&offset=2>; rel="next"'),
        "2": ([3], None),
    }

    def handler(request: httpx.Request) -> httpx.Response:
        items, link = pages[request.url.params.get("offset", "0")]
        return httpx.Response(200, json=items, headers={"Link": link} if link else {})

    api = _api(handler)
    assert await api.get("customer", "/customers", SUP) == [1, 2, 3]
    assert await api.get("customer", "/customers", SUP, limit=2) == [1, 2]
