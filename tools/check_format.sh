#!/usr/bin/env bash
# Fails when a tracked C++ file differs from what clang-format makes of it with the checked-in
# .clang-format; prints each such file. Fix with: clang-format -i FILE...
# Usage: tools/check_format.sh [ROOT]   (default: the repository this script is in)
set -euo pipefail
root="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
cd "$root"
clang_format="${CLANG_FORMAT:-clang-format}"
command -v "$clang_format" >/dev/null || { echo "check_format: $clang_format not found" >&2; exit 2; }
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  # Tracked files plus new ones not yet added, so a developer sees the failure before committing.
  mapfile -t files < <(git ls-files --cached --others --exclude-standard -- '*.cpp' '*.hpp' \
                         | while read -r f; do [ -f "$f" ] && echo "$f"; done)
else
  mapfile -t files < <(find . -path ./build -prune -o \( -name '*.cpp' -o -name '*.hpp' \) -print \
                         | sed 's|^\./||' | sort)
fi
[ "${#files[@]}" -gt 0 ] || { echo "check_format: no C++ files found under $root" >&2; exit 2; }
# One clang-format run over all files (starting it once per file costs seconds); it names
# every file that differs in its diagnostics.
set +e
output=$(printf '%s\0' "${files[@]}" | xargs -0 "$clang_format" --style=file --dry-run --Werror 2>&1)
status=$?
set -e
mapfile -t bad < <(grep -oE '^[^:]+:[0-9]+:[0-9]+: (error|warning):' <<<"$output" | cut -d: -f1 | sort -u)
if [ "$status" -ne 0 ] && [ "${#bad[@]}" -eq 0 ]; then
  echo "$output" >&2
  echo "check_format: clang-format failed (status $status)" >&2
  exit 2
fi
for f in "${bad[@]}"; do
  echo "$f: differs from .clang-format (run: clang-format -i $f)"
done
if [ "${#bad[@]}" -gt 0 ]; then
  echo "check_format: ${#bad[@]} of ${#files[@]} files need clang-format" >&2
  exit 1
fi
echo "check_format: ${#files[@]} files follow .clang-format"
