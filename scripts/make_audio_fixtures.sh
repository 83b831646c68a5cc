#!/usr/bin/env bash
# Makes audio-fixtures/: short synthetic utterances (flite, espeak-ng), format variants made with sox, and three real
# recordings copied from Debian's pocketsphinx-testdata, each with a same-named .txt transcript (lowercase, no
# punctuation, as tao's character models expect).
# needs: apt-get install -y flite espeak-ng sox libsox-fmt-all pocketsphinx-testdata
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=audio-fixtures
PS=/usr/share/pocketsphinx/test/data
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$OUT"
rm -f "$OUT"/*.wav "$OUT"/*.flac "$OUT"/*.ogg "$OUT"/*.txt

say_flite() {  # name voice text
    flite -voice "$2" -t "$3" -o "$TMP/$1.wav"
    sox -D -q "$TMP/$1.wav" -r 16000 -c 1 -b 16 "$OUT/$1.wav"
    echo "$3" > "$OUT/$1.txt"
}
say_espeak() {  # name voice text
    espeak-ng -v "$2" -w "$TMP/$1.wav" "$3"
    sox -D -q "$TMP/$1.wav" -r 16000 -c 1 -b 16 "$OUT/$1.wav"
    echo "$3" > "$OUT/$1.txt"
}

# 16 kHz mono 16-bit synthetic speech.
say_flite  flite_kal_weather    kal "the weather is nice today"
say_flite  flite_slt_numbers    slt "call me at four five six seven"
say_flite  flite_rms_question   rms "where is the nearest train station"
say_espeak espeak_us_fox        en-us "the quick brown fox jumps over the lazy dog"
say_espeak espeak_gb_music      en-gb "please play some music in the kitchen"
say_espeak espeak_us_order      en-us "i would like to order a large pizza"

# Format variants (sox): 44.1 kHz stereo, 8 kHz mu-law, FLAC, OGG/Vorbis.
flite -voice awb -t "turn left at the next corner" -o "$TMP/awb.wav"
sox -D -q "$TMP/awb.wav" -r 44100 -c 2 -b 16 "$OUT/flite_awb_44k_stereo.wav"
echo "turn left at the next corner" > "$OUT/flite_awb_44k_stereo.txt"
espeak-ng -v en-us -w "$TMP/phone.wav" "your call is important to us"
sox -D -q "$TMP/phone.wav" -r 8000 -c 1 -e mu-law "$OUT/espeak_8k_mulaw.wav"
echo "your call is important to us" > "$OUT/espeak_8k_mulaw.txt"
flite -voice slt -t "the meeting starts at nine" -o "$TMP/slt.wav"
sox -D -q "$TMP/slt.wav" -r 16000 -c 1 -b 16 "$OUT/flite_slt_meeting.flac"
echo "the meeting starts at nine" > "$OUT/flite_slt_meeting.txt"
espeak-ng -v en-gb -w "$TMP/gb.wav" "open the window please"
sox -D -q "$TMP/gb.wav" -r 16000 -c 1 "$OUT/espeak_gb_window.ogg"
echo "open the window please" > "$OUT/espeak_gb_window.txt"

# Real recordings (16 kHz mono 16-bit), BSD-2, CMU Sphinx test data; transcripts from the package's own files.
cp "$PS/librivox/sense_and_sensibility_01_austen_64kb-0880.wav" "$OUT/librivox_0880.wav"
echo "he was not an ill disposed young man" > "$OUT/librivox_0880.txt"
cp "$PS/librivox/sense_and_sensibility_01_austen_64kb-0930.wav" "$OUT/librivox_0930.wav"
echo "he might even have been made amiable himself" > "$OUT/librivox_0930.txt"
cp "$PS/cards/001.wav" "$OUT/cards_001.wav"
echo "ten of clubs" > "$OUT/cards_001.txt"

du -sh "$OUT"
soxi "$OUT"/*.wav "$OUT"/*.flac "$OUT"/*.ogg | grep -E "^Input File|Sample Rate|Channels|Duration|Sample Encoding" | paste - - - - - | sed 's/  */ /g'
