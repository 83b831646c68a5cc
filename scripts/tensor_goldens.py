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


def with_grads(named):
    """Parameters and their gradients under `name` and `name.grad`."""
    out = {}
    for name, p in named:
        out[name] = p
        if p.grad is not None:
            out[name + ".grad"] = p.grad
    return out


def transformer_layer():
    """Embedding, post-LayerNorm self-attention with a padding mask (additive -1e9 on padded keys), GELU (erf)
    feed-forward, classifier and cross-entropy with ignore_index and class weights."""
    hidden, heads, tokens = 8, 2, 5
    ids = torch.tensor([[1, 4, 7, 2, 9], [3, 3, 10, 0, 0]])
    lengths = [5, 3]
    layers = torch.nn.ModuleDict({
        "emb": torch.nn.Embedding(11, hidden), "ln0": torch.nn.LayerNorm(hidden, eps=1e-12),
        "query": torch.nn.Linear(hidden, hidden), "key": torch.nn.Linear(hidden, hidden),
        "value": torch.nn.Linear(hidden, hidden), "output": torch.nn.Linear(hidden, hidden),
        "ln1": torch.nn.LayerNorm(hidden, eps=1e-12), "ff1": torch.nn.Linear(hidden, 16),
        "ff2": torch.nn.Linear(16, hidden), "ln2": torch.nn.LayerNorm(hidden, eps=1e-12),
        "cls": torch.nn.Linear(hidden, 4),
    })
    with torch.no_grad():
        for name in ("ln0", "ln1", "ln2"):
            layers[name].weight.uniform_(0.5, 1.5)
            layers[name].bias.uniform_(-0.2, 0.2)
    L = layers
    x = L["ln0"](L["emb"](ids))
    B = x.shape[0]

    def split(t):
        return t.view(B, tokens, heads, hidden // heads).permute(0, 2, 1, 3)

    q, k, v = split(L["query"](x)), split(L["key"](x)), split(L["value"](x))
    scores = q @ k.transpose(-1, -2) / math.sqrt(hidden // heads)
    mask = torch.zeros(B, 1, 1, tokens)
    for b, n in enumerate(lengths):
        mask[b, ..., n:] = -1e9
    context = (torch.softmax(scores + mask, dim=-1) @ v).permute(0, 2, 1, 3).reshape(B, tokens, hidden)
    x = L["ln1"](x + L["output"](context))
    x = L["ln2"](x + L["ff2"](F.gelu(L["ff1"](x))))
    logits = L["cls"](x).reshape(-1, 4)
    targets = torch.tensor([0, 3, 1, -100, 2, 2, 1, 0, -100, -100])
    weights = torch.tensor([1.0, 0.5, 2.0, 1.5])
    loss = F.cross_entropy(logits, targets, weight=weights, ignore_index=-100)
    loss.backward()
    tensors = with_grads(layers.named_parameters())
    tensors.update({"logits": logits, "loss": loss.reshape(1)})
    save("transformer_layer.safetensors", tensors, metadata={"ids": "1,4,7,2,9,3,3,10,0,0", "lengths": "5,3",
                                                            "targets": "0,3,1,-100,2,2,1,0,-100,-100"})


def squeeze_excitation():
    """Citrinet's SE: masked mean over valid frames, Linear(8, 2) ReLU Linear(2, 8) sigmoid, scale."""
    x = torch.randn(2, 8, 6, requires_grad=True)
    lengths = torch.tensor([6, 4])
    fc0, fc2 = torch.nn.Linear(8, 2, bias=False), torch.nn.Linear(2, 8, bias=False)
    mask = (torch.arange(6)[None, :] < lengths[:, None]).float()[:, None, :]
    pooled = (x * mask).sum(-1) / lengths[:, None].float()
    out = x * torch.sigmoid(fc2(torch.relu(fc0(pooled)))).unsqueeze(-1)
    probe = torch.randn_like(out)
    (out * probe).sum().backward()
    save("squeeze_excitation.safetensors", {"x": x, "x.grad": x.grad, "fc.0.weight": fc0.weight, "fc.2.weight": fc2.weight,
                                            "fc.0.weight.grad": fc0.weight.grad, "fc.2.weight.grad": fc2.weight.grad,
                                            "out": out, "probe": probe})


def optimizer_steps():
    """torch.optim SGD (momentum, Nesterov, dampening, weight decay), Adam and AdamW for four steps each on the
    same gradients, the gradients clipped to global norm 1 by clip_grad_norm_ first."""
    initial = [torch.randn(5, 8), torch.randn(4)]  # 40 elements: the 16-wide loops and their tail
    grads = [[torch.randn_like(p) * 2 for p in initial] for _ in range(4)]
    tensors = {f"p{i}.initial": p for i, p in enumerate(initial)}
    for step in range(4):
        for i in range(2):
            tensors[f"p{i}.grad{step}"] = grads[step][i]
    configs = {
        "sgd_nesterov": lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01),
        "sgd_dampening": lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.8, dampening=0.1),
        "adam": lambda ps: torch.optim.Adam(ps, lr=0.01, betas=(0.9, 0.99), weight_decay=0.01),
        "adamw": lambda ps: torch.optim.AdamW(ps, lr=0.01, betas=(0.9, 0.99), weight_decay=0.1),
    }
    norms = []
    for name, make in configs.items():
        params = [torch.nn.Parameter(p.clone()) for p in initial]
        opt = make(params)
        for step in range(4):
            for p, g in zip(params, grads[step]):
                p.grad = g.clone()
            norm = torch.nn.utils.clip_grad_norm_(params, max_norm=1.0)
            if name == "adam":
                norms.append(float(norm))
            opt.step()
            for i, p in enumerate(params):
                tensors[f"{name}.p{i}.after{step}"] = p.detach().clone()
    tensors["clip_norms"] = torch.tensor(norms)
    save("optimizer_steps.safetensors", tensors)


if __name__ == "__main__":
    python_written_checkpoint()
    jasper_subblock()
    novograd_steps()
    transformer_layer()
    squeeze_excitation()
    optimizer_steps()
