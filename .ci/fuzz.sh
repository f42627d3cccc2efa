#!/usr/bin/env bash
# Short fuzz runs, one per parser, for CI: bash .ci/fuzz.sh [SECONDS]
#
# Each target gets the same budget (default 10 s). A failure leaves the
# crashing input under the package's testdata/fuzz/<Target>/ and fails the
# script; commit that file with the fix so it stays a regression test.
# Longer runs: docs/operations.md, "Fuzzing". (.ci/run already fuzzes
# ./pii FuzzScan itself.)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"

budget="${1:-10}s"
# package           target
targets=(
  "./policy         FuzzParse"
  "./intake/email   FuzzParse"
  "./intake/email   FuzzOfficeText"
  "./intake/cdr     FuzzImport"
  "./intake/cdr     FuzzMapping"
  "./blob           FuzzDecryptArbitrary"
  "./http           FuzzRequestBodies"
)
for t in "${targets[@]}"; do
  read -r pkg name <<<"$t"
  echo "== fuzz $pkg $name ($budget)"
  go test -run '^$' -fuzz "^${name}\$" -fuzztime "$budget" -parallel 2 "$pkg"
done
