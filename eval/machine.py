"""The machine a measurement ran on, for reports and benchmark tables."""
from __future__ import annotations

import os
import platform
import time
from pathlib import Path


def _meminfo_kb(field: str) -> int:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_info() -> dict:
    """nproc, RAM, CPU model, OS and Python version, and the local date and time."""
    return {
        "nproc": os.cpu_count() or 0,
        "ram_gib": round(_meminfo_kb("MemTotal") / 1024 ** 2, 1),
        "cpu": _cpu_model(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
    }


def describe(info: dict) -> str:
    return f"{info['nproc']} CPU ({info['cpu']}), {info['ram_gib']} GiB RAM, {info['os']}, Python {info['python']}"


def _status_mib(pid: int | str, field: str) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def rss_mib(pid: int | str = "self") -> float:
    """Resident memory of a process (Linux /proc), in MiB; 0 where unavailable."""
    return _status_mib(pid, "VmRSS")


def peak_rss_mib(pid: int | str = "self") -> float:
    """Peak resident memory (VmHWM) of a process, in MiB; 0 where unavailable."""
    return _status_mib(pid, "VmHWM")
