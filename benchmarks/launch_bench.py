"""Time the workstation as a person meets it: from the command typed to its figures on screen.

    .venv/bin/python benchmarks/big_book.py /tmp/big.sqlite        # once: 50 000 positions, 5 years
    .venv/bin/python benchmarks/launch_bench.py /tmp/big.sqlite [--runs 5] [--lang ru]

Runs ``millplan --db FILE tui`` in a detached tmux session at 80×24 (tmux must be
installed) and reads the screen every 20 ms; prints, per run and as min / median, the
seconds from launching the process (Python's start and imports included, which
``workstation_bench.py`` leaves out) to

- ``frame``: the pane tabs drawn (Textual has started and painted);
- ``figures``: the load pane's first mill row with its load in % on screen.

The store is opened as it is (a copy is not made: the workstation only reads it at start).
Issue 10 §3 asks for the workstation open in under 2 s on a 50 000-position book.

Measured 2026-12-05, 2 cores, load average 1.8 (helpers' work beside it), the benchmark's
book (50 000 positions, 2 766 waiting deals, 61 months × 4 lines approved), Russian:
frame 0.89–0.97 s, figures 1.96–1.97 s.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

SESSION = "millplan-launch-bench"


def _screen() -> str:
    """The tmux session's screen as text ('' before it exists)."""
    done = subprocess.run(["tmux", "capture-pane", "-p", "-t", SESSION], capture_output=True, text=True)
    return done.stdout if done.returncode == 0 else ""


def _figures_shown(screen: str) -> bool:
    """True when a row of the load table holds a load in % (the first pane's figures)."""
    return any(line.rstrip().endswith(tuple("0123456789")) and "%" in line for line in screen.splitlines()[3:])


def launch(db: Path, lang: str, limit: float = 60.0) -> tuple[float, float]:
    """One launch: (seconds to the tabs drawn, seconds to the load figures shown).
    Raises ``TimeoutError`` when the figures are not shown within ``limit`` s."""
    millplan = Path(sys.executable).with_name("millplan")
    subprocess.run(["tmux", "kill-session", "-t", SESSION], capture_output=True)
    command = f"MILLPLAN_LANG={lang} {millplan} --db {db} tui"
    start = time.perf_counter()
    subprocess.run(["tmux", "new", "-d", "-s", SESSION, "-x", "80", "-y", "24", command], check=True)
    frame = None
    try:
        while time.perf_counter() - start < limit:
            screen = _screen()
            now = time.perf_counter() - start
            if frame is None and ("F2" in screen and "F3" in screen):
                frame = now
            if _figures_shown(screen):
                return frame or now, now
            time.sleep(0.02)
        raise TimeoutError(f"no load figures on screen within {limit} s:\n{_screen()}")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", SESSION], capture_output=True)


def main() -> None:
    """Parse the arguments, launch the workstation ``--runs`` times, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path, help="an SQLite store (benchmarks/big_book.py builds one)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--lang", default="ru", choices=("ru", "en"))
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        sys.exit("tmux is needed: apt-get install tmux")
    runs = []
    for n in range(args.runs):
        frame, figures = launch(args.db.resolve(), args.lang)
        runs.append((frame, figures))
        print(f"run {n + 1}: frame {frame:.2f} s, figures {figures:.2f} s")
    frames, figures = zip(*runs, strict=True)
    print(f"frame   min {min(frames):.2f} s, median {statistics.median(frames):.2f} s")
    print(f"figures min {min(figures):.2f} s, median {statistics.median(figures):.2f} s")


if __name__ == "__main__":
    main()
