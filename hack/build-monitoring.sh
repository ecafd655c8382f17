#!/usr/bin/env bash
# build-monitoring.sh builds the pinned monitoring stack that drills run to
# evaluate the platform's alerts (Prometheus and promtool, Alertmanager,
# kube-state-metrics) and links the binaries into bin/.
#
# Same layout as hack/build-tools.sh; `make tools` runs both:
# each module under hack/tools/ pins its versions in go.mod/go.sum; builds land
# in ${GAMEDAY_TOOLS_CACHE:-~/.cache/gameday/tools}/<module>-<hash>, the hash
# covering the Go version, the module's pins, its tags and link flags. A cached
# module is only linked. Cold (empty Go build cache), all three: 22 CPU-minutes,
# ~12 min on an idle 2-core machine (47 min measured beside other builds).
#
# Prometheus is built with `remove_all_sd` (only file and http service
# discovery, which is all drills use) and without `builtinassets`: the web UI is
# an npm build the Go module does not ship, so its pages are missing while the
# HTTP API (/api/v1/...) and /-/ready work. Alertmanager embeds its npm-built
# UI (ui/app/dist) with go:embed, which its module does not ship either, so it
# does not compile as published: see with_ui_placeholder.
#
# Usage: hack/build-monitoring.sh [module...]   (modules: alertmanager
# kube-state-metrics prometheus; default all)
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

log() { printf '[monitoring] %s\n' "$*" >&2; }
die() { printf '[monitoring] error: %s\n' "$*" >&2; exit 1; }

command -v go >/dev/null || die "go is not on PATH; install Go $(sed -n 's/^go //p' "$tools_dir/prometheus/go.mod") or newer"

# module -> binaries it provides (package paths come from the `tool` lines).
declare -A binaries=(
  [prometheus]="prometheus promtool"
  [alertmanager]="alertmanager"
  [kube-state-metrics]="kube-state-metrics"
)
order=(alertmanager kube-state-metrics prometheus)
# Arguments pick modules (e.g. `build-monitoring.sh prometheus`); default all.
if [ $# -gt 0 ]; then
  for m in "$@"; do [ -n "${binaries[$m]:-}" ] || die "unknown module $m (want one of ${order[*]})"; done
  order=("$@")
fi

# module -> the module whose version it reports, and the command that must print it.
declare -A upstream=(
  [prometheus]=github.com/prometheus/prometheus
  [alertmanager]=github.com/prometheus/alertmanager
  [kube-state-metrics]=k8s.io/kube-state-metrics/v2
)
declare -A version_check=(
  [prometheus]="prometheus --version"
  [alertmanager]="alertmanager --version"
  [kube-state-metrics]="kube-state-metrics version"
)
declare -A tags=(
  [prometheus]="netgo,remove_all_sd"
  [alertmanager]="netgo"
  [kube-state-metrics]="netgo"
)

# release_version maps a pinned module version to the release it is: the
# Prometheus 3.x line is published as module v0.3MM.P (v0.316.0 is 3.16.0).
release_version() {
  local m=$1 v=$2
  if [ "$m" = prometheus ] && [[ $v =~ ^v0\.3([0-9][0-9])\.([0-9]+)$ ]]; then
    echo "3.$((10#${BASH_REMATCH[1]})).${BASH_REMATCH[2]}"
  else
    echo "${v#v}"
  fi
}

# ldflags stamps the version into github.com/prometheus/common/version, which
# all three report from (an unstamped build says "version=" with no number).
ldflags() {
  local p=github.com/prometheus/common/version
  echo "-s -w -X $p.Version=$1 -X $p.Revision=v$1 -X $p.Branch=pinned -X $p.BuildUser=gameday -X $p.BuildDate=19700101-00:00:00"
}

cache_dir() {
  local m=$1 flags=$2 key
  key=$( { go version; echo "$flags"; cat "$tools_dir/$m/go.mod" "$tools_dir/$m/go.sum"; } | sha256sum | cut -c1-16)
  echo "$cache_root/$m-$key"
}

tool_packages() {
  awk '/^tool \(/{t=1; next} t && /^\)/{t=0} t{print $1} /^tool [^(]/{print $2}' "$1/go.mod"
}

missing() {
  local b
  for b in ${binaries[$1]}; do [ -x "$2/$b" ] || return 0; done
  return 1
}

link() {
  local b
  for b in ${binaries[$1]}; do ln -sfn "$2/$b" "$bin_dir/$b"; done
}

# with_ui_placeholder prepares a build directory for Alertmanager: a copy of
# the tool module whose go.mod replaces the upstream module by a writable copy
# of the pinned source from the module cache, with a one-page placeholder where
# the npm-built UI would be. Go refuses -overlay for files in the module cache,
# hence the copy. It prints the directory, which lives under $2 (removed after
# the build).
with_ui_placeholder() {
  local dir=$1 tmp=$2 mod=github.com/prometheus/alertmanager src page ui
  src=$(cd "$dir" && go list -m -f '{{.Dir}}' "$mod") || return 1
  cp -r "$src" "$tmp/upstream" && chmod -R u+w "$tmp/upstream"
  page='<!doctype html><title>Alertmanager</title><p>No web UI in this build (the Go module ships none); use /api/v2/.</p>'
  for ui in elm mantine; do
    mkdir -p "$tmp/upstream/ui/app/dist/$ui" && printf '%s\n' "$page" >"$tmp/upstream/ui/app/dist/$ui/index.html"
  done
  mkdir "$tmp/module" && cp "$dir/go.mod" "$dir/go.sum" "$tmp/module/"
  (cd "$tmp/module" && go mod edit -replace "$mod=$tmp/upstream") || return 1
  echo "$tmp/module"
}

mkdir -p "$bin_dir"
start=$(date +%s)
for m in "${order[@]}"; do
  dir="$tools_dir/$m"
  pinned=$(cd "$dir" && go list -m -f '{{.Version}}' "${upstream[$m]}") \
    || die "cannot read the pinned ${upstream[$m]} version from hack/tools/$m/go.mod"
  release=$(release_version "$m" "$pinned")
  flags="-tags ${tags[$m]} $(ldflags "$release")"
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
  log "$m: building ${binaries[$m]} $release"
  builddir=$dir
  if [ "$m" = alertmanager ]; then
    builddir=$(with_ui_placeholder "$dir" "$stage") || { rm -rf "$stage"; die "cannot prepare the Alertmanager source"; }
  fi
  (cd "$builddir" && go build -trimpath -tags "${tags[$m]}" -ldflags "$(ldflags "$release")" -o "$stage/" "${pkgs[@]}") \
    || { rm -rf "$stage"; die "building hack/tools/$m failed (see above)"; }
  # go names a binary after the path element before a /vN suffix: ksm's is "kube-state-metrics".
  for b in ${binaries[$m]}; do
    [ -x "$stage/$b" ] || { rm -rf "$stage"; die "building $m produced no $b"; }
  done
  # Smoke test before the binaries enter the cache: they must start and report the pinned release.
  read -r exe args <<<"${version_check[$m]}"
  if ! out=$("$stage/$exe" $args 2>&1 | head -3); then
    rm -rf "$stage"; die "$exe does not start: $out"
  fi
  grep -qF "$release" <<<"$out" \
    || { rm -rf "$stage"; die "$exe reports '$out', want $release (version ldflags not applied)"; }
  for b in ${binaries[$m]}; do mv -f "$stage/$b" "$cache/$b"; done
  rm -rf "$stage"
  log "$m: built in $(( $(date +%s) - t0 ))s: $(head -1 <<<"$out")"
  link "$m" "$cache"
done
log "ready in $(( $(date +%s) - start ))s: ${bin_dir#$root/}/"
