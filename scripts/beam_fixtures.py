"""Makes the beam-search fixtures: noisy CTC log-probabilities of ATIS test sentences and
pyctcdecode's answers on them (with the KenLM-made atis_o3.arpa, without an LM, with hotwords).

Labels: " ", a-z, "'", blank last (29), as in ../shared/anchors/beam_bench.py. Logits: a random
CTC alignment of the sentence (1-2 frames per character, optional blanks), one-hot * 6 + N(0, 1)
noise; on 15% of the character frames a random other label gets +6 and the true one +4.5;
log_softmax. Outputs (in Tests/TAODecodingTests/Fixtures):
  beam_logprobs.f32   all utterances' [T x 29] float32 log-probabilities, concatenated (little-endian)
  beam_golden.json    per utterance: frames, reference, and pyctcdecode's top beams per configuration
usage: pip install pyctcdecode kenlm numpy; python beam_fixtures.py FIXTURES_DIR
"""
import json, os, sys
import numpy as np
from pyctcdecode import build_ctcdecoder

LABELS = [" "] + [chr(c) for c in range(ord("a"), ord("z") + 1)] + ["'"] + [""]
BLANK = len(LABELS) - 1
fixtures = sys.argv[1]
rng = np.random.default_rng(6)
sentences = [l.strip() for l in open(os.path.join(fixtures, "atis_test100.txt")) if l.strip()]
refs = [s for s in sentences if 25 <= len(s) <= 60][:8]


def make_logprobs(text):
    ids = [LABELS.index(c) for c in text]
    seq = [BLANK] * int(rng.integers(2, 6))
    for i, c in enumerate(ids):
        if i > 0 and ids[i - 1] == c:
            seq.append(BLANK)
        seq += [c] * int(rng.integers(1, 3))
        seq += [BLANK] * int(rng.integers(0, 2))
    seq += [BLANK] * int(rng.integers(2, 6))
    z = rng.normal(0, 1.0, (len(seq), len(LABELS)))
    for t, c in enumerate(seq):
        if c != BLANK and rng.random() < 0.15:
            z[t, c] += 4.5
            c = int(rng.integers(0, BLANK))
        z[t, c] += 6.0
    z = z - z.max(1, keepdims=True)
    return (z - np.log(np.exp(z).sum(1, keepdims=True))).astype(np.float32)


arpa = os.path.join(fixtures, "atis_o3.arpa")
configs = {
    "lm_beam32": dict(decoder=build_ctcdecoder(LABELS, kenlm_model_path=arpa, alpha=0.5, beta=1.0), beam_width=32, hotwords=None),
    "lm_beam8": dict(decoder=build_ctcdecoder(LABELS, kenlm_model_path=arpa, alpha=0.8, beta=0.5), beam_width=8, hotwords=None),
    "nolm_beam32": dict(decoder=build_ctcdecoder(LABELS), beam_width=32, hotwords=None),
    "lm_beam32_hotwords": dict(decoder=build_ctcdecoder(LABELS, kenlm_model_path=arpa, alpha=0.5, beta=1.0), beam_width=32,
                               hotwords=["denver", "pittsburgh baltimore"]),
}
records, blobs = [], []
for ref in refs:
    lp = make_logprobs(ref)
    blobs.append(lp.astype("<f4").tobytes())
    record = {"reference": ref, "frames": int(lp.shape[0]), "results": {}}
    for name, c in configs.items():
        beams = c["decoder"].decode_beams(lp, beam_width=c["beam_width"], hotwords=c["hotwords"], hotword_weight=10.0)
        record["results"][name] = [
            {"text": b[0], "word_frames": [[w, s, e] for w, (s, e) in b[2]], "logit_score": float(b[3]), "score": float(b[4])}
            for b in beams[:3]
        ]
    records.append(record)
with open(os.path.join(fixtures, "beam_logprobs.f32"), "wb") as f:
    f.write(b"".join(blobs))
meta = {"labels": LABELS, "configs": {k: {kk: vv for kk, vv in v.items() if kk != "decoder"} for k, v in configs.items()},
        "alpha_beta": {"lm_beam32": [0.5, 1.0], "lm_beam8": [0.8, 0.5], "nolm_beam32": [0, 0], "lm_beam32_hotwords": [0.5, 1.0]},
        "utterances": records}
json.dump(meta, open(os.path.join(fixtures, "beam_golden.json"), "w"), indent=1)
for r in records:
    print(r["reference"], "|", r["results"]["lm_beam32"][0]["text"], "|", r["results"]["nolm_beam32"][0]["text"])
