#!/usr/bin/env python3
"""Writes Tests/TAOTextTests/Fixtures/english_numbers_golden.json: English number words from the
`num2words` package (pip install num2words) as the reference for TAOText's EnglishNumbers.

num2words writes British style ("one hundred and twenty-one", "one thousand, nine hundred"); tao writes
numbers as ASR transcripts spell them, so the reference is reduced to that style: hyphens become spaces,
commas and the word "and" go. Years are checked in 1100...2099, where tao reads them in pairs.

Usage: python3 scripts/text_number_golden.py --out Tests/TAOTextTests/Fixtures/english_numbers_golden.json
"""
import argparse, importlib.metadata, json, random

import num2words


def transcript_style(words):
    return " ".join(w for w in words.replace("-", " ").replace(",", "").split() if w != "and")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    rng = random.Random(11)
    numbers = list(range(0, 130)) + [10 ** k for k in range(3, 19)] + [10 ** k + 1 for k in range(3, 19)]
    for digits in range(3, 19):
        numbers += [rng.randrange(10 ** (digits - 1), 10 ** digits) for _ in range(20)]
    numbers.append(2 ** 63 - 1)
    cardinals = [[n, transcript_style(num2words.num2words(n)), transcript_style(num2words.num2words(n, to="ordinal"))]
                 for n in sorted(set(numbers))]
    years = [[y, transcript_style(num2words.num2words(y, to="year"))] for y in range(1100, 2100)]
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump({"source": f"num2words {importlib.metadata.version('num2words')}",
                   "numbers": cardinals, "years": years}, f, separators=(",", ":"))
    print(f"{args.out}: {len(cardinals)} numbers, {len(years)} years")


if __name__ == "__main__":
    main()
