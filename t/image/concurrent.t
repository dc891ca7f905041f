#!/bin/bash
# Concurrent pulls into one store (locks): all succeed, blobs are whole, refs all recorded; rmi waits for pulls.
. "$(dirname "$0")/lib.sh"
start_registry
export MKIMAGE_BIG_MB=4
run_ok "push a big image" $MKIMAGE push "$REG" test/big:1 big
run_ok "push a second image" $MKIMAGE push "$REG" test/layered:1 layered

pids=""
for i in 1 2 3 4; do
  "$VXN_BIN" --root "$T/root" pull "$REG/test/big:1" >"$T/p$i.out" 2>&1 & pids="$pids $!"
done
"$VXN_BIN" --root "$T/root" pull "$REG/test/layered:1" >"$T/p5.out" 2>&1 & pids="$pids $!"
rc=0
for p in $pids; do wait "$p" || rc=1; done
ok $rc "five concurrent pulls succeed"
[ $rc -eq 0 ] || cat "$T"/p*.out | diag
run_ok "store verifies" $REGTOOL verify-store "$T/root/images"
is "$(cat "$T/out")" 9 "each blob stored once"
run_ok "images" vxn images
is "$(tail -n +2 "$T/out" | wc -l)" 2 "both refs recorded"

# rmi during a pull: the pull's new blobs survive the collection, and the ref lands.
"$VXN_BIN" --root "$T/root" pull "$REG/test/layered:1" >"$T/p6.out" 2>&1 & p6=$!
vxn rmi "$REG/test/big:1" >"$T/rmi.out" 2>&1; ok $? "rmi while another pull runs"
wait $p6; ok $? "that pull succeeds"
run_ok "bundle the surviving image" vxn bundle -q "$REG/test/layered:1" "$T/b"
run_ok "store verifies" $REGTOOL verify-store "$T/root/images"
done_testing
