"""The fan-out baseline: a plain `websockets` server that broadcasts every text it gets on /publish.

`python -m bench.ws_baseline PORT`. Viewers connect anywhere else; the bench publishes the
same bytes Decide pushes, and this server sends them on with `websockets.broadcast`
(one encoding, one write per socket): the cheapest fan-out Python does on this machine.
"""

from __future__ import annotations

import asyncio
import sys

from websockets.asyncio.server import ServerConnection, broadcast, serve

viewers: set[ServerConnection] = set()


async def handler(ws: ServerConnection) -> None:
    if ws.request is not None and ws.request.path == "/publish":
        async for message in ws:
            broadcast(viewers, message)
        return
    viewers.add(ws)
    try:
        await ws.wait_closed()
    finally:
        viewers.discard(ws)


async def main(port: int) -> None:
    async with serve(handler, "127.0.0.1", port, backlog=2048, compression=None, ping_interval=None) as server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
