#!/usr/bin/env bash
# Installs what pytrack needs on a fresh Debian machine (idempotent): system libraries for
# spectra (OpenBLAS + LAPACKE), HTTP (libcurl), SHA-256 (libssl), SQLite (GRDB links libsqlite3),
# Chromium for the report browser test, GNU time and util-linux's prlimit (peak RSS and a file size
# limit in the hostile-hub tests), a single-node Slurm for the job-array test (slurm-wlm + munge; started
# by tools/slurm/start_slurm.sh, not here), and the Python packages the tests use as independent references.
set -euo pipefail
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
need=()
for p in libopenblas-dev liblapacke-dev libcurl4-openssl-dev libssl-dev libsqlite3-dev time util-linux chromium chromium-driver slurm-wlm munge; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ "${PYTRACK_SKIP_BROWSER:-0}" = 1 ]; then
  need=($(printf '%s\n' "${need[@]:-}" | grep -v chromium || true))
fi
if [ "${#need[@]}" -gt 0 ] && [ -n "${need[0]}" ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
python3 -m pip install -q --disable-pip-version-check -r "$(dirname "$0")/requirements-test.txt"
