"""Ask a web-connectivity test helper what an uncensored network sees for a URL."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence

import httpx

from byway.measure import failures
from byway.measure.http import USER_AGENT
from byway.measure.observations import Control, Endpoint
from byway.testhelper.protocol import ProtocolError, build_request, parse_response

DEFAULT_TEST_HELPERS = ("https://0.th.ooni.org/", "https://1.th.ooni.org/", "https://2.th.ooni.org/")
MAX_RESPONSE_BYTES = 1 << 20


async def query_control(
    client: httpx.AsyncClient,
    helper_url: str,
    target_url: str,
    endpoints: Sequence[Endpoint],
    *,
    timeout_s: float,
) -> tuple[Control | None, str | None]:
    """POST the request; returns ``(control, None)`` or ``(None, control_failure)``."""
    body = build_request(target_url, [str(e) for e in endpoints], USER_AGENT)
    try:
        async with asyncio.timeout(timeout_s):
            async with client.stream(
                "POST", helper_url, json=body, headers={"Accept": "application/json"}
            ) as response:
                if response.status_code != 200:
                    return None, f"http_status_{response.status_code}"
                raw = bytearray()
                async for chunk in response.aiter_bytes():
                    raw += chunk
                    if len(raw) > MAX_RESPONSE_BYTES:
                        return None, "control_response_too_large"
    except TimeoutError:
        return None, failures.GENERIC_TIMEOUT
    except httpx.TimeoutException:
        return None, failures.GENERIC_TIMEOUT
    except (httpx.HTTPError, OSError) as exc:
        return None, failures.classify_chain(exc)
    try:
        return parse_response(json.loads(raw)), None
    except (ValueError, ProtocolError, RecursionError):
        return None, "control_invalid_response"
