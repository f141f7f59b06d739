"""The live view in the real browser against local mode at fleet scale: first render and each poll's cost.

Starts ``python -m drs_local --fleet N --targets AxR --time-scale S`` (which builds the console when its
sources changed) on a free port with its own state directory, starts the demo plan as a drill through the
API, signs in to the console in Debian's Chromium (Playwright) as the demo operator and opens the run's live
view. It records:

- **first render**: milliseconds from the navigation's start (``performance.now()``) until the dependency
  graph shows a wave and the server table shows its first row, and the bytes the browser received until then;
- **each poll**: every answer the page got from the API while the run went on
  (``page.on("requestfinished")``),
  by kind (the summary ``GET /executions/{id}?servers=none``, a server page ``/servers``, the events), with
  its body's bytes and the milliseconds from sending the request to the answer's last byte
  (``request.timing``); and the main thread's long tasks (over 50 ms) in that time;
- **first render again** once the watch is over (the run has gone on: more servers in flight, more events);
- **the full execution** for comparison: ``GET /executions/{id}`` with every server (what the live view
  polled before), and the summary and a server page, asked from Python ``--compare-samples`` times once the
  view is closed (so that neither waits behind the other).

    python bench/frontend/live_view.py [--fleet 4000] [--targets 2x2] [--time-scale 600] [--watch 180]
                                       [--out bench/frontend/live-view-4000.json]

Run it from the repository root with the project's ``.venv`` and ``PYTHONPATH=lambda:local``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, Request, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT)]

from bench.local.local_mode import demo_user, local_mode, sign_in  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]
LONG_TASKS = """
window.__longTasks = [];
new PerformanceObserver(list => {
  for (const entry of list.getEntries()) window.__longTasks.push([entry.startTime, entry.duration]);
}).observe({ type: 'longtask', buffered: true });
"""


def _timed_get(url: str, token: str) -> tuple[int, int, float]:
    """``(status, body bytes, ms)`` of one GET."""
    request = urllib.request.Request(url, headers={"Authorization": token})
    began = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=300) as reply:
            body = reply.read()
            status = reply.status
    except urllib.error.HTTPError as error:
        body, status = error.read(), error.code
    return status, len(body), round((time.perf_counter() - began) * 1000, 1)


def _start_drill(endpoints: dict[str, Any], token: str) -> str:
    body = json.dumps({"planId": endpoints["demoPlanId"], "mode": "DRILL"}).encode()
    request = urllib.request.Request(
        f"{endpoints['api']}/executions",
        data=body,
        method="POST",
        headers={"Authorization": token, "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=300) as reply:
        return str(json.loads(reply.read())["executionId"])


def _kind(url: str, execution_id: str) -> str | None:
    """What an API answer of the live view is, or ``None`` for anything else."""
    path = url.split("?", 1)[0]
    if f"/executions/{execution_id}" not in path:
        return None
    tail = path.split(f"/executions/{execution_id}", 1)[1]
    if tail == "":
        return "summary" if "servers=none" in url else "full"
    return tail.strip("/").split("/", 1)[0] or None


class Recorder:
    """The live view's API answers as they arrive: kind, bytes, milliseconds, when."""

    def __init__(self, api: str, execution_id: str) -> None:
        self.api = api
        self.execution_id = execution_id
        self.answers: list[dict[str, Any]] = []
        self.began = time.monotonic()

    def __call__(self, request: Request) -> None:
        """On ``requestfinished``: the timing is complete then."""
        kind = _kind(request.url, self.execution_id)
        if kind is None or request.method != "GET" or not request.url.startswith(self.api):
            return  # the console's own page at /executions/{id} is not an API answer
        response = request.response()
        if response is None:
            return
        timing = request.timing
        try:
            size = len(response.body())
        except Exception:  # the page went away before the body was read
            size = -1
        self.answers.append(
            {
                "kind": kind,
                "url": request.url.split(self.execution_id, 1)[1],
                "status": response.status,
                "bytes": size,
                "ms": round(timing["responseEnd"] - timing["requestStart"], 1),
                "at": round(time.monotonic() - self.began, 1),
            }
        )


def _first_render(page: Page, url: str) -> dict[str, Any]:
    """Open the live view; the ms until the graph shows a wave and the server table a row."""
    page.goto(url)
    page.wait_for_function(
        "document.querySelector('.react-flow__node') !== null"
        " && document.querySelector('table[aria-label=\"Servers\"] tbody tr td') !== null",
        timeout=300_000,
        polling=50,
    )
    rendered = page.evaluate("performance.now()")
    transferred = page.evaluate(
        "performance.getEntriesByType('resource').reduce((sum, e) => sum + e.transferSize, 0)"
        " + performance.getEntriesByType('navigation').reduce((sum, e) => sum + e.transferSize, 0)"
    )
    return {"ms": round(rendered, 1), "transferredBytes": transferred}


def _summarise(samples: list[dict[str, Any]]) -> dict[str, Any]:
    """Count, median and p95 of bytes and ms, and the largest, of one kind of answer."""
    out: dict[str, Any] = {"count": len(samples)}
    for field in ("bytes", "ms"):
        values = sorted(s[field] for s in samples if s[field] >= 0)
        if values:
            out[field] = {
                "median": statistics.median(values),
                "p95": values[min(len(values) - 1, int(0.95 * len(values)))],
                "max": values[-1],
            }
    return out


def _compare(endpoints: dict[str, Any], execution_id: str, token: str) -> dict[str, Any]:
    base = f"{endpoints['api']}/executions/{execution_id}"
    sample = {}
    for kind, url in (
        ("full", base),
        ("summary", f"{base}?servers=none"),
        ("servers", f"{base}/servers?limit=50"),
    ):
        status, size, ms = _timed_get(url, token)
        sample[kind] = {"status": status, "bytes": size, "ms": ms}
    return sample


def _progress(endpoints: dict[str, Any], execution_id: str, token: str) -> str:
    request = urllib.request.Request(
        f"{endpoints['api']}/executions/{execution_id}?servers=none", headers={"Authorization": token}
    )
    with urllib.request.urlopen(request, timeout=300) as reply:
        execution = json.loads(reply.read())
    launched = sum(w["serverCounts"]["launch"].get("LAUNCHED", 0) for w in execution["waves"])
    return f"{execution['status']}, {launched} launched"


def _sign_in(page: Page, console: str, user: dict[str, str]) -> None:
    page.goto(console)
    page.get_by_label("User name").fill(user["username"])
    page.get_by_label("Password").fill(user["password"])
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", level=1, name="Dashboard").wait_for(timeout=300_000)


def measure(endpoints: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    token = sign_in(endpoints, "Operator")
    execution_id = _start_drill(endpoints, token)
    started = time.monotonic()
    console = str(endpoints["console"]).rstrip("/")
    result: dict[str, Any] = {"executionId": execution_id}
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        context.set_default_timeout(120_000)
        page = context.new_page()
        page.add_init_script(LONG_TASKS)
        _sign_in(page, console, demo_user(endpoints, "Operator"))
        if args.settle > 0:  # let the run reach its launches before the view opens
            page.wait_for_timeout(args.settle * 1000)
        recorder = Recorder(str(endpoints["api"]), execution_id)
        page.on("requestfinished", recorder)
        result["firstRender"] = _first_render(page, f"{console}/executions/{execution_id}")
        result["firstRender"]["runSecondsBefore"] = round(time.monotonic() - started, 1)
        print(f"first render {result['firstRender']}", flush=True)
        page.wait_for_timeout(args.watch * 1000)  # nothing else asks local mode meanwhile
        page.remove_listener("requestfinished", recorder)
        long_tasks = page.evaluate("window.__longTasks")
        print(f"{time.monotonic() - started:6.0f} s  {_progress(endpoints, execution_id, token)}", flush=True)
        result["firstRenderLater"] = _first_render(page, f"{console}/executions/{execution_id}")
        result["firstRenderLater"]["runSecondsBefore"] = round(time.monotonic() - started, 1)
        print(f"first render again {result['firstRenderLater']}", flush=True)
        page.goto("about:blank")  # the view stops polling: the comparison has local mode to itself
        comparisons = []
        for _ in range(args.compare_samples):
            comparisons.append(_compare(endpoints, execution_id, token))
            page.wait_for_timeout(args.compare_pause * 1000)
        print(f"{time.monotonic() - started:6.0f} s  {_progress(endpoints, execution_id, token)}", flush=True)
        page.close()
        browser.close()
    answers = recorder.answers
    kinds = sorted({a["kind"] for a in answers})
    result["polls"] = {kind: _summarise([a for a in answers if a["kind"] == kind]) for kind in kinds}
    result["pollAnswers"] = answers
    result["longTasks"] = {
        "count": len(long_tasks),
        "totalMs": round(sum(d for _, d in long_tasks), 1),
        "maxMs": round(max((d for _, d in long_tasks), default=0), 1),
    }
    result["compare"] = {
        kind: _summarise([{"bytes": c[kind]["bytes"], "ms": c[kind]["ms"]} for c in comparisons])
        for kind in ("full", "summary", "servers")
    }
    result["compareSamples"] = comparisons
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fleet", type=int, default=4000)
    parser.add_argument("--targets", default="2x2")
    parser.add_argument("--time-scale", type=float, default=600.0)
    parser.add_argument("--watch", type=float, default=180.0, help="real seconds to watch the live view")
    parser.add_argument("--settle", type=float, default=0.0, help="real seconds before opening the view")
    parser.add_argument("--compare-samples", type=int, default=8)
    parser.add_argument("--compare-pause", type=float, default=3.0)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    state_dir = Path(tempfile.mkdtemp(prefix="live-view-"))
    arguments = ["--fleet", str(args.fleet), "--targets", args.targets, "--time-scale", str(args.time_scale)]
    with local_mode(arguments, state_dir, 1200) as (endpoints, ready):
        result = {"fleet": args.fleet, "targets": args.targets, "timeScale": args.time_scale}
        result |= {"readySeconds": round(ready, 1), **measure(endpoints, args)}
    summary = {k: v for k, v in result.items() if k not in ("pollAnswers", "compareSamples")}
    print(json.dumps(summary, indent=2))
    if args.out is not None:
        args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
