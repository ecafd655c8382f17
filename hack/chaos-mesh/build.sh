#!/usr/bin/env bash
# build.sh builds the pinned Chaos Mesh controller-manager and daemon from
# hack/tools/chaos-mesh, copies the module's CRDs (config/crd/bases) next to
# them, and links both binaries and the CRD directory into bin/.
#
# Same cache layout as hack/build-tools.sh: one directory per module keyed by
# the Go version, the link flags and the module's go.mod/go.sum
# (~/.cache/gameday/tools/chaos-mesh-<hash>/), so a re-run links in a second.
# Cold build measured here (empty Go build cache, 2 cores): the
# controller-manager 5 min 48 s on an idle machine (61 min once under a load
# of ~30 from other builds), +1 min for the daemon. Nothing upstream is committed here,
# the CRDs are read from the Go module cache at build time.
#
# Environment:
#   GAMEDAY_TOOLS_CACHE  cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/gameday/tools)
#   BIN                  where links go (default <repo>/bin)
#   NICE                 niceness of the compilation (default 15)
#   CHAOS_MESH_DAEMON    0: build the controller-manager only (make tools: the
#                        daemon runs only in node images); default 1
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
dir="$root/hack/tools/chaos-mesh"
bin_dir=${BIN:-$root/bin}
cache_root=${GAMEDAY_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gameday/tools}
binaries=(chaos-controller-manager)
[ "${CHAOS_MESH_DAEMON:-1}" = 0 ] || binaries+=(chaos-daemon)

export CGO_ENABLED=0 GOFLAGS=-mod=mod

log() { printf '[chaos-mesh] %s\n' "$*" >&2; }
die() { printf '[chaos-mesh] error: %s\n' "$*" >&2; exit 1; }

command -v go >/dev/null || die "go is not on PATH"

mod=github.com/chaos-mesh/chaos-mesh
version=$(cd "$dir" && go list -m -f '{{.Version}}' "$mod") \
  || die "cannot read the pinned $mod version from hack/tools/chaos-mesh/go.mod"
commit=${version##*-}
pkg=$mod/pkg/version
flags="-s -w -X $pkg.gitVersion=$version -X $pkg.gitCommit=$commit -X $pkg.buildDate=1970-01-01T00:00:00Z"

key=$( { go version; echo "$flags daemon:cgo,static,netgo,osusergo"; cat "$dir/go.mod" "$dir/go.sum"; } | sha256sum | cut -c1-16)
cache="$cache_root/chaos-mesh-$key"

link() {
  mkdir -p "$bin_dir"
  local b
  for b in "${binaries[@]}"; do ln -sfn "$cache/$b" "$bin_dir/$b"; done
  ln -sfn "$cache/crd" "$bin_dir/chaos-mesh-crd"
}

# sync_crds (re)writes $cache/crd from the module's config/crd/bases, adding
# the fields the pinned api module has and those CRDs lack (see crdsync). It
# runs on every call (a second), so a change of crdsync needs no rebuild.
sync_crds() {
  local src tmp
  src=$(cd "$dir" && go list -m -f '{{.Dir}}' "$mod") || die "cannot locate $mod in the module cache (go mod download)"
  [ -d "$src/config/crd/bases" ] || die "$mod $version has no config/crd/bases"
  tmp=$(mktemp -d "$cache/.crd.XXXXXX") && chmod 755 "$tmp"
  (cd "$root" && GOFLAGS= go run ./hack/chaos-mesh/crdsync "$src/config/crd/bases" "$tmp") \
    || { rm -rf "$tmp"; die "copying the CRDs failed"; }
  rm -rf "$cache/crd"; mv "$tmp" "$cache/crd"
}

complete=1
for b in "${binaries[@]}"; do [ -x "$cache/$b" ] || complete=0; done
if [ $complete = 1 ]; then
  log "cached (${cache/#$HOME/\~})"
  sync_crds
  link
  exit 0
fi

mkdir -p "$cache"
log "downloading modules"
if ! out=$(cd "$dir" && go mod download 2>&1); then
  printf '%s\n' "$out" | tail -5 >&2
  die "cannot download the modules of hack/tools/chaos-mesh from $(go env GOPROXY)"
fi
stage=$(mktemp -d "$cache/.build.XXXXXX")
trap 'rm -rf "$stage"' EXIT
t0=$(date +%s)
# The controller-manager is pure Go. The daemon links chaos-driver's C client
# (cgo), so it is built with cgo and linked statically (netgo, osusergo) to run
# in any node image.
log "building chaos-controller-manager $version (cold: ~6 min on 2 idle cores)"
(cd "$dir" && nice -n "${NICE:-15}" go build -trimpath -ldflags "$flags" -o "$stage/" "$mod/cmd/chaos-controller-manager") \
  || die "building chaos-controller-manager failed (see above)"
log "controller-manager built in $(( $(date +%s) - t0 ))s"
if [[ " ${binaries[*]} " == *" chaos-daemon "* ]]; then
  log "building chaos-daemon (cgo, static)"
  (cd "$dir" && CGO_ENABLED=1 nice -n "${NICE:-15}" go build -trimpath -tags netgo,osusergo \
    -ldflags "$flags -linkmode external -extldflags -static" -o "$stage/" "$mod/cmd/chaos-daemon") \
    || die "building chaos-daemon failed (see above; it needs gcc and the static libc, Debian libc6-dev)"
fi
for b in "${binaries[@]}"; do
  [ -x "$stage/$b" ] || die "the build produced no $b"
  out=$("$stage/$b" --version 2>&1 | head -1) || die "$b does not start: $out"
  grep -q "$commit" <<<"$out" || die "$b reports '$out', want $version (version ldflags not applied)"
done
for b in "${binaries[@]}"; do mv -f "$stage/$b" "$cache/$b"; done
sync_crds
log "built in $(( $(date +%s) - t0 ))s: $(for b in "${binaries[@]}"; do printf '%s %s; ' "$b" "$(du -sh "$cache/$b" | cut -f1)"; done)"
link
