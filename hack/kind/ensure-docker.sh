#!/usr/bin/env bash
# ensure-docker.sh makes sure a Docker engine answers on this machine, for the
# kind provider. On a machine with a working engine it does nothing. On a fresh
# machine without systemd (a CI VM) it installs Debian's docker.io, starts
# dockerd in the background (logged, PID file kept) and waits until
# `docker info` answers. Idempotent: run it as often as you like.
#
# Hosts whose capability bounding set lacks CAP_SYS_RESOURCE (Firecracker VMs)
# cannot run privileged containers ("unable to apply caps"); there dockerd gets
# a runc wrapper as its default runtime that drops that one capability from
# every container spec (hack/kind/runc-nosysresource). The need is detected by
# running a tiny privileged container, not assumed.
#
# Environment:
#   GAMEDAY_DOCKER_STATE  log, PID file and wrapper (default ${XDG_CACHE_HOME:-$HOME/.cache}/gameday/docker)
#   DOCKER_WAIT           seconds to wait for the engine (default 60)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
state=${GAMEDAY_DOCKER_STATE:-${XDG_CACHE_HOME:-$HOME/.cache}/gameday/docker}
wait_s=${DOCKER_WAIT:-60}
pidfile=$state/dockerd.pid
logfile=$state/dockerd.log
runtime=gameday-runc
probe_image=gameday/privileged-probe:1

log() { printf '[docker] %s\n' "$*" >&2; }
die() { printf '[docker] error: %s\n' "$*" >&2; exit 1; }

engine_up() { docker info >/dev/null 2>&1; }

# alive PID: the process runs and is not a zombie (PID 1 of this VM may not
# reap a dockerd that was reparented to it).
alive() {
  local st
  st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# probe_privileged runs a tiny privileged container from an image built from
# the host's own /bin/true (no registry needed) and prints its error, if any.
probe_privileged() {
  if ! docker image inspect "$probe_image" >/dev/null 2>&1; then
    local t files
    t=$(readlink -f /bin/true)
    files=$( { echo "$t"; ldd "$t" | grep -o '/[^ ]*'; } | sort -u)
    # shellcheck disable=SC2086
    tar -ch $files 2>/dev/null | docker import -c "ENTRYPOINT [\"$t\"]" - "$probe_image" >/dev/null \
      || die "cannot import the probe image $probe_image"
  fi
  docker run --rm --privileged "$probe_image" 2>&1 >/dev/null
}

# wait_engine polls `docker info` until it answers or the deadline passes.
wait_engine() {
  local deadline=$(( $(date +%s) + wait_s ))
  until engine_up; do
    if [ -f "$pidfile" ] && ! alive "$(cat "$pidfile")"; then
      tail -20 "$logfile" >&2 || true
      die "dockerd exited during start-up (log: $logfile)"
    fi
    [ "$(date +%s)" -lt "$deadline" ] || { tail -20 "$logfile" >&2; die "docker info does not answer after ${wait_s}s (log: $logfile)"; }
    sleep 0.5
  done
}

# start_dockerd starts dockerd in the background; with "wrap" its default
# runtime is the capability-dropping runc wrapper.
start_dockerd() {
  local args=(--pidfile "$pidfile")
  if [ "${1:-}" = wrap ]; then
    install -m 0755 "$here/runc-nosysresource" "$state/runc-nosysresource"
    args+=(--add-runtime "$runtime=$state/runc-nosysresource" --default-runtime "$runtime")
  fi
  log "starting dockerd${1:+ with the runc wrapper} (log: $logfile)"
  # A PID file left by a dockerd that was killed (the machine's processes were
  # ended, not stopped) names a dead process: wait_engine would read it before
  # the new dockerd writes its own and report the new one dead (CI failed so).
  # The same holds for the containerd that dockerd runs: dockerd waits for a
  # containerd whose PID file names a zombie, and gives up after a minute.
  local f
  for f in "$pidfile" /var/run/docker/containerd/containerd.pid; do
    if [ -f "$f" ] && ! alive "$(cat "$f")"; then
      log "removing the stale PID file $f (PID $(cat "$f") is gone)"
      rm -f "$f"
    fi
  done
  # setsid: dockerd outlives this script and its terminal; it writes its own PID file.
  setsid nohup dockerd "${args[@]}" >>"$logfile" 2>&1 </dev/null &
  wait_engine
  log "engine up: $(docker version -f '{{.Server.Version}}'), PID $(cat "$pidfile")"
}

# stop_dockerd stops the dockerd this script started (by its PID file only).
stop_dockerd() {
  local pid
  pid=$(cat "$pidfile" 2>/dev/null) || return 0
  kill "$pid" 2>/dev/null || return 0
  local deadline=$(( $(date +%s) + 30 ))
  while alive "$pid"; do
    [ "$(date +%s)" -lt "$deadline" ] || die "dockerd (PID $pid) does not stop"
    sleep 0.2
  done
}

# kind needs more inotify instances than the default 128 for several nodes.
raise_inotify() {
  local cur
  cur=$(sysctl -n fs.inotify.max_user_instances 2>/dev/null || echo 0)
  if [ "$cur" -lt 512 ]; then
    sysctl -qw fs.inotify.max_user_instances=512 2>/dev/null && log "fs.inotify.max_user_instances $cur -> 512" \
      || log "warning: cannot raise fs.inotify.max_user_instances ($cur); clusters with many nodes may fail"
  fi
}

mkdir -p "$state"
raise_inotify
if engine_up; then
  log "engine already answers ($(docker version -f '{{.Server.Version}}' 2>/dev/null)): nothing to do"
  exit 0
fi

[ "$(id -u)" = 0 ] || die "no Docker engine answers and installing one needs root"
if ! command -v dockerd >/dev/null || ! command -v iptables >/dev/null || ! command -v jq >/dev/null; then
  log "installing docker.io, iptables and jq from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q docker.io iptables jq >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null && apt-get install -y -q docker.io iptables jq >/dev/null; } \
    || die "apt-get install docker.io iptables jq failed"
fi

# A dockerd of ours that died leaves its PID file; one that runs but does not
# answer is waited for, not started twice.
if [ -f "$pidfile" ] && alive "$(cat "$pidfile")"; then
  log "dockerd (PID $(cat "$pidfile")) is starting; waiting"
  wait_engine
  exit 0
fi

start_dockerd
if err=$(probe_privileged); then
  log "privileged containers work: no runtime wrapper needed"
  exit 0
fi
grep -q 'apply caps' <<<"$err" || die "a privileged container fails: $err"
log "privileged containers fail on this host ($(grep -o 'unable to apply caps[^:]*: [a-z ]*' <<<"$err" | head -1)): restarting dockerd with the runc wrapper"
stop_dockerd
start_dockerd wrap
err=$(probe_privileged) || die "a privileged container still fails with the runc wrapper: $err"
log "privileged containers work with the runc wrapper"
