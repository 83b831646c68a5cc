#!/usr/bin/env bash
# Loads tao serve's test page (GET /) in headless Chromium and saves a screenshot, then checks that the page's
# script ran (the models table was filled from /v1/models).
# Needs Debian's `chromium` package (apt-get install -y chromium) and a built `tao` (swift build).
# Usage: scripts/check_test_page.sh [OUTPUT.png]   (default: test-page.png)
set -euo pipefail
cd "$(dirname "$0")/.."
output="${1:-test-page.png}"
case "$output" in /*) ;; *) output="$PWD/$output" ;; esac
tao="${TAO:-.build/debug/tao}"
browser="$(command -v chromium || command -v chromium-browser || true)"
[ -n "$browser" ] || { echo "error: chromium not found (apt-get install -y chromium)" >&2; exit 1; }
[ -x "$tao" ] || { echo "error: $tao not found (swift build first, or set TAO=path/to/tao)" >&2; exit 1; }

log="$(mktemp)"
# A profile of its own: a second Chromium on the same profile hands its URL to the first and exits at once.
profile="$(mktemp -d)"
"$tao" serve --models models/citrinet_char --port 0 >"$log" 2>&1 &
server=$!
# On any failure the server's log is shown: a crash leaves the Swift runtime's backtrace there.
trap 'status=$?; kill $server 2>/dev/null || true; if [ $status -ne 0 ]; then echo "--- tao serve log:" >&2; cat "$log" >&2; [ -s "$profile/browser.log" ] && { echo "--- browser log:" >&2; grep -v dbus "$profile/browser.log" | tail -20 >&2; }; fi; rm -rf "$log" "$profile"' EXIT
for _ in $(seq 1 300); do
  grep -q "listening on" "$log" && break
  kill -0 $server 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.1
done
url="$(grep -o 'http://[0-9.]*:[0-9]*' "$log" | head -1)"
[ -n "$url" ] || { echo "error: the server did not start" >&2; cat "$log" >&2; exit 1; }

flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1100,900 --virtual-time-budget=5000
       --user-data-dir="$profile")
"$browser" "${flags[@]}" --screenshot="$output" "$url/" >/dev/null 2>&1
# The page fills itself from /v1/models and /health; on a loaded machine the browser's time budget can end first,
# so the DOM is read up to three times.
for _ in 1 2 3; do
  dom="$("$browser" "${flags[@]}" --dump-dom "$url/" 2>"$profile/browser.log")"
  echo "$dom" | grep -q "health: ok" && echo "$dom" | grep -q "<td>citrinet_char</td>" && break
done
[ -s "$output" ] || { echo "error: no screenshot written" >&2; exit 1; }
echo "$dom" | grep -q "<td>citrinet_char</td>" || { echo "error: the page did not list the models" >&2; exit 1; }
echo "$dom" | grep -q "health: ok" || { echo "error: the page did not show the health" >&2; exit 1; }
kill -TERM $server
wait $server
echo "ok: $output ($(stat -c %s "$output") bytes), models listed, health ok; server stopped on SIGTERM with status 0"
