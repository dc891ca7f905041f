#!/bin/bash
# Multi-platform images (OCI index): the host's platform by default, --platform to choose.
. "$(dirname "$0")/lib.sh"
start_registry

run_ok "push a 4-platform index" $MKIMAGE push "$REG" test/multi:1 multiarch
INDEX=$(cat "$T/out")

host_arch=$(uname -m)
case $host_arch in x86_64) host=amd64 ;; aarch64) host=arm64/v8 ;; armv7l) host=arm/v7 ;; *) host=$host_arch ;; esac

run_ok "pull for the host platform" vxn pull "$REG/test/multi:1"
like "$T/out" "^Digest: $INDEX" "the repo digest is the index's"
run_ok "bundle" vxn bundle -q "$REG/test/multi:1" "$T/b-host"
is "$(cat "$T/b-host/rootfs/platform")" "$host" "host platform chosen"

for p in linux/arm64 linux/arm64/v8 linux/arm/v7 linux/s390x; do
  want=${p#linux/}
  [ "$want" = arm64 ] && want=arm64/v8
  run_ok "pull --platform $p" vxn pull --platform "$p" "$REG/test/multi:1"
  d="$T/b-${p//\//-}"
  run_ok "bundle ($p)" vxn bundle -q "$REG/test/multi:1" "$d"
  is "$(cat "$d/rootfs/platform")" "$want" "$p chosen"
done
run_ok "inspect shows the architecture" vxn inspect "$REG/test/multi:1"
is "$(json "$T/out" 'd[0]["Architecture"]')" "s390x" "architecture"

run_fails "a platform the index lacks" vxn pull --platform linux/ppc64le "$REG/test/multi:1"
like "$T/err" 'no image for platform linux/ppc64le \(available: linux/amd64, linux/arm64/v8, linux/arm/v7, linux/s390x\)' \
  "the error lists what is available"
run_ok "the previous image is still there" vxn inspect "$REG/test/multi:1"

# A single-platform image for another architecture: pulled with a warning, as docker does.
run_ok "pull by digest of one platform's manifest" vxn pull --platform linux/arm64 "$REG/test/multi:1"
done_testing
