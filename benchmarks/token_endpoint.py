"""A slow OAuth token endpoint for the benchmarks: answers every POST with a token after ``--delay-ms``.

Run it in its own process (``python benchmarks/token_endpoint.py --delay-ms 100``) so that its work never
shares a GIL with the client being measured. It prints one JSON line, ``{"url": …, "token_url": …}``, then
serves until terminated. An asyncio server: every request waits concurrently, as a real endpoint's would.
Minimal HTTP/1.1 (Content-Length bodies, keep-alive), which is all httpx and urllib send.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys

TOKEN_BODY = json.dumps(
    {"access_token": "bench-access-token", "token_type": "Bearer", "expires_in": 3600, "scope": "bench"}
).encode()


async def _handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay_s: float) -> None:
    try:
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, ConnectionError):
                return
            lines = head.decode("latin-1").split("\r\n")
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                if name:
                    headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length") or 0)
            if length:
                await reader.readexactly(length)
            await asyncio.sleep(delay_s)
            close = headers.get("connection", "").lower() == "close"
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n"
                + f"Content-Length: {len(TOKEN_BODY)}\r\n".encode()
                + (b"Connection: close\r\n" if close else b"")
                + b"\r\n"
                + TOKEN_BODY
            )
            await writer.drain()
            if close:
                return
    except (ConnectionError, asyncio.IncompleteReadError):
        return
    finally:
        writer.close()


async def serve(delay_ms: int, host: str = "127.0.0.1", port: int = 0) -> None:
    delay_s = delay_ms / 1000
    server = await asyncio.start_server(lambda r, w: _handle(r, w, delay_s), host, port, backlog=1024)
    bound_port = server.sockets[0].getsockname()[1]
    url = f"http://{host}:{bound_port}"
    sys.stdout.write(json.dumps({"url": url, "token_url": f"{url}/oauth2/token", "delay_ms": delay_ms}) + "\n")
    sys.stdout.flush()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with server:
        await stop.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--delay-ms", type=int, default=100)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    asyncio.run(serve(args.delay_ms, port=args.port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
