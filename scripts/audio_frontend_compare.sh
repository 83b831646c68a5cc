#!/usr/bin/env bash
# tao's front end against its numpy+scipy and librosa peers, in one sitting on the same machine.
# Prints every JSON line, then tao's throughput as a ratio of each peer's (same thread count).
# needs: the release build of tao-bench; python3 with numpy scipy librosa soundfile threadpoolctl (PYTHON=...);
#        $ANCHORS_DATA/speech_1h_16k.wav (../shared/anchors/make_audio.sh makes it).
# usage: scripts/audio_frontend_compare.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-3}"
PYTHON="${PYTHON:-python3}"
BIN="$(swift build -c release -Xswiftc -Ounchecked -Xswiftc -target-cpu -Xswiftc haswell --show-bin-path)"
OUT="$(mktemp)"
trap 'rm -f "$OUT"' EXIT
# The peers run without the machine's OpenBLAS variables, as the anchors do.
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PYTHON" scripts/audio_frontend_peers.py --runs "$RUNS" | tee -a "$OUT"
"$BIN/tao-bench" frontend --runs "$RUNS" | tee -a "$OUT"
"$PYTHON" - "$OUT" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
for t in sorted({r["threads"] for r in rows}):
    tao = [r for r in rows if r["threads"] == t and "numpy" not in r["bench"] and "librosa" not in r["bench"]]
    if not tao:
        continue
    line = f"{t} thread(s): tao {tao[0]['throughput']:,.0f}x real time"
    for r in rows:
        if r["threads"] == t and r is not tao[0] and r not in tao:
            line += f"; {r['bench'].split(' ', 1)[1]} {r['throughput']:,.0f}x (tao/peer {tao[0]['throughput'] / r['throughput']:.2f})"
    print(line)
PY
