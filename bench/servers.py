"""The two small servers the benchmark starts as processes of their own.

``bare``: the ceiling. The hub's handler shape (read the body, answer 202 with the same JSON)
with no signature check and no storage; ``--forward URL`` makes it the naive forwarder, which
awaits a POST to the sink before answering.
``sink``: what plugins, the forwarder and Node-RED POST to. It answers 200 at once and keeps
the arrival time of each request (by ``ref`` when the body names one) for ``GET /_stats``.

Run: ``python -m bench.servers bare --port P [--forward URL]`` / ``python -m bench.servers sink --port P``.
"""
from __future__ import annotations

import argparse
import time

import aiohttp
import orjson
from aiohttp import web

ACCEPTED = orjson.dumps({"status": "accepted"})
FORWARD = web.AppKey("forward", str)
SESSION = web.AppKey("session", aiohttp.ClientSession)
ARRIVALS = web.AppKey("arrivals", list)


async def accept(request: web.Request) -> web.Response:
    await request.read()
    return web.Response(status=202, body=ACCEPTED, content_type="application/json")


async def forward(request: web.Request) -> web.Response:
    body = await request.read()
    async with request.app[SESSION].post(request.app[FORWARD], data=body,
                                         headers={"Content-Type": "application/json"}) as reply:
        await reply.read()
    return web.Response(status=202, body=ACCEPTED, content_type="application/json")


async def _client(app: web.Application):  # noqa: ANN202 - cleanup_ctx generator
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=100)) as session:
        app[SESSION] = session
        yield


def bare_app(forward_to: str | None) -> web.Application:
    app = web.Application(client_max_size=1024 * 1024)
    if forward_to:
        app[FORWARD] = forward_to
        app.cleanup_ctx.append(_client)
        app.router.add_post("/webhooks/{source}", forward)
    else:
        app.router.add_post("/webhooks/{source}", accept)
    return app


async def arrive(request: web.Request) -> web.Response:
    body = await request.read()
    ref = None
    if body[:1] == b"{":
        try:
            ref = orjson.loads(body).get("ref")
        except orjson.JSONDecodeError:
            pass
    request.app[ARRIVALS].append((time.time(), ref))
    return web.Response(status=200, body=b'{"ok":true}', content_type="application/json")


async def stats(request: web.Request) -> web.Response:
    arrivals = request.app[ARRIVALS]
    body = {"count": len(arrivals), "first": arrivals[0][0] if arrivals else None,
            "last": arrivals[-1][0] if arrivals else None}
    if request.query.get("arrivals"):
        body["arrivals"] = arrivals
    return web.Response(body=orjson.dumps(body), content_type="application/json")


async def reset(request: web.Request) -> web.Response:
    request.app[ARRIVALS].clear()
    return web.Response(body=b'{"ok":true}', content_type="application/json")


def sink_app() -> web.Application:
    app = web.Application(client_max_size=1024 * 1024)
    app[ARRIVALS] = []
    app.router.add_get("/_stats", stats)
    app.router.add_post("/_reset", reset)
    app.router.add_post("/{tail:.*}", arrive)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.servers")
    parser.add_argument("kind", choices=["bare", "sink"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--forward", help="bare only: POST each body here before answering")
    args = parser.parse_args()
    app = bare_app(args.forward) if args.kind == "bare" else sink_app()
    web.run_app(app, host="127.0.0.1", port=args.port, access_log=None, print=None)


if __name__ == "__main__":
    main()
