#!/usr/bin/env bash
# The whole test suite: unit and integration tests (swift test), then the demo end to end,
# then the checks on what the demo produced (database rows, report pages in headless Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product pytrack
swift test --parallel --num-workers 2
