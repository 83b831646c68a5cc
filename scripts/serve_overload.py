#!/usr/bin/env python3
"""Overloads tao serve with offline recognitions and reports how each was answered.

Starts `tao serve` on the shipped speech model, then has N clients (default 120) post the same 46 s of raw PCM at
once: four fixture utterances, each followed by 1 s of silence, three times over. Prints, per HTTP status, how many
requests got it and their fastest and slowest answer. Standard library only.

Usage: scripts/serve_overload.py [--tao .build/release/tao] [--clients 120]
"""
import argparse
import base64
import http.client
import json
import os
import re
import subprocess
import threading
import time
import wave

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = ["librivox_0880.wav", "librivox_0930.wav", "espeak_us_fox.wav", "flite_slt_numbers.wav"]


def request_body():
    pcm = b""
    for _ in range(3):
        for name in FIXTURES:
            with wave.open(os.path.join(ROOT, "audio-fixtures", name)) as clip:
                assert clip.getframerate() == 16000 and clip.getnchannels() == 1 and clip.getsampwidth() == 2, name
                pcm += clip.readframes(clip.getnframes()) + b"\0\0" * 16000
    seconds = len(pcm) / 2 / 16000
    body = {"audio": base64.b64encode(pcm).decode(), "config": {"encoding": "LINEAR_PCM", "sample_rate_hertz": 16000}}
    return json.dumps(body).encode(), seconds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tao", default=os.path.join(ROOT, ".build/release/tao"))
    parser.add_argument("--clients", type=int, default=120)
    args = parser.parse_args()
    body, seconds = request_body()
    server = subprocess.Popen([args.tao, "serve", "--models", os.path.join(ROOT, "models/citrinet_char"), "--port", "0"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        port = None
        for line in server.stdout:
            found = re.search(r"listening on http://[0-9.]+:([0-9]+)", line)
            if found:
                port = int(found.group(1))
                break
        assert port, "the server did not start"
        threading.Thread(target=lambda: [None for _ in server.stdout], daemon=True).start()

        def post():
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
            connection.request("POST", "/v1/asr:recognize", body, {"Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            return response.status

        alone = time.time()
        post()
        alone = time.time() - alone
        answers = []
        lock = threading.Lock()
        start = threading.Barrier(args.clients)

        def client():
            start.wait()
            began = time.time()
            try:
                status = post()
            except Exception as error:  # a refused or reset connection counts as its own kind of answer
                status = type(error).__name__
            with lock:
                answers.append((status, time.time() - began))

        threads = [threading.Thread(target=client) for _ in range(args.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        print(f"{args.clients} clients, {seconds:.1f} s of audio each; one request alone took {alone:.2f} s")
        for status in sorted({status for status, _ in answers}, key=str):
            times = [elapsed for answer, elapsed in answers if answer == status]
            print(f"  {status}: {len(times)} requests, answered in {min(times):.2f}-{max(times):.2f} s")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
