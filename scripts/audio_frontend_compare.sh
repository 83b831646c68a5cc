#!/usr/bin/env bash
# tao's front end against its numpy+scipy and librosa peers, on the same machine in one sitting.
# The machine is shared and noisy, so peers and tao alternate for ROUNDS rounds; each round prints its JSON lines and
# the ratios tao/peer, and the end prints the median ratio per thread count.
# needs: python3 with numpy scipy librosa soundfile threadpoolctl (PYTHON=...); $ANCHORS_DATA/speech_1h_16k.wav
#        (../shared/anchors/make_audio.sh makes it); builds tao-bench in release mode.
# usage: scripts/audio_frontend_compare.sh [ROUNDS=3] [SECONDS=3600] [RUNS=3] [THREADS=1,2]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${1:-3}" SECS="${2:-3600}" RUNS="${3:-3}" THREADS="${4:-1,2}"
PYTHON="${PYTHON:-python3}"
FLAGS=(-c release -Xswiftc -Ounchecked -Xswiftc -target-cpu -Xswiftc haswell)
swift build "${FLAGS[@]}" --product tao-bench >/dev/null
BIN="$(swift build "${FLAGS[@]}" --show-bin-path)"
OUT="$(mktemp)"
trap 'rm -f "$OUT"' EXIT
for round in $(seq "$ROUNDS"); do
    # The peers run without the machine's OpenBLAS variables, as the anchors do.
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PYTHON" scripts/audio_frontend_peers.py --runs "$RUNS" --seconds "$SECS" \
        --threads "$THREADS" | sed "s/^/$round /" | tee -a "$OUT"
    "$BIN/tao-bench" frontend --runs "$RUNS" --seconds "$SECS" --threads "$THREADS" 2>/dev/null | sed "s/^/$round /" | tee -a "$OUT"
done
"$PYTHON" - "$OUT" <<'PY'
import json, statistics, sys
rows = []
for line in open(sys.argv[1]):
    round_, _, rest = line.partition(" ")
    if rest.startswith("{"):
        r = json.loads(rest); r["round"] = int(round_); rows.append(r)
def impl(r): return "tao" if "numpy" not in r["bench"] and "librosa" not in r["bench"] else r["bench"].split(" ", 1)[1]
ratios = {}
for r in rows:
    if impl(r) == "tao":
        continue
    tao = [t for t in rows if impl(t) == "tao" and t["round"] == r["round"] and t["threads"] == r["threads"]]
    if tao:
        ratios.setdefault((r["threads"], impl(r)), []).append(tao[0]["throughput"] / r["throughput"])
for (threads, peer), values in sorted(ratios.items()):
    taos = [t["throughput"] for t in rows if impl(t) == "tao" and t["threads"] == threads]
    peers = [p["throughput"] for p in rows if impl(p) == peer and p["threads"] == threads]
    print(f"{threads} thread(s): tao {statistics.median(taos):,.0f}x vs {peer} {statistics.median(peers):,.0f}x real time: "
          f"median ratio {statistics.median(values):.2f} (rounds: {', '.join(f'{v:.2f}' for v in values)})")
PY
