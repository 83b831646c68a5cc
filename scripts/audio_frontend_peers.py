#!/usr/bin/env python3
"""The numpy+scipy and librosa peers of `tao-bench frontend`, without torch.

Same workload and code as ../shared/anchors/frontend_bench.py (whose import of torch would need a 5 GB install):
64-mel NeMo log-mel of one hour of 16 kHz speech cut into 20 s utterances, one utterance at a time. Prints one JSON
object per line in tao-bench's format (throughput in audio-seconds per second).

usage: python3 scripts/audio_frontend_peers.py [--anchors ../shared/anchors] [--runs 3] [--threads 1,2]
needs: pip install numpy scipy librosa soundfile threadpoolctl
"""
import argparse, json, os, statistics, sys, time
import numpy as np
import soundfile as sf

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ap = argparse.ArgumentParser()
ap.add_argument("--anchors", default=os.path.join(root, "..", "shared", "anchors"))
ap.add_argument("--audio", default=os.path.expanduser(os.environ.get("ANCHORS_DATA", "~/.cache/tao-anchors/data")) + "/speech_1h_16k.wav")
ap.add_argument("--runs", type=int, default=3)
ap.add_argument("--seconds", type=float, default=3600)
ap.add_argument("--seg", type=float, default=20.0)
ap.add_argument("--threads", default="1,2")
ap.add_argument("--mels", type=int, default=64)
ap.add_argument("--impls", default="numpy,librosa")
a = ap.parse_args()
sys.path.insert(0, a.anchors)
import frontend_recipe as R  # the anchors' NeMo recipe in numpy
import librosa
from threadpoolctl import threadpool_limits

pcm, sr = sf.read(a.audio, dtype="int16")
x = pcm[: int(a.seconds * sr)].astype(np.float32) / 32768.0
seg = int(a.seg * sr)
utts = [x[i:i + seg] for i in range(0, len(x), seg) if len(x[i:i + seg]) > 1600]
total = sum(len(u) for u in utts) / sr
fb = librosa.filters.mel(sr=16000, n_fft=512, n_mels=a.mels, fmin=0, fmax=8000, norm="slaney")
win = R.hann_symmetric(320, np.float32)


def run_numpy(u, nthr):
    return R.nemo_logmel_numpy(u, fb, np.float32, workers=nthr)


def run_librosa(u, nthr):
    y = np.concatenate(([u[0]], u[1:] - np.float32(0.97) * u[:-1]))
    S = librosa.stft(y, n_fft=512, hop_length=160, win_length=320, window=win, center=True, pad_mode="constant")
    lm = np.log(fb @ (np.abs(S) ** 2) + np.float32(2 ** -24))
    return R.normalize_per_feature(lm, len(u) // 160)


for nthr in [int(t) for t in a.threads.split(",")]:
    with threadpool_limits(nthr):
        for key, name, fn in (("numpy", "numpy+scipy.fft", run_numpy), ("librosa", "librosa.stft", run_librosa)):
            if key not in a.impls.split(","):
                continue
            for u in utts[:5]:
                fn(u, nthr)
            times = []
            for _ in range(a.runs):
                t0 = time.perf_counter()
                for u in utts:
                    fn(u, nthr)
                times.append(time.perf_counter() - t0)
            times.sort()
            med = statistics.median(times)
            print(json.dumps({"bench": f"logmel{a.mels} {name}", "threads": nthr, "median_s": med, "min_s": times[0],
                              "max_s": times[-1], "throughput": total / med, "unit": "audio-s/s"}), flush=True)
