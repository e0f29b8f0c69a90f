#!/usr/bin/env bash
# Set-up (scripts/setup.sh), then the typecheck and every test. What CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npx tsc -p tsconfig.json
npx vitest run
