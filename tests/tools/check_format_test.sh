#!/usr/bin/env bash
# Tests tools/check_format.sh on a scratch tree: a formatted file passes, a misformatted one
# fails and is named. Usage: check_format_test.sh SOURCE_DIR
set -euo pipefail
source_dir="$1"
check="$source_dir/tools/check_format.sh"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp "$source_dir/.clang-format" "$scratch/"
mkdir -p "$scratch/kiosk/core"
printf 'int add(int a, int b) {\n  return a + b;\n}\n' > "$scratch/kiosk/core/good.cpp"

if ! "$check" "$scratch" > "$scratch/out" 2>&1; then
  cat "$scratch/out"; echo "FAILED: a formatted tree must pass"; exit 1
fi
echo "ok: a formatted tree passes"

printf 'int  sub(int a,int b){return a-b;}\n' > "$scratch/kiosk/core/bad.hpp"
if "$check" "$scratch" > "$scratch/out" 2>&1; then
  cat "$scratch/out"; echo "FAILED: a misformatted file must fail the check"; exit 1
fi
if ! grep -q '^kiosk/core/bad.hpp: differs from .clang-format' "$scratch/out" ||
   grep -q 'good.cpp' "$scratch/out"; then
  cat "$scratch/out"; echo "FAILED: the failure must name bad.hpp and only it"; exit 1
fi
echo "ok: a misformatted file fails and is named"
