#!/usr/bin/env bash
# The cluster on loopback with real `nxs serve` processes (default settings: acceptable_pause 3s,
# stable_after 5s, heartbeat 1s), for 3, 5 and 9 nodes:
#   formation    s from starting the nodes until node 1 sees all of them as members (any state but
#                GONE/FAILED: on a starved box latency keeps members flapping between ACTIVE and
#                DEGRADED and the lifecycle holds them out, which is not what this measures)
#   rss          MB resident per node with the cluster on, and one node with it off, same load
#   converge     ms until a value written on node 1 (a majority write) reads back on every node
#   pause        a node SIGSTOPped for 2 s (a long GC pause): downed or not (goal: not)
#   crash        s from SIGKILL of a node until node 1 shows it GONE (detection + SBR decision;
#                goal <= 10 s)
#
#   bench/cluster.sh [SIZES...]        (default 3 5 9)
# A size with a "t" (3t) runs with tuned settings instead: heartbeat 500ms, acceptable_pause
# 2500ms, split_brain.stable_after 2s — so `bench/cluster.sh 3 3t` compares both in one run.
# Placement decisions per second are a JMH benchmark: bench/jmh nxs-cluster PlacementBenchmark.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home
sizes=("${@:-3 5 9}")
# shellcheck disable=SC2206
sizes=(${sizes[*]})
./mvnw -q -B -DskipTests -Dmaven.test.skip=true package -pl nxs-app -am
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -CONT "$p" 2>/dev/null || true; kill -9 "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
jar="$work/nxs.jar"
cp nxs-app/target/nxs.jar "$jar"
flags="--enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -Xms40m -Xmn24m -Xmx512m -XX:MaxMetaspaceSize=128m -Xss512k"
if [ "${NXS_JAVA_MAJOR:-21}" -ge 23 ]; then flags="$flags --sun-misc-unsafe-memory-access=allow"; fi
java="$JAVA_HOME/bin/java"

now_ms() { date +%s%3N; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rss_mb() { awk '/VmRSS/ { printf "%.0f\n", $2 / 1024 }' "/proc/$1/status"; }
api() { # HOME PATH [curl args]: the daemon of HOME answers PATH
  local home=$1 path=$2; shift 2
  curl -sf -H "Authorization: Bearer $(cat "$home/keys/admin.key")" "http://127.0.0.1:$(cat "$home/port")$path" "$@"
}
start() { # HOME [cluster yaml]: starts a daemon; records its pid and HTTP port
  local home=$1 yaml=${2:-}
  mkdir -p "$home"
  printf 'server:\n  port: 0\n%s' "$yaml" > "$home/nxs.yaml"
  # shellcheck disable=SC2086
  "$java" $flags -jar "$jar" serve --home "$home" > "$home/out.log" 2>&1 &
  echo $! > "$home/pid"
  pids+=("$(cat "$home/pid")")
}
await_port() {
  local home=$1
  until grep -q 'listening on port' "$home/out.log" 2>/dev/null; do sleep 0.2; done
  sed -n 's/.*listening on port \([0-9]*\).*/\1/p' "$home/out.log" | head -n 1 > "$home/port"
}
members_present() { # HOME: how many members node HOME sees, in any state but GONE or FAILED (0 off the majority)
  api "$1" /api/v1/cluster | python3 -c 'import json,sys; b=json.load(sys.stdin); print(sum(m["state"] not in ("GONE","FAILED") for m in b["members"]) if b["on_majority_side"] else 0)' 2>/dev/null || echo 0
}
state_of() { # HOME NODE: NODE's state as HOME sees it
  api "$1" /api/v1/cluster | python3 -c 'import json,sys; print(next((m["state"] for m in json.load(sys.stdin)["members"] if m["node_id"]==sys.argv[1]), "none"))' "$2" 2>/dev/null || echo "?"
}

echo "# cluster on loopback — $(date -u +%Y-%m-%d), load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
echo "| nodes | formation s (all members seen) | RSS MB per node (on) | RSS MB (off) | converge ms (max over nodes) | 2 s SIGSTOP downed? | crash → GONE s | load (1 min) after |"
echo "|---|---|---|---|---|---|---|---|"
for size in "${sizes[@]}"; do
  n=${size%t}
  tuning=""
  if [ "$size" != "$n" ]; then
    tuning="  heartbeat: 500ms
  acceptable_pause: 2500ms
  split_brain:
    stable_after: 2s
"
  fi
  seed=$(free_port)
  t0=$(now_ms)
  for i in $(seq 1 "$n"); do
    port=$seed; [ "$i" -gt 1 ] && port=$(free_port)
    start "$work/$n-$i" "cluster:
  enabled: true
  name: bench
  node_id: n$i
  bind: 127.0.0.1:$port
  seeds: [127.0.0.1:$seed]
$tuning"
  done
  start "$work/$n-off"
  for i in $(seq 1 "$n"); do await_port "$work/$n-$i"; done
  await_port "$work/$n-off"
  until [ "$(members_present "$work/$n-1")" -ge "$n" ]; do sleep 0.5; done
  formation=$(( $(now_ms) - t0 ))
  sleep 5
  rss_on=$(for i in $(seq 1 "$n"); do rss_mb "$(cat "$work/$n-$i/pid")"; done | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  rss_off=$(rss_mb "$(cat "$work/$n-off/pid")")
  # Convergence: one majority write on node 1, read back everywhere.
  t1=$(now_ms)
  api "$work/$n-1" /api/v1/cluster/state/config/bench-key -X PUT -d "{\"value\":\"v$t1\"}" >/dev/null
  worst=0
  for i in $(seq 1 "$n"); do
    until api "$work/$n-$i" /api/v1/cluster/state/config/bench-key 2>/dev/null | grep -q "v$t1"; do sleep 0.05; done
    took=$(( $(now_ms) - t1 )); [ "$took" -gt "$worst" ] && worst=$took
  done
  # A 2 s stop of the last node: it must stay a member.
  victim=$(cat "$work/$n-$n/pid")
  kill -STOP "$victim"; sleep 2; kill -CONT "$victim"
  downed=no
  for _ in $(seq 1 30); do
    s=$(state_of "$work/$n-1" "n$n")
    if [ "$s" = GONE ] || [ "$s" = none ]; then downed=yes; break; fi
    sleep 0.5
  done
  # A crash of the last node: detection and decision.
  t2=$(now_ms)
  kill -9 "$victim"
  until [ "$(state_of "$work/$n-1" "n$n")" = GONE ]; do sleep 0.1; done
  crash=$(( $(now_ms) - t2 ))
  printf '| %s | %.1f | %s | %s | %s | %s | %.1f | %s |\n' "$size" "$(echo "$formation/1000" | bc -l)" "$rss_on" "$rss_off" "$worst" "$downed" "$(echo "$crash/1000" | bc -l)" "$(cut -d' ' -f1 /proc/loadavg)"
  for i in $(seq 1 "$n") off; do kill -9 "$(cat "$work/$n-$i/pid")" 2>/dev/null || true; done
  sleep 1
done
