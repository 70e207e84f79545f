#!/usr/bin/env python3
"""`make bench`: measures Convoy and its peers side by side, alternately, several times, and
writes the medians and ratios into BENCHMARKS.md with the date, the machine and the commands.

Inputs are made with ffmpeg's generators (testsrc2, 10 s, 30 fps, H.264) under bench/data/.
Python peers (PyAV + numpy + onnxruntime) run from bench/.venv, made here; when pip cannot
reach its index those rows are skipped and the table says so.

The "conv layers alone" rows time single convolution layers on random batches (8 frames of 1080p,
2 threads): `convoy-bench` (Sources/ConvoyBench) against bench/conv_peer.py (onnxruntime), each
printing one JSON line per case; the figures are the medians over the runs of each program's own
median.

Environment: BENCH_REPEAT (default 3) runs of each command; BENCH_ONLY=name,name to run a subset
(`conv-layers` names all the conv rows). Rows a subset leaves out are copied, with their commands
and the date they were measured, from the BENCHMARKS.md already there.
"""
import datetime
import json
import os
import platform
import re
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
CONVOY_BENCH = os.environ.get("CONVOY_BENCH_BIN", str(ROOT / ".build" / "release" / "convoy-bench"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
X264 = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p", "-an"]
GAUSS = "1 2 1 2 4 2 1 2 1"
TODAY = datetime.date.today().isoformat()
FILTER_GOAL_MS = 3.0  # issue 5, goal 3: the fixed RGB 3×3 filter within 3 ms per 1080p frame
# issue 17, goal 5: each fixed-filter row's fps as a share of the no-filter transcode's, same run.
TRANSCODE_GOALS = {"gaussian-rgb": 0.9, "gaussian-yuv": 1.0, "sobel-luma": 1.0,
                   "gaussian-rgb-baseline": None, "sobel-luma-baseline": None}


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


def run_json(command):
    """The JSON lines `command` prints, by their "name"."""
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{shlex.join(command)} failed: {result.stderr.strip()[-500:]}")
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    return {line["name"]: line for line in lines}


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
    tiny_onnx = str(ROOT / "Tests" / "ConvoyWeightsTests" / "Fixtures" / "onnx" / "tiny-features.onnx")
    convolution = f"convolution=0m={GAUSS}:1m={GAUSS}:2m={GAUSS}:0rdiv=1/16:1rdiv=1/16:2rdiv=1/16"
    ff = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-i"]
    rows = [
        ("transcode", "1080p decode + x264, no filter (the ceiling)", 300,
         None, ff + [hd] + X264 + [str(out / "ff-copy.mp4")]),
        ("gaussian-rgb", "3×3 Gaussian in RGB, 1080p, decode → filter → x264", 300,
         [CONVOY, "filter", hd, "--kernel", "gaussian", "--space", "rgb", "-o", str(out / "cv-rgb.mp4"), "-y", "-q"],
         ff + [hd, "-vf", f"format=gbrp,{convolution},format=yuv420p"] + X264 + [str(out / "ff-rgb.mp4")]),
        ("gaussian-rgb-baseline", "gaussian-rgb with CONVOY_ISA=baseline (Convoy's own loops as SSE2, as before issue 17)", 300,
         ["env", "CONVOY_ISA=baseline", CONVOY, "filter", hd, "--kernel", "gaussian", "--space", "rgb", "-o", str(out / "cv-rgb-base.mp4"), "-y", "-q"],
         None),
        ("gaussian-yuv", "3×3 Gaussian on the YUV planes, 1080p", 300,
         [CONVOY, "filter", hd, "--kernel", "gaussian", "--space", "yuv", "-o", str(out / "cv-yuv.mp4"), "-y", "-q"],
         ff + [hd, "-vf", convolution] + X264 + [str(out / "ff-yuv.mp4")]),
        ("sobel-luma", "Sobel magnitude on luma (chroma kept), 1080p", 300,
         [CONVOY, "filter", hd, "--kernel", "sobel", "--space", "luma", "-o", str(out / "cv-sobel.mp4"), "-y", "-q"],
         ff + [hd, "-vf", "sobel=planes=1"] + X264 + [str(out / "ff-sobel.mp4")]),
        ("sobel-luma-baseline", "sobel-luma with CONVOY_ISA=baseline", 300,
         ["env", "CONVOY_ISA=baseline", CONVOY, "filter", hd, "--kernel", "sobel", "--space", "luma", "-o", str(out / "cv-sobel-base.mp4"), "-y", "-q"],
         None),
        ("sobel-yuv", "Sobel magnitude on all three planes, 1080p (what plain `-vf sobel` computes)", 300,
         [CONVOY, "filter", hd, "--kernel", "sobel", "--space", "yuv", "-o", str(out / "cv-sobel-yuv.mp4"), "-y", "-q"],
         ff + [hd, "-vf", "sobel"] + X264 + [str(out / "ff-sobel-yuv.mp4")]),
        ("features-720p", "3-layer net (3→16→32→32, 3×3, ReLU, 2×2 max pool), 720p, batch 8, 2 threads, maps averaged to [frames, 32]", 300,
         [CONVOY, "features", sd, "--model", model, "-o", str(out / "cv-feats.npy"), "--pool", "avg", "-y", "-q", "--threads", "2"],
         [python, str(ROOT / "bench" / "features_peer.py"), weights, sd, str(out / "py-feats.f32"), "2"] if python else None),
        ("features-720p-onnx", "the features-720p network as an ONNX file (--model tiny-features.onnx); peer: the same file in onnxruntime", 300,
         [CONVOY, "features", sd, "--model", tiny_onnx, "-o", str(out / "cv-feats-onnx.npy"), "--pool", "avg", "-y", "-q", "--threads", "2"],
         [python, str(ROOT / "bench" / "features_peer.py"), tiny_onnx, sd, str(out / "py-feats-onnx.f32"), "2"] if python else None),
        ("features-720p-30s", "the same on a clip 3× as long (peak RSS must stay flat)", 900,
         [CONVOY, "features", sd_long, "--model", model, "-o", str(out / "cv-feats-long.npy"), "--pool", "avg", "-y", "-q", "--threads", "2"],
         None),
    ]
    return rows


def conv_cases(python):
    """Conv layers alone: (name, what, Convoy command, peer command or None)."""
    hd = ["--batch", "8", "--width", "1920", "--height", "1080", "--threads", "2", "--repeat", "5"]
    sd = ["--batch", "8", "--width", "1280", "--height", "720", "--threads", "2", "--repeat", "5"]
    layers = [
        ("conv-3-16", "conv 3→16, 3×3, pad 1, bias + ReLU", True, hd),
        ("conv-16-32", "conv 16→32, 3×3, pad 1, bias + ReLU", True, hd),
        ("conv-32-32", "conv 32→32, 3×3, pad 1, bias + ReLU", True, hd),
        ("depthwise-rgb", "depthwise 3×3 on RGB (3→3, groups 3, pad 1, bias)", True, hd),
        ("tiny-features", "the features-720p network alone (3→16, ReLU, 2×2 max pool, 16→32, ReLU, 32→32, ReLU), 720p", True, sd),
        ("tiny-features-onnx", "the same network imported from its ONNX file (both sides run that file), 720p", True, sd),
        ("gaussian-direct", "fixed RGB 3×3 Gaussian, direct engine (PlaneStreamFilter, 8-bit planes)", False, hd),
        ("gaussian-im2col", "fixed RGB 3×3 Gaussian, im2col engine (FilterChain layer on [N·3, 1, H, W] Float32)", False, hd),
        ("sobel-direct", "fixed Sobel magnitude on one 8-bit plane per frame, direct engine (PlaneStreamFilter)", False, hd),
    ]
    rows = [(name, what, [CONVOY_BENCH, "--case", name] + shape,
             [python, str(ROOT / "bench" / "conv_peer.py"), "--case", name] + shape if peer and python else None)
            for name, what, peer, shape in layers if name != "tiny-features-onnx"]
    # The ONNX file itself on both sides: `convoy-bench --model` and `conv_peer.py --model`.
    tiny_onnx = str(ROOT / "Tests" / "ConvoyWeightsTests" / "Fixtures" / "onnx" / "tiny-features.onnx")
    onnx_row = [row for row in layers if row[0] == "tiny-features-onnx"][0]
    model = ["--model", tiny_onnx, "--name", "tiny-features-onnx"]
    rows.insert(4, ("tiny-features-onnx", onnx_row[1], [CONVOY_BENCH] + model + ["--size", "1280x720"] + sd[:2] + sd[6:],
                    [python, str(ROOT / "bench" / "conv_peer.py")] + model + sd if python else None))
    return rows


def network_cases(python):
    """Issue 17's networks alone: (name, what, ONNX file, size). Each is timed by convoy-bench --model
    (FP32 and bf16), onnxruntime and OpenVINO (f32 and bf16 precision hints), 2 threads, batch 8."""
    pnet = DATA / "pnet.onnx"
    if python and not pnet.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        subprocess.run([python, str(ROOT / "bench" / "make_pnet.py"), str(pnet)], check=True)
    return [
        ("net-tiny-features", "tiny-features (3→16, ReLU, 2×2 pool, 16→32, ReLU, 32→32, ReLU), its ONNX file, 1280×720",
         str(ROOT / "Tests" / "ConvoyWeightsTests" / "Fixtures" / "onnx" / "tiny-features.onnx"), "1280x720"),
        ("net-pnet", "PNet-shaped (3→10, PReLU, 2×2 ceil-mode pool, 10→16, PReLU, 16→32, PReLU, 1×1 heads 32→2 + softmax and 32→4), "
         "bench/make_pnet.py's ONNX file, 768×576", str(pnet), "768x576"),
    ]


def network_commands(name, model, size, python):
    """The five timings of one network row, by column: Convoy FP32 and bf16, onnxruntime, OpenVINO f32 and bf16."""
    width, height = size.split("x")
    shape = ["--batch", "8", "--threads", "2", "--repeat", "5"]
    convoy = [CONVOY_BENCH, "--model", model, "--name", name, "--size", size] + shape
    peer = [python, str(ROOT / "bench" / "conv_peer.py"), "--model", model, "--name", name, "--width", width, "--height", height] + shape
    commands = {"convoy-fp32": convoy, "convoy-bf16": convoy + ["--precision", "bf16"]}
    if python:
        commands["onnxruntime"] = peer
        if subprocess.run([python, "-c", "import openvino"], capture_output=True).returncode == 0:
            commands["openvino-f32"] = peer + ["--runtime", "openvino", "--precision", "f32"]
            commands["openvino-bf16"] = peer + ["--runtime", "openvino", "--precision", "bf16"]
    return commands


def measure_peak():
    """The FP32 FMA peak (GFLOP/s) on 2 threads, measured now by convoy-bench --peak."""
    command = [CONVOY_BENCH, "--peak", "--threads", "2", "--repeat", "5"]
    return run_json(command)["fma-peak"], command


def selected(rows):
    only = os.environ.get("BENCH_ONLY")
    if not only:
        return rows
    names = set(only.split(","))
    return [row for row in rows if row[0] in names or ("conv-layers" in names and row[0] in CONV_NAMES)]


CONV_NAMES = {"conv-3-16", "conv-16-32", "conv-32-32", "depthwise-rgb", "tiny-features", "tiny-features-onnx", "gaussian-direct", "gaussian-im2col", "sobel-direct"}
NETWORK_GOAL = 0.9  # issue 5, goal 4: the network at least 0.9× onnxruntime's speed on the same batches
FILTER_NAMES = {"gaussian-direct", "gaussian-im2col"}  # timed against FILTER_GOAL_MS, no peer


def main():
    python, reason = python_peers()
    peaks = [(measure_peak(), os.getloadavg())]  # issue 17: the FMA peak in the same run, before and after
    all_rows, all_conv_rows = cases(python), conv_cases(python)
    rows, conv_rows = selected(all_rows), selected(all_conv_rows)
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
    conv_results = []
    for name, what, convoy, peer in conv_rows:
        lines = {"convoy": [], "peer": []}
        for _ in range(REPEAT):
            for key, command in (("convoy", convoy), ("peer", peer)):
                if command:
                    lines[key].append(run_json(command)[name])
        # A peer that counts no FLOPs (conv_peer.py --model) gets convoy-bench's count of the same graph.
        for line in lines["peer"]:
            if line.get("gflops") is None and lines["convoy"]:
                line["gflops"] = round(lines["convoy"][0]["flop_per_frame"] / (line["ms_per_frame"] / 1000) / 1e9, 1)
        summary = {key: {"ms": statistics.median(line["ms_per_frame"] for line in values),
                         "gflops": statistics.median(line["gflops"] for line in values),
                         "runs": [line["ms_per_frame"] for line in values]}
                   for key, values in lines.items() if values}
        conv_results.append((name, what, convoy, peer, summary))
        print(f"{name}: " + ", ".join(f"{k} {v['ms']:.1f} ms/frame ({v['gflops']:.1f} GFLOP/s)" for k, v in summary.items()),
              flush=True)
    network_results = measure_networks(python)
    peaks.append((measure_peak(), os.getloadavg()))
    write_report(results, conv_results, reason, [row[0] for row in all_rows], [row[0] for row in all_conv_rows], network_results, peaks)


def measure_networks(python):
    """Every network row, each column's command alternating within each repeat."""
    rows = selected(network_cases(python))
    results = []
    for name, what, model, size in rows:
        commands = network_commands(name, model, size, python)
        lines = {key: [] for key in commands}
        for _ in range(REPEAT):
            for key, command in commands.items():
                lines[key].append(run_json(command)[name])
        flops = lines["convoy-fp32"][0]["flop_per_frame"]
        summary = {key: {"ms": statistics.median(line["ms_per_frame"] for line in values),
                         "gflops": flops / (statistics.median(line["ms_per_frame"] for line in values) / 1000) / 1e9,
                         "runs": [line["ms_per_frame"] for line in values]}
                   for key, values in lines.items()}
        results.append((name, what, commands, summary))
        print(f"{name}: " + ", ".join(f"{k} {v['ms']:.1f} ms/frame" for k, v in summary.items()), flush=True)
    return results


def previous_report():
    """From the BENCHMARKS.md already there: its date, each case's table row and each case's
    command block (its lines, with a "measured" line added when it had none)."""
    path = ROOT / "BENCHMARKS.md"
    if not path.exists():
        return None, {}, {}
    text = path.read_text()
    found = re.search(r"Generated by `make bench` \(bench/bench.py\) on (\d{4}-\d{2}-\d{2})", text)
    date = found.group(1) if found else "an earlier run"
    rows, blocks, current = {}, {}, None
    for line in text.splitlines():
        if line.startswith("## ") and line != "## Commands":
            current = None
        row = re.match(r"\| ([a-z0-9-]+): ", line)
        if row:
            rows[row.group(1)] = line
        block = re.match(r"- \*\*([a-z0-9-]+)\*\*$", line)
        if block:
            current = block.group(1)
            blocks[current] = [line]
        elif current and line.startswith("  - "):
            blocks[current].append(line)
        elif current:
            current = None
    for lines in blocks.values():
        if not any(line.startswith("  - measured:") for line in lines):
            lines.insert(1, f"  - measured: {date}")
    return date, rows, blocks


def command_block(name, convoy, peer, summary):
    lines = [f"- **{name}**", f"  - measured: {TODAY}"]
    if convoy:
        lines.append(f"  - Convoy: `{shlex.join(convoy).replace(str(ROOT) + '/', '')}`")
    if peer:
        lines.append(f"  - peer: `{shlex.join(peer).replace(str(ROOT) + '/', '')}`")
    for key, value in summary.items():
        unit = "ms/frame" if "ms" in value else "s"
        lines.append(f"  - {key} runs ({unit}): {value['runs']}")
    return lines


def transcode_shares(results):
    """Lines giving each fixed-filter row's Convoy fps as a share of the transcode's (issue 17,
    goal 5), when both were measured in this run."""
    by_name = {name: summary for name, _, _, _, summary in results}
    ceiling = by_name.get("transcode", {}).get("peer")
    shares = []
    for name, goal in TRANSCODE_GOALS.items():
        convoy = by_name.get(name, {}).get("convoy")
        if ceiling and convoy:
            share = convoy["fps"] / ceiling["fps"]
            verdict = f" (goal ≥ {goal:.0%}: {'met' if share >= goal else 'not met'})" if goal else ""
            shares.append(f"{name} {share:.0%}{verdict}")
    if not shares:
        return []
    return ["", "Against the no-filter transcode in the same run (Convoy's fps / the transcode's): " + "; ".join(shares) + "."]


def network_table(network_results, peaks):
    """The networks' section: times, the goals' ratios and the share of the FMA peak."""
    if not network_results:
        return []
    peak = statistics.median(p["gflops"] for (p, _), _ in peaks)
    (first, _), load_before = peaks[0]
    load_after = peaks[-1][1]
    lines = [
        "", "## Networks alone (issue 17)", "",
        f"Batches of 8 random frames, 2 threads, one stream; each command warms up once, then times 5 batches (median), and the",
        f"{REPEAT} runs of every column alternate; the table gives their median. Convoy: `convoy-bench --model` (FP32, and",
        "`--precision bf16`); onnxruntime and OpenVINO: bench/conv_peer.py --model on the same ONNX file (OpenVINO with the f32",
        f"and bf16 inference precision hints). FP32 FMA peak measured in the same run (`convoy-bench --peak --threads 2`):",
        f"{peak:.1f} GFLOP/s ({first['kernel']}; median of before and after). Load average (1, 5, 15 min) before:",
        f"{', '.join(f'{x:.1f}' for x in load_before)}; after: {', '.join(f'{x:.1f}' for x in load_after)} — the machine is shared, so",
        "compare columns within a row. GFLOP/s counts the convolutions' multiply-adds (convoy-bench's count) for every column.",
        "",
        "| network | Convoy FP32 ms/frame | Convoy bf16 | onnxruntime | OpenVINO f32 | OpenVINO bf16 | FP32 / faster FP32 peer (goal ≥ 1.25×) | "
        "FP32 share of peak (goal ≥ 75%) | bf16 / Convoy FP32 (goal ≥ 1.7×) | bf16 / OpenVINO bf16 (goal ≥ 1.2×) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, what, commands, summary in network_results:
        ms = lambda key: f"{summary[key]['ms']:.1f}" if key in summary else "—"
        fp32, bf16 = summary["convoy-fp32"]["ms"], summary["convoy-bf16"]["ms"]
        peers = [summary[key]["ms"] for key in ("onnxruntime", "openvino-f32") if key in summary]
        ratio = lambda value, goal: f"{value:.2f}× ({'met' if value >= goal else 'not met'})"
        lines.append(f"| {name}: {what} | {ms('convoy-fp32')} | {ms('convoy-bf16')} | {ms('onnxruntime')} | {ms('openvino-f32')} | "
                     f"{ms('openvino-bf16')} | {ratio(min(peers) / fp32, 1.25) if peers else '—'} | "
                     f"{summary['convoy-fp32']['gflops'] / peak:.0%} ({summary['convoy-fp32']['gflops']:.1f} GFLOP/s) | "
                     f"{ratio(fp32 / bf16, 1.7)} | "
                     f"{ratio(summary['openvino-bf16']['ms'] / bf16, 1.2) if 'openvino-bf16' in summary else '—'} |")
    lines += ["", "Commands:", ""]
    lines.append(f"- **fma-peak**: `{shlex.join(peaks[0][0][1]).replace(str(ROOT) + '/', '')}`; runs (GFLOP/s): "
                 f"{[p['gflops'] for (p, _), _ in peaks]}")
    for name, what, commands, summary in network_results:
        lines.append(f"- **{name}**")
        for key, command in commands.items():
            lines.append(f"  - {key}: `{shlex.join(command).replace(str(ROOT) + '/', '')}`; runs (ms/frame): {summary[key]['runs']}")
    return lines


def write_report(results, conv_results, skipped_reason, order, conv_order, network_results, peaks):
    peak = statistics.median(p["gflops"] for (p, _), _ in peaks)
    previous_date, previous_rows, previous_blocks = previous_report()
    measured = {result[0] for result in results + conv_results}
    kept = [name for name in order + conv_order if name not in measured and name in previous_rows]
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), platform.processor())
    lines = [
        "# Benchmarks",
        "",
        f"Generated by `make bench` (bench/bench.py) on {TODAY}: {os.cpu_count()} cores, {cpu}.",
        f"Each command ran {REPEAT} times, alternating with its peer; figures are medians (frames per second over",
        "wall time, peak RSS). Inputs: testsrc2, 10 s, 30 fps, H.264, made by the script. Encoders on both sides:",
        "libx264, preset veryfast, CRF 20, yuv420p, no audio. The machines are shared: compare within one run.",
    ]
    if kept and not measured:
        lines += ["No row was measured this time (BENCH_ONLY matched none): rows and commands are copied from the",
                  "previous BENCHMARKS.md (each command block says when it was measured); only the notes were refreshed."]
    elif kept:
        lines += [f"This run measured only {', '.join(sorted(measured))} (BENCH_ONLY); the other rows and their commands",
                  f"are copied from the previous BENCHMARKS.md (each command block says when it was measured)."]
    lines += [
        "",
        "| case | Convoy fps | peer fps | Convoy / peer | Convoy RSS MiB | peer RSS MiB |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    cell = lambda v, key, fmt: format(v[key], fmt) if v else "—"
    new_rows, blocks = {}, {}
    for name, what, convoy, peer, summary in results:
        c, p = summary.get("convoy"), summary.get("peer")
        ratio = f"{c['fps'] / p['fps']:.2f}×" if c and p else "—"
        new_rows[name] = (f"| {name}: {what} | {cell(c, 'fps', '.1f')} | {cell(p, 'fps', '.1f')} | {ratio} | "
                          f"{cell(c, 'rss', '.0f')} | {cell(p, 'rss', '.0f')} |")
        blocks[name] = command_block(name, convoy, peer, summary)
    for name, what, convoy, peer, summary in conv_results:
        c, p = summary.get("convoy"), summary.get("peer")
        if name == "sobel-direct":
            goal = "no goal: the filter's share of the sobel-luma row"
        elif name == "gaussian-im2col":
            goal = f"{c['ms']:.1f} ms/frame (the 3 ms goal is the default engine's, gaussian-direct)"
        elif name in FILTER_NAMES:
            goal = f"{c['ms']:.1f} ms/frame (goal ≤ {FILTER_GOAL_MS:g} ms: {'met' if c['ms'] <= FILTER_GOAL_MS else 'not met'})"
        elif name == "tiny-features":
            goal = f"{c['gflops'] / p['gflops']:.2f}× onnxruntime's speed (goal ≥ {NETWORK_GOAL:g}×)" if p else "—"
        else:
            goal = f"{c['gflops'] / p['gflops']:.2f}× onnxruntime's GFLOP/s (goal ≥ 1.0×)" if p else "—"
        share = f"{c['gflops'] / peak:.0%}" if c and c.get("gflops") else "—"
        if name in ("conv-16-32", "conv-32-32") and c:
            share += f" (goal ≥ 85%: {'met' if c['gflops'] / peak >= 0.85 else 'not met'})"
        new_rows[name] = (f"| {name}: {what} | {cell(c, 'ms', '.1f')} | {cell(p, 'ms', '.1f')} | {cell(c, 'gflops', '.1f')} | "
                          f"{cell(p, 'gflops', '.1f')} | {share} | {goal} |")
        blocks[name] = command_block(name, convoy, peer, summary)
    for name in kept:
        new_rows[name] = previous_rows[name]
        if name in previous_blocks:
            blocks[name] = previous_blocks[name]
    lines += [new_rows[name] for name in order if name in new_rows]
    lines += transcode_shares(results)
    if skipped_reason:
        lines += ["", f"Python peers skipped: {skipped_reason}"]
    if any(name in new_rows for name in conv_order):
        lines += [
            "",
            "## Conv layers alone",
            "",
            "Single layers on random Float32 batches of 8 frames of 1920×1080 (the network: 1280×720), 2 threads: `convoy-bench` (oneDNN",
            "single-threaded in each of 2 workers that share the batch's tiles, as `convoy` runs) against onnxruntime",
            "(bench/conv_peer.py, 2 intra-op threads, input and output bound once). Each program warms up once, then",
            "times 5 whole batches and reports their median; the table gives the median of those over the runs.",
            "GFLOP/s counts 2 FLOPs per multiply-add of the convolution, nothing else:",
            "2 · outChannels · H · W · (inChannels / groups) · 3 · 3 per frame (the network: its three convolutions;",
            "Convoy runs the batch in the groups of whole frames `convoy features` uses, onnxruntime all at once).",
            "The Gaussian and Sobel rows have no peer; the Gaussian's",
            "goal is a time per frame (the direct engine reads and writes 8-bit planes, the im2col one Float32).",
            "",
            f"Share of peak: Convoy's GFLOP/s over the FP32 FMA peak measured in the same run ({peak:.1f} GFLOP/s, 2 threads;",
            "see the networks' section).",
            "",
            "| case | Convoy ms/frame | onnxruntime ms/frame | Convoy GFLOP/s | onnxruntime GFLOP/s | Convoy share of peak | Convoy / onnxruntime or goal |",
            "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        lines += [new_rows[name] for name in conv_order if name in new_rows]
    lines += network_table(network_results, peaks)
    lines += ["", "## Commands", ""]
    for name in order + conv_order:
        lines += blocks.get(name, [])
    notes = ROOT / "bench" / "NOTES.md"
    if notes.exists():
        lines += ["", notes.read_text().strip()]
    segments = ROOT / "bench" / "SEGMENTS.md"  # written by `make bench-segments` (bench/segments_bench.py)
    if segments.exists():
        lines += ["", segments.read_text().strip()]
    training = ROOT / "bench" / "TRAIN.md"  # written by `make bench-train` (bench/train_bench.py)
    if training.exists():
        lines += ["", training.read_text().strip()]
    soak = ROOT / "bench" / "SOAK.md"  # written by `make soak` (bench/soak.py); kept last
    if soak.exists():
        lines += ["", soak.read_text().strip()]
    (ROOT / "BENCHMARKS.md").write_text("\n".join(lines) + "\n")
    print("wrote BENCHMARKS.md")


main()
