"""Item 14: web fetch throughput (issue "Articles from the web"), parallel vs one at a time, same run.

Local servers on 127.0.0.1 (no network) answer every request after a fixed ``latency`` (50 ms: a
nearby news site's time to first byte) with the same ~30 kB HTML page, over keep-alive HTTP/1.1.
``qa.ingest.fetch.fetch_all`` fetches ``pages`` distinct URLs three ways, interleaved per round so
machine noise hits them alike:

* **one at a time**: ``parallel=1, per_host=1`` (the reference);
* **parallel, 4 hosts**: qa's defaults (2 per host, 8 in all) over URLs spread across four servers
  (four "hosts"), the case of a reading list of several outlets; the ceiling is 8x;
* **parallel, 1 host**: the defaults over one server, as a feed's articles; the ceiling is 2x.

Pages per second are medians over the rounds; the ratios are of those medians. Connections are
counted server-side: keep-alive means at most one per slot (8, or 2 for one host), not one per page.
Targets: at least 5x with 4 hosts and 1.6x with one, and the connection counts above.

Usage: ``python -m bench.fetch_speed`` (stores the result, re-renders RESULTS.md) or ``--print``.
"""

from __future__ import annotations

import datetime as dt
import statistics
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from bench import common

TARGET_HOSTS, TARGET_ONE_HOST = 5.0, 1.6
_PARAGRAPH = "<p>" + "The council voted on Tuesday to build a footbridge across the river. " * 6 + "</p>\n"
PAGE = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>Bench</title></head><body>\n"
        + _PARAGRAPH * 70 + "</body></html>\n").encode()  # fmt: skip


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, latency: float) -> None:
        self.latency = latency
        self.connections = 0
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle on, the second waits for the client's delayed
    # ACK (40 ms on Linux) and the bench would measure that instead of the fetcher.
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        pass

    def setup(self) -> None:
        super().setup()
        with self.server.lock:
            self.server.connections += 1

    def do_GET(self) -> None:
        time.sleep(self.server.latency)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)


def _timed(urls: list[str], options: Any, servers: list[_Server]) -> dict[str, float]:
    from qa.ingest.fetch import Fetched, fetch_all

    before = sum(s.connections for s in servers)
    start = time.perf_counter()
    results = fetch_all(urls, options)
    wall = time.perf_counter() - start
    failed = [r for r in results if not isinstance(r, Fetched)]
    if failed:
        raise RuntimeError(f"{len(failed)} fetches failed, e.g. {failed[0]}")
    return {"pages_per_s": len(urls) / wall, "connections": sum(s.connections for s in servers) - before}


def run(work: Path | None = None, pages: int = 80, rounds: int = 3, latency: float = 0.05) -> dict[str, Any]:
    """Fetch ``pages`` URLs one at a time, in parallel over 4 hosts and over 1, ``rounds`` times each.

    ``work`` is unused (nothing is written): it is the signature ``common.item_main`` calls.
    """
    from qa.ingest.fetch import FetchOptions

    servers = [_Server(latency) for _ in range(4)]
    default = FetchOptions(timeout=10)
    modes = {
        "one_at_a_time": (FetchOptions(timeout=10, parallel=1, per_host=1), servers[:1]),
        "parallel_4_hosts": (default, servers),
        "parallel_1_host": (default, servers[:1]),
    }
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in modes}
    try:
        for r in range(rounds):
            for name, (options, hosts) in modes.items():
                urls = [hosts[i % len(hosts)].url(f"/{name}/{r}/{i}.html") for i in range(pages)]
                runs[name].append(_timed(urls, options, hosts))
    finally:
        for s in servers:
            s.stop()
    rates = {name: statistics.median(x["pages_per_s"] for x in rs) for name, rs in runs.items()}
    connections = {name: max(x["connections"] for x in rs) for name, rs in runs.items()}
    hosts_ratio = rates["parallel_4_hosts"] / rates["one_at_a_time"]
    one_host_ratio = rates["parallel_1_host"] / rates["one_at_a_time"]
    kept_alive = (
        connections["one_at_a_time"] <= 1
        and connections["parallel_4_hosts"] <= default.parallel
        and connections["parallel_1_host"] <= default.per_host
    )
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": common.machine(),
        "pages": pages,
        "rounds": rounds,
        "latency_ms": round(latency * 1000),
        "page_kb": round(len(PAGE) / 1000, 1),
        "pages_per_s": {k: round(v, 1) for k, v in rates.items()},
        "connections": connections,
        "ratio_4_hosts": round(hosts_ratio, 2),
        "ratio_1_host": round(one_host_ratio, 2),
        "ceiling_pages_per_s": round(default.parallel / latency, 1),
        "target_4_hosts": TARGET_HOSTS,
        "target_1_host": TARGET_ONE_HOST,
        "pass": hosts_ratio >= TARGET_HOSTS and one_host_ratio >= TARGET_ONE_HOST and kept_alive,
    }


def summary_row(r: dict[str, Any]) -> tuple[str, str, str, str, str, bool | None]:
    """Item 14's line in the summary table of bench/RESULTS.md."""
    rates = r["pages_per_s"]
    return (
        "14",
        f"web fetch, pages/s at {r['latency_ms']} ms per response: 4 hosts / 1 host",
        f"{rates['parallel_4_hosts']:.1f} / {rates['parallel_1_host']:.1f}",
        f"one at a time: {rates['one_at_a_time']:.1f} → **{r['ratio_4_hosts']:.2f}x** / "
        f"**{r['ratio_1_host']:.2f}x**",
        f"≥ {r['target_4_hosts']:g}x / ≥ {r['target_1_host']:g}x; keep-alive",
        r["pass"],
    )


def section(r: dict[str, Any]) -> list[str]:
    """Item 14's section: the three ways, their rates, ratios and connection counts."""
    m = r["machine"]
    rates, conns = r["pages_per_s"], r["connections"]
    out = [
        f"Measured by `python -m bench.fetch_speed` on {r['date']} ({m['cpu']}, {m['cores']} cores, load "
        f"{m['load_before']}): `qa.ingest.fetch.fetch_all` on {r['pages']} distinct URLs of local servers "
        f"that answer each request after {r['latency_ms']} ms with a {r['page_kb']} kB page (keep-alive "
        f"HTTP/1.1); medians of {r['rounds']} interleaved rounds. Connections are counted by the servers "
        "(the most in one round).",
        "",
        "| way | pages/s | vs one at a time | connections |",
        "|---|---:|---:|---:|",
        f"| one at a time (parallel 1) | {rates['one_at_a_time']:.1f} | 1.00x | {conns['one_at_a_time']} |",
        f"| parallel, 4 hosts (2 per host, 8 in all) | {rates['parallel_4_hosts']:.1f} | "
        f"{r['ratio_4_hosts']:.2f}x | {conns['parallel_4_hosts']} |",
        f"| parallel, 1 host (2 per host) | {rates['parallel_1_host']:.1f} | {r['ratio_1_host']:.2f}x | "
        f"{conns['parallel_1_host']} |",
        "",
        f"The ceiling with 8 in flight is {r['ceiling_pages_per_s']:.0f} pages/s; the rest is the client's "
        "and the local servers' own time per page (Python threads on both sides, on this machine).",
    ]
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the item and store it in bench/results.json (``--print``: print the JSON instead)."""
    return common.item_main("fetch", "bench.fetch_speed", __doc__ or "", run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
