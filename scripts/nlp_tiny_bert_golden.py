"""Makes the tiny random BERT fixture of Tests/TAONLPTests: a Hugging Face BertModel (2 layers, hidden 32,
4 heads, intermediate 64, vocabulary 100) saved as config.json + model.safetensors + vocab.txt, and a JSON of
padded input ids with PyTorch's last_hidden_state and pooler output.

usage: . ~/.cache/tao-anchors/venv/bin/activate && python scripts/nlp_tiny_bert_golden.py
writes Tests/TAONLPTests/Fixtures/tiny-bert/{config.json,model.safetensors,vocab.txt,golden.json}
"""
import json
import os

import torch
from transformers import BertConfig, BertModel

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
out = os.path.join(root, "Tests", "TAONLPTests", "Fixtures", "tiny-bert")
os.makedirs(out, exist_ok=True)

# A vocabulary in BERT's layout: specials first, then whole words and continuation pieces.
specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
words = ("the a of to and in is it you that he was for on are with as i his they be at one have this from or had "
         "by word but what some we can out other were all there when up use your how said an each she which do "
         "their time if will way about many then them would write like so these her long make thing see him two "
         "has look more day could go come did my").split()
pieces = ["##s", "##ed", "##ing", "##ly", ".", ",", "?", "!"]
vocab = (specials + words + pieces)[:100]
while len(vocab) < 100:
    vocab.append(f"##x{len(vocab)}")
with open(os.path.join(out, "vocab.txt"), "w") as f:
    f.write("".join(t + "\n" for t in vocab))

torch.manual_seed(7)
config = BertConfig(vocab_size=100, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                    intermediate_size=64, max_position_embeddings=64, type_vocab_size=2,
                    hidden_act="gelu", layer_norm_eps=1e-12, initializer_range=0.02)
model = BertModel(config).eval()
# HF's 0.02 initialization makes every layer nearly the identity; larger random weights (and non-trivial
# LayerNorm scales and shifts) make the comparison exercise every term.
with torch.no_grad():
    for name, p in model.named_parameters():
        if "LayerNorm.weight" in name:
            p.copy_(1 + 0.2 * torch.randn_like(p))
        else:
            p.copy_(0.3 * torch.randn_like(p))
model.save_pretrained(out, safe_serialization=True)

# Three rows padded to 9 pieces: full length, padded, and one with a second segment.
rows = [
    ([2, 5, 6, 7, 8, 9, 10, 11, 3], [0] * 9),
    ([2, 20, 21, 95, 3, 0, 0, 0, 0], [0] * 9),
    ([2, 30, 31, 3, 40, 41, 42, 3, 0], [0, 0, 0, 0, 1, 1, 1, 1, 0]),
]
lengths = [9, 5, 8]
ids = torch.tensor([r[0] for r in rows])
types = torch.tensor([r[1] for r in rows])
mask = torch.tensor([[1 if j < n else 0 for j in range(9)] for n in lengths])
with torch.no_grad():
    result = model(input_ids=ids, attention_mask=mask, token_type_ids=types)
golden = {
    "source": "transformers BertModel, random weights (scripts/nlp_tiny_bert_golden.py), float32, eval mode",
    "token_ids": ids.tolist(), "type_ids": types.tolist(), "lengths": lengths,
    "last_hidden_state": [[[round(float(v), 7) for v in tok] for tok in row] for row in result.last_hidden_state],
    "pooler_output": [[round(float(v), 7) for v in row] for row in result.pooler_output],
}
with open(os.path.join(out, "golden.json"), "w") as f:
    json.dump(golden, f)
print("wrote", out, "parameters", sum(p.numel() for p in model.parameters()))
