#!/usr/bin/env bash
# Daemon start as ./nxs runs it (the launcher's flags and start-up archive from its training run:
# nxs_start_archive in scripts/java-home, on JDK 25+ the daemon's AOT cache; the before jar gets a
# class-data sharing archive as the launchers made it up to 2026-12-07, or the launcher's kind with
# BEFORE_ARCHIVE=launcher), on a fresh home and as a restart of an existing one, side by side with an older
# jar in one run (interleaved, so the machine's load hits both alike):
#   bench/daemon-startup.sh [RUNS] [BEFORE_JAR]     (default 10 runs per jar and case;
#   SKIP_BUILD=1 uses the jar already in nxs-app/target)
# For each start: wall time until GET /readyz answers 200, the CPU seconds the daemon used until
# then (the steadier figure on a busy machine), and of those the JIT compilers' threads (C1 + C2).
# After the last run, resident memory (VmRSS) of an idle daemon after 15 s. Then the floor, in the
# same run: the same `java` with the same flags doing nothing (a class whose main returns), with the
# daemon's AOT cache and without any archive but the JDK's own CDS; and the daemon's stack with no
# NXS logic (bench/bare-stack: SQLite opened, Javalin serving /readyz; its own AOT cache), timed to
# /readyz 200 like the daemon.
# Goals (issue 13): fresh home to /readyz 200 <= 1.5 s, restart <= 1 s; idle RSS <= 150 MB.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home
runs=${1:-10}
before_jar=${2:-}
[ -n "${SKIP_BUILD:-}" ] || ./mvnw -q -B -ntp -DskipTests -Dmaven.test.skip=true package -pl nxs-app -am
work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
java="$JAVA_HOME/bin/java"
# ./nxs serve's flags and C-heap settings (both jars run with them: the jars are compared).
. bench/serve-flags.sh
nxs_serve_flags
flags="$flags -Xlog:disable -Xlog:all=warning:stderr"
jars="after"
cp nxs-app/target/nxs.jar "$work/after.jar"
if [ -n "$before_jar" ]; then cp "$before_jar" "$work/before.jar"; jars="after before"; fi
declare -A archive main
# Each jar as its launcher runs `serve`: ./nxs names the main class since 2026-12-07 (ADR 0064),
# older ones (the before jar unless BEFORE_MAIN=class) used -jar.
main[after]="-cp $work/after.jar io.nxs.app.cli.Main"
main[before]="-jar $work/before.jar"
[ "${BEFORE_MAIN:-jar}" != class ] || main[before]="-cp $work/before.jar io.nxs.app.cli.Main"
nxs_jit=""   # serve: nxs_start_archive picks the daemon's kind
nxs_archive_kind=serve
for j in $jars; do
  if [ "$j" = after ] || [ "${BEFORE_ARCHIVE:-cds}" = launcher ]; then
    # shellcheck disable=SC2086
    nxs_start_archive "$work/$j.jar" "$work/$j" $flags
    archive[$j]=$nxs_archive
  else
    # shellcheck disable=SC2086
    "$java" $flags -XX:ArchiveClassesAtExit="$work/$j.jsa" -cp "$work/$j.jar" io.nxs.app.cli.StartupTraining >/dev/null 2>&1
    archive[$j]="-XX:SharedArchiveFile=$work/$j.jsa"
  fi
  echo "$j: ${archive[$j]}" >&2
done

now_ms() { date +%s%3N; }
cpu_s() { awk '{ printf "%.2f", ($14 + $15) / 100 }' "/proc/$1/stat"; }
# CPU seconds of the JIT compilers' threads of process $1 (their names: "C1 CompilerThre", "C2 ...").
jit_s() {
  local t sum=0
  for t in /proc/"$1"/task/*; do
    case "$(cat "$t/comm" 2>/dev/null)" in
      C1\ Compiler*|C2\ Compiler*) sum=$((sum + $(cut -d')' -f2- "$t/stat" | awk '{print $12 + $13}'))) ;;
    esac
  done
  awk -v t="$sum" 'BEGIN { printf "%.2f", t / 100 }'
}

# Starts a daemon on $1 (created with a free port when new) in the background; sets pid.
start_daemon() {
  local home="$1" jar="$2" out="$1.out"
  if [ ! -f "$home/nxs.yaml" ]; then
    mkdir -p "$home"
    printf 'server:\n  port: 0\n' > "$home/nxs.yaml"
  fi
  : > "$out"
  # shellcheck disable=SC2086
  "$java" $flags ${archive[$jar]} ${main[$jar]} serve --home "$home" > "$out" 2>&1 &
  pid=$!
  await_ready "$out"
}
# Waits until the process $pid, writing to $1, names its port and answers GET /readyz with 200.
await_ready() {
  local port=""
  while [ -z "$port" ]; do
    port=$(sed -n 's/.*listening on port \([0-9]*\).*/\1/p' "$1" | head -n 1)
    kill -0 "$pid" 2>/dev/null || { cat "$1"; exit 1; }
    [ -n "$port" ] || sleep 0.01
  done
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz")" = 200 ]; do sleep 0.01; done
}

declare -A start cpu jit
for i in $(seq "$runs"); do
  for j in $jars; do
    for c in fresh restart; do
      t0=$(now_ms)
      start_daemon "$work/home-$j-$i" "$j"
      t1=$(now_ms)
      start["$j/$c"]+="$((t1 - t0)) "
      cpu["$j/$c"]+="$(cpu_s "$pid") "
      jit["$j/$c"]+="$(jit_s "$pid") "
      kill -TERM "$pid"; wait "$pid" || true
    done
  done
done
start_daemon "$work/home-after-$runs" after
sleep 15   # idle: let start-up garbage settle before reading resident memory
rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
grep -h "started in" "$work/home-after-$runs.out" | tail -n 1 | sed 's/^.* - /last restart, after: /'
kill -TERM "$pid"; wait "$pid" || true; pid=""

# The floor: a JVM that starts, maps the same cache and exits, interleaved with one that maps none
# and with the bare stack (compiled against the daemon's jar, its AOT cache from one trained start).
mkdir -p "$work/noop" "$work/bare"
printf 'public final class Noop { public static void main(String[] a) {} }\n' > "$work/noop/Noop.java"
"$JAVA_HOME/bin/javac" -d "$work/noop" "$work/noop/Noop.java"
"$JAVA_HOME/bin/javac" -cp "$work/after.jar" -d "$work/bare" bench/bare-stack/BareStack.java
"$JAVA_HOME/bin/jar" cf "$work/bare.jar" -C "$work/bare" BareStack.class
bare_cp="$work/after.jar:$work/bare.jar"
# shellcheck disable=SC2086
"$java" $flags -XX:AOTCacheOutput="$work/bare.aot" -cp "$bare_cp" BareStack "$work/bare-train.db" train >/dev/null 2>&1
declare -A floor floor_cpu
TIMEFORMAT='%R %U %S'
for i in $(seq "$runs"); do
  for f in cache jdk; do
    a=""; [ "$f" = cache ] && a=${archive[after]}
    # shellcheck disable=SC2086
    t=$( { time "$java" $flags $a -cp "$work/after.jar:$work/noop" Noop >/dev/null 2>&1; } 2>&1 )
    floor[$f]+="$(awk '{printf "%d", $1 * 1000}' <<<"$t") "
    floor_cpu[$f]+="$(awk '{printf "%.2f", $2 + $3}' <<<"$t") "
  done
  out="$work/bare-$i.out"
  t0=$(now_ms)
  # shellcheck disable=SC2086
  "$java" $flags -XX:AOTCache="$work/bare.aot" -Xlog:aot=off -cp "$bare_cp" BareStack "$work/bare-$i.db" > "$out" 2>&1 &
  pid=$!
  await_ready "$out"
  t1=$(now_ms)
  floor[bare]+="$((t1 - t0)) "
  floor_cpu[bare]+="$(cpu_s "$pid") "
  jit[bare]+="$(jit_s "$pid") "
  kill -TERM "$pid"; wait "$pid" || true; pid=""
done

# shellcheck disable=SC2086  # $1 is a space-separated list of numbers
median() { printf '%s\n' $1 | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "date: $(date -u +%FT%TZ)  machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)  load: $(cut -d' ' -f1-3 /proc/loadavg)  JDK: $("$java" -version 2>&1 | head -n 1)"
echo "runs per jar and case: $runs (interleaved)"
echo
echo "| jar | start | to /readyz ms (median) | CPU s to ready (median) | of it JIT threads | wall / before |"
echo "|---|---|---|---|---|---|"
for c in fresh restart; do
  for j in $jars; do
    sm=$(median "${start[$j/$c]}")
    ratio="-"
    if [ -n "$before_jar" ]; then ratio=$(awk -v a="$sm" -v b="$(median "${start[before/$c]}")" 'BEGIN {printf "%.2f", a / b}'); fi
    echo "| $j | $c | $sm | $(median "${cpu[$j/$c]}") | $(median "${jit[$j/$c]}") | $ratio |"
  done
done
echo "| java doing nothing, the daemon's AOT cache | - | $(median "${floor[cache]}") | $(median "${floor_cpu[cache]}") | - | - |"
echo "| java doing nothing, the JDK's CDS only | - | $(median "${floor[jdk]}") | $(median "${floor_cpu[jdk]}") | - | - |"
echo "| bare stack (SQLite + Javalin /readyz, no NXS logic) | start | $(median "${floor[bare]}") | $(median "${floor_cpu[bare]}") | $(median "${jit[bare]}") | - |"
echo
for j in $jars; do for c in fresh restart; do echo "$j $c ms: ${start[$j/$c]} CPU s: ${cpu[$j/$c]} JIT s: ${jit[$j/$c]}"; done; done
for f in cache jdk; do echo "java doing nothing ($f) ms: ${floor[$f]} CPU s: ${floor_cpu[$f]}"; done
echo "bare stack ms: ${floor[bare]} CPU s: ${floor_cpu[bare]} JIT s: ${jit[bare]}"
echo "idle RSS after 15 s (after): $((rss_kb / 1024)) MB"
