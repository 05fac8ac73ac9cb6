#!/usr/bin/env python3
"""Generates the vault benchmark corpus: mixed sizes, half compressible, deterministic by seed.

usage: vault-corpus.py DIR TOTAL_MB            create the corpus
       vault-corpus.py DIR --change PERCENT    rewrite PERCENT of the files (new random content)
"""
import os
import random
import sys


def content(rng, size):
    raw = rng.randbytes(size)
    if rng.random() < 0.5:
        # Text-like: every other byte fixed, compresses roughly 2:1 (Markdown, JSON, SQLite pages).
        b = bytearray(raw)
        b[::2] = b"a" * len(b[::2])
        return bytes(b)
    return raw


def sizes(rng, total):
    out = []
    acc = 0
    while acc < total:
        r = rng.random()
        if r < 0.70:
            s = rng.randint(100, 64 * 1024)            # notes, memory files, JSON
        elif r < 0.95:
            s = rng.randint(64 * 1024, 2 * 1024 * 1024)  # documents, small databases
        else:
            s = rng.randint(8, 64) * 1024 * 1024        # large databases, archives
        out.append(s)
        acc += s
    return out


def create(root, total_mb):
    rng = random.Random(20261201)
    for i, s in enumerate(sizes(rng, total_mb * 1024 * 1024)):
        d = os.path.join(root, "d%02d" % (i % 37), "e%d" % (i % 5))
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "f%05d.dat" % i), "wb") as f:
            f.write(content(rng, s))


def change(root, percent):
    files = sorted(os.path.join(dp, n) for dp, _, ns in os.walk(root) for n in ns)
    rng = random.Random(42)
    picked = rng.sample(files, max(1, len(files) * percent // 100))
    for p in picked:
        size = os.path.getsize(p)
        with open(p, "wb") as f:
            f.write(content(rng, size))
    print(len(picked), "of", len(files), "files changed")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[2] == "--change":
        change(sys.argv[1], int(sys.argv[3]))
    else:
        create(sys.argv[1], int(sys.argv[2]))
