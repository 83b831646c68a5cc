"""The training recipe tao's text tasks use, for the PyTorch reference scripts beside this file: a seeded run on a
fixed number of threads, and AdamW (weight decay 0.01 except biases and LayerNorm weights) with linear warmup then
linear decay to zero."""
import random
import torch


def seed_everything(seed, threads):
    torch.manual_seed(seed)
    random.seed(seed)
    torch.set_num_threads(threads)


def adamw_with_linear_schedule(model, lr, steps, warmup_fraction):
    """(optimizer, schedule) for `steps` optimizer steps, the first warmup_fraction of them warming up."""
    no_decay = ('bias', 'LayerNorm.weight')
    groups = [{'params': [p for n, p in model.named_parameters() if not any(x in n for x in no_decay)], 'weight_decay': 0.01},
              {'params': [p for n, p in model.named_parameters() if any(x in n for x in no_decay)], 'weight_decay': 0.0}]
    optimizer = torch.optim.AdamW(groups, lr=lr, betas=(0.9, 0.999), eps=1e-8)
    warmup = int(warmup_fraction * steps)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: s / max(warmup, 1) if s < warmup else max(0.0, (steps - s) / max(steps - warmup, 1)))
    return optimizer, schedule
