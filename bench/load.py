"""A small load generator (standard library only): for each page in turn, ``--concurrency``
threads request it over keep-alive connections for ``--duration`` seconds after a short warm-up,
then it prints requests/s, p50 and p95 latency, and the p50/p95 of the server's own time taken
from a ``Server-Timing`` header (``app;dur=`` and ``db;desc="N queries"``) when present.

    python bench/load.py --base http://127.0.0.1:8765 home=/ product=/p/some-slug/

A page given as ``name=path|path|...`` is each of those addresses in turn (every thread starts
at a random one), measured together.
"""

import argparse
import http.client
import json
import random
import re
import statistics
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

APP_TIME = re.compile(r"\bapp;dur=([\d.]+)")
QUERIES = re.compile(r'desc="(\d+) queries"')


@dataclass
class Sample:
    latencies: list[float] = field(default_factory=list)
    server: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def worker(host: str, port: int, path: str, until: float, sample: Sample, lock: threading.Lock):
    connection = http.client.HTTPConnection(host, port, timeout=30)
    paths = path.split("|")
    turn = random.randrange(len(paths))
    while time.perf_counter() < until:
        path = paths[turn % len(paths)]
        turn += 1
        began = time.perf_counter()
        try:
            connection.request("GET", path, headers={"Accept-Language": "zh-hant,en;q=0.5"})
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            connection.close()
            connection = http.client.HTTPConnection(host, port, timeout=30)
            with lock:
                sample.errors += 1
            continue
        elapsed = (time.perf_counter() - began) * 1000
        timing = response.getheader("Server-Timing") or ""
        with lock:
            sample.latencies.append(elapsed)
            sample.statuses[response.status] = sample.statuses.get(response.status, 0) + 1
            if match := APP_TIME.search(timing):
                sample.server.append(float(match.group(1)))
            if match := QUERIES.search(timing):
                sample.queries.append(int(match.group(1)))
        if response.getheader("Connection", "").lower() == "close" or response.will_close:
            connection.close()
            connection = http.client.HTTPConnection(host, port, timeout=30)
    connection.close()


def run_page(base: str, path: str, *, duration: float, concurrency: int) -> tuple[Sample, float]:
    parts = urlsplit(base)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    for _phase, seconds in (("warm-up", min(2.0, duration / 5)), ("measure", duration)):
        sample, lock = Sample(), threading.Lock()
        until = time.perf_counter() + seconds
        threads = [
            threading.Thread(target=worker, args=(host, port, path, until, sample, lock))
            for _ in range(concurrency)
        ]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - began
    return sample, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="+", help="name=path")
    parser.add_argument("--base", default="http://127.0.0.1:8765")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per page")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()

    results = []
    header = (
        f"{'page':<16}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'srv p50':>9}{'srv p95':>9}"
        f"{'SQL':>5}  statuses"
    )
    print(f"{args.concurrency} connections, {args.duration:.0f} s per page against {args.base}")
    print(header)
    for page in args.pages:
        name, _, path = page.partition("=")
        sample, wall = run_page(
            args.base, path, duration=args.duration, concurrency=args.concurrency
        )
        row = {
            "page": name,
            "path": path,
            "requests": len(sample.latencies),
            "errors": sample.errors,
            "requests_per_second": round(len(sample.latencies) / wall, 1),
            "p50_ms": round(percentile(sample.latencies, 0.50), 1),
            "p95_ms": round(percentile(sample.latencies, 0.95), 1),
            "server_p50_ms": round(percentile(sample.server, 0.50), 1),
            "server_p95_ms": round(percentile(sample.server, 0.95), 1),
            "queries": int(statistics.median(sample.queries)) if sample.queries else None,
            "statuses": sample.statuses,
        }
        results.append(row)
        print(
            f"{name:<16}{row['requests_per_second']:>8}{row['p50_ms']:>9}{row['p95_ms']:>9}"
            f"{row['server_p50_ms']:>9}{row['server_p95_ms']:>9}{row['queries'] or '-':>5}  "
            f"{row['statuses']}{' errors=' + str(sample.errors) if sample.errors else ''}"
        )
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(results, out, indent=2, ensure_ascii=False)


if __name__ == "__main__":
    main()
