#!/usr/bin/env bash
# `npm test`: everything. Lint, type checks (node, web, svelte-check), the build, unit and
# component tests, integration tests (real files, chokidar, SQLite, HTTP, a real Secret Service),
# e2e tests in Chromium, Electronegativity and the packaging check.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n=== %s\n' "$*"; }

step "native modules for Node"
node scripts/native.mjs node
step "lint"
npm run -s lint
step "type checks"
npm run -s typecheck
step "build"
npx electron-vite build
node scripts/build-cli.mjs
step "unit, component, integration and e2e tests"
mkdir -p test-artifacts
scripts/with-keyring.sh npx vitest run --reporter=default --reporter=json --outputFile.json=test-artifacts/vitest.json
step "Electronegativity"
node scripts/electronegativity.mjs
step "packaging check"
node scripts/check-packaging.mjs
node scripts/summary.mjs test-artifacts/vitest.json
