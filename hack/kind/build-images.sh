#!/usr/bin/env bash
# build-images.sh builds every image gameday's kind provider needs, offline
# (no registry: the Debian base comes from debootstrap, everything else from
# pinned Go modules and Debian packages), and caches them per user keyed by
# their inputs: `docker save` tarballs under $GAMEDAY_KIND_CACHE/images/, loaded
# back with `docker load` when the engine lacks them. Idempotent; a warm run
# only checks keys.
#
# Result (what framework/provider/kind uses):
#   gameday/kind-node:v1.37.2          control-plane node: every kubeadm image preloaded
#   gameday/kind-node-worker:v1.37.2   worker node: pause, kube-proxy, CoreDNS preloaded
#   gameday/inference-sim:dev          the inference server (FROM scratch, static)
#   gameday/chaos-daemon:VERSION       Chaos Mesh's chaos-daemon (iptables, ipset, tc), for
#                                      drills of kind clusters adopted by the existing provider
#
# Environment:
#   GAMEDAY_KIND_CACHE  cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/gameday/kind)
#   DEBIAN_MIRROR       debootstrap mirror (default: the first URIs/deb of /etc/apt/sources.list*)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${GAMEDAY_KIND_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gameday/kind}
images=$here/images
suite=bookworm
export DOCKER_BUILDKIT=0 GAMEDAY_KIND_CACHE=$cache

log() { printf '[kind-img] %s\n' "$*" >&2; }
die() { printf '[kind-img] error: %s\n' "$*" >&2; exit 1; }
hash() { sha256sum | cut -c1-16; }
start=$(date +%s)

"$here/ensure-docker.sh"
binaries=$("$here/build-binaries.sh") || die "building the binaries failed (see above)"
declare -A bin
while IFS='=' read -r k v; do bin[$k]=$v; done <<<"$binaries"
k8s_version=$("${bin[kubeadm]}" version -o short)
etcd_tag=$("${bin[etcd]}" --version | awk '/etcd Version/ {print $3}')-0
mkdir -p "$cache/images"

# have REF KEY: the engine holds REF built from inputs KEY (image label).
have() { [ "$(docker image inspect -f '{{index .Config.Labels "io.gameday.key"}}' "$1" 2>/dev/null)" = "$2" ]; }
tarball() { echo "$cache/images/$(tr '/:' '__' <<<"$1")-$2.tar"; }

# cached REF KEY: REF with KEY is in the engine, or loaded from its tarball.
cached() {
  local tar t0; tar=$(tarball "$1" "$2")
  have "$1" "$2" && return 0
  [ -f "$tar" ] || return 1
  t0=$(date +%s); docker load -q -i "$tar" >/dev/null || die "docker load $tar failed"
  have "$1" "$2" || die "$tar does not hold $1 with key $2"
  log "$1: loaded from cache in $(( $(date +%s) - t0 ))s"
}

# ensure REF KEY SAVE BUILDER...: makes REF exist with KEY: from the engine or
# the cache, else by running BUILDER (which must label the image
# io.gameday.key=KEY); SAVE=save keeps a tarball of it in the cache.
ensure() {
  local ref=$1 key=$2 save=$3 tar t0; shift 3
  cached "$ref" "$key" && return 0
  t0=$(date +%s)
  log "$ref: building ($key)"
  "$@" || die "building $ref failed"
  have "$ref" "$key" || die "the build of $ref did not label it with key $key"
  if [ "$save" = save ]; then
    tar=$(tarball "$ref" "$key")
    docker save -o "$tar.tmp" "$ref" && mv "$tar.tmp" "$tar" || die "docker save $ref failed"
    # Tarballs of REF from older inputs are never loaded again.
    find "$cache/images" -maxdepth 1 -name "$(basename "$(tarball "$ref" '*')")" ! -path "$tar" -delete
  fi
  log "$ref: built in $(( $(date +%s) - t0 ))s, $(docker image inspect -f '{{.Size}}' "$ref" | numfmt --to=iec)"
}

# docker_build REF KEY DIR [ARGS...]: docker build of DIR, labelled with KEY.
docker_build() {
  local ref=$1 key=$2 dir=$3; shift 3
  nice -n 10 docker build -q --label "io.gameday.key=$key" -t "$ref" "$@" "$dir" >"$cache/build.log" 2>&1 \
    || { tail -20 "$cache/build.log" >&2; return 1; }
}

# import_static REF KEY ENTRYPOINT USER FILE: a FROM-scratch image of one static binary.
import_static() {
  local ref=$1 key=$2 entry=$3 user=$4 file=$5 dir rc
  dir=$(mktemp -d); mkdir -p "$dir/usr/local/bin"; cp "$file" "$dir/usr/local/bin/"
  tar -C "$dir" --owner=0 --group=0 -c . | docker import -c "LABEL io.gameday.key=$key" \
    -c "ENV PATH=/usr/local/bin" -c "ENTRYPOINT $entry" ${user:+-c "USER $user"} - "$ref" >/dev/null
  rc=$?; rm -rf "$dir"; return $rc
}

# --- keys of every image, computed from their inputs before anything is built ----
mirror=${DEBIAN_MIRROR:-$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
  | grep -oE '^(URIs:|deb) +https?://[^ ]+' | grep -v security | awk 'NR == 1 {print $2}' || true)}
[ -n "$mirror" ] || die "no Debian mirror in /etc/apt/sources.list*; set DEBIAN_MIRROR"
base=gameday/kind-base:$suite
base_key=$(echo "debootstrap minbase $suite $mirror v1" | hash)
os=gameday/kind-os:$suite
os_key=$( { echo "$base_key"; cat "$images/os/Dockerfile"; } | hash)
reg=registry.k8s.io
coredns_tag=v$("${bin[coredns]}" -version | awk -F- '/CoreDNS/ {print $2; exit}')
# static images: REF|BINARY|ENTRYPOINT|USER
statics=(
  "$reg/kube-apiserver:$k8s_version|${bin[kube-apiserver]}|[\"/usr/local/bin/kube-apiserver\"]|"
  "$reg/kube-controller-manager:$k8s_version|${bin[kube-controller-manager]}|[\"/usr/local/bin/kube-controller-manager\"]|"
  "$reg/kube-scheduler:$k8s_version|${bin[kube-scheduler]}|[\"/usr/local/bin/kube-scheduler\"]|"
  "$reg/etcd:$etcd_tag|${bin[etcd]}|[\"/usr/local/bin/etcd\"]|"
  "$reg/coredns/coredns:$coredns_tag|${bin[coredns]}|[\"/usr/local/bin/coredns\"]|"
  "$reg/pause:3.10.2|${bin[pause]}|[\"/usr/local/bin/pause\"]|"
  "gameday/inference-sim:dev|${bin[inference-sim]}|[\"/usr/local/bin/inference-sim\", \"--listen\", \":8080\"]|65532:65532"
)
declare -A key
for s in "${statics[@]}"; do
  IFS='|' read -r ref file entry user <<<"$s"
  key[$ref]=$( { sha256sum <"$file"; echo "$entry $user"; } | hash)
done
kube_proxy=$reg/kube-proxy:$k8s_version
key[$kube_proxy]=$( { echo "$base_key"; cat "$images/kube-proxy/Dockerfile"; sha256sum <"${bin[kube-proxy]}"; } | hash)
cp_images=("$reg/kube-apiserver:$k8s_version" "$reg/kube-controller-manager:$k8s_version" "$reg/kube-scheduler:$k8s_version"
  "$reg/etcd:$etcd_tag" "$reg/coredns/coredns:$coredns_tag" "$reg/pause:3.10.2" "$kube_proxy")
worker_images=("$reg/coredns/coredns:$coredns_tag" "$reg/pause:3.10.2" "$kube_proxy")

node_ctx=$(mktemp -d); trap 'rm -rf "$node_ctx"' EXIT
cp -r "$images/node/." "$node_ctx/"; mkdir -p "$node_ctx/bin" "$node_ctx/files/kind"
for b in kubelet kubeadm kubectl crictl; do cp "${bin[$b]}" "$node_ctx/bin/"; done
echo "$k8s_version" >"$node_ctx/files/kind/version"
printf '%s\n' "${cp_images[@]}" >"$node_ctx/files/kind/images"
node_key=$( { echo "$os_key"; for i in "${cp_images[@]}"; do echo "$i ${key[$i]}"; done; cat "$here/preload.sh"
  cd "$node_ctx" && find . -type f | sort | xargs sha256sum; } | hash)
node=gameday/kind-node:$k8s_version
# chaos-daemon: the pinned chaos-mesh module's daemon (cgo, static), built
# beside the controller-manager by hack/chaos-mesh/build.sh.
BIN=$cache/chaos-mesh-bin CHAOS_MESH_DAEMON=1 "$here/../chaos-mesh/build.sh" || die "building chaos-daemon failed (see above)"
bin[chaos-daemon]=$(readlink -f "$cache/chaos-mesh-bin/chaos-daemon")
cm_version=$("${bin[chaos-daemon]}" --version 2>&1 | grep -o 'GitVersion:"[^"]*"' | cut -d'"' -f2)
[ -n "$cm_version" ] || die "chaos-daemon reports no version"
daemon=gameday/chaos-daemon:$cm_version
key[$daemon]=$( { echo "$base_key"; cat "$images/chaos-daemon/Dockerfile" "$images/chaos-daemon/nsexec"; sha256sum <"${bin[chaos-daemon]}"; } | hash)
worker=gameday/kind-node-worker:$k8s_version
sim=gameday/inference-sim:dev

# --- a warm cache: the three final images, nothing else -----------------------
if cached "$node" "$node_key" && cached "$worker" "$node_key" && cached "$sim" "${key[$sim]}" && cached "$daemon" "${key[$daemon]}"; then
  log "all images cached in $(( $(date +%s) - start ))s"
  docker images --format '  {{.Repository}}:{{.Tag}} {{.Size}}' | grep -E 'gameday/kind-node|inference-sim:dev|chaos-daemon' >&2
  exit 0
fi

# --- the Debian base: debootstrap, no registry ---------------------------------
build_base() {
  command -v debootstrap >/dev/null || apt-get install -y -q debootstrap >/dev/null || die "apt-get install debootstrap failed"
  local dir; dir=$(mktemp -d "$cache/.rootfs.XXXXXX")
  nice -n 10 debootstrap --variant=minbase "$suite" "$dir" "$mirror" >"$cache/debootstrap.log" 2>&1 \
    || { rm -rf "$dir"; die "debootstrap failed (log: $cache/debootstrap.log)"; }
  tar -C "$dir" -c . | docker import -c "LABEL io.gameday.key=$base_key" -c 'CMD ["/bin/bash"]' - "$base" >/dev/null
  rm -rf "$dir"
}
ensure "$base" "$base_key" save build_base
ensure "$os" "$os_key" nosave docker_build "$os" "$os_key" "$images/os" --build-arg "BASE=$base"

# --- images the nodes run, and the inference server --------------------------------
for s in "${statics[@]}"; do
  IFS='|' read -r ref file entry user <<<"$s"
  save=nosave; [ "$ref" = "$sim" ] && save=save
  ensure "$ref" "${key[$ref]}" $save import_static "$ref" "${key[$ref]}" "$entry" "$user" "$file"
done
kp_ctx=$(mktemp -d); cp "$images/kube-proxy/Dockerfile" "${bin[kube-proxy]}" "$kp_ctx/"
ensure "$kube_proxy" "${key[$kube_proxy]}" nosave docker_build "$kube_proxy" "${key[$kube_proxy]}" "$kp_ctx" --build-arg "BASE=$base"
rm -rf "$kp_ctx"
cd_ctx=$(mktemp -d); cp "$images/chaos-daemon/Dockerfile" "$images/chaos-daemon/nsexec" "${bin[chaos-daemon]}" "$cd_ctx/"
ensure "$daemon" "${key[$daemon]}" save docker_build "$daemon" "${key[$daemon]}" "$cd_ctx" --build-arg "BASE=$base"
rm -rf "$cd_ctx"

# --- the node images: one build, two preloads -----------------------------------------
bare=gameday/kind-node-bare:$k8s_version
ensure "$bare" "$node_key" nosave docker_build "$bare" "$node_key" "$node_ctx" \
  --build-arg "OS=$os" --label "io.gameday.etcd-image-tag=$etcd_tag"
. "$here/preload.sh"
ensure "$node" "$node_key" save preload "$bare" "$node" "$node_key" "${cp_images[@]}"
ensure "$worker" "$node_key" save preload "$bare" "$worker" "$node_key" "${worker_images[@]}"

log "ready in $(( $(date +%s) - start ))s; cache ${cache/#$HOME/\~}: $(du -sh "$cache" | cut -f1)"
docker images --format '  {{.Repository}}:{{.Tag}} {{.Size}}' | grep -E 'gameday/kind-node|inference-sim:dev|chaos-daemon' >&2
