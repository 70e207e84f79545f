#!/usr/bin/env python3
"""`make bench`: measures Convoy and its peers side by side, alternately, several times, and
writes the medians and ratios into BENCHMARKS.md with the date, the machine and the commands.

Inputs are made with ffmpeg's generators (testsrc2, 10 s, 30 fps, H.264) under bench/data/.
Python peers (PyAV + numpy + onnxruntime) run from bench/.venv, made here; when pip cannot
reach its index those rows are skipped and the table says so.

Environment: BENCH_REPEAT (default 3) runs of each command; BENCH_ONLY=name,name to run a subset.
"""
import datetime
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
VENV = ROOT / "bench" / ".venv"
CONVOY = os.environ.get("CONVOY_BIN", str(ROOT / ".build" / "release" / "convoy"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
X264 = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p", "-an"]
GAUSS = "1 2 1 2 4 2 1 2 1"


def make_input(name, size, seconds=10):
    path = DATA / name
    if not path.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                        f"testsrc2=size={size}:rate=30:duration={seconds}", "-c:v", "libx264", "-preset", "veryfast",
                        "-crf", "18", "-pix_fmt", "yuv420p", str(path)], check=True)
    return str(path)


def python_peers():
    """The venv's python, or None (with the reason) when the packages cannot be installed."""
    python = VENV / "bin" / "python"
    if python.exists() and subprocess.run([str(python), "-c", "import av, onnx, onnxruntime, numpy"],
                                          capture_output=True).returncode == 0:
        return str(python), None
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    result = subprocess.run([str(python), "-m", "pip", "install", "-q", "numpy", "onnx", "onnxruntime", "av"],
                            capture_output=True, text=True)
    if result.returncode != 0:
        return None, "pip could not install numpy, onnx, onnxruntime and av: " + result.stderr.strip().splitlines()[-1:][0]
    return str(python), None


def run(command):
    """Wall seconds and peak RSS (MiB) of one run of `command`."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    stderr = process.stderr.read().decode(errors="replace")
    process.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{shlex.join(command)} failed: {stderr.strip()[-500:]}")
    return elapsed, usage.ru_maxrss / 1024


def cases(python):
    hd, sd = make_input("1080p.mp4", "1920x1080"), make_input("720p.mp4", "1280x720")
    sd_long = make_input("720p-30s.mp4", "1280x720", seconds=30)
    out = DATA / "out"
    out.mkdir(exist_ok=True)
    model = str(ROOT / "Samples" / "Models" / "tiny-features.yaml")
    weights = str(ROOT / "Samples" / "Models" / "tiny-features.safetensors")
    convolution = f"convolution=0m={GAUSS}:1m={GAUSS}:2m={GAUSS}:0rdiv=1/16:1rdiv=1/16:2rdiv=1/16"
    ff = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-i"]
    rows = [
        ("transcode", "1080p decode + x264, no filter (the ceiling)", 300,
         None, ff + [hd] + X264 + [str(out / "ff-copy.mp4")]),
        ("gaussian-rgb", "3×3 Gaussian in RGB, 1080p, decode → filter → x264", 300,
         [CONVOY, "filter", hd, "--kernel", "gaussian", "--space", "rgb", "-o", str(out / "cv-rgb.mp4"), "-y", "-q"],
         ff + [hd, "-vf", f"format=gbrp,{convolution},format=yuv420p"] + X264 + [str(out / "ff-rgb.mp4")]),
        ("gaussian-yuv", "3×3 Gaussian on the YUV planes, 1080p", 300,
         [CONVOY, "filter", hd, "--kernel", "gaussian", "--space", "yuv", "-o", str(out / "cv-yuv.mp4"), "-y", "-q"],
         ff + [hd, "-vf", convolution] + X264 + [str(out / "ff-yuv.mp4")]),
        ("sobel-luma", "Sobel magnitude on luma (chroma kept), 1080p", 300,
         [CONVOY, "filter", hd, "--kernel", "sobel", "--space", "luma", "-o", str(out / "cv-sobel.mp4"), "-y", "-q"],
         ff + [hd, "-vf", "sobel=planes=1"] + X264 + [str(out / "ff-sobel.mp4")]),
        ("features-720p", "3-layer net (3→16→32→32, 3×3, ReLU, 2×2 max pool), 720p, batch 8, 2 threads, maps averaged to [frames, 32]", 300,
         [CONVOY, "features", sd, "--model", model, "-o", str(out / "cv-feats.npy"), "--pool", "avg", "-y", "-q", "--threads", "2"],
         [python, str(ROOT / "bench" / "features_peer.py"), weights, sd, str(out / "py-feats.f32"), "2"] if python else None),
        ("features-720p-30s", "the same on a clip 3× as long (peak RSS must stay flat)", 900,
         [CONVOY, "features", sd_long, "--model", model, "-o", str(out / "cv-feats-long.npy"), "--pool", "avg", "-y", "-q", "--threads", "2"],
         None),
    ]
    only = os.environ.get("BENCH_ONLY")
    return [row for row in rows if not only or row[0] in only.split(",")]


def main():
    python, reason = python_peers()
    rows = cases(python)
    results = []
    for name, what, frames, convoy, peer in rows:
        times = {"convoy": [], "peer": []}
        for _ in range(REPEAT):
            for key, command in (("convoy", convoy), ("peer", peer)):
                if command:
                    times[key].append(run(command))
        summary = {}
        for key in times:
            if times[key]:
                seconds = statistics.median(t for t, _ in times[key])
                summary[key] = {"fps": frames / seconds, "seconds": seconds,
                                "rss": statistics.median(r for _, r in times[key]), "runs": [round(t, 2) for t, _ in times[key]]}
        results.append((name, what, convoy, peer, summary))
        line = f"{name}: " + ", ".join(f"{k} {v['fps']:.1f} fps ({v['rss']:.0f} MiB)" for k, v in summary.items())
        print(line, flush=True)
    write_report(results, reason)


def write_report(results, skipped_reason):
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), platform.processor())
    lines = [
        "# Benchmarks",
        "",
        f"Generated by `make bench` (bench/bench.py) on {datetime.date.today().isoformat()}: {os.cpu_count()} cores, {cpu}.",
        f"Each command ran {REPEAT} times, alternating with its peer; figures are medians (frames per second over",
        "wall time, peak RSS). Inputs: testsrc2, 10 s, 30 fps, H.264, made by the script. Encoders on both sides:",
        "libx264, preset veryfast, CRF 20, yuv420p, no audio. The machines are shared: compare within one run.",
        "",
        "| case | Convoy fps | peer fps | Convoy / peer | Convoy RSS MiB | peer RSS MiB |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, what, convoy, peer, summary in results:
        c, p = summary.get("convoy"), summary.get("peer")
        ratio = f"{c['fps'] / p['fps']:.2f}×" if c and p else "—"
        cell = lambda v, key, fmt: format(v[key], fmt) if v else "—"
        lines.append(f"| {name}: {what} | {cell(c, 'fps', '.1f')} | {cell(p, 'fps', '.1f')} | {ratio} | "
                     f"{cell(c, 'rss', '.0f')} | {cell(p, 'rss', '.0f')} |")
    if skipped_reason:
        lines += ["", f"Python peers skipped: {skipped_reason}"]
    lines += ["", "## Commands", ""]
    for name, what, convoy, peer, summary in results:
        lines.append(f"- **{name}**")
        if convoy:
            lines.append(f"  - Convoy: `{shlex.join(convoy).replace(str(ROOT) + '/', '')}`")
        if peer:
            lines.append(f"  - peer: `{shlex.join(peer).replace(str(ROOT) + '/', '')}`")
        for key, value in summary.items():
            lines.append(f"  - {key} runs (s): {value['runs']}")
    notes = ROOT / "bench" / "NOTES.md"
    if notes.exists():
        lines += ["", notes.read_text().strip()]
    training = ROOT / "bench" / "TRAIN.md"  # written by `make bench-train` (bench/train_bench.py)
    if training.exists():
        lines += ["", training.read_text().strip()]
    soak = ROOT / "bench" / "SOAK.md"  # written by `make soak` (bench/soak.py); kept last
    if soak.exists():
        lines += ["", soak.read_text().strip()]
    (ROOT / "BENCHMARKS.md").write_text("\n".join(lines) + "\n")
    print("wrote BENCHMARKS.md")


main()
