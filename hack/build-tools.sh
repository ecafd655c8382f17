#!/usr/bin/env bash
# build-tools.sh builds the pinned third-party binaries the sim provider runs
# (Kubernetes control plane, kubectl, etcd, kwok, kwokctl, versitygw) and links
# them into bin/.
#
# Each tool module under hack/tools/ pins its versions in go.mod/go.sum. Builds
# land in a per-user cache, one directory per module keyed by the Go version,
# the module's go.mod/go.sum and its link flags, so a fresh clone links bin/ to
# the cache in seconds and a cold machine builds once (~15 min on 2 cores).
# Re-running is idempotent.
#
# Environment:
#   GAMEDAY_TOOLS_CACHE  cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/gameday/tools)
#   BIN                  where links go (default <repo>/bin)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
tools_dir="$root/hack/tools"
bin_dir=${BIN:-$root/bin}
cache_root=${GAMEDAY_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gameday/tools}

export CGO_ENABLED=0 GOFLAGS=-mod=mod

log() { printf '[tools] %s\n' "$*" >&2; }
die() { printf '[tools] error: %s\n' "$*" >&2; exit 1; }

command -v go >/dev/null || die "go is not on PATH; install Go $(sed -n 's/^go //p' "$tools_dir/kubernetes/go.mod") or newer"

# Version stamps baked into the Kubernetes binaries so `kubectl version` reports
# the pinned release instead of v0.0.0-master.
k8s_version=$(cd "$tools_dir/kubernetes" && go list -m -f '{{.Version}}' k8s.io/kubernetes) \
  || die "cannot read the pinned k8s.io/kubernetes version from hack/tools/kubernetes/go.mod"
k8s_minor=$(echo "$k8s_version" | cut -d. -f2)
k8s_ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  k8s_ldflags+=" -X $pkg.gitVersion=$k8s_version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$k8s_minor"
  k8s_ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done

# module -> binaries it provides (package paths come from the `tool` lines).
declare -A binaries=(
  [kubernetes]="kube-apiserver kube-controller-manager kube-scheduler kubectl"
  [etcd]="etcd"
  [kwok]="kwok kwokctl"
  [versitygw]="versitygw"
)
order=(kwok etcd versitygw kubernetes)

# version_check prints the command that must report a module's pinned version.
declare -A version_check=(
  [kubernetes]="kube-apiserver --version"
  [etcd]="etcd --version"
  [kwok]="kwokctl --version"
  [versitygw]="versitygw --version"
)

# Each module builds into its own cache directory keyed by the Go version, the
# module's pins and its flags, so changing one tool never rebuilds the others.
cache_dir() {
  local m=$1 flags=$2 key
  key=$( { go version; echo "$flags"; cat "$tools_dir/$m/go.mod" "$tools_dir/$m/go.sum"; } | sha256sum | cut -c1-16)
  echo "$cache_root/$m-$key"
}
mkdir -p "$bin_dir"

# tool_packages prints the `tool` package paths declared in a module's go.mod.
tool_packages() {
  awk '/^tool \(/{t=1; next} t && /^\)/{t=0} t{print $1} /^tool [^(]/{print $2}' "$1/go.mod"
}

missing() {
  local b
  for b in ${binaries[$1]}; do [ -x "$2/$b" ] || return 0; done
  return 1
}

# link points bin/ at a module's cached binaries.
link() {
  local b
  for b in ${binaries[$1]}; do ln -sfn "$2/$b" "$bin_dir/$b"; done
}

start=$(date +%s)
for m in "${order[@]}"; do
  dir="$tools_dir/$m"
  flags="-s -w"
  [ "$m" = kubernetes ] && flags=$k8s_ldflags
  cache=$(cache_dir "$m" "$flags")
  if ! missing "$m" "$cache"; then
    log "$m: cached (${cache/#$HOME/\~})"
    link "$m" "$cache"
    continue
  fi
  mkdir -p "$cache"
  log "$m: downloading modules"
  if ! out=$(cd "$dir" && go mod download 2>&1); then
    printf '%s\n' "$out" | tail -5 >&2
    die "cannot download the modules of hack/tools/$m from the Go module proxy ($(go env GOPROXY)); check network access to it"
  fi
  mapfile -t pkgs < <(tool_packages "$dir")
  stage=$(mktemp -d "$cache/.build.XXXXXX")
  t0=$(date +%s)
  hint=""
  [ "$m" = kubernetes ] && hint=" (cold: ~10 min on 2 cores; cached by Go afterwards)"
  log "$m: building ${binaries[$m]}$hint"
  # One go build for all of a module's binaries so their links run in parallel.
  (cd "$dir" && go build -trimpath -ldflags "$flags" -o "$stage/" "${pkgs[@]}") \
    || { rm -rf "$stage"; die "building hack/tools/$m failed (see above)"; }
  # go names a binary after the path element before a /vN suffix: etcd's is "server".
  [ -x "$stage/server" ] && mv "$stage/server" "$stage/etcd"
  for b in ${binaries[$m]}; do
    [ -x "$stage/$b" ] || { rm -rf "$stage"; die "building $m produced no $b"; }
  done
  # Smoke test before the binaries enter the cache: they must start and report their version.
  read -r exe args <<<"${version_check[$m]}"
  if ! out=$("$stage/$exe" $args 2>&1 | head -3); then
    rm -rf "$stage"; die "$exe does not start: $out"
  fi
  [ "$m" != kubernetes ] || grep -q "$k8s_version" <<<"$out" \
    || { rm -rf "$stage"; die "$exe reports '$out', want $k8s_version (version ldflags not applied)"; }
  for b in ${binaries[$m]}; do mv -f "$stage/$b" "$cache/$b"; done
  rmdir "$stage"
  log "$m: built in $(( $(date +%s) - t0 ))s: $(head -1 <<<"$out")"
  link "$m" "$cache"
done
log "ready in $(( $(date +%s) - start ))s: ${bin_dir#$root/}/"
