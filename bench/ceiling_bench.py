#!/usr/bin/env python3
"""The fixed-filter pipelines against the no-filter transcode (issue 17, goal 5), round by round.

`make bench` times each row's runs together, so on a shared machine the load can change between
the transcode row and a filter row. This script runs one of each per round, in turn, ROUNDS times
(default 5), and prints for every command the median wall time, the median CPU time (user +
system of the process and its threads, from wait4) and the median over rounds of its fps as a
share of that round's transcode. Inputs and encoder settings are bench.py's (run `make bench`
once first to make bench/data/1080p.mp4).

Usage: bench/ceiling_bench.py [NAME,NAME,...]   (default: every command below)
Extra commands: CEILING_EXTRA='{"name": ["argv", ...]}' (e.g. an older convoy binary).
"""
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONVOY = os.environ.get("CONVOY_BIN", str(ROOT / ".build" / "release" / "convoy"))
HD = str(ROOT / "bench" / "data" / "1080p.mp4")
OUT = ROOT / "bench" / "data" / "out"
X264 = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p", "-an"]
FFMPEG = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-i"]
FRAMES = 300


def convoy(name, kernel, space, isa=None):
    command = [CONVOY, "filter", HD, "--kernel", kernel, "--space", space, "-o", str(OUT / f"ceiling-{name}.mp4"), "-y", "-q"]
    return ["env", f"CONVOY_ISA={isa}"] + command if isa else command


COMMANDS = {
    "transcode": FFMPEG + [HD] + X264 + [str(OUT / "ceiling-transcode.mp4")],
    "gaussian-rgb": convoy("gaussian-rgb", "gaussian", "rgb"),
    "gaussian-rgb-baseline": convoy("gaussian-rgb-baseline", "gaussian", "rgb", "baseline"),
    "gaussian-yuv": convoy("gaussian-yuv", "gaussian", "yuv"),
    "sobel-luma": convoy("sobel-luma", "sobel", "luma"),
    "sobel-luma-baseline": convoy("sobel-luma-baseline", "sobel", "luma", "baseline"),
}


def run(command):
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {process.stderr.read().decode(errors='replace')[-500:]}")
    return wall, usage.ru_utime + usage.ru_stime


def main():
    COMMANDS.update(json.loads(os.environ.get("CEILING_EXTRA", "{}")))
    wanted = sys.argv[1].split(",") if len(sys.argv) > 1 else list(COMMANDS)
    names = ["transcode"] + [name for name in wanted if name in COMMANDS and name != "transcode"]
    rounds = int(os.environ.get("ROUNDS", "5"))
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"load before: {os.getloadavg()[0]:.2f}", flush=True)
    times = {name: [] for name in names}
    for _ in range(rounds):
        for name in names:
            times[name].append(run(COMMANDS[name]))
    ceiling = times["transcode"]
    for name in names:
        wall = statistics.median(t for t, _ in times[name])
        cpu = statistics.median(c for _, c in times[name])
        shares = [base / t for (base, _), (t, _) in zip(ceiling, times[name])]
        print(f"{name}: {FRAMES / wall:.1f} fps (median wall {wall:.2f} s), CPU {cpu:.2f} s, "
              f"share of the transcode's fps {statistics.median(shares):.0%} (rounds: {[round(s, 2) for s in shares]}), "
              f"transcode CPU / its CPU {statistics.median(c for _, c in ceiling) / cpu:.0%}")
    print(f"load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
