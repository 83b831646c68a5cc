#!/usr/bin/env python3
"""Copies the front-end goldens that TAOAudioTests need into Tests/TAOAudioTests/Fixtures, cropped to keep them small.

The goldens (../shared/golden/frontend, made by the peer-benchmark scripts from NeMo's recipe with numpy/librosa)
are [features, 378] float32 matrices. Each is stored here with only the frames listed in golden_frames.json: the
first and last 24 (where centre padding matters) and every 8th frame between. The values are the goldens' own,
unchanged, so a test compares its full output at those frames; normalization still depends on every frame.

usage: python3 scripts/make_audio_fixtures_for_tests.py [GOLDEN_DIR]
"""
import json, os, shutil, sys
import numpy as np

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
golden = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "..", "shared", "golden", "frontend")
out = os.path.join(root, "Tests", "TAOAudioTests", "Fixtures")
os.makedirs(out, exist_ok=True)

shutil.copyfile(os.path.join(golden, "golden_utt_16k.wav"), os.path.join(out, "golden_utt_16k.wav"))
frames = np.load(os.path.join(golden, "tao_features_64.npy")).shape[1]
kept = sorted(set(range(24)) | set(range(frames - 24, frames)) | set(range(0, frames, 3)))
for name in ["tao_features_64", "tao_features_80", "features_64", "features_80",
             "tao_logmel_prenorm_64", "tao_logmel_prenorm_80", "logmel_prenorm_64", "logmel_prenorm_80"]:
    a = np.load(os.path.join(golden, name + ".npy"))
    assert a.shape[1] == frames and a.dtype == np.float32
    np.save(os.path.join(out, name + "_kept.npy"), np.ascontiguousarray(a[:, kept]))
with open(os.path.join(out, "golden_frames.json"), "w") as f:
    json.dump({"frames": frames, "num_samples": 60430, "kept": kept}, f)
print(f"{len(kept)} of {frames} frames kept")
