# preload.sh (sourced by build-images.sh) defines preload: it stores images in
# a node image's containerd so nodes never pull (there is no registry).
#
# preload BARE OUT KEY IMAGE...: runs BARE with its entrypoint replaced by
# containerd alone, imports each IMAGE from the docker engine into the k8s.io
# namespace (not unpacked, then labelled pinned so kubelet's image garbage
# collection never removes them), stops containerd and commits the container
# as OUT with the node entrypoint back. KEY is only checked: OUT inherits
# BARE's io.gameday.key label.
preload() {
  local bare=$1 out=$2 key=$3 c img deadline
  shift 3
  # containerd under a shell that stops it on SIGTERM (PID 1 gets no default handlers).
  c=$(docker run -d --privileged --tmpfs /run --tmpfs /tmp --entrypoint /bin/sh "$bare" \
      -c 'containerd & pid=$!; trap "kill $pid; wait $pid; exit 0" TERM; wait $pid') \
    || { log "cannot start $bare for preloading"; return 1; }
  # shellcheck disable=SC2064
  trap "docker rm -f $c >/dev/null 2>&1 || true" RETURN
  deadline=$(( $(date +%s) + 60 ))
  until docker exec "$c" ctr version >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || { docker logs --tail 20 "$c" >&2; log "containerd in $bare does not answer"; return 1; }
    sleep 0.5
  done
  for img in "$@"; do
    docker save "$img" | docker exec -i "$c" ctr -n k8s.io images import --no-unpack - >/dev/null \
      || { log "importing $img into $out failed"; return 1; }
  done
  docker exec "$c" sh -c 'for r in $(ctr -n k8s.io images ls -q); do
      ctr -n k8s.io images label "$r" io.cri-containerd.pinned=pinned >/dev/null || exit 1; done' \
    || { log "pinning the images of $out failed"; return 1; }
  log "$out holds: $(docker exec "$c" ctr -n k8s.io images ls -q | grep -v '^sha256:' | sort | tr '\n' ' ')"
  # Stop containerd cleanly before committing (SIGTERM: the image's stop
  # signal is systemd's SIGRTMIN+3, which the shell ignores).
  docker kill -s TERM "$c" >/dev/null && timeout 60 docker wait "$c" >/dev/null \
    || { log "containerd in $bare does not stop"; return 1; }
  docker commit \
    --change 'ENTRYPOINT ["/usr/local/bin/gameday-node-entrypoint", "/sbin/init"]' \
    --change 'CMD []' "$c" "$out" >/dev/null || return 1
  [ "$(docker image inspect -f '{{index .Config.Labels "io.gameday.key"}}' "$out")" = "$key" ]
}
