#!/usr/bin/env python3
"""`make bench-segments` (also run by `make bench`): one job split across array tasks, on this
machine. A 60 s 720p clip (testsrc2, 30 fps, H.264, keyframe every 2 s) through `convoy features`
(the benchmarks' 3-layer network, maps averaged to [frames, 32]) as one task against two tasks of
one thread each, started together as a scheduler would start them on two cores, the plan and the
join included. Writes bench/SEGMENTS.md, which bench.py appends to BENCHMARKS.md.

Every run's output is checked: the joined .npy must have the bytes of the one-task run.
Environment: BENCH_REPEAT (default 3) runs of each configuration; figures are medians.
"""
import datetime
import os
import statistics
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
OUT = DATA / "out" / "segments"
CONVOY = os.environ.get("CONVOY_BIN", str(ROOT / ".build" / "release" / "convoy"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
MODEL = str(ROOT / "Samples" / "Models" / "tiny-features.yaml")
FRAMES = 1800


def make_input():
    path = DATA / "720p-60s.mp4"
    if not path.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        # Made beside it and renamed, so an interrupted run leaves no short clip to be reused.
        partial = path.with_name(path.stem + ".partial.mp4")
        subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                        "testsrc2=size=1280x720:rate=30:duration=60", "-c:v", "libx264", "-preset", "veryfast",
                        "-crf", "18", "-g", "60", "-pix_fmt", "yuv420p", str(partial)], check=True)
        partial.rename(path)
    return str(path)


def timed(commands):
    """Starts `commands` together and waits for all; their wall seconds."""
    start = time.perf_counter()
    processes = [subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for command in commands]
    for process, command in zip(processes, commands):
        _, stderr = process.communicate()
        if process.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed: {stderr.decode(errors='replace')[-500:]}")
    return time.perf_counter() - start


def features(clip, output, threads, extra=()):
    return [CONVOY, "features", clip, "--model", MODEL, "-o", output, "--pool", "avg", "-y", "-q",
            "--threads", str(threads), *extra]


def main():
    clip = make_input()
    OUT.mkdir(parents=True, exist_ok=True)
    single, joined, plan = str(OUT / "single.npy"), str(OUT / "joined.npy"), str(OUT / "plan.json")
    runs = {"one-1": [], "one-2": [], "plan": [], "tasks": [], "join": []}
    loads = [os.getloadavg()[0]]  # the 1-minute load average before and after each round
    for _ in range(REPEAT):
        runs["one-1"].append(timed([features(clip, single, 1)]))
        runs["one-2"].append(timed([features(clip, str(OUT / "single-2.npy"), 2)]))
        runs["plan"].append(timed([[CONVOY, "plan", clip, "--segments", "2", "-o", plan, "-y", "-q"]]))
        runs["tasks"].append(timed([features(clip, joined, 1, ["--plan", plan, "--segment", str(k)]) for k in (0, 1)]))
        runs["join"].append(timed([[CONVOY, "join", plan, "-o", joined, "-y", "-q"]]))
        if Path(joined).read_bytes() != Path(single).read_bytes():
            raise RuntimeError("the joined features differ from the one-task run")
        loads.append(os.getloadavg()[0])
    write_report(runs, loads)


def write_report(runs, loads):
    """Writes bench/SEGMENTS.md from the measured `runs` (seconds by configuration) and `loads`."""
    median = {key: statistics.median(values) for key, values in runs.items()}
    split = median["plan"] + median["tasks"] + median["join"]
    rows = [
        ("1 task, 1 thread", median["one-1"], "1.00×", "—"),
        ("1 task, 2 threads (`--threads 2`)", median["one-2"], f"{median['one-1'] / median['one-2']:.2f}×", "—"),
        ("2 tasks of 1 thread (plan + both tasks at once + join)", split, f"{median['one-1'] / split:.2f}×",
         f"{100 * (median['plan'] + median['join']) / split:.1f}%"),
    ]
    lines = [
        "## Segments: one job as array tasks",
        "",
        f"Measured by `make bench-segments` (bench/segments_bench.py) on {datetime.date.today().isoformat()}: {os.cpu_count()} cores,",
        f"{REPEAT} runs of each, medians. A 60 s 720p clip (testsrc2, 30 fps, H.264, keyframe every 2 s, {FRAMES} frames)",
        "through `convoy features --pool avg` (the 3-layer network above); the two tasks run at once, as a",
        "scheduler starts them on two cores, and the joined .npy is checked to have the one-task run's bytes.",
        "",
        "| configuration | wall s | fps | speed-up over 1 task, 1 thread | plan + join share |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    lines += [f"| {name} | {seconds:.1f} | {FRAMES / seconds:.1f} | {speedup} | {share} |" for name, seconds, speedup, share in rows]
    lines += [
        "",
        f"Plan {median['plan']:.2f} s (packet index only), tasks {median['tasks']:.1f} s, join {median['join']:.2f} s.",
        "Commands: `convoy plan 720p-60s.mp4 --segments 2 -o plan.json`; `convoy features 720p-60s.mp4 --model",
        "Samples/Models/tiny-features.yaml -o joined.npy --pool avg --threads 1 --plan plan.json --segment K` for K = 0, 1",
        "at once; `convoy join plan.json -o joined.npy`; against `convoy features … --threads 1` (and `--threads 2`).",
        f"Runs (s): {', '.join(f'{key} {[round(v, 2) for v in values]}' for key, values in runs.items())}.",
        f"Two tasks of one thread against one task of two threads: {median['one-2'] / split:.2f}× (the same cores, split by",
        "segments rather than by tiles).",
        f"Load (1-minute average, before and after each round, on {os.cpu_count()} cores): {', '.join(f'{load:.1f}' for load in loads)}.",
    ]
    if max(loads) > (os.cpu_count() or 1):
        lines += [
            "Under load: the machine was shared, above its core count. Each runnable thread then gets about an equal share, so",
            "one thread alone got about half of what two got, and the speed-ups over 1 task of 1 thread are inflated beyond",
            "the 2 an idle machine allows; the comparison of the two 2-thread rows and the plan + join share are the figures",
            "to read. Compare rows within this run, not with runs on other days.",
        ]
    (ROOT / "bench" / "SEGMENTS.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
