#!/usr/bin/python3
"""Makes the golden references the score module checks at start and in CI (nxs-score resources
io/nxs/score/golden/): three small images and two short recordings from the benchmark set's
generators, with expected values from independent tools -- BRISQUE from OpenCV's QualityBRISQUE
(python3-opencv + opencv-data), loudness and true peak from ffmpeg's ebur128 -- plus the quality
NXS gave when the golden was made (pass --quality FILE=VALUE ... to record it).

  /usr/bin/python3 bench/score/make-goldens.py OUT_DIR [--quality name=value ...]
"""
import importlib.util
import json
import os
import re
import subprocess
import sys

import cv2
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("makeset", os.path.join(here, "make-set.py"))
ms = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ms)

MODEL = "/usr/share/opencv4/quality/brisque_model_live.yml"
RANGE = "/usr/share/opencv4/quality/brisque_range_live.yml"


def brisque(path):
    return float(cv2.quality.QualityBRISQUE_compute(cv2.imread(path), MODEL, RANGE)[0])


def ebur128(path):
    out = subprocess.run(["ffmpeg", "-nostats", "-hide_banner", "-i", path, "-af", "ebur128=peak=true",
                          "-f", "null", "-"], capture_output=True, text=True).stderr
    summary = out[out.rindex("Summary:"):]
    loud = float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1))
    peak = float(re.search(r"Peak:\s+(-?[\d.]+) dBFS", summary).group(1))
    return loud, peak


def main(out, qualities):
    os.makedirs(out, exist_ok=True)
    ms.W, ms.H = 256, 192
    base = ms.scene(4242)
    rng = np.random.RandomState(7)
    items = {}
    for name, (ladder, level) in {"scene-clean.png": ("blur_sigma", 0),
                                  "scene-blur.png": ("blur_sigma", 2.5),
                                  "scene-jpeg30.jpg": ("jpeg_quality", 30)}.items():
        data, ext = ms.distort(base, ladder, level, rng)
        path = os.path.join(out, name)
        if ext == "jpg":
            data.tofile(path)
        else:
            cv2.imwrite(path, data)
        items[name] = {"kind": "image", "brisque": round(brisque(path), 3)}
    clean, rate = ms.speak("en-us", "Golden references keep the scores honest.", os.path.join(out, "raw.wav"))
    os.remove(os.path.join(out, "raw.wav"))
    clean = 0.5 * clean / np.max(np.abs(clean))
    noisy = clean + np.random.RandomState(8).randn(len(clean)) * np.sqrt(np.mean(clean ** 2) / 10)
    ms.write_wav(os.path.join(out, "speech-clean.wav"), clean, rate)
    ms.write_wav(os.path.join(out, "noisy.wav"), 0.5 * noisy / np.max(np.abs(noisy)), rate)
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", os.path.join(out, "noisy.wav"), "-ar", "16000",
                    "-c:a", "flac", os.path.join(out, "speech-noisy.flac")], check=True)
    os.remove(os.path.join(out, "noisy.wav"))
    for name in ["speech-clean.wav", "speech-noisy.flac"]:
        loud, peak = ebur128(os.path.join(out, name))
        items[name] = {"kind": "audio", "loudness_lufs": loud, "true_peak_dbtp": peak}
    for name, value in qualities.items():
        items[name]["quality"] = value
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump({"made_with": {"opencv": cv2.__version__,
                                 "ffmpeg": subprocess.run(["ffmpeg", "-version"], capture_output=True,
                                                          text=True).stdout.splitlines()[0]},
                   "tolerance": {"brisque": 2.0, "loudness_lufs": 0.5, "true_peak_dbtp": 0.5, "quality": 1.0},
                   "items": items}, f, indent=1)


if __name__ == "__main__":
    args = sys.argv[1:]
    if not args:
        sys.exit("usage: make-goldens.py OUT_DIR [--quality name=value ...]")
    q = {}
    if "--quality" in args:
        for kv in args[args.index("--quality") + 1:]:
            k, v = kv.split("=")
            q[k] = float(v)
        args = args[:args.index("--quality")]
    main(args[0], q)
