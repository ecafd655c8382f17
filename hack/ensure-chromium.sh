#!/usr/bin/env bash
# ensure-chromium.sh installs Debian's chromium and chromium-driver when they
# are missing, so the report tests can render report.html headless. It is
# idempotent: with chromium on PATH it only says so. Needs root (or sudo) and
# apt-get; it runs `apt-get update` once, then `apt-get install -y`.
#
# Usage: hack/ensure-chromium.sh        # prints the chromium path on success
set -euo pipefail

log() { printf 'ensure-chromium: %s\n' "$*" >&2; }

find_chromium() {
	local c
	for c in chromium chromium-browser; do
		if command -v "$c" >/dev/null 2>&1; then
			command -v "$c"
			return 0
		fi
	done
	return 1
}

if path=$(find_chromium) && command -v chromedriver >/dev/null 2>&1; then
	log "chromium already installed: $path ($("$path" --version 2>/dev/null || echo 'version unknown'))"
	echo "$path"
	exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
	log "apt-get not found: install chromium yourself (Debian/Ubuntu package 'chromium')"
	exit 1
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
	if ! command -v sudo >/dev/null 2>&1; then
		log "not root and no sudo: cannot install chromium"
		exit 1
	fi
	sudo=(sudo)
fi

export DEBIAN_FRONTEND=noninteractive
log "running: ${sudo[*]:-} apt-get update"
"${sudo[@]}" apt-get update -q
log "running: ${sudo[*]:-} apt-get install -y chromium chromium-driver"
"${sudo[@]}" apt-get install -y -q chromium chromium-driver

if ! path=$(find_chromium); then
	log "apt-get finished but chromium is not on PATH"
	exit 1
fi
log "installed: $path ($("$path" --version 2>/dev/null || echo 'version unknown'))"
echo "$path"
