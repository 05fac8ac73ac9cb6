#!/usr/bin/env bash
# CLI commands that go through a running daemon (issue 13: <= 0.3 s wall each), side by side with
# an older jar in one run, interleaved, so the machine's load hits both alike:
#   bench/cli-latency.sh [RUNS] [BEFORE_JAR]     (default 10 runs; BEFORE_JAR e.g. a main build;
#   SKIP_BUILD=1 uses the jar already in nxs-app/target; BEFORE_FLAGS replaces the JVM flags the
#   before jar runs with, BEFORE_MAIN how it names its main class: by default main's as of
#   2026-12-07 ccb0e08 (-cp and the main class, C1 with CompileThresholdScaling=10, no perf data); for e.g.
#   e6f60bf: BEFORE_FLAGS="<the flags below with -XX:TieredStopAtLevel=1 alone>" BEFORE_MAIN="-jar {jar}";
#   RT=1, as root on a machine others load: the whole run, the daemon and every timed command at
#   real-time round-robin priority (chrt -r 50), so their wall is close to an idle machine's)
# Each jar runs as ./nxs runs it: the launcher's JVM flags and its start-up archive. The after jar
# gets the launcher's (nxs_start_archive in scripts/java-home: on JDK 25+ the light commands' AOT
# cache from `StartupTraining cli`), and so does the before jar (main's launcher since 2026-12-07
# 4b8fdbd; BEFORE_ARCHIVE=cds gives it a class-data sharing archive from its full training run, as
# the launchers made it before, for a before jar without the cli training).
# One daemon (this checkout's) serves both. Rows: wall ms and CPU ms (user+sys) medians per command;
# then the floor, in the same loop: a class with an empty main on the after jar's class path with
# the same flags and its own AOT cache, with the JDK's default CDS archive, and with -Xshare:off.
# Also the launcher's own cost: `./nxs --version` against the same java command line.
set -euo pipefail
cd "$(dirname "$0")/.."
# RT=1: the whole run (its builds and trainings too) at real-time priority, wall clocks included.
if [ -n "${RT:-}" ] && [ -z "${CLI_LATENCY_RT:-}" ]; then
  CLI_LATENCY_RT=1 exec chrt -r 50 "$0" "$@"
fi
. scripts/java-home
runs=${1:-10}
before_jar=${2:-}
[ -n "${SKIP_BUILD:-}" ] || ./mvnw -q -B -ntp -DskipTests -Dmaven.test.skip=true package -pl nxs-app -am
work=$(mktemp -d)
daemon=""
trap '[ -n "$daemon" ] && kill "$daemon" 2>/dev/null; rm -rf "$work"' EXIT
java="$JAVA_HOME/bin/java"
# ./nxs's flags for a light command (its JIT from nxs_cli_jit, as the launcher picks it).
native="--enable-native-access=ALL-UNNAMED"
if [ "$NXS_JAVA_MAJOR" -ge 23 ]; then native="$native --sun-misc-unsafe-memory-access=allow"; fi
rest="-Xmx512m -XX:MaxMetaspaceSize=128m -Xss512k -Djdk.console=java.base -Xlog:disable -Xlog:all=warning:stderr"
nxs_cli_jit status
flags="$native -XX:+UseSerialGC -Xms16m $nxs_jit $rest"
# main's (ccb0e08) light-command flags (04a6819's lacked -XX:-UsePerfData).
old_flags="$native -XX:+UseSerialGC -Xms16m -XX:TieredStopAtLevel=1 -XX:CompileThresholdScaling=10 -XX:-UsePerfData $rest"
declare -A jflags=([after]="$flags" [before]="${BEFORE_FLAGS:-$old_flags}")
# How each names its main class: ./nxs's light commands -cp and the class (no manifest to read).
light_main="-cp {jar} io.nxs.app.cli.Main"
declare -A jmain=([after]="$light_main" [before]="${BEFORE_MAIN:-$light_main}")

jars="after"
cp nxs-app/target/nxs.jar "$work/after.jar"
if [ -n "$before_jar" ]; then cp "$before_jar" "$work/before.jar"; jars="after before"; fi
declare -A archive
for j in $jars; do
  if [ "$j" = after ] || [ "${BEFORE_ARCHIVE:-launcher}" = launcher ]; then
    # shellcheck disable=SC2086
    nxs_start_archive "$work/$j.jar" "$work/$j" ${jflags[$j]}
    archive[$j]=$nxs_archive
  else
    # shellcheck disable=SC2086
    "$java" ${jflags[$j]} -XX:ArchiveClassesAtExit="$work/$j.jsa" -cp "$work/$j.jar" io.nxs.app.cli.StartupTraining >/dev/null 2>&1
    archive[$j]="-XX:SharedArchiveFile=$work/$j.jsa"
  fi
  echo "$j: ${archive[$j]}" >&2
done
# The after jar's plain light commands through the daemon run as the launchers run them (ADR 0068):
# on the light class path alone, with its own AOT cache (nxs_light_command, nxs_start_archive).
# LIGHT=0: on the whole jar, as before it.
light_main="" light_archive=""
if [ "${LIGHT:-1}" != 0 ] && [ "$NXS_JAVA_MAJOR" -ge 25 ]; then
  # shellcheck disable=SC2034  # read by nxs_start_archive
  nxs_light=1
  # shellcheck disable=SC2086
  nxs_start_archive "$work/after.jar" "$work/after" ${jflags[after]}
  nxs_light=""
  if [ -n "$nxs_light_jar" ]; then
    light_main="-Dnxs.launcher=$PWD/nxs -cp $nxs_light_jar io.nxs.app.cli.Main"
    light_archive=$nxs_archive
    echo "after, light commands: $light_main $light_archive" >&2
  fi
fi

# The floor: a JVM that runs nothing (an empty main), with the jar on its class path.
mkdir -p "$work/floor"
printf 'public final class Empty {\n  public static void main(String[] args) {}\n}\n' > "$work/floor/Empty.java"
"$JAVA_HOME/bin/javac" -d "$work/floor" "$work/floor/Empty.java"
"$JAVA_HOME/bin/jar" cf "$work/empty.jar" -C "$work/floor" Empty.class
floor_cp="$work/empty.jar:$work/after.jar"
# shellcheck disable=SC2086
"$java" $flags -XX:AOTCacheOutput="$work/empty.aot" -cp "$floor_cp" Empty >/dev/null 2>&1
quiet="-Xlog:disable -Xlog:all=warning,cds=off,cds+dynamic=off,aot=off:stderr"
declare -A floors=([aot]="-XX:AOTCache=$work/empty.aot $quiet" [cds]="$quiet" [off]="-Xshare:off $quiet")
floor_names=(aot cds off)
declare -A floor_label=([aot]="empty main, its AOT cache" [cds]="empty main, the JDK's CDS archive" [off]="empty main, -Xshare:off")

home="$work/home"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$home"
printf 'server:\n  port: %s\nvault:\n  openclaw: false\n' "$port" > "$home/nxs.yaml"
# shellcheck disable=SC2086
"$java" $native -XX:+UseSerialGC -Xms40m -Xmn24m $rest -jar "$work/after.jar" serve --home "$home" >"$work/daemon.log" 2>&1 &
daemon=$!
until curl -sf -o /dev/null "http://127.0.0.1:$port/readyz"; do sleep 0.1; done
"$java" -jar "$work/after.jar" backup create --home "$home" >/dev/null   # something to list

# The last: a restore through the daemon of the small snapshot above, each run into a new directory
# ({dir}): the CLI's part of a restore (its JVM, the request), the daemon's work being the same.
commands=("--version" "status" "backup list" "provider list" "doctor incidents" "backup restore latest --to {dir}")
n=0
declare -A wall cpu
ms() { date +%s%3N; }
for _ in $(seq "$runs"); do
  for j in $jars; do
    for c in "${commands[@]}"; do
      main=${jmain[$j]//\{jar\}/$work/$j.jar} arch=${archive[$j]}
      case "$c" in
        status|"backup list"|"provider list"|"doctor incidents")
          if [ "$j" = after ] && [ -n "$light_main" ]; then main=$light_main arch=$light_archive; fi ;;
      esac
      n=$((n + 1))
      args=${c//\{dir\}/$work/restored-$n}
      t0=$(ms)
      # shellcheck disable=SC2086
      # `nxs status` exits 1 when something needs attention (no provider answers here): not a failure.
      /usr/bin/time -f '%U %S' -o "$work/time" "$java" ${jflags[$j]} $arch $main $args --home "$home" >/dev/null 2>&1 || true
      t=$(tail -n 1 "$work/time")
      t1=$(ms)
      rm -rf "$work/restored-$n"
      wall["$j/$c"]+="$((t1 - t0)) "
      cpu["$j/$c"]+="$(awk -v u="${t% *}" -v s="${t#* }" 'BEGIN {printf "%d", (u + s) * 1000}') "
    done
  done
  for f in "${floor_names[@]}"; do
    t0=$(ms)
    # shellcheck disable=SC2086
    /usr/bin/time -f '%U %S' -o "$work/time" "$java" $flags ${floors[$f]} -cp "$floor_cp" Empty >/dev/null 2>&1
    t=$(tail -n 1 "$work/time")
    t1=$(ms)
    wall["floor/$f"]+="$((t1 - t0)) "
    cpu["floor/$f"]+="$(awk -v u="${t% *}" -v s="${t#* }" 'BEGIN {printf "%d", (u + s) * 1000}') "
  done
done
# The launcher's own work (JDK pick, staleness check) on top of the same java command.
lw=""; lj=""
./nxs --version >/dev/null 2>&1   # the launcher makes its archive once per build: not timed
# shellcheck disable=SC2086
nxs_start_archive nxs-app/target/nxs.jar nxs-app/target/nxs $flags   # the same archive's flags
for _ in $(seq "$runs"); do
  t0=$(ms)
  ./nxs --version >/dev/null 2>&1
  t1=$(ms)
  lw+="$((t1 - t0)) "
  t0=$(ms)
  # shellcheck disable=SC2086
  "$java" $flags $nxs_archive -cp nxs-app/target/nxs.jar io.nxs.app.cli.Main --version >/dev/null 2>&1
  t1=$(ms)
  lj+="$((t1 - t0)) "
done

# shellcheck disable=SC2086  # $1 is a space-separated list of numbers
median() { printf '%s\n' $1 | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "date: $(date -u +%FT%TZ)  machine: $(nproc) cores  load: $(cut -d' ' -f1-3 /proc/loadavg)  JDK: $("$java" -version 2>&1 | head -n 1)"
echo "runs: $runs per jar and command (interleaved)${CLI_LATENCY_RT:+; the whole run under chrt -r 50}"
echo
if [ -n "$before_jar" ]; then
  echo "| command | before wall ms | after wall ms | after/before | before CPU ms | after CPU ms |"
  echo "|---|---|---|---|---|---|"
else
  echo "| command | wall ms | CPU ms |"
  echo "|---|---|---|"
fi
for c in "${commands[@]}"; do
  aw=$(median "${wall[after/$c]}"); ac=$(median "${cpu[after/$c]}")
  if [ -n "$before_jar" ]; then
    bw=$(median "${wall[before/$c]}"); bc=$(median "${cpu[before/$c]}")
    echo "| nxs ${c/ --to \{dir\}/} | $bw | $aw | $(awk -v a="$aw" -v b="$bw" 'BEGIN {printf "%.2f", a / b}') | $bc | $ac |"
  else
    echo "| nxs ${c/ --to \{dir\}/} | $aw | $ac |"
  fi
done
for f in "${floor_names[@]}"; do
  fw=$(median "${wall[floor/$f]}"); fc=$(median "${cpu[floor/$f]}")
  if [ -n "$before_jar" ]; then
    echo "| floor: ${floor_label[$f]} | | $fw | | | $fc |"
  else
    echo "| floor: ${floor_label[$f]} | $fw | $fc |"
  fi
done
echo
echo "launcher: ./nxs --version $(median "$lw") ms wall, the same java command alone $(median "$lj") ms"
