#!/usr/bin/env python3
"""Time a speech_to_text model spec in PyTorch, as `tao-bench speech` times it in tao.

The peer for a model the anchors do not define (such as the shipped default): the network is built from the
spec's `model.encoder.jasper` list with the anchors' own JasperBlock (../shared/anchors/asr_models.py), and
timed on the workload of asr_model_bench.py: a training step on batch 8 x 8 s (CTC, blank last, Novograd) and
inference on one 60 s utterance, front end excluded.

Usage (in the anchors' venv, made by ../shared/anchors/setup.sh):
  python scripts/asr_spec_torch_bench.py models/citrinet_char/train.yaml [--anchors ../shared/anchors]
      [--threads 1,2] [--runs 3] [--labels 28]
Prints one line per thread count: threads, median step seconds, median inference seconds.
"""
import argparse, os, sys
import yaml
import torch
import torch.nn.functional as F


def blocks_of(spec):
    """The anchors' block dicts for the spec's jasper list (tao's defaults: repeat 1, stride 1, no residual)."""
    blocks = []
    for block in spec["model"]["encoder"]["jasper"]:
        blocks.append(dict(c=block["filters"], k=block["kernel"][0], repeat=block.get("repeat", 1),
                           stride=block.get("stride", [1])[0], dilation=block.get("dilation", [1])[0],
                           residual=block.get("residual", False), dropout=block.get("dropout", 0.0),
                           separable=block.get("separable", True), se=block.get("se", False),
                           stride_last=block.get("stride_last", False)))
    return blocks


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("spec")
    parser.add_argument("--anchors", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "anchors"))
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--labels", type=int, default=28, help="labels without the blank")
    args = parser.parse_args()
    sys.path.insert(0, os.path.abspath(args.anchors))
    import asr_models
    from common import set_threads, timeit

    spec = yaml.safe_load(open(args.spec))
    features = spec["model"].get("preprocessor", {}).get("features", 64)
    torch.manual_seed(0)
    model = asr_models.ConvCTC(blocks_of(spec), features, args.labels)
    print(f"{args.spec}: {asr_models.nparams(model):,} parameters, {features} mels", file=sys.stderr)
    batch, frames = 8, 800
    x = torch.randn(batch, features, frames)
    with torch.no_grad():
        output_frames = model.eval()(x[:1]).shape[-1]
    target_length = min(100, output_frames // 2)
    targets = torch.randint(0, args.labels, (batch, target_length))
    input_lengths = torch.full((batch,), output_frames, dtype=torch.long)
    target_lengths = torch.full((batch,), target_length, dtype=torch.long)
    minute = torch.randn(1, features, 6000)
    optimizer = asr_models.Novograd(model.parameters(), lr=0.01, betas=(0.95, 0.5), weight_decay=1e-3)

    def step():
        optimizer.zero_grad(set_to_none=True)
        log_probs = model(x).permute(2, 0, 1)
        loss = F.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=args.labels,
                          reduction="none", zero_infinity=True).mean()
        loss.backward()
        optimizer.step()

    def infer():
        with torch.inference_mode():
            model(minute)

    for threads in (int(t) for t in args.threads.split(",")):
        set_threads(threads)
        model.train()
        train = timeit(step, runs=args.runs, warmup=1)
        model.eval()
        inference = timeit(infer, runs=args.runs, warmup=1)
        print(f"threads {threads}: train step {train['median']:.3f} s, inference 60 s {inference['median']:.3f} s")


if __name__ == "__main__":
    main()
