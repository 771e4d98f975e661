#!/usr/bin/env bash
# Shubbak against Chromium's --kiosk mode on one Xvfb display at 1920x1080 (no window manager,
# no GPU): starts the display on a free number, runs bench_vs_chromium, stops the display by pid.
#   tests/bench/vs_chromium/run.sh BUILD_DIR [PAIRS] [IDLE_SECONDS]
# Environment: SHUBBAK_BENCH_SHOTS=DIR keeps screenshots of both programs' screens.
set -euo pipefail
build=${1:?usage: run.sh BUILD_DIR [PAIRS] [IDLE_SECONDS]}
pairs=${2:-12}
idle=${3:-30}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bench=$build/tests/bench/bench_vs_chromium
[[ -x $bench ]] || { echo "vs_chromium: $bench is not built (X11, XDamage, XTest missing?)" >&2; exit 1; }
[[ -x /usr/bin/chromium ]] || { echo "vs_chromium: /usr/bin/chromium is not installed" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/shubbak-vs-chromium-XXXXXX")
xvfb_pid=
cleanup() {
  [[ -n $xvfb_pid ]] && kill "$xvfb_pid" 2>/dev/null && wait "$xvfb_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# A display number nobody holds (lock file and socket both free).
display=
for n in $(seq 90 140); do
  if [[ ! -e /tmp/.X$n-lock && ! -e /tmp/.X11-unix/X$n ]]; then display=$n; break; fi
done
[[ -n $display ]] || { echo "vs_chromium: no free X display number in 90..140" >&2; exit 1; }
Xvfb ":$display" -screen 0 1920x1080x24 -nolisten tcp -br -noreset >"$work/xvfb.log" 2>&1 &
xvfb_pid=$!
for _ in $(seq 1 100); do  # 10 s at most
  [[ -S /tmp/.X11-unix/X$display ]] && break
  kill -0 "$xvfb_pid" 2>/dev/null || { cat "$work/xvfb.log" >&2; exit 1; }
  sleep 0.1
done
[[ -S /tmp/.X11-unix/X$display ]] || { echo "vs_chromium: Xvfb did not start" >&2; exit 1; }

# The kiosk as deployed, full screen on the display, its welcome screen held (no attract cycle
# inside the measurement) and its data in the bench's own directory.
cat >"$work/kiosk.toml" <<TOML
[kiosk]
data_dir = "$work/data"
[log]
level = "warn"
[display]
mode = "fullscreen"
[shell]
attract_cycle_seconds = 600
TOML

shots=()
[[ -n ${SHUBBAK_BENCH_SHOTS:-} ]] && shots=(--shots "$SHUBBAK_BENCH_SHOTS")
# The language button: top left on the Arabic welcome screen, top left of the Arabic page too.
DISPLAY=":$display" "$bench" --shubbak "$build/kiosk/app/shubbak" --config "$work/kiosk.toml" \
  --chromium /usr/bin/chromium --page "$here/welcome.html" --pairs "$pairs" --idle "$idle" \
  --tap 150,60 --work "$work" "${shots[@]}"
