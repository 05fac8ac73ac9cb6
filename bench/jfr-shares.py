#!/usr/bin/env python3
"""Shares of a JFR recording's execution samples (bench/gateway-profile.sh's recordings).

  jfr print --json --stack-depth 96 --events jdk.ExecutionSample rec.jfr | bench/jfr-shares.py
prints the top methods by self and inclusive samples, then the share of samples whose stack holds
each of the gateway's named costs (and the bare proxy's, bench/gateway-floor.sh) (a sample may count in several rows)."""
import collections
import json
import sys

NAMED = {
    "Apache client (executeOpen)": "HttpClient.executeOpen",
    "  socket timeout set on lease": "setSoTimeout",
    "Jetty request parse": "HttpConnection.parseRequestBuffer",
    "  Jetty header field cache": "HttpParser$FieldCache",
    "Jetty buffer pool": "ArrayByteBufferPool",
    "response write (DirectPath finish)": "DirectPath$Exchange.finish",
    "response header put": "Wrapper.put",
    "key gate (HttpServer.admit)": "HttpServer.admit:",
    "  MessageDigest.getInstance": "MessageDigest.getInstance",
    "  ApiKeyStore.load (SQLite)": "ApiKeyStore.load",
    "request timer (HttpServer.record)": "HttpServer.record",
    "PlainAnswer.scan": "PlainAnswer.scan",
    "UpstreamCall.parse": "UpstreamCall.parse",
    "Jackson recycler acquire": "_getBufferRecycler",
    "deadline watch": "UpstreamExchange$Deadlines",
    "Telemetry.attempt": "Telemetry.attempt",
    "breakers": "Breaker.on",
    "ForkJoinPool (virtual thread scheduling)": "ForkJoinPool",
    "Jetty client, HTTP/1.1 (bare proxy)": "OverHTTP.",
    "response write (bare proxy)": "BareProxy.answer",
    "socket write syscall": "SocketDispatcher.write",
    "socket read syscall": "SocketDispatcher.read",
}


def frame(f):
    m = f["method"]
    return m["type"]["name"].split("/")[-1] + "." + m["name"] + ":" + str(f.get("lineNumber", ""))


events = json.load(sys.stdin)["recording"]["events"]
own, incl, named = collections.Counter(), collections.Counter(), collections.Counter()
n = 0
for e in events:
    st = e["values"]["stackTrace"]
    if not st:
        continue
    frames = [frame(f) for f in st["frames"]]
    n += 1
    own[frames[0].rsplit(":", 1)[0]] += 1
    for m in {f.rsplit(":", 1)[0] for f in frames}:
        incl[m] += 1
    joined = " ".join(frames)
    for label, needle in NAMED.items():
        if needle in joined:
            named[label] += 1
print("samples", n)
print("--- named costs (share of samples whose stack holds it)")
for label in NAMED:
    print(f"{100 * named[label] / n:5.1f}% {label}")
print("--- self, top 25")
for k, v in own.most_common(25):
    print(f"{100 * v / n:5.1f}% {k}")
print("--- inclusive, top 40")
for k, v in incl.most_common(40):
    print(f"{100 * v / n:5.1f}% {k}")
