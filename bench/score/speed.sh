#!/usr/bin/env bash
# Scoring speed (issue 16), side by side in one run on the same files:
#   1. BRISQUE on 1920x1080 images: NXS (Java) against OpenCV's own cv2.quality.QualityBRISQUE
#      (Debian python3-opencv), interleaved A B A B; each side times only BRISQUE on pixels it
#      decoded beforehand, median per image after a warm-up round;
#   2. the whole image scorer (decode + every dimension) on one thread;
#   3. images per second through the daemon: `nxs serve` on a scratch home, JPEGs POSTed to
#      /api/v1/score by 4 concurrent clients, with the daemon's peak resident memory;
#   4. voice: 16 kHz mono speech (espeak-ng), decode + every dimension, as a real-time factor.
#
#   bench/score/speed.sh [IMAGES]      (default 12)
#
# Needs python3-opencv, espeak-ng, a JDK 21+. Prints the figures; results go in bench/results/.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
n=${1:-12}
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
  "${java[@]}" brisque "$work/png" 3
done
echo "== the whole image scorer (decode + all dimensions), PNG and JPEG"
"${java[@]}" image "$work/png" 3
"${java[@]}" image "$work/jpg" 3
echo "== voice, 16 kHz mono"
"${java[@]}" voice "$work/voice" 5

echo "== through the daemon"
jar=nxs-app/target/nxs.jar
./mvnw -B -q -DskipTests -Dspotless.check.skip=true package -pl nxs-app -am >/dev/null
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
home="$work/home"
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
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx1g -jar "$jar" --home "$home" serve >"$work/daemon.log" 2>&1 &
daemon_pid=$!
until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz")" = 200 ]; do
  kill -0 "$daemon_pid" 2>/dev/null || { cat "$work/daemon.log"; exit 1; }
  sleep 0.2
done
/usr/bin/python3 - "$work/jpg" "$port" "$home/keys/admin.key" "$daemon_pid" <<'PY'
import concurrent.futures, glob, json, sys, time, urllib.request
files = sorted(glob.glob(sys.argv[1] + "/*.jpg")); port = sys.argv[2]; key = open(sys.argv[3]).read().strip()
pid = sys.argv[4]
data = [open(f, "rb").read() for f in files]
def post(i):
    req = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/score?file=hd{i}.jpg", data=data[i % len(data)],
                                 headers={"Authorization": f"Bearer {key}", "Content-Type": "image/jpeg"})
    body = json.load(urllib.request.urlopen(req, timeout=120))
    assert body["status"] == "scored", body
for warm in range(len(data)):
    post(warm)
total = 10 * len(data)
t = time.perf_counter()
with concurrent.futures.ThreadPoolExecutor(4) as pool:
    list(pool.map(post, range(total)))
d = time.perf_counter() - t
hwm = [l for l in open(f"/proc/{pid}/status") if l.startswith("VmHWM")][0].split()[1]
print(f"daemon: {total} 1920x1080 JPEGs by 4 clients in {d:.1f} s = {total / d:.1f} images/s; daemon peak RSS {int(hwm) // 1024} MiB")
PY
