#!/usr/bin/python3
"""Computes the WADA-SNR lookup table (Kim and Stern, "Robust signal-to-noise ratio estimation
based on waveform amplitude distribution analysis", Interspeech 2008) from the paper's own model
instead of copying a table: clean speech whose amplitude follows a gamma distribution with shape
0.4, in additive Gaussian noise. For each SNR from -20 to 100 dB it estimates
G = ln(E|z|) - E[ln|z|] of z = s + n by Monte Carlo (8 million samples, one fixed seed, the same
draws for every SNR so the curve is smooth).

  /usr/bin/python3 bench/score/make-wada-table.py > nxs-score/src/main/resources/io/nxs/score/wada/wada-table.txt
"""
import numpy as np

rng = np.random.RandomState(20080922)
N = 8_000_000
amplitude = rng.gamma(0.4, 1.0, N)
speech = amplitude * np.where(rng.rand(N) < 0.5, -1.0, 1.0)
noise = rng.randn(N)
speech_power = np.mean(speech ** 2)
print("# WADA-SNR table: snr_db G  (gamma shape 0.4, Gaussian noise, 8e6 Monte Carlo samples,")
print("# seed 20080922; made by bench/score/make-wada-table.py)")
for snr in range(-20, 101):
    z = speech + noise * np.sqrt(speech_power / 10 ** (snr / 10))
    a = np.maximum(np.abs(z), 1e-20)
    g = np.log(np.mean(a)) - np.mean(np.log(a))
    print(f"{snr} {g:.8f}")
