#!/usr/bin/env python3
"""Fine-tune the same encoder for punctuation and capitalization in PyTorch, on tao's data files, as a peer for
`tao punctuation_and_capitalization train`'s accuracy.

The recipe is the one models/README.md gives for punct_austen: AdamW (lr 2e-4, weight decay 0.01 except biases and
LayerNorm weights), 10% linear warmup then linear decay, batch 32, gradient clipping 1.0, max_seq_length 128; two
heads (dropout 0.1 + one linear layer each) on the last hidden states; the loss is the sum of both heads'
cross-entropy over every piece of a word and [CLS]/[SEP] (labelled O), as NeMo trains with ignore_extra_tokens and
ignore_start_end false. Predictions are read at each word's first piece. After each epoch it prints the F1 of
`,` `.` `?` and of capitals (U) on the dev and test splits, as `tao ... evaluate` reports them.

Usage (in the anchors' venv, made by ../shared/anchors/setup.sh; about 35 minutes for 3 epochs on 2 cores):
  python scripts/punct_torch_reference.py --data austen-pc --encoder pretrained/all-MiniLM-L6-v2 [--epochs 3] [--lr 2e-4]
"""
import argparse, math, random, time
import numpy as np
import torch
from transformers import AutoModel, BertTokenizerFast
from torch_recipe import adamw_with_linear_schedule, seed_everything

PUNCTUATION = {'O': 0, ',': 1, '.': 2, '?': 3}
CAPITALS = {'O': 0, 'U': 1}


def read_split(folder, split):
    words = [line.split() for line in open(f'{folder}/text_{split}.txt')]
    labels = [line.split() for line in open(f'{folder}/labels_{split}.txt')]
    return words, labels


def encode(tokenizer, words, labels, max_length):
    """(ids, punctuation labels, capital labels, word index at first pieces or -1) per example."""
    rows = []
    for example, marks in zip(words, labels):
        encoded = tokenizer(example, is_split_into_words=True, truncation=True, max_length=max_length)
        punctuation, capitals, first, previous = [], [], [], None
        for word in encoded.word_ids():
            if word is None:
                punctuation.append(0), capitals.append(0), first.append(-1)
            else:
                punctuation.append(PUNCTUATION[marks[word][0]])
                capitals.append(CAPITALS[marks[word][1]])
                first.append(word if word != previous else -1)
            previous = word
        rows.append((encoded['input_ids'], punctuation, capitals, first))
    return rows


class Tagger(torch.nn.Module):
    def __init__(self, encoder):
        super().__init__()
        self.encoder = AutoModel.from_pretrained(encoder)
        hidden = self.encoder.config.hidden_size
        self.dropout = torch.nn.Dropout(0.1)
        self.punctuation = torch.nn.Linear(hidden, len(PUNCTUATION))
        self.capitals = torch.nn.Linear(hidden, len(CAPITALS))

    def forward(self, ids, mask):
        states = self.dropout(self.encoder(input_ids=ids, attention_mask=mask).last_hidden_state)
        return self.punctuation(states), self.capitals(states)


def batches(rows, size, shuffle):
    order = list(range(len(rows)))
    if shuffle:
        random.shuffle(order)
    for start in range(0, len(order), size):
        items = [rows[i] for i in order[start:start + size]]
        length = max(len(item[0]) for item in items)
        ids, mask, punctuation, capitals = (torch.zeros(len(items), length, dtype=torch.long) for _ in range(4))
        for row, (tokens, marks, caps, _) in enumerate(items):
            n = len(tokens)
            ids[row, :n], mask[row, :n] = torch.tensor(tokens), 1
            punctuation[row, :n], capitals[row, :n] = torch.tensor(marks), torch.tensor(caps)
        yield ids, mask, punctuation, capitals, items


def f1(confusion, label):
    true_positives = confusion[label, label]
    precision = true_positives / max(confusion[:, label].sum(), 1)
    recall = true_positives / max(confusion[label, :].sum(), 1)
    return 2 * precision * recall / max(precision + recall, 1e-9)


def evaluate(model, rows):
    model.eval()
    punctuation, capitals = np.zeros((4, 4), int), np.zeros((2, 2), int)
    with torch.no_grad():
        for ids, mask, _, _, items in batches(rows, 64, False):
            predicted_marks, predicted_caps = (logits.argmax(-1) for logits in model(ids, mask))
            for row, (_, marks, caps, first) in enumerate(items):
                for piece, word in enumerate(first):
                    if word >= 0:
                        punctuation[marks[piece], predicted_marks[row, piece]] += 1
                        capitals[caps[piece], predicted_caps[row, piece]] += 1
    model.train()
    return {'comma': f1(punctuation, 1), 'period': f1(punctuation, 2), 'question': f1(punctuation, 3),
            'capitalization': f1(capitals, 1)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--data', required=True, help='folder with text_/labels_ train, dev and test files')
    parser.add_argument('--encoder', required=True, help='Hugging Face folder (config.json, model.safetensors, vocab.txt)')
    parser.add_argument('--epochs', type=int, default=3)
    parser.add_argument('--lr', type=float, default=2e-4)
    parser.add_argument('--threads', type=int, default=2)
    arguments = parser.parse_args()
    seed_everything(42, arguments.threads)
    tokenizer = BertTokenizerFast.from_pretrained(arguments.encoder)
    train, dev, test = (encode(tokenizer, *read_split(arguments.data, split), 128) for split in ('train', 'dev', 'test'))
    model = Tagger(arguments.encoder)
    optimizer, schedule = adamw_with_linear_schedule(model, arguments.lr, arguments.epochs * math.ceil(len(train) / 32), 0.1)
    loss_function, started = torch.nn.CrossEntropyLoss(), time.time()
    for epoch in range(arguments.epochs):
        for ids, mask, punctuation, capitals, _ in batches(train, 32, True):
            mark_logits, cap_logits = model(ids, mask)
            real = mask.bool()
            loss = loss_function(mark_logits[real], punctuation[real]) + loss_function(cap_logits[real], capitals[real])
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
        scores = {split: {k: round(v, 4) for k, v in evaluate(model, rows).items()} for split, rows in (('dev', dev), ('test', test))}
        print(f'epoch {epoch + 1} ({time.time() - started:.0f} s): {scores}', flush=True)


if __name__ == '__main__':
    main()
