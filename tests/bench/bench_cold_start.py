"""Start to the login window: the frozen bundle against the source tree, same machine, same run.

Usage: python tests/bench/bench_cold_start.py BUNDLE_DIR [--runs 5]
Needs Xvfb and xdotool (a real X server, so "the window is there" means mapped and visible).
Each run starts a fresh process on the same station (set up once) and stops the clock when a
visible window titled "登录 — 窗口受理" exists; runs alternate frozen/source so load drifts hit
both. Prints every run, the medians and the load average.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TITLE = "登录 — 窗口受理"


def wait_for_window(process: subprocess.Popen[bytes], env: dict[str, str],
                    timeout: float = 60) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"exited with {process.returncode}")
        found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", TITLE],
                               capture_output=True, env=env, check=False)
        if found.returncode == 0 and found.stdout.strip():
            return time.perf_counter() - start
        time.sleep(0.02)
    raise TimeoutError("no login window")


def one_run(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    try:
        wait_for_window(process, env)
        return time.perf_counter() - started
    except RuntimeError as exc:
        _, err = process.communicate(timeout=30)
        raise RuntimeError(f"{command[0]} {exc}: {err.decode('utf-8', 'replace')[-2000:]}") from None
    finally:
        process.terminate()
        process.wait(timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("bundle", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    for tool in ("Xvfb", "xdotool"):
        if shutil.which(tool) is None:
            print(f"{tool} missing (apt-get install xvfb xdotool)", file=sys.stderr)
            return 2
    # a display number of our own (other work on the machine uses the low ones), up when its
    # socket exists
    number = 300 + os.getpid() % 600
    # -noreset: without it the server resets when the last client quits, and the next start
    # (connecting during the reset) aborts with "could not connect to display"
    xvfb = subprocess.Popen(["Xvfb", f":{number}", "-noreset", "-screen", "0", "1366x768x24",
                             "-nolisten", "tcp"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    socket = Path(f"/tmp/.X11-unix/X{number}")
    for _ in range(500):
        if socket.exists() or xvfb.poll() is not None:
            break
        time.sleep(0.02)
    if not socket.exists():
        print(f"Xvfb :{number} did not start", file=sys.stderr)
        return 2
    display = f":{number}"
    try:
        with tempfile.TemporaryDirectory() as tmp:
            data = Path(tmp) / "station"
            env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
            env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb", CLERK_PASSWORD="admin2026x")
            frozen = [str(args.bundle / "clerk"), "--data-dir", str(data)]
            source = [str(REPO / ".venv" / "bin" / "python"), str(REPO / "main.py"),
                      "--data-dir", str(data)]
            subprocess.run([*frozen, "setup", "--centre-name", "青石镇便民服务中心", "--region",
                            "510104", "--station", "001", "--admin", "admin", "--password",
                            "admin2026x"], env=env, check=True, capture_output=True)
            one_run(frozen, env)  # first start of each: not counted (page cache, font cache)
            one_run(source, env)
            times: dict[str, list[float]] = {"frozen": [], "source": []}
            for _ in range(args.runs):
                times["frozen"].append(one_run(frozen, env))
                times["source"].append(one_run(source, env))
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=10)
    print(f"start to login window, {args.runs} runs each, alternating; "
          f"load average {os.getloadavg()[0]:.2f} ({os.cpu_count()} CPUs), "
          f"Python {platform.python_version()}, {platform.platform()}")
    for name, values in times.items():
        print(f"  {name:6}: median {statistics.median(values):.2f} s  "
              f"(min {min(values):.2f}, max {max(values):.2f}; "
              f"{', '.join(f'{v:.2f}' for v in values)})")
    ratio = statistics.median(times["frozen"]) / statistics.median(times["source"])
    print(f"  frozen/source (baseline = source tree in .venv): {ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
