"""Samples KenLM golden ARPA files into small test fixtures.

Each output file starts with a line `counts<TAB>c1<TAB>c2...` (the ARPA header's n-gram counts),
then holds every unigram and every STEP-th n-gram of the higher orders, one per line:
`log10prob<TAB>w1 w2 .. wn<TAB>log10backoff` (backoff 0 when the ARPA line has none).
usage: python ngram_sample_golden.py GOLDEN_DIR FIXTURES_DIR
"""
import os, sys

SAMPLES = [  # (golden ARPA, step)
    ("atis_o4.arpa", 10),
    ("atis_o3_prune011.arpa", 5),
    ("austen_small_o3.arpa", 10),
    ("austen_small_o5_fallback.arpa", 25),
]


def sample(src, dst, step):
    counts, order, index, out = [], 0, 0, []
    for line in open(src, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith("ngram "):
            counts.append(line.split("=")[1])
        elif line.startswith("\\") and line.endswith("-grams:"):
            order, index = int(line[1:line.index("-")]), 0
        elif line.startswith("\\"):
            order = 0
        elif order and line:
            fields = line.split("\t")
            if order == 1 or index % step == 0:
                out.append("\t".join([fields[0], fields[1], fields[2] if len(fields) > 2 else "0"]))
            index += 1
    with open(dst, "w", encoding="utf-8") as f:
        f.write("counts\t" + "\t".join(counts) + "\n")
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    golden, fixtures = sys.argv[1], sys.argv[2]
    for name, step in SAMPLES:
        sample(os.path.join(golden, name), os.path.join(fixtures, name.replace(".arpa", ".sample.tsv")), step)
