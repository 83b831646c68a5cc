#!/usr/bin/env python3
"""Measure `tao speech_to_text infer` on long files, taken whole and cut at their pauses.

Usage: scripts/long_audio_wer.py TAO_BINARY MODEL.tao [--lm LM.tao] [--data ../shared/data] [--out /tmp/long-audio]

Synthesizes three sets from paragraphs of Northanger Abbey (80-220 words, no digits), seeded:
  paragraphs: six paragraphs, each one file (27-54 s), spoken by espeak-ng or flite voices;
  readings:   eight paragraphs read as one 5.5-minute file, by espeak-ng en-us and again by flite slt;
  dialogue:   the sentences of three paragraphs alternating between espeak-ng en-us and flite kal, the second
              voice 10 dB quieter, 0.5 s apart (a 155 s file).
Then runs `infer` on each set with max_segment_seconds=0 (whole) and with the default (cut), greedy and, with
--lm, beam search with that LM, and prints the word error rate of each. Needs espeak-ng, flite (`make
corpus-tools`), numpy and scipy.
"""
import argparse, json, os, random, re, subprocess, sys
import numpy as np
from scipy.io import wavfile
from scipy.signal import resample_poly


def normalize(text):
    text = text.lower().replace("--", " ").replace("-", " ")
    text = re.sub(r"[^a-z' ]", " ", text)
    return " ".join(w.strip("'") for w in text.split() if w.strip("'"))


def synthesize(engine, voice, text, path):
    spoken = text.replace("--", ", ")
    if engine == "espeak":
        subprocess.run(["espeak-ng", "-v", voice, "-w", path, spoken], check=True)
    else:
        subprocess.run(["flite", "-voice", voice, "-t", spoken, "-o", path], check=True)


def read16k(path):
    rate, samples = wavfile.read(path)
    samples = samples.astype(np.float32) / 32768
    return samples if rate == 16000 else resample_poly(samples, 16000, rate).astype(np.float32)


def edit_distance(ref, hyp):
    row = list(range(len(hyp) + 1))
    for i in range(1, len(ref) + 1):
        diagonal, row[0] = row[0], i
        for j in range(1, len(hyp) + 1):
            diagonal, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, diagonal + (ref[i - 1] != hyp[j - 1]))
    return row[len(hyp)]


def make_sets(data, out):
    text = open(os.path.join(data, "austen", "northangerabbey.txt"), encoding="utf-8").read()
    paragraphs = [re.sub(r"\s+", " ", p).strip() for p in re.split(r"\n\s*\n", text)]
    usable = [p for p in paragraphs if 80 <= len(p.split()) <= 220 and not re.search(r"\d|chapter", p, re.I)]
    sets = {"paragraphs": [], "readings": [], "dialogue": []}
    voices = [("espeak", "en-us"), ("espeak", "en-gb"), ("flite", "slt"), ("flite", "kal"), ("espeak", "en-us+f3"), ("flite", "rms")]
    for index, (paragraph, (engine, voice)) in enumerate(zip(random.Random(5).sample(usable, 6), voices)):
        path = os.path.join(out, f"paragraph{index}.wav")
        synthesize(engine, voice, paragraph, path)
        sets["paragraphs"].append((path, normalize(paragraph)))
    reading = random.Random(11).sample(usable, 8)
    for engine, voice in [("espeak", "en-us"), ("flite", "slt")]:
        path = os.path.join(out, f"reading_{voice}.wav")
        synthesize(engine, voice, " ".join(reading), path)
        sets["readings"].append((path, " ".join(normalize(p) for p in reading)))
    sentences = [s for p in random.Random(23).sample(usable, 3) for s in re.split(r"(?<=[.?!])\s+", p) if normalize(s)]
    pieces = []
    for index, sentence in enumerate(sentences):
        engine, voice = [("espeak", "en-us"), ("flite", "kal")][index % 2]
        path = os.path.join(out, "sentence.wav")
        synthesize(engine, voice, sentence, path)
        pieces += [read16k(path) * (1.0 if index % 2 == 0 else 0.316), np.zeros(8000, np.float32)]
    os.remove(os.path.join(out, "sentence.wav"))
    path = os.path.join(out, "dialogue.wav")
    wavfile.write(path, 16000, (np.concatenate(pieces) * 32767).astype(np.int16))
    sets["dialogue"].append((path, " ".join(normalize(s) for s in sentences)))
    return sets


def word_error_rate(tao, model, files, results, overrides):
    subprocess.run([tao, "speech_to_text", "infer", "-r", results, "-m", model, "file_paths=[" + ",".join(p for p, _ in files) + "]"]
                   + overrides, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    references = dict(files)
    errors = words = segments = 0
    for line in open(os.path.join(results, "infer.jsonl")):
        record = json.loads(line)
        reference = references[record["audio_filepath"]].split()
        errors += edit_distance(reference, record["transcript"].split())
        words += len(reference)
        segments += len(record["segments"])
    return errors, words, segments


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("tao")
    parser.add_argument("model")
    parser.add_argument("--lm")
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--out", default="/tmp/long-audio")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    sets = make_sets(args.data, args.out)
    decodings = [("greedy", [])] + ([("beam + LM", ["decoding.strategy=beam", f"decoding.lm_path={args.lm}"])] if args.lm else [])
    for name, files in sets.items():
        seconds = sum(len(read16k(p)) for p, _ in files) / 16000
        for decoding, overrides in decodings:
            row = []
            for mode, cut in [("whole", ["max_segment_seconds=0"]), ("cut", [])]:
                results = os.path.join(args.out, f"results-{name}-{mode}-{decoding.split()[0]}")
                errors, words, segments = word_error_rate(args.tao, args.model, files, results, overrides + cut)
                row.append(f"{mode} {100 * errors / words:.2f}% ({errors}/{words}, {segments} segments)")
            print(f"{name} ({len(files)} files, {seconds:.0f} s), {decoding}: " + "; ".join(row), flush=True)


if __name__ == "__main__":
    sys.exit(main())
