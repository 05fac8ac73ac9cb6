#!/usr/bin/env bash
# Profile of the daemon as users run it (issue 13): `./nxs serve` on a fresh home, one provider =
# an nginx upstream in its own process returning the bench's fixed chat completion, wrk from
# outside; JFR (settings=profile) over DUR of wrk at each connection count in CONNS after WARM of
# load. Writes <out>/c<N>.jfr and <out>/wrk-c<N>.txt and prints rps and process CPU per request
# (every thread, JIT and GC included). bench/jfr-shares.py turns a recording into shares.
#   bench/gateway-profile.sh <checkout> <out-dir>      (CONNS="64 512" WARM=60s DUR=30s)
set -euo pipefail
tree=$(readlink -f "$1"); outd=$(readlink -m "$2"); mkdir -p "$outd"
cd "$(dirname "$0")/.."
. ./scripts/java-home
work=$(mktemp -d)
. bench/chat-upstream.sh
nxs=$(free_port)
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  [ -f "$work/up.pid" ] && kill "$(cat "$work/up.pid")" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
chat_upstream "$work"
mkdir -p "$work/home"
cat >"$work/home/nxs.yaml" <<Y
server: {host: 127.0.0.1, port: $nxs}
providers:
  - {name: fast, base_url: "http://127.0.0.1:$up/v1", model: fast-model, priority: 1, retry: 0}
Y
"$tree/nxs" --version >/dev/null
NXS_SUPERVISE=0 "$tree/nxs" serve --home "$work/home" >"$work/nxs.out" 2>&1 &
pid=$!
until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$nxs/readyz")" = 200 ]; do
  kill -0 "$pid" 2>/dev/null || { cat "$work/nxs.out" >&2; exit 1; }
  sleep 0.2
done
key=$(cat "$work/home/keys/admin.key")
cat >"$work/chat.lua" <<L
wrk.method = "POST"
wrk.body = '{"model":"fast","messages":[{"role":"user","content":"hi"}]}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $key"
L
curl -sf -o /dev/null -H "Authorization: Bearer $key" -d '{"model":"fast","messages":[{"role":"user","content":"hi"}]}' "http://127.0.0.1:$nxs/v1/chat/completions"
wrk -t2 -c64 -d${WARM:-60s} -s "$work/chat.lua" "http://127.0.0.1:$nxs/v1/chat/completions" | grep -E "Requests/sec|errors"
for c in ${CONNS:-64 512}; do
  "$JAVA_HOME/bin/jcmd" $pid JFR.start name=p$c settings=profile filename="$outd/c$c.jfr" >/dev/null
  t0=$(awk '{print $14+$15}' /proc/$pid/stat)
  wrk -t2 -c$c -d${DUR:-30s} --latency -s "$work/chat.lua" "http://127.0.0.1:$nxs/v1/chat/completions" > "$outd/wrk-c$c.txt"
  t1=$(awk '{print $14+$15}' /proc/$pid/stat)
  "$JAVA_HOME/bin/jcmd" $pid JFR.stop name=p$c >/dev/null
  n=$(awk '/requests in/ {print $1}' "$outd/wrk-c$c.txt")
  echo "c=$c $(grep Requests/sec "$outd/wrk-c$c.txt") process CPU µs/request=$(( (t1 - t0) * 1000000 / $(getconf CLK_TCK) / n )) $(grep -E 'errors|Non-2xx' "$outd/wrk-c$c.txt" | tr '\n' ' ') load=$(cut -d' ' -f1-3 /proc/loadavg)"
done
