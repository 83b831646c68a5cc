#!/usr/bin/env python3
"""Reference values for TAONLP's metrics, computed once with scikit-learn and seqeval.

Writes Tests/TAONLPTests/Fixtures/metrics_golden.json:
  classification: ids, per-label report (labels 0..4 given explicitly, zero_division=0) and confusion matrix;
  entities: tag sequences (IOB1 and IOB2 mixed, I- after O, type changes), seqeval's spans, report and F1.
Run: . ~/.cache/tao-anchors/venv/bin/activate && pip install seqeval scikit-learn && python scripts/nlp_metrics_golden.py
"""
import json
import os
import random

from seqeval.metrics import classification_report as entity_report
from seqeval.metrics import f1_score as entity_f1
from seqeval.metrics.sequence_labeling import get_entities
from sklearn.metrics import accuracy_score, classification_report, confusion_matrix

rng = random.Random(7)

# Classification: 5 labels; label 3 is never predicted, label 4 never a reference.
names = ["alpha", "beta", "gamma", "delta", "epsilon"]
refs, preds = [], []
for _ in range(200):
    r = rng.choice([0, 0, 0, 1, 1, 2, 3])
    p = r if rng.random() < 0.6 else rng.choice([0, 1, 2, 4])
    if p == 3:
        p = 0
    refs.append(r)
    preds.append(p)
report = classification_report(refs, preds, labels=list(range(5)), target_names=names, output_dict=True, zero_division=0)
classification = {
    "labels": names,
    "references": refs,
    "predictions": preds,
    "accuracy": accuracy_score(refs, preds),
    "report": report,
    "confusion": confusion_matrix(refs, preds, labels=list(range(5))).tolist(),
}

# Entities: random tag sequences over a mix of prefixes and types.
tags = ["O", "O", "O", "B-PER", "I-PER", "B-LOC", "I-LOC", "I-ORG", "B-creative-work", "I-creative-work"]
true_seqs, pred_seqs = [], []
for _ in range(60):
    n = rng.randint(1, 12)
    t = [rng.choice(tags) for _ in range(n)]
    p = [x if rng.random() < 0.75 else rng.choice(tags) for x in t]
    true_seqs.append(t)
    pred_seqs.append(p)
spans = [[[typ, start, end + 1] for typ, start, end in get_entities(seq)] for seq in true_seqs[:20]]
entities = {
    "references": true_seqs,
    "predictions": pred_seqs,
    "spans_of_first_references": spans,
    "f1": entity_f1(true_seqs, pred_seqs),
    "report": entity_report(true_seqs, pred_seqs, output_dict=True, zero_division=0),
}

out = os.path.join(os.path.dirname(__file__), "..", "Tests", "TAONLPTests", "Fixtures", "metrics_golden.json")
with open(out, "w") as f:
    json.dump({"classification": classification, "entities": entities}, f, indent=1, default=float)
print("wrote", os.path.normpath(out))
