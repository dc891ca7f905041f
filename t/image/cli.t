#!/bin/bash
# The vxn CLI itself: dispatch, help, usage errors, an empty store.
. "$(dirname "$0")/lib.sh"

run_ok "vxn --help" vxn --help
like "$T/out" '^  pull ' "--help lists pull"
like "$T/out" '^  rmi ' "--help lists rmi"
if grep -q '^  bundle' "$T/out"; then ok 1 "bundle (plumbing) is not in --help"; else ok 0 "bundle (plumbing) is not in --help"; fi
run_ok "vxn --version" vxn --version
like "$T/out" '^vxn version ' "version line"

"$VXN_BIN" frobnicate >"$T/out" 2>"$T/err"
is "$?" 1 "unknown verb exits 1"
is "$(cat "$T/err")" "vxn: 'frobnicate' is not supported" "unknown verb message"
run_fails "no verb" "$VXN_BIN"

for verb in pull load images rmi inspect tag login logout bundle; do
  run_ok "vxn $verb --help" vxn "$verb" --help
  like "$T/out" "^Usage: vxn $verb" "$verb usage text"
done

run_fails "pull without a name" vxn pull
run_fails "pull with a bad reference" vxn pull 'Alpine'
like "$T/err" 'must be lowercase' "lowercase message"
run_fails "pull with a bad platform" vxn pull --platform linux alpine
like "$T/err" 'invalid platform' "platform message"
run_fails "inspect of a missing image" vxn inspect nosuchimage
like "$T/err" 'no such image: nosuchimage' "missing image message"
run_fails "rmi of a missing image" vxn rmi nosuchimage
run_fails "bundle without a dir" vxn bundle alpine
run_fails "load of a missing file" vxn load "$T/nonexistent.tar"

run_ok "images on an empty store" vxn images
is "$(head -1 "$T/out" | tr -s ' ')" "REPOSITORY TAG IMAGE ID CREATED SIZE" "table header"
run_ok "images --format json on an empty store" vxn images --format json
is "$(wc -c <"$T/out")" 0 "no JSON lines"
run_fails "images --format bogus" vxn images --format bogus

# The store is an OCI layout, created under --root.
[ -f "$T/root/images/oci-layout" ]; ok $? "store is an OCI image layout"
VXN_ROOT="$T/other" "$VXN_BIN" images >/dev/null 2>&1
[ -d "$T/other/images/blobs/sha256" ]; ok $? "VXN_ROOT chooses the root"

run_ok "logout when not logged in" vxn logout localhost:5000
like "$T/out" 'Not logged in' "logout message"

done_testing
