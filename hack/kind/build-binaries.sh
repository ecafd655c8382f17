#!/usr/bin/env bash
# build-binaries.sh builds the static binaries gameday's kind images hold, from
# pinned Go modules, into a per-user cache (one directory per module, keyed by
# the Go version, the module's go.mod/go.sum and its link flags; like
# hack/build-tools.sh), and prints `NAME=PATH` lines for build-images.sh:
#
#   hack/tools/kubernetes-node  kubelet kubeadm kubectl kube-proxy + control plane, v1.37.2
#   hack/tools/etcd             etcd
#   hack/kind/tools/coredns     coredns v1.14.6
#   hack/kind/tools/cri-tools   crictl
#   hack/kind/images/pause      pause (gcc -static, our own pause.c)
#   cmd/inference-sim           the inference server (rebuilt each run: Go's cache makes it quick)
#
# Environment: GAMEDAY_KIND_CACHE (default ${XDG_CACHE_HOME:-$HOME/.cache}/gameday/kind).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cache=${GAMEDAY_KIND_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gameday/kind}
export CGO_ENABLED=0 GOFLAGS=-mod=mod

log() { printf '[kind-bin] %s\n' "$*" >&2; }
die() { printf '[kind-bin] error: %s\n' "$*" >&2; exit 1; }
command -v go >/dev/null || die "go is not on PATH"
command -v gcc >/dev/null || die "gcc is not on PATH (apt-get install gcc libc6-dev): it builds the pause binary"

k8s_dir=$root/hack/tools/kubernetes-node
k8s_version=$(cd "$k8s_dir" && go list -m -f '{{.Version}}' k8s.io/kubernetes) \
  || die "cannot read the pinned k8s.io/kubernetes version from $k8s_dir/go.mod"
k8s_ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  k8s_ldflags+=" -X $pkg.gitVersion=$k8s_version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$(cut -d. -f2 <<<"$k8s_version")"
  k8s_ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done
coredns_version=$(cd "$root/hack/kind/tools/coredns" && go list -m -f '{{.Version}}' github.com/coredns/coredns)
coredns_ldflags="-s -w -X github.com/coredns/coredns/coremain.GitCommit=$coredns_version"

# build_module DIR BINARIES FLAGS [VERSIONCMD [HINT]]: builds the module's `tool`
# packages once per key and prints NAME=PATH for each binary.
build_module() {
  local dir=$1 bins=$2 flags=$3 check=${4:-} hint=${5:-} name key out stage pkgs b t0
  name=$(basename "$dir")
  key=$( { go version; echo "$flags"; cat "$dir/go.mod" "$dir/go.sum"; } | sha256sum | cut -c1-16)
  out=$cache/bin-$name-$key
  local complete=1
  for b in $bins; do [ -x "$out/$b" ] || complete=0; done
  if [ $complete = 0 ]; then
    mkdir -p "$out"
    stage=$(mktemp -d "$out/.build.XXXXXX")
    mapfile -t pkgs < <(awk '/^tool \(/{t=1; next} t && /^\)/{t=0} t{print $1} /^tool [^(]/{print $2}' "$dir/go.mod")
    t0=$(date +%s)
    log "$name: building $bins${hint:+ ($hint)}"
    (cd "$dir" && go mod download && nice -n 10 go build -trimpath -ldflags "$flags" -o "$stage/" "${pkgs[@]}") \
      || { rm -rf "$stage"; die "building $dir failed (see above)"; }
    [ -x "$stage/server" ] && mv "$stage/server" "$stage/etcd"
    for b in $bins; do [ -x "$stage/$b" ] || { rm -rf "$stage"; die "$dir produced no $b"; }; done
    if [ -n "$check" ] && ! "$stage"/$check 2>&1 | grep -q "$k8s_version"; then
      rm -rf "$stage"; die "$check does not report $k8s_version (version ldflags not applied)"
    fi
    for b in $bins; do mv -f "$stage/$b" "$out/$b"; done
    rm -rf "$stage"
    log "$name: built in $(( $(date +%s) - t0 ))s"
  else
    log "$name: cached (${out/#$HOME/\~})"
  fi
  for b in $bins; do echo "$b=$out/$b"; done
}

mkdir -p "$cache"
build_module "$root/hack/tools/etcd" etcd "-s -w"
build_module "$root/hack/kind/tools/cri-tools" crictl "-s -w"
build_module "$root/hack/kind/tools/coredns" coredns "$coredns_ldflags" "" "cold: ~4 min of CPU"
build_module "$k8s_dir" "kubelet kubeadm kubectl kube-proxy kube-apiserver kube-controller-manager kube-scheduler" \
  "$k8s_ldflags" "kubeadm version -o short" "cold: ~15 min of CPU on 2 cores, 45 min when the machine is busy"

# pause: a few lines of C, static, keyed by its source and the compiler.
src=$root/hack/kind/images/pause/pause.c
key=$( { gcc --version | head -1; cat "$src"; } | sha256sum | cut -c1-16)
out=$cache/bin-pause-$key
if [ ! -x "$out/pause" ]; then
  mkdir -p "$out"
  gcc -Os -Wall -Werror -static -o "$out/.pause" "$src" && strip "$out/.pause" && mv "$out/.pause" "$out/pause" \
    || die "gcc -static $src failed (libc6-dev installed?)"
  log "pause: built ($(stat -c %s "$out/pause") bytes)"
fi
echo "pause=$out/pause"

# inference-sim: always rebuilt (seconds with a warm cache); images key on its hash.
out=$cache/bin-inference-sim
mkdir -p "$out"
# -mod=readonly: the main module's go.mod is the lead's to change, never this script's.
(cd "$root" && GOFLAGS=-mod=readonly go build -trimpath -ldflags "-s -w" -o "$out/.inference-sim" ./cmd/inference-sim) \
  || die "building cmd/inference-sim failed"
mv -f "$out/.inference-sim" "$out/inference-sim"
echo "inference-sim=$out/inference-sim"
