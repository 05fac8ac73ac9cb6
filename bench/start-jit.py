#!/usr/bin/env python3
"""What the JIT compilers work on until the daemon is ready (issue 13: cold start).

    bench/start-jit.py LOG READY_S [TOP]

LOG is a HotSpot compilation log of one start (the daemon run with `-XX:+UnlockDiagnosticVMOptions
-XX:+LogCompilation -XX:LogFile=LOG`), READY_S the JVM's uptime in seconds when `/readyz` first
answered 200 (the wall time from the launch is within a few ms of it). Prints, for C1 and C2, the
compile tasks begun before READY_S grouped by package (three name parts), and the TOP single C2
tasks. Times are each task's wall time from the log's stamps (cut at READY_S): a compiler thread
that waits for a core is counted as busy, so on a loaded machine the figures are inflated alike;
read the shares, and the thread CPU from bench/daemon-startup.sh for the totals.
"""
import collections
import re
import sys

TASK = re.compile(r"<task compile_id='\d+'.*? method='([^']+)'.*? stamp='([\d.]+)'")
LEVEL = re.compile(r" level='(\d)'")
DONE = re.compile(r"<task_done .*?stamp='([\d.]+)'")


def tasks(log, ready):
    """Yields (compiler, method, osr, start, seconds) of each task begun before ready."""
    current = None
    with open(log, errors="replace") as f:
        for line in f:
            m = TASK.search(line)
            if m:
                level = LEVEL.search(line)
                # C2's tasks carry no level attribute in the log; C1's carry 1-3.
                compiler = "C1" if level and level.group(1) != "4" else "C2"
                current = (compiler, m.group(1), "compile_kind='osr'" in line, float(m.group(2)))
                continue
            d = DONE.search(line)
            if d and current:
                compiler, method, osr, start = current
                current = None
                if start < ready:
                    yield compiler, method, osr, start, min(float(d.group(1)), ready) - start


def package(method):
    parts = method.split(" ")[0].split(".")
    return ".".join(parts[:3]) if len(parts) > 3 else ".".join(parts[:-1])


def main():
    log, ready = sys.argv[1], float(sys.argv[2])
    top = int(sys.argv[3]) if len(sys.argv) > 3 else 8
    by = collections.Counter()
    count = collections.Counter()
    total = collections.Counter()
    c2 = []
    for compiler, method, osr, start, seconds in tasks(log, ready):
        by[(compiler, package(method))] += seconds
        count[(compiler, package(method))] += 1
        total[compiler] += seconds
        if compiler == "C2":
            c2.append((seconds, start, method, osr))
    print(f"until {ready:.2f} s: C1 tasks {total['C1']:.2f} s, C2 tasks {total['C2']:.2f} s (wall)")
    print("| compiler | package | tasks | task wall ms | share of that compiler |")
    print("|---|---|---|---|---|")
    for (compiler, pkg), seconds in by.most_common(24):
        share = seconds / total[compiler] if total[compiler] else 0
        print(f"| {compiler} | {pkg} | {count[(compiler, pkg)]} | {seconds * 1000:.0f} | {share:.0%} |")
    print(f"\nlargest C2 tasks (of {len(c2)}):")
    for seconds, start, method, osr in sorted(c2, reverse=True)[:top]:
        kind = " (OSR)" if osr else ""
        print(f"  {seconds * 1000:5.0f} ms from {start:.2f} s  {method[:120]}{kind}")


if __name__ == "__main__":
    main()
