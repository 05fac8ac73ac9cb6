#!/usr/bin/env bash
# The first requests an idle daemon serves, for each jar given, rounds interleaved (issue 13: what a
# smaller idle daemon may not cost the first user):
#   bench/daemon-first-requests.sh JAR...     (ROUNDS=2, IDLE=15: seconds after /readyz 200)
# Each jar runs as ./nxs serve runs it (the launcher's serve flags and its own serve AOT cache,
# trained once per jar by nxs_start_archive), on a fresh home whose one provider is nginx answering
# a fixed chat completion on loopback (bench/chat-upstream.sh). IDLE seconds after ready it prints,
# per jar and round: the idle VmRSS; then, in this order, each request's curl time_total and the
# daemon's CPU (utime + stime from /proc, 10 ms ticks) across it: the first chat completion and a
# second one, the first /metrics, the first image score (a golden PNG out of the jar) and a second
# one; and VmRSS after them.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home
rounds=${ROUNDS:-2}
idle=${IDLE:-15}
work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; [ -f "$work/up.pid" ] && kill "$(cat "$work/up.pid")" 2>/dev/null; rm -rf "$work"' EXIT
. bench/serve-flags.sh
. bench/chat-upstream.sh
nxs_serve_flags
nxs_jit=""
nxs_archive_kind=serve
chat_upstream "$work"
echo "date: $(date -u +%FT%TZ)  machine: $(nproc) cores  load: $(cut -d' ' -f1-3 /proc/loadavg)  idle: ${idle} s after ready"
archives=()
n=0
for jar in "$@"; do
  n=$((n + 1))
  mkdir -p "$work/$n"
  cp "$jar" "$work/$n/nxs.jar"
  # shellcheck disable=SC2086
  nxs_start_archive "$work/$n/nxs.jar" "$work/$n/nxs" $flags
  archives[n]=$nxs_archive
  unzip -p "$jar" io/nxs/score/golden/scene-clean.png >"$work/$n/image.png"
done
cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
rss() { awk '/VmRSS/ {printf "%d", $2 / 1024}' "/proc/$pid/status"; }
# timed NAME CURL-ARGS...: one request; appends NAME=status:seconds and NAME_cpu_ms to $line.
timed() {
  local name=$1 before after out
  shift
  before=$(cpu)
  out=$(curl -s -o /dev/null -w '%{http_code}:%{time_total}' -H "Authorization: Bearer $key" "$@")
  after=$(cpu)
  line="$line $name=$out ${name}_cpu_ms=$(((after - before) * 10))"
}
for round in $(seq 1 "$rounds"); do
  n=0
  for jar in "$@"; do
    n=$((n + 1))
    dir="$work/$n"
    rm -rf "${dir:?}/home"
    mkdir -p "$dir/home"
    port=$(free_port)
    printf 'server: {host: 127.0.0.1, port: %s}\nproviders:\n  - {name: fast, base_url: "http://127.0.0.1:%s/v1", model: fast-model, priority: 1, retry: 0}\n' \
      "$port" "$up" >"$dir/home/nxs.yaml"
    load_before=$(cut -d' ' -f1 /proc/loadavg)
    # shellcheck disable=SC2086
    "$JAVA_HOME/bin/java" $flags ${archives[n]} -cp "$dir/nxs.jar" io.nxs.app.cli.Main serve \
      --home "$dir/home" >"$dir/out" 2>&1 &
    pid=$!
    until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz")" = 200 ]; do
      kill -0 "$pid" 2>/dev/null || { cat "$dir/out"; exit 1; }
      sleep 0.05
    done
    sleep "$idle"
    key=$(cat "$dir/home/keys/admin.key")
    line="round=$round jar=$n idle_rss_mb=$(rss)"
    chat=(-H 'Content-Type: application/json' -d '{"model":"fast-model","messages":[{"role":"user","content":"hi"}]}' "http://127.0.0.1:$port/v1/chat/completions")
    timed first_chat "${chat[@]}"
    timed second_chat "${chat[@]}"
    timed first_metrics "http://127.0.0.1:$port/metrics"
    score=(-H 'Content-Type: image/png' --data-binary "@$dir/image.png" "http://127.0.0.1:$port/api/v1/score?file=image.png")
    timed first_score "${score[@]}"
    timed second_score "${score[@]}"
    echo "$line rss_after_mb=$(rss) load=$load_before-$(cut -d' ' -f1 /proc/loadavg)"
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    pid=""
  done
done
