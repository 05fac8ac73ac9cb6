#!/usr/bin/env python3
"""Sums async-profiler collapsed stacks of a proxied chat completion by where the time goes (issue 13).

  bench/asprof-shares.py <a.collapsed> <requests a> [<b.collapsed> <requests b>]

Each stack counts in the first category whose frame it holds (the order below); a figure is the
samples' time per request in µs at bench/gateway-asprof.sh's 100 µs interval (for an alloc profile,
read the column as shares, not µs). With two profiles, their difference.
"""
import collections
import sys

CATEGORIES = [
    ("JIT compiler threads", "CompileBroker"),
    ("GC / VM thread", "VMThread"),
    ("deadline watch thread", "Deadlines.run"),
    ("Apache client exchange", "InternalHttpClient.doExecute"),
    ("Jetty response write", "ChannelResponse.write"),
    ("request body read (Jetty)", "asByteArrayAsync"),
    ("gateway flow outside the exchange and the write", "ProxyRoutes.proxy"),
    ("core: key gate + request timer", "io/nxs/core/http/HttpServer"),
    ("Jetty request parse, selector, dispatch", "org/eclipse/jetty"),
    ("virtual-thread scheduling (ForkJoinPool)", "ForkJoin"),
    ("JDK poller", "Poller"),
    ("other NXS threads (module ticks, usage flush)", "io/nxs"),
]
OTHER = "other (libc, kernel outside Java frames, unknown)"


def categorise(path):
    sums = collections.Counter()
    for line in open(path):
        stack, _, n = line.rstrip().rpartition(" ")
        for name, frame in CATEGORIES:
            if frame in stack:
                sums[name] += int(n)
                break
        else:
            sums[OTHER] += int(n)
    return sums


def main(args):
    profiles = [(categorise(args[i]), int(args[i + 1])) for i in range(0, len(args), 2)]
    names = [name for name, _ in CATEGORIES] + [OTHER]
    print("| where (µs of samples per request) | " + " | ".join(args[0::2])
          + (" | difference |" if len(profiles) == 2 else " |"))
    for name in names + ["all"]:
        figures = [(sum(s.values()) if name == "all" else s[name]) * 100 / n for s, n in profiles]
        row = " | ".join(f"{f:.1f}" for f in figures)
        if len(figures) == 2:
            row += f" | {figures[0] - figures[1]:+.1f}"
        print(f"| {name} | {row} |")


if __name__ == "__main__":
    if len(sys.argv) not in (3, 5):
        sys.exit(__doc__)
    main(sys.argv[1:])
