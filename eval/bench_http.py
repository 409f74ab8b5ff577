"""HTTP benchmark (a script, not a test): ingest throughput, ``/v1/ask`` latency with concurrent clients, memory.

It ingests a corpus with the real CLI into a fresh store, starts the real server on loopback, sends
the questions of a question file with 1, 4 and 8 concurrent clients, and prints (and writes into
``docs/benchmarks.md``, section ``bench_http``) the figures with the machine and the date.

    .venv/bin/python eval/bench_http.py [--corpus ../shared/corpus] [--questions ../shared/eval/notices-dev.jsonl]
                                        [--clients 1 4 8] [--rounds 1] [--data-dir DIR --skip-ingest] [--no-doc]

Index scaling (10k / 100k / 1M synthetic chunks) is measured by ``eval/bench_retrieval.py``.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eval.benchdoc import update_section
from eval.machine import describe, machine_info, peak_rss_mib, rss_mib
from eval.metrics import percentile

CLI = [sys.executable, "-m", "qa_service.cli"]


def ingest(corpus: Path, data_dir: Path) -> dict:
    """Ingest ``corpus`` with the CLI; wall time, input size, chunks and the process's peak memory."""
    files = [p for p in corpus.rglob("*") if p.is_file() and p.suffix.lower() in (".pdf", ".docx", ".txt")]
    started = time.perf_counter()
    proc = subprocess.Popen([*CLI, "--data-dir", str(data_dir), "ingest", "--json", str(corpus)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    stdout = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    outcomes = json.loads(stdout)["files"]
    megabytes = sum(f.stat().st_size for f in files) / 1e6
    chunks = sum(o["chunks"] for o in outcomes)
    return {"files": len(outcomes), "indexed": sum(o["status"] in ("added", "replaced", "duplicate") for o in outcomes),
            "problems": [f"{o['source']}: {o['status']}" for o in outcomes if o["status"] in ("error", "flagged")],
            "megabytes": megabytes, "chunks": chunks, "seconds": seconds, "cpu_s": usage.ru_utime + usage.ru_stime,
            "files_per_s": len(outcomes) / seconds,
            "mb_per_s": megabytes / seconds, "chunks_per_s": chunks / seconds, "peak_rss_mib": usage.ru_maxrss / 1024}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data_dir: Path) -> tuple[subprocess.Popen, str]:
    import httpx

    port = free_port()
    proc = subprocess.Popen([*CLI, "--data-dir", str(data_dir), "serve", "--host", "127.0.0.1", "--port", str(port)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 180
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("the server exited during start-up")
        try:
            if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    proc.terminate()
    raise RuntimeError("the server did not answer /healthz within 180 s")


def load(url: str, questions: list[str], clients: int, rounds: int) -> dict:
    """Send every question ``rounds`` times from ``clients`` concurrent clients; latency per request."""
    import httpx

    local = threading.local()

    def one(question: str) -> float:
        if not hasattr(local, "client"):
            local.client = httpx.Client(base_url=url, timeout=120)
        started = time.perf_counter()
        response = local.client.post("/v1/ask", json={"question": question})
        response.raise_for_status()
        return (time.perf_counter() - started) * 1000

    work = questions * rounds
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        latencies = list(pool.map(one, work))
    seconds = time.perf_counter() - started
    return {"clients": clients, "requests": len(work), "p50_ms": percentile(latencies, 50),
            "p95_ms": percentile(latencies, 95), "mean_ms": sum(latencies) / len(latencies),
            "req_per_s": len(work) / seconds}


def render(machine: dict, ingested: dict | None, runs: list[dict], memory: dict, args) -> str:
    lines = ["## HTTP service (`eval/bench_http.py`)", "",
             f"Measured {machine['date']} on {describe(machine)}; load average before the run "
             f"{machine['loadavg']} (other processes share the CPUs, so figures are indicative).", ""]
    if ingested:
        lines += [f"**Ingest** (`notice-qa ingest {args.corpus}`, fresh store): {ingested['files']} files "
                  f"({ingested['megabytes']:.1f} MB), {ingested['indexed']} indexed, {ingested['chunks']} chunks in "
                  f"{ingested['seconds']:.1f} s wall ({ingested['cpu_s']:.0f} s CPU, OCR included): "
                  f"{ingested['files_per_s']:.2f} files/s, {ingested['mb_per_s']:.2f} MB/s, "
                  f"{ingested['chunks_per_s']:.1f} chunks/s; peak memory {ingested['peak_rss_mib']:.0f} MiB."
                  + (f" Not indexed: {'; '.join(ingested['problems'])}." if ingested["problems"] else ""), ""]
    lines += [f"**`POST /v1/ask`** over loopback HTTP, {runs[0]['requests'] if runs else 0} requests per level "
              f"(the questions of `{args.questions}`, default settings: hybrid retrieval, "
              "extractive answerer), after a warm-up:", "",
              "| concurrent clients | requests | p50 ms | p95 ms | mean ms | requests/s |", "|---|---|---|---|---|---|"]
    lines += [f"| {r['clients']} | {r['requests']} | {r['p50_ms']:.0f} | {r['p95_ms']:.0f} | {r['mean_ms']:.0f} | "
              f"{r['req_per_s']:.1f} |" for r in runs]
    lines += ["", f"**Server memory**: {memory['idle_rss_mib']:.0f} MiB resident after start-up and warm-up, "
                  f"peak {memory['peak_rss_mib']:.0f} MiB under load."]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--questions", type=Path, default=ROOT.parent / "shared" / "eval" / "notices-dev.jsonl")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 4, 8])
    parser.add_argument("--rounds", type=int, default=1, help="times each question is sent per level")
    parser.add_argument("--data-dir", type=Path, help="store to use (default: a fresh temporary one)")
    parser.add_argument("--skip-ingest", action="store_true", help="serve --data-dir as it is")
    parser.add_argument("--no-doc", action="store_true", help="print only; do not write docs/benchmarks.md")
    args = parser.parse_args()

    machine = {**machine_info(), "loadavg": " ".join(f"{x:.1f}" for x in os.getloadavg())}
    temporary = args.data_dir is None
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="bench-http-"))
    questions = [json.loads(line)["question"] for line in args.questions.read_text(encoding="utf-8").splitlines()
                 if line.strip()]
    try:
        ingested = None if args.skip_ingest else ingest(args.corpus, data_dir)
        if ingested:
            print(json.dumps({"ingest": ingested}, ensure_ascii=False))
        server, url = start_server(data_dir)
        try:
            load(url, questions[:5], 1, 1)  # warm-up: model and index loaded, code paths hot
            memory = {"idle_rss_mib": rss_mib(server.pid)}
            runs = []
            for clients in args.clients:
                runs.append(load(url, questions, clients, args.rounds))
                print(json.dumps(runs[-1]))
            memory["peak_rss_mib"] = peak_rss_mib(server.pid)
            print(json.dumps({"memory": memory}))
        finally:
            server.terminate()
            server.wait(timeout=30)
    finally:
        if temporary:
            shutil.rmtree(data_dir, ignore_errors=True)
    text = render(machine, ingested, runs, memory, args)
    print("\n" + text)
    if not args.no_doc:
        print(f"\nwritten to {update_section('bench_http', text)}")


if __name__ == "__main__":
    main()
