#!/bin/bash
# A pull killed in the middle of a download leaves no visible partial blob and no ref; the next pull is clean.
. "$(dirname "$0")/lib.sh"
start_registry
export MKIMAGE_BIG_MB=8
run_ok "push a big image" $MKIMAGE push "$REG" test/big:1 big

# The stall proxy serves half of each blob, then hangs while $CTL/stall exists.
CTL="$T/ctl"
mkdir -p "$CTL"
PPORT=$($REGTOOL freeport)
$REGTOOL stall-proxy "$PPORT" "$REG" "$CTL" &
PIDS="$PIDS $!"
$REGTOOL wait "http://127.0.0.1:$PPORT/v2/" 20
PROXY="127.0.0.1:$PPORT"

# (not INT: a background job of a non-interactive shell ignores SIGINT)
for sig in KILL TERM; do
  touch "$CTL/stall"
  rm -f "$CTL/stalled"
  "$VXN_BIN" --root "$T/root" pull "$PROXY/test/big:1" >"$T/pull.out" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do [ -e "$CTL/stalled" ] && break; sleep 0.05; done
  [ -e "$CTL/stalled" ]; ok $? "SIG$sig: the download is under way"
  kill -s "$sig" $pid
  wait $pid
  [ $? -ne 0 ]; ok $? "SIG$sig: the pull died"
  rm -f "$CTL/stall"
  run_ok "SIG$sig: every visible blob is complete and verified" $REGTOOL verify-store "$T/root/images"
  vxn images --format json >"$T/imgs"
  [ ! -s "$T/imgs" ]; ok $? "SIG$sig: no ref"
done

run_ok "a clean re-pull" vxn pull "$PROXY/test/big:1"
run_ok "store verifies" $REGTOOL verify-store "$T/root/images"
is "$(cat "$T/out")" 4 "manifest, config, 2 layers"
[ -z "$(ls "$T/root/images/ingest")" ]; ok $? "the partial files were replaced, none left"
run_ok "bundle" vxn bundle -q "$PROXY/test/big:1" "$T/b"
is "$(stat -c %s "$T/b/rootfs/big1")" $((8 << 20)) "content complete"
done_testing
