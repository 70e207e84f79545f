#!/usr/bin/env python3
"""`make soak`: checks that Convoy's memory stays flat over a long run and under a slow consumer.

ffmpeg's testsrc2 generator makes 640×360 rgb24 frames and pipes them, headerless, into
`convoy filter - --raw 640x360:rgb24@30 --kernel gaussian`. Three runs:

  long-raw   50,000 frames out as rawvideo on stdout, read as fast as they come;
  long-mp4   50,000 frames into an H.264 mp4 (libx264, the default encoder);
  long-mkv   the same into matroska;
  ffmpeg-mp4 ffmpeg itself doing the same (convolution filter, libx264, mp4), as a reference: an
             mp4 muxer keeps its sample index in memory until the trailer, so any mp4 writer grows
             a little with the length (not checked);
  slow       frames out as rawvideo on stdout into a reader that takes one frame every 20 ms
             (about 50 fps, far slower than Convoy), so only the bounded queues and the pipe's
             back-pressure keep Convoy from running ahead.

How peak RSS is taken: one run per case, reading Convoy's VmHWM (the kernel's high-water mark of
its resident set) from /proc/PID/status at the moment the run passes 1,000 frames (and a fifth
and half of the way, to show the trend), and the
process's ru_maxrss from wait4 at its end. VmHWM never goes down, so the first figure is exactly
the peak of the first 1,000 frames and the second the peak of the whole run, in the same process
(two runs of 1,000 and 50,000 frames would compare two processes whose start-up can differ).
With stdout, the frame count is the reader's own (frames received); with a file it is the
`--progress json` line (once a second), so that sample is taken a few hundred frames past 1,000.

The figures go to bench/SOAK.md and replace the "## Soak" section of BENCHMARKS.md (bench.py
copies bench/SOAK.md into the file it writes). Exit status 1 when a check fails.

Environment: SOAK_FRAMES (default 50000), SOAK_SLOW_FRAMES (default 3000), SOAK_SLOW_DELAY
(seconds per frame, default 0.02), SOAK_ONLY=long-raw,long-mp4,long-mkv,ffmpeg-mp4,slow to run a subset.
"""
import datetime
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONVOY = os.environ.get("CONVOY_BIN", str(ROOT / ".build" / "release" / "convoy"))
FRAMES = int(os.environ.get("SOAK_FRAMES", "50000"))
SLOW_FRAMES = int(os.environ.get("SOAK_SLOW_FRAMES", "3000"))
SLOW_DELAY = float(os.environ.get("SOAK_SLOW_DELAY", "0.02"))
WIDTH, HEIGHT = 640, 360
FRAME_BYTES = WIDTH * HEIGHT * 3
EARLY = 1000
TOLERANCE = 0.10


def generator(frames):
    return ["ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-f", "lavfi", "-i",
            f"testsrc2=size={WIDTH}x{HEIGHT}:rate=30", "-frames:v", str(frames),
            "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]


def convoy(output):
    command = [CONVOY, "filter", "-", "--raw", f"{WIDTH}x{HEIGHT}:rgb24@30", "--kernel", "gaussian"]
    if output == "-":
        return command + ["-o", "-", "--format", "rawvideo", "--pix-fmt", "rgb24", "-q"]
    return command + ["-o", output, "-y", "--progress", "json"]


def high_water_mib(pid):
    """VmHWM of `pid` in MiB (the peak resident set so far)."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for {pid}")


def ffmpeg_peer(output):
    """ffmpeg doing the same job (a 3×3 Gaussian in RGB, libx264 into mp4), for comparison."""
    gauss = "1 2 1 2 4 2 1 2 1"
    return ["ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-f", "rawvideo", "-pix_fmt", "rgb24",
            "-s", f"{WIDTH}x{HEIGHT}", "-r", "30", "-i", "-", "-vf",
            f"format=gbrp,convolution=0m={gauss}:1m={gauss}:2m={gauss}:0rdiv=1/16:1rdiv=1/16:2rdiv=1/16,format=yuv420p",
            "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-progress", "pipe:2", "-nostats", "-y", output]


def run_case(frames, command, to_stdout, delay=0.0, marks=(EARLY,)):
    """Runs generator | command [| reader]; returns the frames seen, VmHWM at each mark, the final
    peak (ru_maxrss) and the wall time. Frames are counted by the reader on stdout, else from the
    progress lines on stderr (Convoy's --progress json, ffmpeg's -progress)."""
    feeder = subprocess.Popen(generator(frames), stdout=subprocess.PIPE)
    process = subprocess.Popen(command, stdin=feeder.stdout,
                               stdout=subprocess.PIPE if to_stdout else subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL if to_stdout else subprocess.PIPE)
    feeder.stdout.close()
    start = time.perf_counter()
    at_mark = {}
    pending = sorted(marks)
    seen = 0
    if to_stdout:
        buffer = bytearray(FRAME_BYTES)
        view = memoryview(buffer)
        while True:
            got = 0
            while got < FRAME_BYTES:
                count = process.stdout.readinto(view[got:])
                if not count:
                    break
                got += count
            if got < FRAME_BYTES:
                break
            seen += 1
            while pending and seen >= pending[0]:
                at_mark[pending.pop(0)] = (seen, high_water_mib(process.pid))
            if delay:
                time.sleep(delay)
        process.stdout.close()
    else:
        for line in process.stderr:
            if line.startswith(b"{"):
                seen = json.loads(line).get("frames", seen)
            elif line.startswith(b"frame="):
                seen = int(line.split(b"=", 1)[1])
            else:
                continue
            while pending and seen >= pending[0]:
                at_mark[pending.pop(0)] = (seen, high_water_mib(process.pid))
        process.stderr.close()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    feeder.wait()
    code = os.waitstatus_to_exitcode(status)
    if code != 0 or feeder.returncode != 0:
        raise RuntimeError(f"{command[0]} exited {code}, ffmpeg {feeder.returncode}")
    return {"frames": seen, "marks": at_mark, "peak": usage.ru_maxrss / 1024, "seconds": elapsed}


def pipeline_text(frames, command, reader):
    text = shlex.join(generator(frames)) + " | " + shlex.join(command).replace(str(ROOT) + "/", "")
    return text + (f" | {reader}" if reader else "")


def main():
    only = os.environ.get("SOAK_ONLY")
    wanted = lambda name: not only or name in only.split(",")
    rows, failures, commands = [], [], []
    fast_at_slow_count = None

    marks = sorted({EARLY, SLOW_FRAMES, FRAMES // 5, FRAMES // 2} - {FRAMES})
    if wanted("long-raw"):
        result = run_case(FRAMES, convoy("-"), True, marks=marks)
        early_frames, early = result["marks"][EARLY]
        fast_at_slow_count = result["marks"].get(SLOW_FRAMES, (None, None))[1]
        rows.append(("long-raw", "Convoy: rawvideo to stdout, read at once", result, early_frames, early))
        commands.append(("long-raw", pipeline_text(FRAMES, convoy("-"), "soak.py's reader, taking each frame as it comes")))

    files = [("long-mp4", "Convoy: H.264 (libx264 veryfast) into mp4", convoy, "soak.mp4"),
             ("long-mkv", "Convoy: the same into matroska", convoy, "soak.mkv"),
             ("ffmpeg-mp4", "ffmpeg itself, the same filter and encoder into mp4 (a reference, not checked)", ffmpeg_peer, "peer.mp4")]
    for name, what, make, filename in files:
        if not wanted(name):
            continue
        with tempfile.TemporaryDirectory(prefix="convoy-soak-") as directory:
            result = run_case(FRAMES, make(str(Path(directory) / filename)), False, marks=marks)
        early_frames, early = result["marks"][EARLY]
        rows.append((name, what, result, early_frames, early))
        commands.append((name, pipeline_text(FRAMES, make(f"/tmp/{filename}"), None)))

    for name, what, result, early_frames, early in rows:
        print(f"{name}: {result['frames']} frames in {result['seconds']:.0f} s; peak {early:.1f} MiB at "
              f"{early_frames} frames, {result['peak']:.1f} MiB at {result['frames']}", flush=True)

    for name, what, result, early_frames, early in rows:
        if name.startswith("ffmpeg"):
            continue
        if result["frames"] != FRAMES:
            failures.append(f"{name}: {result['frames']} frames came out of {FRAMES}")
        growth = result["peak"] / early - 1
        if abs(growth) >= TOLERANCE:
            failures.append(f"{name}: peak RSS grew {growth:+.1%} from {early_frames} to {result['frames']} frames")

    slow = None
    if wanted("slow"):
        slow = run_case(SLOW_FRAMES, convoy("-"), True, delay=SLOW_DELAY, marks=(EARLY,))
        commands.append(("slow", pipeline_text(SLOW_FRAMES, convoy("-"), f"soak.py's reader, taking one frame every {SLOW_DELAY * 1000:.0f} ms")))
        print(f"slow: {slow['frames']} frames in {slow['seconds']:.0f} s ({slow['frames'] / slow['seconds']:.1f} fps); "
              f"peak {slow['marks'][EARLY][1]:.1f} MiB at {slow['marks'][EARLY][0]} frames, {slow['peak']:.1f} MiB at end", flush=True)
        if slow["frames"] != SLOW_FRAMES:
            failures.append(f"slow: {slow['frames']} frames came out of {SLOW_FRAMES}")
        if fast_at_slow_count is not None and slow["peak"] / fast_at_slow_count - 1 >= TOLERANCE:
            failures.append(f"slow: peak RSS {slow['peak']:.1f} MiB against {fast_at_slow_count:.1f} MiB with a fast reader")
        growth = slow["peak"] / slow["marks"][EARLY][1] - 1
        if abs(growth) >= TOLERANCE:
            failures.append(f"slow: peak RSS grew {growth:+.1%} from {EARLY} to {slow['frames']} frames")

    write_report(rows, slow, fast_at_slow_count, commands, failures)
    for failure in failures:
        print("FAILED: " + failure, file=sys.stderr)
    print("soak: " + ("all checks passed" if not failures else f"{len(failures)} check(s) failed"))
    sys.exit(1 if failures else 0)


def write_report(rows, slow, fast_at_slow_count, commands, failures):
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "")
    lines = [
        "## Soak",
        "",
        f"Generated by `make soak` (bench/soak.py) on {datetime.date.today().isoformat()}: {os.cpu_count()} cores, {cpu}.",
        f"testsrc2 frames, {WIDTH}×{HEIGHT} rgb24, piped headerless into `convoy filter - --raw` with a 3×3 Gaussian in RGB.",
        "Peak RSS is Convoy's VmHWM read from /proc when the run passes 1,000 frames, and its ru_maxrss at the",
        "end of the same run (VmHWM only rises, so each is the peak up to that point).",
        "",
        "| run | output | frames | fps | peak RSS at ~1,000 frames | along the way (MiB at frames) | peak RSS at the end | change |",
        "| --- | --- | ---: | ---: | ---: | --- | ---: | ---: |",
    ]
    def along(result):
        later = [(seen, mib) for mark, (seen, mib) in sorted(result["marks"].items()) if mark != EARLY]
        return ", ".join(f"{mib:.1f} at {seen:,}" for seen, mib in later) or "—"
    for name, what, result, early_frames, early in rows:
        lines.append(f"| {name} | {what} | {result['frames']:,} | {result['frames'] / result['seconds']:.0f} | "
                     f"{early:.1f} MiB ({early_frames:,} frames) | {along(result)} | {result['peak']:.1f} MiB | {result['peak'] / early - 1:+.1%} |")
    if slow:
        early_frames, early = slow["marks"][EARLY]
        lines.append(f"| slow | rawvideo to stdout, read one frame every {SLOW_DELAY * 1000:.0f} ms | {slow['frames']:,} | "
                     f"{slow['frames'] / slow['seconds']:.0f} | {early:.1f} MiB ({early_frames:,} frames) | — | {slow['peak']:.1f} MiB | "
                     f"{slow['peak'] / early - 1:+.1%} |")
        if fast_at_slow_count is not None:
            lines += ["", f"Slow consumer: peak {slow['peak']:.1f} MiB over {slow['frames']:,} frames, against "
                          f"{fast_at_slow_count:.1f} MiB at the same point of the fast long-raw run "
                          f"({slow['peak'] / fast_at_slow_count - 1:+.1%}): the bounded queues and the pipe push back."]
    lines += ["", "Checks (each under 10%): " + ("all passed." if not failures else "; ".join(failures) + "."), "", "Commands:", ""]
    for name, text in commands:
        lines.append(f"- {name}: `{text}`")
    notes = ROOT / "bench" / "SOAK-NOTES.md"  # hand-written findings, kept under the figures
    if notes.exists():
        lines += ["", notes.read_text().strip()]
    section = "\n".join(lines) + "\n"
    (ROOT / "bench" / "SOAK.md").write_text(section)
    report = ROOT / "BENCHMARKS.md"
    text = report.read_text() if report.exists() else "# Benchmarks\n"
    head = text.split("\n## Soak\n", 1)[0].rstrip("\n")
    report.write_text(head + "\n\n" + section)
    print("wrote bench/SOAK.md and the Soak section of BENCHMARKS.md")


main()
