#!/usr/bin/env python3
"""SentencePiece fixtures for Tests/TAOTextTests: a small corpus, models trained by Python's `sentencepiece`, and
the ids, pieces and decodings Python's `sentencepiece` gives for ~50 varied sentences with every model, including
models trained by tao (`tao speech_to_text_citrinet create_tokenizer`), so tao's encoder is checked against the
reference on both kinds of model file.

Usage (venv with `pip install sentencepiece`):
  python3 scripts/make-sentencepiece-fixture.py --data ../shared/data --out Tests/TAOTextTests/Fixtures \
      [--tao-model tao_bpe=PATH/tokenizer.model ...]
"""
import argparse
import json
import re
import shutil
from pathlib import Path

import sentencepiece as spm

CORPUS_SENTENCES = 600

# Edge cases: numbers, accents, case, whitespace runs, punctuation, scripts the corpus lacks, the empty string.
HANDMADE = [
    "",
    " ",
    "hello world",
    "Hello World",
    "HELLO WORLD",
    "  leading and   inner   and trailing spaces  ",
    "tabs\tbetween\twords",
    "In 1811 she paid 25 pounds and 3 shillings for 12 yards.",
    "call 555-0199 before 10:30 p.m.",
    "3.14159 is not 22/7",
    "café naïve façade rôle",
    "Zürich, Köln and São Paulo",
    "東京 is Tokyo",
    "emoji 🙂 and 🎉 here",
    "Ελληνικά κείμενα",
    "mixed\u00a0non-breaking\u00a0space",
    "full-width ＡＢＣ １２３",
    "don't won't can't shan't",
    "well -- she said -- perhaps!",
    "?!?!...",
    "supercalifragilisticexpialidocious antidisestablishmentarianism",
    "a b c d e f g h i j k l m n o p q r s t u v w x y z",
    "Mr. and Mrs. Morland's ten children",
    "the the the the the",
    "xyzzy qwerty zxcvb",
]


def sentences(text):
    """Sentences of a Gutenberg-style novel: paragraphs joined, split after . ! ? with the next capital."""
    body = re.sub(r"\s+", " ", text)
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-Z\"'])", body) if len(s.strip()) > 3]


def encodings(model_file, texts):
    processor = spm.SentencePieceProcessor(model_file=str(model_file))
    cases = []
    for text in texts:
        ids = processor.encode(text, out_type=int)
        cases.append({
            "text": text,
            "ids": ids,
            "pieces": processor.encode(text, out_type=str),
            "decoded": processor.decode(ids),
        })
    return {"model": Path(model_file).name, "size": processor.get_piece_size(), "cases": cases}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True, help="the shared data folder (holds austen/)")
    parser.add_argument("--out", required=True, help="the Fixtures folder")
    parser.add_argument("--tao-model", action="append", default=[], help="NAME=PATH of a tao-trained tokenizer.model")
    args = parser.parse_args()
    out = Path(args.out)
    austen = Path(args.data) / "austen"

    corpus = sentences((austen / "northangerabbey.txt").read_text(encoding="utf-8"))[200:200 + CORPUS_SENTENCES]
    corpus_file = out / "sentencepiece_corpus.txt"
    corpus_file.write_text("\n".join(corpus) + "\n", encoding="utf-8")

    # Held-out sentences (another novel) and the hand-made cases.
    emma = sentences((austen / "emma.txt").read_text(encoding="utf-8"))[300:330]
    texts = HANDMADE + emma

    common = dict(input=str(corpus_file), vocab_size=300, character_coverage=1.0, hard_vocab_limit=False,
                  bos_id=-1, eos_id=-1, unk_id=0, minloglevel=2)
    spm.SentencePieceTrainer.train(model_prefix=str(out / "spm_python_bpe"), model_type="bpe", **common)
    spm.SentencePieceTrainer.train(model_prefix=str(out / "spm_python_unigram"), model_type="unigram",
                                   normalization_rule_name="identity", **common)
    for name in ["spm_python_bpe", "spm_python_unigram"]:
        (out / f"{name}.vocab").unlink()

    golden = {
        "python_bpe": encodings(out / "spm_python_bpe.model", texts),
        "python_unigram": encodings(out / "spm_python_unigram.model", texts),
    }
    for item in args.tao_model:
        name, path = item.split("=", 1)
        target = out / f"spm_{name}.model"
        if Path(path).resolve() != target.resolve():
            shutil.copyfile(path, target)
        golden[name] = encodings(target, texts)
    golden["sentencepiece_version"] = spm.__version__
    (out / "sentencepiece_golden.json").write_text(json.dumps(golden, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(texts)} sentences x {len(golden) - 1} models to {out / 'sentencepiece_golden.json'}")


if __name__ == "__main__":
    main()
