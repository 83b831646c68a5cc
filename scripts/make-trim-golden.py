#!/usr/bin/env python3
"""Reference sample ranges of librosa.effects.trim (what NeMo's trim_silence calls) for SilenceTrimmer's tests.

The signals are formulas (so the fixture holds only their parameters): faint 'noise' 1e-5 sin(1.7 i), a tone
0.5 sin(0.05 i) (0.75 + 0.25 sin(0.001 i)), then faint noise again, all float32.
Writes Tests/TAOAudioTests/Fixtures/trim_golden.json. Needs numpy and librosa.
"""
import json, sys
import numpy as np, librosa

def signal(lead, body, tail, level):
    i = np.arange(lead + body + tail, dtype=np.float64)
    y = 1e-5 * np.sin(1.7 * i)
    b = slice(lead, lead + body)
    y[b] = level * np.sin(0.05 * i[b]) * (0.75 + 0.25 * np.sin(0.001 * i[b]))
    return y.astype(np.float32)

cases = []
for lead, body, tail, level in [(4000, 8000, 3000, 0.5), (0, 5000, 7000, 0.5), (10000, 3000, 0, 0.2),
                                (513, 2047, 1025, 0.9), (3000, 100, 3000, 0.01), (1500, 0, 1500, 0.5)]:
    y = signal(lead, body, tail, level)
    _, (start, end) = librosa.effects.trim(y, top_db=60, frame_length=2048, hop_length=512)
    cases.append({"lead": lead, "body": body, "tail": tail, "level": level, "start": int(start), "end": int(end)})
out = sys.argv[1] if len(sys.argv) > 1 else "Tests/TAOAudioTests/Fixtures/trim_golden.json"
json.dump({"source": f"librosa {librosa.__version__} effects.trim(top_db=60, frame_length=2048, hop_length=512)",
           "cases": cases}, open(out, "w"), indent=1)
print(cases)
