#!/usr/bin/python3
"""Builds the NXS scoring benchmark set (SPEC SC4) reproducibly, from nothing but seeded numbers and
Debian's espeak-ng: no photograph, recording or data set from elsewhere, so every item's licence is
this repository's.

  /usr/bin/python3 bench/score/make-set.py OUT_DIR

Images: six procedural scenes (1/f "natural" textures, gradients, shapes; numpy seeded RNG), each put
through five distortion ladders of known order with OpenCV (python3-opencv): JPEG quality, Gaussian
blur, additive Gaussian noise, under- and over-exposure. Voice: four sentences spoken by espeak-ng,
each through three ladders: white noise at known SNRs, hard clipping, and band-limiting.
manifest.json lists every item with its ladder, level (0 = undistorted, higher = worse), source,
the true SNR where one exists, and its SHA-256.
"""
import hashlib
import json
import os
import subprocess
import sys
import wave

import cv2
import numpy as np

VERSION = "score-bench-1"
W, H = 512, 384
IMAGE_LADDERS = {
    "jpeg_quality": [None, 80, 50, 30, 15, 5],
    "blur_sigma": [0, 0.8, 1.5, 2.5, 4.0, 6.0],
    "noise_sigma": [0, 4, 8, 16, 28, 45],
    "under_exposure": [1.0, 0.7, 0.5, 0.35, 0.25, 0.15],
    "over_exposure": [1.0, 1.4, 2.0, 2.8, 4.0, 5.6],
}
SENTENCES = [
    ("en-us", "The quick brown fox jumps over the lazy dog near the river bank."),
    ("en-gb", "Please remember to back up the agent's memory before every upgrade."),
    ("de", "Die Sonne scheint heute hell und der Wind weht leise durch die Bäume."),
    ("fr", "Le système garde une trace honnête de chaque changement important."),
]
VOICE_LADDERS = {
    "noise_snr_db": [None, 40, 30, 20, 10, 5, 0],
    "clip_gain": [1, 2, 4, 8, 16, 32],
    "lowpass_hz": [None, 6000, 4000, 3000, 2000, 1000],
}


def scene(seed):
    rng = np.random.RandomState(seed)
    fy = np.fft.fftfreq(H)[:, None]
    fx = np.fft.fftfreq(W)[None, :]
    f = np.sqrt(fx * fx + fy * fy)
    f[0, 0] = 1
    img = np.zeros((H, W, 3))
    for c in range(3):
        spectrum = (rng.randn(H, W) + 1j * rng.randn(H, W)) / f ** 1.1
        spectrum[0, 0] = 0
        t = np.real(np.fft.ifft2(spectrum))
        img[:, :, c] = (t - t.mean()) / (t.std() + 1e-9)
    mix = rng.rand(3, 3) * 0.6 + np.eye(3) * 0.4  # correlated channels, like real colour
    img = img @ mix.T
    img = 128 + 38 * img / img.std()
    yy, xx = np.mgrid[0:H, 0:W]
    img += (rng.rand(3) * 60 - 30)[None, None, :] * (xx / W)[:, :, None]  # a soft light gradient
    for _ in range(6):  # a few hard-edged objects, as scenes have
        cx, cy, r = rng.randint(0, W), rng.randint(0, H), rng.randint(20, 90)
        colour = rng.randint(30, 225, 3)
        mask = (xx - cx) ** 2 + (yy - cy) ** 2 < r * r
        shade = 1 + 0.15 * np.sin(xx[mask] / 7.0)
        img[mask] = 0.35 * img[mask] + 0.65 * colour[None, :] * shade[:, None]
    img = np.clip(img, 0, 255).astype(np.uint8)
    return cv2.GaussianBlur(img, (3, 3), 0.6)  # the slight softness of a real lens


def distort(img, ladder, level, rng):
    if ladder == "jpeg_quality":
        if level is None:
            return img, "png"
        ok, enc = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, level])
        return enc, "jpg"
    if ladder == "blur_sigma":
        return (img if level == 0 else cv2.GaussianBlur(img, (0, 0), level)), "png"
    if ladder == "noise_sigma":
        noisy = img.astype(np.float64) + rng.randn(*img.shape) * level
        return np.clip(np.round(noisy), 0, 255).astype(np.uint8), "png"
    # exposure: gain on linear light (sRGB gamma 2.2 approximation), clipped like a sensor
    linear = (img.astype(np.float64) / 255.0) ** 2.2 * level
    return (np.clip(linear, 0, 1) ** (1 / 2.2) * 255 + 0.5).astype(np.uint8), "png"


def write_wav(path, samples, rate):
    pcm = np.clip(np.round(samples * 32767), -32768, 32767).astype("<i2")
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())


def speak(voice, text, path):
    subprocess.run(["espeak-ng", "-v", voice, "-s", "150", "-w", path, text], check=True)
    with wave.open(path, "rb") as w:
        rate = w.getframerate()
        x = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64) / 32768
    return x, rate


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main(out):
    os.makedirs(os.path.join(out, "images"), exist_ok=True)
    os.makedirs(os.path.join(out, "voice"), exist_ok=True)
    items = []
    for s in range(6):
        base = scene(1000 + s)
        for ladder, levels in IMAGE_LADDERS.items():
            rng = np.random.RandomState(2000 + s)
            for i, level in enumerate(levels):
                data, ext = distort(base, ladder, level, rng)
                name = f"images/scene{s}-{ladder}-{i}.{ext}"
                path = os.path.join(out, name)
                if ext == "jpg":
                    data.tofile(path)
                else:
                    cv2.imwrite(path, data)
                items.append({"file": name, "kind": "image", "source": f"scene{s}", "ladder": ladder,
                              "level": i, "parameter": level, "sha256": sha256(path)})
    for s, (voice, text) in enumerate(SENTENCES):
        clean, rate = speak(voice, text, os.path.join(out, f"voice/speech{s}-raw.wav"))
        os.remove(os.path.join(out, f"voice/speech{s}-raw.wav"))
        clean = 0.5 * clean / np.max(np.abs(clean))
        active = np.abs(clean) > 1e-3
        power = np.mean(clean[active] ** 2)  # speech power where there is speech
        for ladder, levels in VOICE_LADDERS.items():
            rng = np.random.RandomState(3000 + s)
            for i, level in enumerate(levels):
                true_snr = None
                if ladder == "noise_snr_db":
                    noise = rng.randn(len(clean))
                    if level is None:
                        x = clean
                    else:
                        x = clean + noise * np.sqrt(power / 10 ** (level / 10))
                        true_snr = level
                    x = 0.9 * x / max(1.0, np.max(np.abs(x)) / 0.9)
                elif ladder == "clip_gain":
                    x = np.clip(clean * level, -0.5, 0.5)
                else:
                    if level is None:
                        x = clean
                    else:
                        spec = np.fft.rfft(clean)
                        spec[np.fft.rfftfreq(len(clean), 1 / rate) > level] = 0
                        x = np.fft.irfft(spec, len(clean))
                name = f"voice/speech{s}-{ladder}-{i}.wav"
                path = os.path.join(out, name)
                write_wav(path, x, rate)
                items.append({"file": name, "kind": "audio", "source": f"speech{s}", "ladder": ladder,
                              "level": i, "parameter": level, "true_snr_db": true_snr,
                              "sha256": sha256(path)})
    manifest = {"version": VERSION, "items": items,
                "made_with": {"numpy": np.__version__, "opencv": cv2.__version__,
                              "espeak-ng": subprocess.run(["espeak-ng", "--version"], capture_output=True,
                                                          text=True).stdout.strip()}}
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print(f"{VERSION}: {len(items)} items in {out}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: make-set.py OUT_DIR")
    main(sys.argv[1])
