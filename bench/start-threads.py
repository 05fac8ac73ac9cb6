#!/usr/bin/env python3
"""Which threads use the CPU during each phase of the daemon's start (issue 13: cold start).

    bench/start-threads.py LOG COMMAND...

Runs COMMAND (a `java ... serve` line, its output to LOG), reads every thread's state and CPU
ticks from /proc/PID/task/*/stat every ~5 ms until the daemon logs `started in`, stops it, and
prints for each phase of that line (config, state+audit, kernel, the modules, http): its wall ms,
each thread's CPU ms in it (10 ms ticks, so small figures are coarse), and how often the main
thread was runnable (R: running or waiting for a core) rather than sleeping or blocked (S/D). A
phase whose wall is several times the main thread's CPU while the main thread is runnable in most
samples waits for a core, not for I/O or a lock. Phases are placed by the daemon's own figures
(the JVM's uptime at Daemon.start, then each phase's wall), so the first sample's delay after the
fork is a few ms of error.
"""
import collections
import os
import re
import subprocess
import sys
import time


def sample(log, command):
    t0 = time.monotonic()
    with open(log, "w") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    samples = []
    try:
        while True:
            now = (time.monotonic() - t0) * 1000
            try:
                tids = os.listdir(f"/proc/{proc.pid}/task")
            except OSError:
                break
            for tid in tids:
                try:
                    with open(f"/proc/{proc.pid}/task/{tid}/stat") as f:
                        stat = f.read()
                except OSError:
                    continue
                name = stat[stat.index("(") + 1 : stat.rindex(")")]
                fields = stat[stat.rindex(")") + 2 :].split()
                samples.append((now, int(tid), name, fields[0], int(fields[11]) + int(fields[12])))
            with open(log) as f:
                if "started in" in f.read():
                    break
            time.sleep(0.005)
    finally:
        proc.terminate()
        proc.wait()
    return proc.pid, samples


def main():
    log, command = sys.argv[1], sys.argv[2:]
    pid, samples = sample(log, command)
    with open(log) as f:
        line = next((l for l in f if "started in" in l), None)
    if line is None:
        sys.exit("the daemon did not log 'started in'; its output is in " + log)
    print("started in " + line.split("started in ", 1)[1].strip())
    at = int(re.search(r"before \(JVM and command line\) (\d+)/", line).group(1))
    phases = re.findall(r"([\w+-]+) (\d+)/(\d+)", line.split("by phase:")[1].split("; before")[0])
    main_tid = pid + 1  # the java launcher's primordial thread is pid; the Java main thread next
    for name, wall, cpu in phases:
        start, end = at, at + int(wall)
        at = end
        if int(wall) < 20:
            continue
        first, last, states = {}, {}, collections.Counter()
        names = {}
        for now, tid, tname, state, ticks in samples:
            names[tid] = tname
            if now <= start:
                first[tid] = ticks
            elif now <= end:
                last[tid] = ticks
                if tid == main_tid:
                    states[state] += 1
        used = collections.Counter()
        for tid, ticks in last.items():
            used[re.sub(r"\d+$", "", names[tid])] += (ticks - first.get(tid, 0)) * 10
        seen = sum(states.values())
        runnable = f"{100 * states['R'] // seen} % of {seen} samples" if seen else "no samples"
        print(
            f"  {name}: {wall} ms wall, main thread {cpu} ms CPU, runnable {runnable}; threads' CPU ms: "
            + ", ".join(f"{n}={ms}" for n, ms in used.most_common() if ms > 0)
        )


if __name__ == "__main__":
    main()
