#!/bin/bash
# Starts or stops a one-node SLURM cluster (munge, slurmctld, slurmd on this machine) for the
# tests, from Debian's slurm-wlm 22.05 and munge packages.
#   slurm_cluster.sh start DIR   installs the packages when missing (apt-get, as root), writes
#                                DIR/slurm.conf, starts the daemons and waits for the node to be idle
#   slurm_cluster.sh stop DIR    stops the daemons it started (by the pids in DIR)
# Exit 3 with one line on stderr when the cluster cannot be had here (not root and not installed,
# no apt, the daemons would not start): the test skips with that line as its reason.
set -u
ACTION=$1 DIR=$2
export SLURM_CONF=$DIR/slurm.conf

cannot() { echo "$*" >&2; exit 3; }

# Runs a daemon with none of our file descriptors: whoever runs this script reads its output to
# the end, which a daemon holding a copy of a pipe would never let come.
detached() {
    (
        for fd in /proc/self/fd/*; do
            n=${fd##*/}
            [ "$n" -gt 2 ] 2>/dev/null && eval "exec $n>&-"
        done
        exec "$@"
    ) </dev/null >/dev/null 2>&1
}

stop() {
    for name in slurmd slurmctld munged; do
        if [ -s "$DIR/$name.pid" ]; then
            pid=$(cat "$DIR/$name.pid")
            kill "$pid" 2>/dev/null
            for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            kill -9 "$pid" 2>/dev/null
            rm -f "$DIR/$name.pid"
        fi
    done
}

if [ "$ACTION" = stop ]; then stop; exit 0; fi

missing=""
for tool in slurmctld slurmd sbatch munged; do command -v "$tool" >/dev/null || missing=yes; done
if [ -n "$missing" ]; then
    [ "$(id -u)" = 0 ] || cannot "slurm-wlm and munge are not installed and installing them needs root (apt-get install slurm-wlm munge)"
    command -v apt-get >/dev/null || cannot "slurm-wlm and munge are not installed and there is no apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq --no-install-recommends slurm-wlm munge >"$DIR/apt.log" 2>&1 ||
        { apt-get update -qq >>"$DIR/apt.log" 2>&1 && apt-get install -y -qq --no-install-recommends slurm-wlm munge >>"$DIR/apt.log" 2>&1; } ||
        cannot "apt-get could not install slurm-wlm and munge (see $DIR/apt.log)"
fi
[ "$(id -u)" = 0 ] || cannot "starting munged, slurmctld and slurmd as a one-node cluster needs root"

mkdir -p "$DIR/state" "$DIR/spool" "$DIR/munge"
# munged wants its socket directory to exist and belong to the munge user.
mkdir -p /run/munge && chown munge:munge /run/munge "$DIR/munge" && chmod 755 /run/munge
[ -s /etc/munge/munge.key ] || { /usr/sbin/mungekey --create --force >/dev/null 2>&1 || dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 2>/dev/null; chown munge:munge /etc/munge/munge.key; chmod 400 /etc/munge/munge.key; }
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
    detached runuser -u munge -- /usr/sbin/munged --pid-file="$DIR/munge/munged.pid" --log-file="$DIR/munge/munged.log" \
        --seed-file="$DIR/munge/munged.seed" || cannot "munged would not start (see $DIR/munge/munged.log)"
    cp "$DIR/munge/munged.pid" "$DIR/munged.pid"
    for _ in $(seq 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.1; done
    munge -n 2>/dev/null | unmunge >/dev/null 2>&1 || { stop; cannot "munge does not answer after starting munged"; }
fi

HOST=$(hostname -s)
# slurmd -C prints this machine's node line (CPUs, boards, sockets, cores, threads, memory).
NODE=$(slurmd -C | head -1)
cat >"$SLURM_CONF" <<CONF
ClusterName=convoytest
SlurmctldHost=$HOST
SlurmctldPort=16817
SlurmdPort=16818
AuthType=auth/munge
SlurmUser=root
SlurmdUser=root
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/slurmctld.log
SlurmdLogFile=$DIR/slurmd.log
SlurmctldTimeout=30
SlurmdTimeout=30
$NODE NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=test Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
CONF
sed -i 's/^NodeName=[^ ]*/NodeName='"$HOST"'/; s/ UpTime=[^ ]*//' "$SLURM_CONF"

# The daemons get no stdin/stdout/stderr of ours: whoever runs this script reads its pipes to the end.
detached slurmctld -i || { stop; cannot "slurmctld would not start (see $DIR/slurmctld.log)"; }
detached slurmd || { stop; cannot "slurmd would not start (see $DIR/slurmd.log)"; }
for _ in $(seq 100); do
    state=$(sinfo -h -N -o %t 2>/dev/null | head -1)
    [ "$state" = idle ] && exit 0
    sleep 0.2
done
stop
cannot "the SLURM node did not become idle (state '${state:-none}'; see $DIR/slurmctld.log and $DIR/slurmd.log)"
