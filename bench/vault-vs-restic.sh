#!/usr/bin/env bash
# NXS vault against restic (Debian's restic) on the same generated corpus, in the same run:
# first backup, backup after 1 % of the files changed, full restore, repository size; plus NXS's
# deep verify throughput. NXS runs two ways, each on its own home and repository:
#   offline  the CLI alone on a stopped home: a fresh JVM per command, as restic runs;
#   daemon   the CLI with `nxs serve` running on the home, as an operator runs NXS: the command
#            goes through the daemon's API and the work runs in the daemon's JVM.
# Both encrypt (restic: AES-256-CTR + Poly1305; NXS: AES-256-GCM) and compress (restic repository
# v2 "auto" zstd; NXS zstd level 3). Both NXS ways use the launcher's class-data sharing archive.
#
#   bench/vault-vs-restic.sh [TOTAL_MB [BASE_JAR]]      (default 1024, no base)
#
# With BASE_JAR (e.g. main's nxs.jar built in a scratch worktree), that jar also runs every step
# offline on its own home, interleaved with the others, and a second table compares it with this
# tree's jar: old vs new in one run on the same corpus.
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
JAVA=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -Xmx512m
  -XX:SharedArchiveFile="$work/nxs.jsa" -XX:+AutoCreateSharedArchive
  -Xlog:disable -Xlog:all=warning,cds=off,cds+dynamic=off:stderr -jar "$jar")
JAVA_BASE=("${JAVA[@]:0:${#JAVA[@]}-1}" "$base_jar")
JAVA_BASE=("${JAVA_BASE[@]/#-XX:SharedArchiveFile=*/-XX:SharedArchiveFile=$work/base.jsa}")
daemon_pid=""
trap '[ -z "$daemon_pid" ] || kill "$daemon_pid" 2>/dev/null; rm -rf "$work"' EXIT
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

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
for mode in offline daemon ${base_jar:+base}; do
  mkdir -p "$work/$mode"
  cat > "$work/$mode/nxs.yaml" <<YAML
server:
  port: $([ "$mode" = daemon ] && echo "$port" || echo 0)
vault:
  openclaw: false
  sources:
    - path: $work/corpus
  schedule:
    backup: 0s
YAML
done
# The class-data sharing archive, as ./nxs makes it (untimed).
"${JAVA[@]}" --home "$work/offline" backup list >/dev/null
[ -z "$base_jar" ] || "${JAVA_BASE[@]}" --home "$work/base" backup list >/dev/null
"${JAVA[@]}" --home "$work/daemon" serve >"$work/daemon.log" 2>&1 &
daemon_pid=$!
until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz")" = 200 ]; do
  kill -0 "$daemon_pid" 2>/dev/null || { cat "$work/daemon.log"; exit 1; }
  sleep 0.1
done
export RESTIC_PASSWORD=bench-password RESTIC_REPOSITORY="$work/restic-repo"
restic init -q >/dev/null

# Timings (wall s) by step and tool; in-process seconds from `-o json`'s millis; CPU from /usr/bin/time
# (for the daemon mode only the CLI's own CPU is seen there, so its CPU is read from /proc instead).
declare -A wall inner cpu
daemon_cpu() { awk '{ print ($14 + $15) / 100 }' "/proc/$daemon_pid/stat"; }
step() { # step NAME TOOL COMMAND...
  local name=$1 tool=$2 before
  shift 2
  sync
  [ "$tool" = daemon ] && before=$(daemon_cpu)
  wall[$name,$tool]=$(secs "$@")
  local c
  c=$(tail -n 1 "$work/cpu")
  [ "$tool" = daemon ] && c=$(echo "$c + $(daemon_cpu) - $before" | bc)
  cpu[$name,$tool]=$c
  if [ "$tool" != restic ]; then inner[$name,$tool]=$(inner); fi
}
OFFLINE=("${JAVA[@]}" --home "$work/offline" -o json)
DAEMON=("${JAVA[@]}" --home "$work/daemon" -o json)
BASE=("${JAVA_BASE[@]}" --home "$work/base" -o json)

step first restic restic backup -q "$work/corpus"
[ -z "$base_jar" ] || step first base "${BASE[@]}" backup create
step first offline "${OFFLINE[@]}" backup create
step first daemon "${DAEMON[@]}" backup create
python3 "$root/bench/vault-corpus.py" "$work/corpus" --change 1 >/dev/null
step changed restic restic backup -q "$work/corpus"
[ -z "$base_jar" ] || step changed base "${BASE[@]}" backup create
step changed offline "${OFFLINE[@]}" backup create
step changed daemon "${DAEMON[@]}" backup create
step restore restic restic restore -q latest --target "$work/restic-out"
[ -z "$base_jar" ] || step restore base "${BASE[@]}" backup restore latest --to "$work/base-out"
step restore offline "${OFFLINE[@]}" backup restore latest --to "$work/offline-out"
step restore daemon "${DAEMON[@]}" backup restore latest --to "$work/daemon-out"
declare -A same
for mode in offline daemon ${base_jar:+base}; do
  diff -r "$work/corpus" "$work/$mode-out/files/corpus" >/dev/null && same[$mode]=identical || same[$mode]=DIFFERENT
done
rsize=$(du -sb "$work/restic-repo" | cut -f1)
nsize=$(du -sb "$work/offline/backups" | cut -f1)
declare -A vbytes vms
for mode in offline daemon; do
  verify=$("${JAVA[@]}" --home "$work/$mode" -o json backup verify all --deep)
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
  echo "old jar $(basename "$base_jar") vs new jar, both offline (restore check: old ${same[base]})"
  echo
  echo "| step | old wall (s) | new wall (s) | new / old | old CPU (s) | new CPU (s) | new / old | in-process old / new (s) |"
  echo "|---|---|---|---|---|---|---|---|"
  for s in first changed restore; do
    echo "| $s | ${wall[$s,base]} | ${wall[$s,offline]} | $(ratio "${wall[$s,offline]}" "${wall[$s,base]}") | ${cpu[$s,base]} | ${cpu[$s,offline]} | $(ratio "${cpu[$s,offline]}" "${cpu[$s,base]}") | ${inner[$s,base]} / ${inner[$s,offline]} |"
  done
fi
