#!/usr/bin/env bash
# `npm test`: everything a change must pass, in order of cost.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-system-deps.sh
npm run build --silent
npx tsc -p e2e # type-checks the e2e suite, which Playwright only transpiles
npx eslint .
npx prettier --check . > /dev/null || { npx prettier --check .; exit 1; }
node scripts/security-check.js
npx vitest run
npx playwright test
