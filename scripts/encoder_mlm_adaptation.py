#!/usr/bin/env python3
"""Adapt a BERT encoder to a domain by masked-LM training on raw text, in PyTorch: the experiment models/README.md
reports for punct_austen (domain-adaptive pretraining on the four training novels, then
scripts/punct_torch_reference.py with --encoder pointing at the result).

Each file is read as paragraphs (blank-line separated), tokenized with the encoder's WordPiece vocabulary and cut
into sequences of --length pieces with [CLS] and [SEP]. 15% of the pieces are chosen each batch (80% of those become
[MASK], 10% a random piece, 10% stay). The MLM head (dense + GELU + LayerNorm, decoder tied to the word embeddings)
is new when the checkpoint has none; the loss is computed at the chosen pieces only. AdamW (lr 1e-4, weight decay
0.01 except biases and LayerNorm weights), 6% warmup then linear decay, batch 32, clipping 1.0. The encoder is saved
as a Hugging Face folder (config.json, model.safetensors, vocab.txt, tokenizer.json).

Usage (in the anchors' venv; about 28 minutes for 3 epochs over the four novels on 2 cores):
  python scripts/encoder_mlm_adaptation.py --encoder pretrained/all-MiniLM-L6-v2 --out adapted \
      --texts austen/emma.txt austen/mansfieldpark.txt austen/prideprejudice.txt austen/sensesensibility.txt
"""
import argparse, math, os, random, shutil, time
import torch
from transformers import BertForMaskedLM, BertTokenizerFast
from torch_recipe import adamw_with_linear_schedule, seed_everything


def sequences(tokenizer, files, length):
    """(sequences, piece count): the files' pieces, paragraph after paragraph, cut into [CLS] + length-2 pieces + [SEP]."""
    pieces = []
    for path in files:
        for paragraph in open(path, encoding='utf-8', errors='replace').read().split('\n\n'):
            paragraph = ' '.join(paragraph.split())
            if paragraph:
                pieces.extend(tokenizer(paragraph, add_special_tokens=False)['input_ids'])
    body = length - 2
    return [[tokenizer.cls_token_id] + pieces[start:start + body] + [tokenizer.sep_token_id]
            for start in range(0, len(pieces) - body, body)], len(pieces)


def mask(batch, tokenizer, vocabulary_size):
    """(inputs, targets): targets are -100 except at the chosen pieces."""
    inputs = torch.tensor(batch)
    targets = torch.full_like(inputs, -100)
    chosen = torch.rand(inputs.shape) < 0.15
    chosen[:, 0] = chosen[:, -1] = False
    targets[chosen] = inputs[chosen]
    draw = torch.rand(inputs.shape)
    inputs[chosen & (draw < 0.8)] = tokenizer.mask_token_id
    randomized = chosen & (draw >= 0.8) & (draw < 0.9)
    # random replacements skip ids below 1000: in BERT's uncased vocabulary those are [PAD], [unused*], [UNK], [CLS], [SEP], [MASK]
    inputs[randomized] = torch.randint(1000, vocabulary_size, (int(randomized.sum()),))
    return inputs, targets


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--encoder', required=True, help='Hugging Face folder (config.json, model.safetensors, vocab.txt)')
    parser.add_argument('--out', required=True, help='folder for the adapted encoder')
    parser.add_argument('--texts', nargs='+', required=True, help='plain text files, paragraphs separated by blank lines')
    parser.add_argument('--epochs', type=int, default=3)
    parser.add_argument('--lr', type=float, default=1e-4)
    parser.add_argument('--length', type=int, default=128)
    parser.add_argument('--threads', type=int, default=2)
    arguments = parser.parse_args()
    seed_everything(0, arguments.threads)
    tokenizer = BertTokenizerFast.from_pretrained(arguments.encoder)
    model = BertForMaskedLM.from_pretrained(arguments.encoder)
    rows, piece_count = sequences(tokenizer, arguments.texts, arguments.length)
    print(f'{piece_count} pieces, {len(rows)} sequences', flush=True)
    optimizer, schedule = adamw_with_linear_schedule(model, arguments.lr, arguments.epochs * math.ceil(len(rows) / 32), 0.06)
    started = time.time()
    model.train()
    for epoch in range(arguments.epochs):
        random.shuffle(rows)
        total, batches = 0.0, 0
        for start in range(0, len(rows), 32):
            inputs, targets = mask(rows[start:start + 32], tokenizer, model.config.vocab_size)
            states = model.bert(input_ids=inputs).last_hidden_state
            chosen = targets != -100
            loss = torch.nn.functional.cross_entropy(model.cls(states[chosen]), targets[chosen])
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            total, batches = total + loss.item(), batches + 1
        print(f'epoch {epoch + 1} ({time.time() - started:.0f} s): MLM loss {total / batches:.3f}', flush=True)
    model.bert.save_pretrained(arguments.out, safe_serialization=True)
    for name in ('vocab.txt', 'tokenizer.json'):
        if os.path.exists(os.path.join(arguments.encoder, name)):
            shutil.copy(os.path.join(arguments.encoder, name), arguments.out)


if __name__ == '__main__':
    main()
