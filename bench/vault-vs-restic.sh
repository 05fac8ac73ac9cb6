#!/usr/bin/env bash
# NXS vault against restic (Debian's restic) on the same generated corpus, in the same run:
# first backup, backup after 1 % of the files changed, full restore, repository size; plus NXS's
# deep verify throughput. NXS runs two ways, each on its own home and repository:
#   offline  the CLI alone on a stopped home: a fresh JVM per command, as restic runs;
#   daemon   the CLI with `nxs serve` running on the home, as an operator runs NXS: the command
#            goes through the daemon's API and the work runs in the daemon's JVM.
# Both encrypt (restic: AES-256-CTR + Poly1305; NXS: AES-256-GCM) and compress (restic repository
# v2 "auto" zstd; NXS zstd level 3). Every NXS command runs with the JVM flags and start-up archive
# ./nxs gives it (nxs_cli_jit and nxs_start_archive in scripts/java-home; the archives are trained
# untimed before the first step, in the work directory).
#
#   bench/vault-vs-restic.sh [TOTAL_MB [BASE_JAR]]      (default 1024, no base)
#
# DAEMON_OPTS (e.g. "-Xlog:gc*:file=/tmp/gc-%p.log -XX:StartFlightRecording=filename=/tmp/d-%p.jfr")
# adds JVM flags to both daemons, to profile a step where it runs (%p: the daemon's pid).
#
# With BASE_JAR (e.g. main's nxs.jar built in a scratch worktree), that jar also runs every step
# offline and through a daemon of its own, each on its own home, interleaved with the others, with
# the flags main's launcher gave a vault command (C2 and the full archive unless it is a `list`);
# a second table compares it with this tree's jar: old vs new in one run on the same corpus.
#
# Needs: restic, python3, a JDK 21+. Writes the table to stdout; results go in bench/results/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mb=${1:-1024}
base_jar=${2:-}
[ -z "$base_jar" ] || base_jar=$(readlink -f "$base_jar")
work=$(mktemp -d /tmp/nxs-vault-bench.XXXXXX)
. "$root/scripts/java-home"
jar="$root/nxs-app/target/nxs.jar"
[ -f "$jar" ] || (cd "$root" && ./mvnw -q -B -DskipTests package -pl nxs-app -am)
native="--enable-native-access=ALL-UNNAMED"
[ "${NXS_JAVA_MAJOR:-21}" -lt 23 ] || native="$native --sun-misc-unsafe-memory-access=allow"
# nxs_java JAR KIND ARGS...: into cmd, the java command line ./nxs runs for `nxs ARGS` with JAR.
# KIND new: this tree's launcher; old: main's before 2026-12-07 (a vault command that is not a
# `list` always with C2, daemon or not). The archives live in $work, one set per jar.
nxs_java() {
  local j=$1 kind=$2 a skip=""
  shift 2
  if [ "$kind" = new ]; then
    nxs_cli_jit "$@"
  else
    local args=()
    for a in "$@"; do   # the home's daemon hidden from the check: a home without daemon.address
      if [ -n "$skip" ]; then args+=("$work/no-daemon"); skip=""; continue; fi
      [ "$a" = --home ] && skip=1
      args+=("$a")
    done
    nxs_cli_jit "${args[@]}"
  fi
  # shellcheck disable=SC2154  # nxs_jit: set by nxs_cli_jit (scripts/java-home)
  local heap="-Xms16m $nxs_jit"
  [ "${*: -1}" != serve ] || heap="-Xms40m -Xmn24m"   # the daemon's heap, as ./nxs serve
  local opts="-XX:+UseSerialGC $heap -Xmx512m -XX:MaxMetaspaceSize=128m -Xss512k -Djdk.console=java.base"
  # shellcheck disable=SC2086  # lists of JVM flags
  nxs_start_archive "$j" "$work/$(basename "$j" .jar)" $native $opts 2>/dev/null
  # shellcheck disable=SC2206  # lists of JVM flags
  local extra=""   # DAEMON_OPTS on the daemon's command line only, not in its archive's training
  [ "${*: -1}" != serve ] || extra=${DAEMON_OPTS:-}
  # A light command (nxs_jit: e.g. a restore through the daemon) names the main class, as ./nxs
  # runs it: -jar opens the 114 MB jar once more for its manifest.
  local main=(-jar "$j")
  [ -z "$nxs_jit" ] || main=(-cp "$j" io.nxs.app.cli.Main)
  # shellcheck disable=SC2206  # lists of JVM flags
  cmd=("$JAVA_HOME/bin/java" $native $nxs_archive $opts $extra "${main[@]}" "$@")
}
base_copy=""
if [ -n "$base_jar" ]; then base_copy="$work/base-$(basename "$base_jar")"; cp "$base_jar" "$base_copy"; fi
daemon_pid=""
# shellcheck disable=SC2086  # a list of pids
trap '[ -z "$daemon_pid" ] || kill $daemon_pid 2>/dev/null; wait; rm -rf "$work"' EXIT
# Wall seconds to stdout; CPU seconds (user + system) of the step appended to $work/cpu.
secs() {
  local s e
  s=$(date +%s.%N)
  /usr/bin/time -f "%U %S" -o "$work/time.out" "$@" >"$work/last.out"
  e=$(date +%s.%N)
  awk '{ print $1 + $2 }' "$work/time.out" >>"$work/cpu"
  echo "$e - $s" | bc
}
# The vault's own time (without JVM start) from the last `nxs -o json` output.
inner() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["millis"] / 1000)' "$work/last.out"; }

python3 "$root/bench/vault-corpus.py" "$work/corpus" "$mb"
files=$(find "$work/corpus" -type f | wc -l)
bytes=$(du -sb "$work/corpus" | cut -f1)

declare -A port
for mode in offline daemon ${base_jar:+base based}; do
  port[$mode]=0
  [ "$mode" != daemon ] && [ "$mode" != based ] \
    || port[$mode]=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  mkdir -p "$work/$mode"
  cat > "$work/$mode/nxs.yaml" <<YAML
server:
  port: ${port[$mode]}
vault:
  openclaw: false
  sources:
    - path: $work/corpus
  schedule:
    backup: 0s
YAML
done
# The start-up archives, as ./nxs makes them (untimed): the full one and the light commands' one.
for j in "$jar" ${base_copy:+"$base_copy"}; do
  nxs_java "$j" new --home "$work/offline" backup create >/dev/null
  nxs_java "$j" new --home "$work/offline" backup list >/dev/null
done
# One daemon per jar: this tree's, and the base jar's on its own home.
declare -A dpid
for mode in daemon ${base_jar:+based}; do
  j=$jar; [ "$mode" = daemon ] || j=$base_copy
  nxs_java "$j" new --home "$work/$mode" serve
  "${cmd[@]}" >"$work/$mode.log" 2>&1 &
  dpid[$mode]=$!
  daemon_pid="$daemon_pid ${dpid[$mode]}"
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${port[$mode]}/readyz")" = 200 ]; do
    kill -0 "${dpid[$mode]}" 2>/dev/null || { cat "$work/$mode.log"; exit 1; }
    sleep 0.1
  done
done
export RESTIC_PASSWORD=bench-password RESTIC_REPOSITORY="$work/restic-repo"
restic init -q >/dev/null

# Timings (wall s) by step and tool; in-process seconds from `-o json`'s millis; CPU from /usr/bin/time
# (for the daemon modes only the CLI's own CPU is seen there, so the daemon's is read from /proc).
declare -A wall inner cpu
daemon_cpu() { awk '{ print ($14 + $15) / 100 }' "/proc/$1/stat"; }
step() { # step NAME TOOL COMMAND...
  local name=$1 tool=$2 before=""
  shift 2
  sync
  [ -z "${dpid[$tool]:-}" ] || before=$(daemon_cpu "${dpid[$tool]}")
  wall[$name,$tool]=$(secs "$@")
  local c
  c=$(tail -n 1 "$work/cpu")
  [ -z "$before" ] || c=$(echo "$c + $(daemon_cpu "${dpid[$tool]}") - $before" | bc)
  cpu[$name,$tool]=$c
  if [ "$tool" != restic ]; then inner[$name,$tool]=$(inner); fi
}
# nxs MODE ARGS...: `nxs ARGS` on MODE's home, with the flags that mode's launcher picks.
nxs() {
  local mode=$1
  shift
  case $mode in
    offline|daemon) nxs_java "$jar" new --home "$work/$mode" -o json "$@" ;;
    *) nxs_java "$base_copy" old --home "$work/$mode" -o json "$@" ;;
  esac
  step "$name" "$mode" "${cmd[@]}"
}
run_all() { # run_all NAME ARGS-BY-MODE... : the NXS modes of one step, interleaved after restic
  name=$1
  shift
  local mode
  for mode in ${base_jar:+base} offline daemon ${base_jar:+based}; do
    nxs "$mode" "$@"
  done
}

step first restic restic backup -q "$work/corpus"
run_all first backup create
python3 "$root/bench/vault-corpus.py" "$work/corpus" --change 1 >/dev/null
step changed restic restic backup -q "$work/corpus"
run_all changed backup create
step restore restic restic restore -q latest --target "$work/restic-out"
name=restore
for mode in ${base_jar:+base} offline daemon ${base_jar:+based}; do
  nxs "$mode" backup restore latest --to "$work/$mode-out"
done
declare -A same
for mode in offline daemon ${base_jar:+base based}; do
  diff -r "$work/corpus" "$work/$mode-out/files/corpus" >/dev/null && same[$mode]=identical || same[$mode]=DIFFERENT
done
rsize=$(du -sb "$work/restic-repo" | cut -f1)
nsize=$(du -sb "$work/offline/backups" | cut -f1)
declare -A vbytes vms
for mode in offline daemon; do
  nxs_java "$jar" new --home "$work/$mode" -o json backup verify all --deep
  verify=$("${cmd[@]}")
  vbytes[$mode]=$(echo "$verify" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["bytes_read"])')
  vms[$mode]=$(echo "$verify" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["millis"])')
done
r4=$(secs restic check --read-data)

ratio() { echo "scale=2; $1 / $2" | bc; }
echo "date: $(date -u +%FT%TZ)  machine: $(nproc) cores  load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "corpus: $files files, $((bytes / 1024 / 1024)) MiB; restore check: offline ${same[offline]}, daemon ${same[daemon]}"
echo
echo "| step | restic (s) | NXS offline wall (s) | ratio | NXS daemon wall (s) | ratio | in-process offline / daemon (s) |"
echo "|---|---|---|---|---|---|---|"
for s in first changed restore; do
  label=$(case $s in first) echo "first backup";; changed) echo "backup after 1 % changed";; restore) echo "full restore";; esac)
  echo "| $label | ${wall[$s,restic]} | ${wall[$s,offline]} | $(ratio "${wall[$s,offline]}" "${wall[$s,restic]}") | ${wall[$s,daemon]} | $(ratio "${wall[$s,daemon]}" "${wall[$s,restic]}") | ${inner[$s,offline]} / ${inner[$s,daemon]} |"
done
for s in first changed restore; do
  echo "| CPU s: $s | ${cpu[$s,restic]} | ${cpu[$s,offline]} | $(ratio "${cpu[$s,offline]}" "${cpu[$s,restic]}") | ${cpu[$s,daemon]} | $(ratio "${cpu[$s,daemon]}" "${cpu[$s,restic]}") | |"
done
echo "| repository size (MiB) | $((rsize / 1024 / 1024)) | $((nsize / 1024 / 1024)) | $(ratio "$nsize" "$rsize") | | | |"
echo
for mode in offline daemon; do
  echo "NXS deep verify ($mode): $((vbytes[$mode] / 1024 / 1024)) MiB in ${vms[$mode]} ms = $(echo "scale=1; ${vbytes[$mode]} / 1048.576 / ${vms[$mode]}" | bc) MiB/s"
done
echo "restic check --read-data: $r4 s"
if [ -n "$base_jar" ]; then
  echo
  echo "old jar $(basename "$base_jar") (main's launcher flags) vs new jar, same run (restore check: old offline ${same[base]}, old daemon ${same[based]})"
  echo
  echo "| step | way | old wall (s) | new wall (s) | new / old | old CPU (s) | new CPU (s) | new / old | in-process old / new (s) |"
  echo "|---|---|---|---|---|---|---|---|---|"
  for s in first changed restore; do
    for w in offline:base daemon:based; do
      n=${w%%:*} o=${w#*:}
      echo "| $s | $n | ${wall[$s,$o]} | ${wall[$s,$n]} | $(ratio "${wall[$s,$n]}" "${wall[$s,$o]}") | ${cpu[$s,$o]} | ${cpu[$s,$n]} | $(ratio "${cpu[$s,$n]}" "${cpu[$s,$o]}") | ${inner[$s,$o]} / ${inner[$s,$n]} |"
    done
  done
fi
