"""Load and concurrency benchmark (a script, not a test; loopback only): many clients ask while another
process ingests into the same data directory; nothing may fail, be lost or be stored twice.

It builds a store from ``examples/`` with the real CLI, starts the real server (``notice-qa serve``)
on 127.0.0.1, then for ``--duration`` seconds ``--clients`` concurrent clients send a mix of requests
(ask 60 %, archive search 25 %, document list 10 %, facets 5 %) while a second process ingests
``--documents`` new notices one file at a time (plus three hostile files, and then every file a
second time). It prints, and exits non-zero unless all hold:

- no 5xx and no failed connection; latency p50/p95/p99 per endpoint and throughput;
- the event loop stays responsive (``/openapi.json``, answered on the loop, probed every 0.25 s);
- the server picks up each document the other process stored (lag from "stored" to "found");
- afterwards the catalog (read directly from SQLite) holds every expected document exactly once,
  each with all its chunks, no hostile file, and the server reports the same count.

    .venv/bin/python eval/bench_load.py [--clients 50] [--duration 120] [--documents 30] [--seed 8] [--replicas 2]

With ``--replicas N`` (N > 1) it starts N servers over the same data directory, each read-only
(``NOTICE_QA_READ_ONLY=true``: the snapshot the ingest process publishes), and spreads the clients over
them round-robin, as a load balancer in front of them would; every replica must find every new document.

Bounded: the clients stop at the deadline, the ingest process is waited for at most ``--grace``
seconds more, and everything runs on loopback in a temporary directory (kept with ``--keep``).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eval.bench_http import free_port
from eval.machine import describe, machine_info, peak_rss_mib
from eval.metrics import percentile

CLI = [sys.executable, "-m", "qa_service.cli"]
EXAMPLES = ROOT / "examples"
AGENCIES = ["Sở Tài chính", "Sở Xây dựng", "Sở Y tế", "Công an tỉnh", "Sở Nội vụ", "Sở Công Thương",
            "Sở Giáo dục và Đào tạo", "Sở Nông nghiệp và Môi trường"]
TOPICS = ["sửa chữa cầu treo", "nạo vét kênh mương", "kiểm tra an toàn thực phẩm", "tuần tra bảo vệ rừng",
          "chuyển đổi số hồ sơ", "phòng chống sạt lở", "tiêm chủng mở rộng", "cải tạo trường học"]
QUESTIONS = ["Sở Tài chính phải báo cáo kịch bản thu ngân sách trước ngày nào?",
             "Ai chủ trì nâng cấp Trung tâm dữ liệu tỉnh?", "GRDP năm 2024 của tỉnh Hòa Sơn tăng bao nhiêu?",
             "Hạn hoàn thành bồi thường dự án Khu công nghiệp Nam Hòa Sơn?", "giai ngan von dau tu cong"]
SEARCHES = ["giải ngân vốn đầu tư công", "chuyển đổi số", "thu ngân sách", "báo cáo UBND tỉnh", "ký số văn bản"]


# -- documents for the ingest process ----------------------------------------------------------------
def notice(i: int) -> tuple[str, str, str]:
    """(file name, text, a question it answers) of the i-th generated notice; each has its own number."""
    agency, topic = AGENCIES[i % len(AGENCIES)], TOPICS[i % len(TOPICS)]
    place = f"xã Tân Lập {i + 1}"
    text = "\n".join([
        "ỦY BAN NHÂN DÂN", "TỈNH HÒA SƠN", f"Số: {500 + i}/TB-UBND", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc", f"Hòa Sơn, ngày {i % 28 + 1:02d} tháng 6 năm 2025", "THÔNG BÁO",
        f"Kết luận về {topic} tại {place}", "I. NHIỆM VỤ",
        f"1. Giao {agency} chủ trì {topic} tại {place}, hoàn thành trước ngày {i % 28 + 1}/9/2025.",
        f"2. Giao UBND {place} phối hợp bố trí mặt bằng và nhân lực.", "II. TỔ CHỨC THỰC HIỆN",
        "Văn phòng UBND tỉnh theo dõi, đôn đốc việc thực hiện."])
    return f"TB_{500 + i}_tai_{i + 1}.txt", text, f"Ai chủ trì {topic} tại {place}?"


HOSTILE = {"empty.pdf": b"", "html_named.pdf": b"<html><body>not a pdf</body></html>",
           "unknown_encoding.txt": bytes(range(128, 256)) * 20}


def write_corpus(folder: Path, count: int) -> list[str]:
    folder.mkdir(parents=True)
    names = []
    for i in range(count):
        name, text, _ = notice(i)
        (folder / name).write_text(text, encoding="utf-8")
        names.append(name)
    for name, data in HOSTILE.items():
        (folder / name).write_bytes(data)
    return names


def ingest_worker(data_dir: Path, folder: Path, pace: float) -> None:
    """The second process: ingest the folder one file at a time (each committed and saved on its own),
    then every file again; one JSON line per file on stdout."""
    from qa_service.container import Container
    from qa_service.settings import Settings

    runner = Container(Settings(data_dir=data_dir)).ingest_runner
    files = sorted(folder.iterdir())
    for round_ in (1, 2):
        for path in files:
            report = runner.ingest_paths([path])
            outcome = report.files[0]
            print(json.dumps({"round": round_, "source": outcome.source, "status": outcome.status,
                              "message": outcome.message[:200], "warnings": report.warnings}, ensure_ascii=False),
                  flush=True)
            if round_ == 1:
                time.sleep(pace)


# -- the server --------------------------------------------------------------------------------------
def start_server(data_dir: Path, log_path: Path, read_only: bool = False) -> tuple[subprocess.Popen, str]:
    import httpx

    port = free_port()
    env = {**os.environ, "NOTICE_QA_READ_ONLY": "true" if read_only else "false"}
    with open(log_path, "wb") as log:  # the server keeps its own descriptor
        proc = subprocess.Popen([*CLI, "--data-dir", str(data_dir), "serve", "--host", "127.0.0.1", "--port",
                                 str(port)], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 300
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited during start-up; see {log_path}")
        try:
            if httpx.get(url + "/healthz", timeout=5).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    proc.kill()
    raise RuntimeError("the server did not answer /healthz within 300 s")


# -- the clients -------------------------------------------------------------------------------------
class Recorder:
    def __init__(self) -> None:
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.status: dict[str, Counter] = defaultdict(Counter)
        self.failures: list[str] = []

    def add(self, endpoint: str, status: int, ms: float) -> None:
        self.latency[endpoint].append(ms)
        self.status[endpoint][status] += 1


def request_for(rng: random.Random, stored_questions: list[str]) -> tuple[str, str, str, dict]:
    """(endpoint label, method, path, httpx options) of one request of the mix."""
    roll = rng.random()
    if roll < 0.60:
        pool = QUESTIONS + stored_questions[-10:]
        return "POST /v1/ask", "POST", "/v1/ask", {"json": {"question": rng.choice(pool)}}
    if roll < 0.85:
        return "GET /v1/search", "GET", "/v1/search", {"params": {"q": rng.choice(SEARCHES), "limit": 20}}
    if roll < 0.95:
        return "GET /v1/documents", "GET", "/v1/documents", {"params": {"limit": 100}}
    return "GET /v1/facets", "GET", "/v1/facets", {}


async def client(url: str, timeout: float, rng: random.Random, deadline: float, rec: Recorder,
                 stored_questions: list[str]) -> None:
    """One user: its own connection, one request after another until the deadline."""
    import httpx

    async with httpx.AsyncClient(base_url=url, timeout=timeout, limits=httpx.Limits(max_connections=1)) as http:
        while time.monotonic() < deadline:
            label, method, path, options = request_for(rng, stored_questions)
            started = time.perf_counter()
            try:
                response = await http.request(method, path, **options)
                rec.add(label, response.status_code, (time.perf_counter() - started) * 1000)
                if response.status_code >= 500:
                    rec.failures.append(f"{label}: {response.status_code} {response.text[:200]}")
            except httpx.HTTPError as exc:
                rec.failures.append(f"{label}: {type(exc).__name__} {exc}")


async def loop_probe(http, deadline: float, rec: Recorder) -> None:
    """Latency of a route served on the event loop itself: high if CPU work ran on the loop."""
    while time.monotonic() < deadline:
        started = time.perf_counter()
        response = await http.get("/openapi.json")
        rec.add("probe /openapi.json", response.status_code, (time.perf_counter() - started) * 1000)
        await asyncio.sleep(0.25)


async def pickup(https: list, events: asyncio.Queue, lags: list[float], missing: list[str],
                 stored_questions: list[str]) -> None:
    """For each document the other process stored, poll every server until its search finds it."""
    while True:
        event = await events.get()
        if event is None:
            return
        if event["round"] != 1 or event["status"] != "added":
            continue
        waiting = list(https)
        while waiting and time.monotonic() - event["t"] < 120:
            for http in list(waiting):
                body = (await http.get("/v1/search", params={"q": event["source"].split("_")[1] + "/TB-UBND",
                                                             "source": event["source"], "limit": 1})).json()
                if body.get("passages"):
                    waiting.remove(http)
            if waiting:
                await asyncio.sleep(0.1)
        found = not waiting
        if found:
            lags.append(time.monotonic() - event["t"])
            stored_questions.append(event["question"])
        else:
            missing.append(event["source"])


def read_worker(proc: subprocess.Popen, loop: asyncio.AbstractEventLoop, events: asyncio.Queue,
                outcomes: list[dict], questions: dict[str, str]) -> None:
    for line in proc.stdout:
        event = {**json.loads(line), "t": time.monotonic()}
        event["question"] = questions.get(event["source"], "")
        outcomes.append(event)
        loop.call_soon_threadsafe(events.put_nowait, event)
    loop.call_soon_threadsafe(events.put_nowait, None)


async def drive(urls: list[str], args, worker: subprocess.Popen, questions: dict[str, str]) -> dict:
    import httpx

    rec, lags, missing, outcomes, stored_questions = Recorder(), [], [], [], []
    events: asyncio.Queue = asyncio.Queue()
    reader = threading.Thread(target=read_worker, args=(worker, asyncio.get_running_loop(), events, outcomes,
                                                        questions), daemon=True)
    reader.start()
    # The probe (of the first server) and the pickup watcher (of every server) have connections of their own.
    https = [httpx.AsyncClient(base_url=url, timeout=args.timeout) for url in urls]
    try:
        deadline = time.monotonic() + args.duration
        started = time.perf_counter()
        rngs = [random.Random(args.seed * 1000 + i) for i in range(args.clients)]
        watcher = asyncio.create_task(pickup(https, events, lags, missing, stored_questions))
        await asyncio.gather(*(client(urls[i % len(urls)], args.timeout, rng, deadline, rec, stored_questions)
                               for i, rng in enumerate(rngs)),
                             loop_probe(https[0], deadline, rec))
        seconds = time.perf_counter() - started
        try:
            await asyncio.wait_for(watcher, timeout=args.grace)
        except TimeoutError:
            missing.append(f"(still waiting for the ingest process after {args.grace:g} s)")
    finally:
        for http in https:
            await http.aclose()
    return {"rec": rec, "seconds": seconds, "lags": lags, "missing": missing, "outcomes": outcomes}


# -- the catalog afterwards --------------------------------------------------------------------------
def check_catalog(data_dir: Path, expected: set[str]) -> dict:
    """What the SQLite catalog holds, read directly (read-only), against what should be there."""
    conn = sqlite3.connect(f"file:{data_dir / 'catalog.sqlite3'}?mode=ro", uri=True)
    docs = conn.execute("SELECT doc_id, source, chunk_count FROM documents").fetchall()
    stored = dict(conn.execute("SELECT doc_id, COUNT(*) FROM chunks GROUP BY doc_id").fetchall())
    chunks = conn.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
    conn.close()
    sources = Counter(source for _, source, _ in docs)
    return {"documents": len(docs), "chunks": chunks,
            "duplicated": sorted(s for s, n in sources.items() if n > 1),
            "lost": sorted(expected - set(sources)), "unexpected": sorted(set(sources) - expected),
            "partial": sorted(source for doc_id, source, count in docs if stored.get(doc_id, 0) != count)}


def summarize(result: dict, catalog: dict, health: list[dict], worker_rc: int | None, server_pids: list[int],
              args) -> dict:
    rec: Recorder = result["rec"]
    main = {k: v for k, v in rec.latency.items() if not k.startswith("probe")}
    everything = [ms for values in main.values() for ms in values]
    statuses = Counter()
    for endpoint in main:
        statuses.update(rec.status[endpoint])
    outcomes = Counter((o["round"], o["status"]) for o in result["outcomes"])

    def stats(values: list[float]) -> dict:
        return {"n": len(values), "p50_ms": round(percentile(values, 50)), "p95_ms": round(percentile(values, 95)),
                "p99_ms": round(percentile(values, 99))} if values else {"n": 0}

    return {
        "clients": args.clients, "duration_s": round(result["seconds"], 1), "requests": len(everything),
        "req_per_s": round(len(everything) / result["seconds"], 2), "statuses": dict(sorted(statuses.items())),
        "server_errors_5xx": sum(n for s, n in statuses.items() if s >= 500), "failures": rec.failures[:20],
        "failed_requests": len(rec.failures), "overall": stats(everything),
        "endpoints": {k: stats(v) for k, v in sorted(main.items())},
        "event_loop_probe": stats(rec.latency.get("probe /openapi.json", [])),
        "ingest": {"first_pass": {s: n for (r, s), n in outcomes.items() if r == 1},
                   "second_pass": {s: n for (r, s), n in outcomes.items() if r == 2}, "exit_code": worker_rc},
        "pickup_lag_s": ({"n": len(result["lags"]), "p50": round(percentile(result["lags"], 50), 2),
                          "max": round(max(result["lags"]), 2)} if result["lags"] else {"n": 0}),
        "not_picked_up": result["missing"], "catalog": catalog,
        "healthz_documents": sorted({h.get("documents") for h in health}, key=str),
        "replicas": len(server_pids), "read_only": [h.get("read_only") for h in health],
        "server_peak_rss_mib": [round(peak_rss_mib(pid)) for pid in server_pids],
    }


def verdict(summary: dict, expected_new: int) -> list[str]:
    problems = []
    if summary["server_errors_5xx"]:
        problems.append(f"{summary['server_errors_5xx']} responses were 5xx")
    if summary["failed_requests"]:
        problems.append(f"{summary['failed_requests']} requests failed")
    catalog = summary["catalog"]
    for key in ("duplicated", "lost", "unexpected", "partial"):
        if catalog[key]:
            problems.append(f"catalog {key}: {catalog[key]}")
    if summary["healthz_documents"] != [catalog["documents"]]:
        problems.append(f"servers report {summary['healthz_documents']} documents, catalog {catalog['documents']}")
    if summary["not_picked_up"]:
        problems.append(f"never found by the server: {summary['not_picked_up']}")
    ingest = summary["ingest"]
    if ingest["exit_code"] != 0:
        problems.append(f"the ingest process exited with {ingest['exit_code']}")
    if ingest["first_pass"].get("added", 0) != expected_new or ingest["first_pass"].get("error", 0) != len(HOSTILE):
        problems.append(f"first ingest pass: {ingest['first_pass']}")
    if set(ingest["second_pass"]) - {"unchanged", "error"}:
        problems.append(f"second ingest pass changed documents: {ingest['second_pass']}")
    return problems


def render(summary: dict, machine: dict, problems: list[str]) -> str:
    servers = (f"{summary['replicas']} read-only replicas, clients spread round-robin" if summary["replicas"] > 1
               else "one server")
    lines = [f"Load run {machine['date']} on {describe(machine)}; load average before: {machine['loadavg']}; {servers}.",
             (f"{summary['clients']} clients for {summary['duration_s']} s: {summary['requests']} requests, "
              f"{summary['req_per_s']} req/s, statuses {summary['statuses']}, 5xx: {summary['server_errors_5xx']}, "
              f"failed connections/timeouts: {summary['failed_requests']}."),
             "| endpoint | requests | p50 ms | p95 ms | p99 ms |", "|---|---|---|---|---|"]
    for name, s in [("all", summary["overall"]), *summary["endpoints"].items(),
                    ("event-loop probe /openapi.json", summary["event_loop_probe"])]:
        if s["n"]:
            lines.append(f"| {name} | {s['n']} | {s['p50_ms']} | {s['p95_ms']} | {s['p99_ms']} |")
    catalog = summary["catalog"]
    lines += [(f"Ingest process: first pass {summary['ingest']['first_pass']}, second pass "
               f"{summary['ingest']['second_pass']}; server pickup lag {summary['pickup_lag_s']}."),
              (f"Catalog afterwards: {catalog['documents']} documents, {catalog['chunks']} chunks; duplicated "
               f"{catalog['duplicated'] or 'none'}, lost {catalog['lost'] or 'none'}, partial "
               f"{catalog['partial'] or 'none'}, unexpected {catalog['unexpected'] or 'none'}; /healthz reports "
               f"{summary['healthz_documents']}. Server peak memory {summary['server_peak_rss_mib']} MiB."),
              "RESULT: " + ("all checks held" if not problems else "FAILED: " + "; ".join(problems))]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=120.0, help="seconds the clients keep asking")
    parser.add_argument("--documents", type=int, default=30, help="new notices the second process ingests")
    parser.add_argument("--timeout", type=float, default=120.0, help="per-request timeout, seconds")
    parser.add_argument("--grace", type=float, default=300.0, help="longest wait for the ingest process after")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--replicas", type=int, default=1, help="servers over the same data directory (read-only "
                        "when more than one), clients spread over them")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (store, server log)")
    parser.add_argument("--ingest-worker", nargs=3, metavar=("DATA_DIR", "FOLDER", "PACE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.ingest_worker:
        data_dir, folder, pace = args.ingest_worker
        ingest_worker(Path(data_dir), Path(folder), float(pace))
        return 0

    machine = {**machine_info(), "loadavg": " ".join(f"{x:.1f}" for x in os.getloadavg())}
    work = Path(tempfile.mkdtemp(prefix="bench-load-"))
    data_dir, folder = work / "data", work / "incoming"
    names = write_corpus(folder, args.documents)
    questions = {notice(i)[0]: notice(i)[2] for i in range(args.documents)}
    try:
        subprocess.run([*CLI, "--data-dir", str(data_dir), "ingest", str(EXAMPLES)], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        expected = {p.name for p in EXAMPLES.iterdir() if p.suffix in (".txt", ".pdf", ".docx")} | set(names)
        servers = [start_server(data_dir, work / f"server-{i}.log", read_only=args.replicas > 1)
                   for i in range(max(1, args.replicas))]
        urls = [url for _, url in servers]
        try:
            pace = args.duration * 0.7 / max(1, args.documents + len(HOSTILE))
            with open(work / "ingest.log", "wb") as log:
                worker = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--ingest-worker",
                                           str(data_dir), str(folder), str(pace)], cwd=ROOT, stdout=subprocess.PIPE,
                                          stderr=log, text=True)
            result = asyncio.run(drive(urls, args, worker, questions))
            try:
                worker_rc = worker.wait(timeout=args.grace)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker_rc = None
            import httpx

            health = [httpx.get(url + "/healthz", timeout=60).json() for url in urls]
            summary = summarize(result, check_catalog(data_dir, expected), health, worker_rc,
                                [server.pid for server, _ in servers], args)
        finally:
            for server, _ in servers:
                server.terminate()
                server.wait(timeout=60)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    problems = verdict(summary, args.documents)
    print(json.dumps(summary, ensure_ascii=False))
    print(render(summary, machine, problems))
    if args.keep:
        print(f"kept {work} (store, server.log, ingest.log)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
