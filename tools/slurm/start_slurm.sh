#!/usr/bin/env bash
# Starts a single-node Slurm on this machine for the tests (Debian slurm-wlm + munge, installed by
# tools/setup.sh): munged, slurmctld and slurmd on localhost, NodeName = `hostname -s`,
# ProctrackType=proctrack/linuxproc, TaskPlugin=task/none (no cgroup plugins), no accounting.
# Its config, state and logs live in $PYTRACK_SLURM_DIR (default /tmp/pytrack-slurm); /etc is untouched.
# Idempotent: a running, answering controller is reused. Needs root.
# Prints `SLURM_CONF=<path>` on success (export it for sbatch/squeue); exits non-zero with one reason line
# on stderr when Slurm cannot start here.
set -uo pipefail
dir=${PYTRACK_SLURM_DIR:-/tmp/pytrack-slurm}
fail() { echo "start_slurm: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || fail "needs root (it starts munged, slurmctld and slurmd)"
for c in munged munge slurmctld slurmd sbatch squeue sinfo scontrol; do
  command -v "$c" >/dev/null 2>&1 || fail "'$c' not found (run bash tools/setup.sh: slurm-wlm, munge)"
done
host=$(hostname -s) || fail "hostname -s failed"
mkdir -p "$dir"/{state,spool,munge} || fail "cannot create $dir"
conf=$dir/slurm.conf
export SLURM_CONF=$conf

# munge: a key, then munged (as the munge user when it exists, which is how Debian runs it).
if ! (munge -n 2>/dev/null | unmunge >/dev/null 2>&1); then
  key=/etc/munge/munge.key
  if [ ! -s "$key" ]; then
    mkdir -p /etc/munge
    dd if=/dev/urandom of="$key" bs=1 count=1024 status=none || fail "cannot write $key"
  fi
  mkdir -p /run/munge /var/lib/munge /var/log/munge
  if id munge >/dev/null 2>&1; then
    chown munge:munge "$key" /run/munge /var/lib/munge /var/log/munge /etc/munge
    chmod 0400 "$key"; chmod 0700 /etc/munge
    runuser -u munge -- munged >/dev/null 2>"$dir/munged.err" || true
  else
    chmod 0400 "$key"
    munged --force >/dev/null 2>"$dir/munged.err" || true
  fi
  for _ in $(seq 1 20); do (munge -n | unmunge >/dev/null 2>&1) && break; sleep 0.25; done
  (munge -n | unmunge >/dev/null 2>&1) || fail "munged did not start: $(tail -n 1 "$dir/munged.err" 2>/dev/null)"
fi

cpus=$(nproc)
mem=$(awk '/MemTotal/ {printf "%d", $2 / 1024 * 0.8}' /proc/meminfo)
cat > "$conf.tmp" <<CONF
# Written by tools/slurm/start_slurm.sh: a single-node Slurm for the pytrack tests.
ClusterName=pytrack
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CryptoType=crypto/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
ReturnToService=2
MpiDefault=none
MaxArraySize=100001
NodeName=$host NodeHostname=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=pytrack Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
CONF
mv "$conf.tmp" "$conf"

if ! scontrol ping 2>/dev/null | grep -q "is UP"; then
  slurmctld -f "$conf" -i 2>"$dir/slurmctld.err" || fail "slurmctld did not start: $(tail -n 1 "$dir/slurmctld.err")"
  for _ in $(seq 1 40); do scontrol ping 2>/dev/null | grep -q "is UP" && break; sleep 0.25; done
  scontrol ping 2>/dev/null | grep -q "is UP" || fail "slurmctld is not answering: $(tail -n 1 "$dir/slurmctld.log" 2>/dev/null)"
fi
if ! { [ -s "$dir/slurmd.pid" ] && kill -0 "$(cat "$dir/slurmd.pid")" 2>/dev/null; }; then
  slurmd -f "$conf" -N "$host" 2>"$dir/slurmd.err" || fail "slurmd did not start: $(tail -n 1 "$dir/slurmd.err")"
fi
state=""
for _ in $(seq 1 80); do
  state=$(sinfo -h -n "$host" -o %t 2>/dev/null | head -n 1)
  case "$state" in idle*|mix*|alloc*) break ;; down*|drain*) scontrol update nodename="$host" state=resume >/dev/null 2>&1 ;; esac
  sleep 0.25
done
case "$state" in idle*|mix*|alloc*) ;; *) fail "node $host is '${state:-unknown}', not idle: $(tail -n 1 "$dir/slurmd.log" 2>/dev/null)" ;; esac
echo "SLURM_CONF=$conf"
