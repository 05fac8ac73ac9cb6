#!/usr/bin/env bash
# Where an idle daemon's resident memory is, for each jar given (issue 13: idle RSS <= 150 MB):
#   bench/daemon-idle-anatomy.sh JAR...      (IDLE=15: seconds after /readyz 200 before reading)
# Each jar runs as ./nxs serve runs it (the launcher's serve flags and its own serve AOT cache,
# trained once per jar by nxs_start_archive, as bench/daemon-memory.sh does), plus
# -XX:NativeMemoryTracking=summary, on a fresh home answering /readyz and nothing else. IDLE seconds
# after ready it prints: VmRSS and the thread count; resident MB by kind from /proc/PID/smaps (the
# AOT cache, libjvm, other files, the Java heap, other anonymous memory); the JVM's own accounting
# (NMT: committed MB of each category above 0.5 MB, and malloc in all); the heap's young and old
# generation use; the threads by name; the live heap's largest classes (GC.class_histogram: a full
# collection, so taken last); and the size of the jar's central directory, which the JDK's ZipFile
# keeps on the Java heap for as long as the class loader has the jar open (the daemon's lifetime).
# NMT itself costs a little memory: compare rows of this script with each other, and take idle RSS
# figures from bench/daemon-memory.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home
idle=${IDLE:-15}
work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
java="$JAVA_HOME/bin/java"
# ./nxs serve's flags and C-heap settings.
. bench/serve-flags.sh
nxs_serve_flags
nxs_jit=""
nxs_archive_kind=serve
echo "date: $(date -u +%FT%TZ)  machine: $(nproc) cores  load: $(cut -d' ' -f1-3 /proc/loadavg)  idle: ${idle} s after ready"
n=0
for jar in "$@"; do
  n=$((n + 1))
  dir="$work/$n"
  mkdir -p "$dir/home"
  cp "$jar" "$dir/nxs.jar"
  # shellcheck disable=SC2086
  nxs_start_archive "$dir/nxs.jar" "$dir/nxs" $flags
  printf 'server:\n  port: 0\n' > "$dir/home/nxs.yaml"
  # shellcheck disable=SC2086
  "$java" $flags $nxs_archive -XX:NativeMemoryTracking=summary -cp "$dir/nxs.jar" io.nxs.app.cli.Main \
    serve --home "$dir/home" > "$dir/out" 2>&1 &
  pid=$!
  port=""
  while [ -z "$port" ]; do
    kill -0 "$pid" 2>/dev/null || { cat "$dir/out"; exit 1; }
    port=$(sed -n 's/.*listening on port \([0-9]*\).*/\1/p' "$dir/out" | head -n 1)
    [ -n "$port" ] || sleep 0.05
  done
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz")" = 200 ]; do sleep 0.05; done
  sleep "$idle"
  echo "== $jar"
  echo "VmRSS $(awk '/VmRSS/ {printf "%.1f MB", $2 / 1024}' "/proc/$pid/status"), threads $(ls "/proc/$pid/task" | wc -l)"
  python3 - "/proc/$pid/smaps" <<'PY'
import re, sys
kinds = {}
kind = None
for line in open(sys.argv[1]):
    m = re.match(r'^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$', line)
    if m:
        start, end, name = int(m.group(1), 16), int(m.group(2), 16), m.group(3).strip()
        if name.endswith('.aot'):
            kind = 'aot_cache'
        elif 'libjvm' in name:
            kind = 'libjvm'
        elif start < 0x100000000 and end - start >= 32 << 20 and not name:
            kind = 'java_heap'   # the compressed-oops heap: one reservation below 4 GB (-Xmx512m)
        elif not name or name.startswith('['):
            kind = 'other_anonymous'
        else:
            kind = 'files'
    elif line.startswith('Rss:'):
        kinds[kind] = kinds.get(kind, 0) + int(line.split()[1])
print('resident MB by kind: ' + ' '.join(f'{k}={v / 1024:.1f}' for k, v in sorted(kinds.items())))
PY
  "$JAVA_HOME/bin/jcmd" "$pid" VM.native_memory summary | awk '
    /^Total:/ { sub(/.*committed=/, ""); printf "NMT committed: total=%.1f", $1 / 1024 }
    /malloc: / && !m { m = 1; sub(/.*malloc: /, ""); printf " malloc=%.1f", $1 / 1024 }
    /^-/ { line = $0; sub(/^- */, "", line); name = line; sub(/ *\(reserved.*/, "", name)
           if (match(line, /committed=[0-9]+KB/)) { kb = substr(line, RSTART + 10, RLENGTH - 12)
             if (kb + 0 >= 512) { gsub(/ /, "_", name); printf " %s=%.1f", name, kb / 1024 } } }
    END { print " (MB)" }'
  "$JAVA_HOME/bin/jcmd" "$pid" GC.heap_info | awk '/DefNew|Tenured/ { printf "%s total %s used %s; ", $1, $3, $5 } END { print "" }'
  echo "threads by name: $(for t in /proc/"$pid"/task/*; do cat "$t/comm"; done | sed 's/[0-9]*$//' | sort | uniq -c \
    | sort -rn | awk '{ c = $1; $1 = ""; printf "%s%s x%d", sep, substr($0, 2), c; sep = ", " }')"
  echo "live heap, largest classes (after a full collection):"
  "$JAVA_HOME/bin/jcmd" "$pid" GC.class_histogram | awk 'NR > 3 && NR <= 15 { printf "  %8.0f KB %7d %s\n", $3 / 1024, $2, $4 } /^Total/ { printf "  total live %.1f MB in %d objects\n", $3 / 1048576, $2 }'
  kill -TERM "$pid"; wait "$pid" || true; pid=""
  python3 - "$dir/nxs.jar" <<'PY'
import struct, sys
f = open(sys.argv[1], 'rb')
f.seek(-22, 2)
_, _, _, _, entries, cen_bytes, _, _ = struct.unpack('<IHHHHIIH', f.read(22))
print(f'jar central directory: {entries} entries, {cen_bytes / 1048576:.1f} MB (held on the heap as a byte[]'
      f' while the jar is open, plus {entries * 12 / 1048576:.1f} MB of int[] index)')
PY
done
