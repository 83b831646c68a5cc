#!/usr/bin/env python3
"""Writes a synthetic n-gram training corpus of about TARGET_MB megabytes for memory and speed checks of
`tao n_gram train` (keep it out of the repository). Sentences of a normalized corpus (one per line) are
recombined: each output line joins the start of one random sentence to the end of another, so the corpus has
many more distinct n-grams than copies of the source would.

usage: make_large_ngram_corpus.py SOURCE.txt OUTPUT.txt [TARGET_MB=80] [SEED=1]
"""
import random
import sys

source, output = sys.argv[1], sys.argv[2]
target = int(float(sys.argv[3]) * 1e6) if len(sys.argv) > 3 else 80_000_000
rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
sentences = [line.split() for line in open(source, encoding="utf-8") if line.strip()]
written = 0
with open(output, "w", encoding="utf-8") as out:
    while written < target:
        a, b = rng.choice(sentences), rng.choice(sentences)
        line = " ".join(a[: rng.randint(1, len(a))] + b[rng.randint(0, len(b) - 1):]) + "\n"
        out.write(line)
        written += len(line)
