#!/usr/bin/env python3
"""Reference values for TAOTensorTests, computed with PyTorch (pip install torch safetensors numpy).

Writes small .safetensors files into Tests/TAOTensorTests/Fixtures/. Each file holds the inputs, parameters,
outputs and gradients of one case, under the names the Swift tests read. Run from the repository root:

    python3 scripts/tensor_goldens.py
"""
import math
import os

import torch
import torch.nn.functional as F
from safetensors.torch import save_file

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "TAOTensorTests", "Fixtures")
torch.manual_seed(1234)


def save(name, tensors, metadata=None):
    tensors = {k: v.detach().contiguous() for k, v in tensors.items()}
    save_file(tensors, os.path.join(OUT, name), metadata=metadata)
    print(f"wrote {name}: {len(tensors)} tensors")


def python_written_checkpoint():
    """A checkpoint as Python's safetensors writes it, with an int64 buffer and a float16 tensor."""
    save("python_checkpoint.safetensors", {
        "conv.weight": torch.randn(2, 3, 3),
        "bn.weight": torch.rand(2) + 0.5,
        "bn.bias": torch.randn(2),
        "bn.running_mean": torch.randn(2),
        "bn.running_var": torch.rand(2) + 0.5,
        "bn.num_batches_tracked": torch.tensor(7, dtype=torch.int64),
        "extra.half": torch.randn(2).half(),
    }, metadata={"format": "pt", "writer": "tensor_goldens.py"})


def jasper_subblock():
    """Masked depthwise + pointwise conv, BatchNorm (train, eps 1e-3), ReLU, decoder conv with bias and
    log-softmax over channels; gradients of sum(out * probe)."""
    x = torch.randn(2, 4, 12, requires_grad=True)
    lengths = torch.tensor([12, 9])
    mask = (torch.arange(12)[None, :] < lengths[:, None]).float()[:, None, :]
    dw = torch.nn.Conv1d(4, 4, 5, padding=2, groups=4, bias=False)
    pw = torch.nn.Conv1d(4, 6, 1, bias=False)
    bn = torch.nn.BatchNorm1d(6, eps=1e-3, momentum=0.1)
    dec = torch.nn.Conv1d(6, 5, 1, bias=True)
    for conv in (dw, pw, dec):
        torch.nn.init.xavier_uniform_(conv.weight)
    torch.nn.init.uniform_(dec.bias, -0.5, 0.5)
    with torch.no_grad():
        bn.weight.uniform_(0.5, 1.5)
        bn.bias.uniform_(-0.5, 0.5)
    h = pw(dw(x * mask) * mask)
    h = torch.relu(bn(h)) * mask
    out = F.log_softmax(dec(h), dim=1)
    probe = torch.randn_like(out)
    (out * probe).sum().backward()
    save("jasper_subblock.safetensors", {
        "x": x, "probe": probe, "out": out, "x.grad": x.grad,
        "dw.weight": dw.weight, "pw.weight": pw.weight, "bn.weight": bn.weight, "bn.bias": bn.bias,
        "dec.weight": dec.weight, "dec.bias": dec.bias,
        "dw.weight.grad": dw.weight.grad, "pw.weight.grad": pw.weight.grad, "bn.weight.grad": bn.weight.grad,
        "bn.bias.grad": bn.bias.grad, "dec.weight.grad": dec.weight.grad, "dec.bias.grad": dec.bias.grad,
        "bn.running_mean": bn.running_mean, "bn.running_var": bn.running_var,
    }, metadata={"lengths": "12,9"})


def novograd_steps():
    """NeMo 1.x Novograd (nemo/core/optim/novograd.py) on two tensors for four steps, with a cosine schedule."""
    params = [torch.randn(3, 4), torch.randn(5)]
    grads = [[torch.randn_like(p) for p in params] for _ in range(4)]
    lrs = []
    betas, eps, wd = (0.8, 0.5), 1e-8, 0.001
    m = [torch.zeros_like(p) for p in params]
    v = [torch.zeros(()) for _ in params]
    tensors = {f"p{i}.initial": p.clone() for i, p in enumerate(params)}
    for step in range(4):
        # CosineAnnealing(base 0.01, max_steps 4, warmup_steps 1, min_lr 1e-4), NeMo's formula.
        warmup, max_steps, base, min_lr = 1, 4, 0.01, 1e-4
        if step <= warmup:
            lr = base * (step + 1) / (warmup + 1)
        else:
            lr = (base - min_lr) * 0.5 * (1 + math.cos(math.pi * (step - warmup) / (max_steps - warmup))) + min_lr
        lrs.append(lr)
        for i, p in enumerate(params):
            g = grads[step][i].clone()
            tensors[f"p{i}.grad{step}"] = g.clone()
            norm = torch.sum(g * g)
            v[i] = norm if step == 0 else v[i] * betas[1] + norm * (1 - betas[1])
            g = g / (torch.sqrt(v[i]) + eps) + wd * p
            m[i] = m[i] * betas[0] + g
            p -= lr * m[i]
            tensors[f"p{i}.after{step}"] = p.clone()
    tensors["lr"] = torch.tensor(lrs, dtype=torch.float32)
    save("novograd_steps.safetensors", tensors)


if __name__ == "__main__":
    python_written_checkpoint()
    jasper_subblock()
    novograd_steps()
