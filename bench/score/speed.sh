#!/usr/bin/env bash
# Scoring speed (issue 16), side by side in one run on the same files:
#   1. BRISQUE on 1920x1080 images: NXS (Java) against OpenCV's own cv2.quality.QualityBRISQUE
#      (Debian python3-opencv), interleaved A B A B; each side times only BRISQUE on pixels it
#      decoded beforehand, median per image after a warm-up round;
#   2. the whole image scorer (decode + every dimension) on one thread;
#   3. images per second through the daemon: `nxs serve` on a scratch home with the launcher's JVM
#      options, JPEGs POSTed to /api/v1/score by 4 concurrent clients, with the daemon's peak
#      resident memory;
#   4. voice: 16 kHz mono speech (espeak-ng), decode + every dimension, as a real-time factor.
#
#   bench/score/speed.sh [IMAGES] [BASELINE_REV]      (default 12 images, no baseline)
#
# With BASELINE_REV (a git revision), nxs-score's main classes as they were at that revision are
# compiled beside the current ones and steps 1-3 run both, alternately (baseline, current, twice
# for the daemon), so a change is judged by ratios within one run on a noisy machine. The baseline
# daemon is the current nxs.jar with the baseline's nxs-score classes put over the current ones.
#
# Needs python3-opencv, espeak-ng, a JDK 21+. Prints the figures; results go in bench/results/.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
n=${1:-12}
base_rev=${2:-}
work=$(mktemp -d /tmp/nxs-score-speed.XXXXXX)
daemon_pid=""
trap '[ -z "$daemon_pid" ] || kill "$daemon_pid" 2>/dev/null; rm -rf "$work"' EXIT
cd "$root"
. ./scripts/java-home

/usr/bin/python3 - "$work" "$n" <<'PY'
import importlib.util, os, subprocess, sys, wave
import cv2, numpy as np
work, n = sys.argv[1], int(sys.argv[2])
spec = importlib.util.spec_from_file_location("ms", "bench/score/make-set.py")
ms = importlib.util.module_from_spec(spec); spec.loader.exec_module(ms)
ms.W, ms.H = 1920, 1080
os.makedirs(f"{work}/png"); os.makedirs(f"{work}/jpg"); os.makedirs(f"{work}/voice")
for i in range(n):
    img = ms.scene(500 + i)
    cv2.imwrite(f"{work}/png/hd{i:02d}.png", img)
    cv2.imwrite(f"{work}/jpg/hd{i:02d}.jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 90])
for i, (voice, text) in enumerate(ms.SENTENCES):
    x, rate = ms.speak(voice, " ".join([text] * 4), f"{work}/raw.wav")
    speech = np.interp(np.arange(0, len(x) * 16000 // rate) * rate / 16000, np.arange(len(x)), x)
    ms.write_wav(f"{work}/voice/speech{i}.wav", 0.5 * speech / np.max(np.abs(speech)), 16000)
os.remove(f"{work}/raw.wav")
PY

./mvnw -B -q -pl nxs-score -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test -Dspotless.check.skip=true >/dev/null
cp="nxs-score/target/test-classes:nxs-score/target/classes:$(cat nxs-score/target/bench.classpath)"
java=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx1g -cp "$cp" io.nxs.score.bench.ScoreSpeed)
sides=(current)
if [ -n "$base_rev" ]; then
  mkdir -p "$work/base-src" "$work/base-classes"
  # the baseline's own ScoreSpeed too: it calls the baseline's API
  git archive "$base_rev" nxs-score/src/main/java nxs-score/src/test/java/io/nxs/score/bench \
    | tar -x -C "$work/base-src"
  find "$work/base-src" -name '*.java' > "$work/base-src/files"
  "$JAVA_HOME/bin/javac" -nowarn -d "$work/base-classes" -cp "$cp" @"$work/base-src/files"
  base_java=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx1g -cp "$work/base-classes:$cp" io.nxs.score.bench.ScoreSpeed)
  sides=(baseline current)
  echo "baseline: nxs-score at $(git rev-parse --short "$base_rev"); current: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- nxs-score || echo ' + uncommitted changes')"
fi
run() { # run SIDE ARGS...: ScoreSpeed on one side, its output prefixed with the side
  local side=$1; shift
  if [ "$side" = baseline ]; then "${base_java[@]}" "$@"; else "${java[@]}" "$@"; fi | sed "s/^/$side: /"
}

opencv() {
  /usr/bin/python3 - "$work/png" 3 <<'PY'
import cv2, glob, sys, time, statistics
files = sorted(glob.glob(sys.argv[1] + "/*.png")); rounds = int(sys.argv[2])
m = "/usr/share/opencv4/quality/brisque_model_live.yml"; r = "/usr/share/opencv4/quality/brisque_range_live.yml"
b = cv2.quality.QualityBRISQUE_create(m, r)
imgs = [cv2.imread(f) for f in files]
times = [[] for _ in files]
for rnd in range(rounds + 1):
    for i, img in enumerate(imgs):
        t = time.perf_counter(); b.compute(img); d = (time.perf_counter() - t) * 1000
        if rnd: times[i].append(d)
total = sum(statistics.median(t) for t in times)
print(f"opencv-brisque {len(files)} files: median {total / len(files):.1f} ms per image ({len(files) * 1000 / total:.1f} images/s on one thread)")
PY
}

echo "== BRISQUE on ${n} 1920x1080 images, NXS vs OpenCV, interleaved"
for round in 1 2; do
  opencv
  for side in "${sides[@]}"; do run "$side" brisque "$work/png" 3; done
done
echo "== the whole image scorer (decode + all dimensions), PNG and JPEG"
for round in 1 2; do
  for side in "${sides[@]}"; do
    run "$side" image "$work/png" 3
    run "$side" image "$work/jpg" 3
  done
done
echo "== voice, 16 kHz mono"
run current voice "$work/voice" 5

echo "== through the daemon"
jar=nxs-app/target/nxs.jar
./mvnw -B -q -DskipTests -Dspotless.check.skip=true package -pl nxs-app -am >/dev/null
if [ -n "$base_rev" ]; then
  cp "$jar" "$work/baseline.jar"
  (cd "$work/base-classes" && "$JAVA_HOME/bin/jar" uf "$work/baseline.jar" io/nxs/score)
fi
# The JVM options ./nxs serve runs the daemon with (the launcher's default), unless
# NXS_BENCH_DAEMON_OPTS says otherwise: the heap's sizing decides much of the cost per image.
daemon_opts=${NXS_BENCH_DAEMON_OPTS:--XX:+UseSerialGC -Xms40m -Xmn24m -Xmx512m -XX:MaxMetaspaceSize=128m -Xss512k}
daemon() { # daemon SIDE: start `nxs serve` from that side's jar on a scratch home, POST, stop
  local side=$1 side_jar=$jar
  [ "$side" = baseline ] && side_jar="$work/baseline.jar"
  local port home="$work/home-$side-$RANDOM"
  port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  mkdir -p "$home"
  cat > "$home/nxs.yaml" <<YAML
server:
  port: $port
vault:
  openclaw: false
  schedule:
    backup: 0s
    verify: 0s
    drill: 0s
YAML
  # shellcheck disable=SC2086 # the options are words
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED $daemon_opts -jar "$side_jar" --home "$home" serve >"$work/daemon.log" 2>&1 &
  daemon_pid=$!
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz")" = 200 ]; do
    kill -0 "$daemon_pid" 2>/dev/null || { cat "$work/daemon.log"; exit 1; }
    sleep 0.2
  done
  /usr/bin/python3 - "$work/jpg" "$port" "$home/keys/admin.key" "$daemon_pid" <<'PY' | sed "s/^/$side: /"
import concurrent.futures, glob, json, sys, time, urllib.request
files = sorted(glob.glob(sys.argv[1] + "/*.jpg")); port = sys.argv[2]; key = open(sys.argv[3]).read().strip()
pid = sys.argv[4]
data = [open(f, "rb").read() for f in files]
def post(i):
    req = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/score?file=hd{i}.jpg", data=data[i % len(data)],
                                 headers={"Authorization": f"Bearer {key}", "Content-Type": "image/jpeg"})
    body = json.load(urllib.request.urlopen(req, timeout=120))
    assert body["status"] == "scored", body
def cpu_seconds():  # the daemon's user + system time so far
    return sum(int(x) for x in open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[11:13]) / 100
for warm in range(len(data)):
    post(warm)
total = 10 * len(data)
cpu0 = cpu_seconds()
t = time.perf_counter()
with concurrent.futures.ThreadPoolExecutor(4) as pool:
    list(pool.map(post, range(total)))
d = time.perf_counter() - t
cpu = cpu_seconds() - cpu0
hwm = [l for l in open(f"/proc/{pid}/status") if l.startswith("VmHWM")][0].split()[1]
print(f"daemon: {total} 1920x1080 JPEGs by 4 clients in {d:.1f} s = {total / d:.1f} images/s;"
      f" daemon CPU {cpu * 1000 / total:.0f} ms per image; peak RSS {int(hwm) // 1024} MiB")
PY
  kill "$daemon_pid"
  wait "$daemon_pid" 2>/dev/null || true
  daemon_pid=""
}
for round in 1 2; do
  for side in "${sides[@]}"; do daemon "$side"; done
  [ -n "$base_rev" ] || break
done
