#!/usr/bin/env bash
# npm start: build what is missing, then serve the demo (PORT overrides 8080).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
exec node scripts/serve.mjs
