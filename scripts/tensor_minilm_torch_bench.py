#!/usr/bin/env python3
"""PyTorch side of `tao-bench tensor --only minilm_infer_b1|minilm_infer_b32`, for a same-sitting comparison when
the MiniLM checkpoint package is not installed: a randomly initialized BertModel with all-MiniLM-L6-v2's shape
(6 layers, hidden 384, 12 heads, intermediate 1536), inference on batch 1 x 32 and batch 32 x 128 tokens.
Needs torch and transformers from PyPI. Run with OMP_WAIT_POLICY=PASSIVE.

    python3 scripts/tensor_minilm_torch_bench.py [--threads 1,2] [--runs 3]
"""
import argparse
import statistics
import time

import torch
from transformers import BertConfig, BertModel

ap = argparse.ArgumentParser()
ap.add_argument("--threads", default="1,2")
ap.add_argument("--runs", type=int, default=3)
a = ap.parse_args()
torch.manual_seed(0)
model = BertModel(BertConfig(vocab_size=30522, hidden_size=384, num_hidden_layers=6, num_attention_heads=12,
                             intermediate_size=1536)).eval()
for threads in [int(t) for t in a.threads.split(",")]:
    torch.set_num_threads(threads)
    for batch, tokens, runs in ((1, 32, a.runs * 10), (32, 128, a.runs)):
        ids = torch.randint(1000, 30000, (batch, tokens))
        mask = torch.ones(batch, tokens, dtype=torch.long)
        with torch.inference_mode():
            model(input_ids=ids, attention_mask=mask)
            times, cpus = [], []
            for _ in range(runs):
                c0, t0 = time.process_time(), time.perf_counter()
                model(input_ids=ids, attention_mask=mask)
                times.append(time.perf_counter() - t0)
                cpus.append(time.process_time() - c0)
        print(f"torch minilm b{batch}x{tokens} threads={threads} median_s={statistics.median(times):.4f} "
              f"cpu_s={statistics.median(cpus):.4f} sentences_per_s={batch / statistics.median(times):.1f}")
