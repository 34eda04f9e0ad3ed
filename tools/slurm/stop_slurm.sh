#!/usr/bin/env bash
# Stops the single-node Slurm tools/slurm/start_slurm.sh started (slurmd, then slurmctld, by their pid
# files in $PYTRACK_SLURM_DIR); munged is left running (other tools may use it).
dir=${PYTRACK_SLURM_DIR:-/tmp/pytrack-slurm}
for d in slurmd slurmctld; do
  if [ -s "$dir/$d.pid" ]; then kill "$(cat "$dir/$d.pid")" 2>/dev/null && echo "stopped $d"; fi
done
