#!/usr/bin/env python3
"""Stream a WAV file to `tao serve` over WebSocket and print the interim and final results.

    pip install websockets
    tao serve --models models/citrinet_char &
    python3 examples/stream_asr.py audio-fixtures/espeak_us_fox.wav --realtime

The protocol (GET /v1/asr:stream): a text message {"streaming_config": {...}} first, then binary messages of
raw 16-bit little-endian PCM, then {"eof": true}. The server answers {"results": [...]} messages with
"is_final" false (interim) or true (final, at each pause, at {"flush": true} and at eof), and closes after eof.
"""
import argparse
import asyncio
import json
import sys
import wave
from urllib.parse import quote

import websockets


async def stream(path, url, realtime, api_key):
    with wave.open(path, "rb") as audio:
        if audio.getsampwidth() != 2:
            sys.exit(f"{path}: this example sends 16-bit PCM WAV files (tao client recognize --stream takes any format)")
        rate, channels = audio.getframerate(), audio.getnchannels()
        pcm = audio.readframes(audio.getnframes())
    target = url.rstrip("/") + "/v1/asr:stream" + (f"?api_key={quote(api_key)}" if api_key else "")
    config = {"streaming_config": {
        "config": {"encoding": "LINEAR_PCM", "sample_rate_hertz": rate, "audio_channel_count": channels,
                   "enable_word_time_offsets": True},
        "interim_results": True}}
    async with websockets.connect(target, max_size=1 << 22) as socket:
        await socket.send(json.dumps(config))

        async def send_audio():
            chunk = rate // 10 * 2 * channels  # 100 ms
            for start in range(0, len(pcm), chunk):
                await socket.send(pcm[start:start + chunk])
                if realtime:
                    await asyncio.sleep(0.1)
            await socket.send(json.dumps({"eof": True}))

        sender = asyncio.create_task(send_audio())
        async for message in socket:
            response = json.loads(message)
            if "error" in response:
                print("error:", response["error"]["message"], file=sys.stderr)
                continue
            for result in response.get("results", []):
                best = result["alternatives"][0] if result["alternatives"] else {"transcript": ""}
                kind = "final  " if result["is_final"] else "interim"
                print(f"{kind} {result['audio_processed']:6.2f}s  {best['transcript']}")
        await sender


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("wav", help="a 16-bit PCM WAV file")
    parser.add_argument("--url", default="ws://127.0.0.1:8009", help="the server (ws:// or wss://)")
    parser.add_argument("--realtime", action="store_true", help="send at the pace the audio plays")
    parser.add_argument("--api-key", default=None, help="the server's API key, if it has one")
    arguments = parser.parse_args()
    asyncio.run(stream(arguments.wav, arguments.url, arguments.realtime, arguments.api_key))


if __name__ == "__main__":
    main()
