#!/bin/bash
# A registry serving corrupted content: every byte is verified while it streams; a mismatch fails the pull and
# leaves nothing behind (no partial blob, no ref).
. "$(dirname "$0")/lib.sh"
start_registry

run_ok "push" $MKIMAGE push "$REG" test/c:1 layered
run_ok "find its layers" python3 -c "
import json, urllib.request
m = json.load(urllib.request.urlopen(urllib.request.Request('http://$REG/v2/test/c/manifests/1',
    headers={'Accept': 'application/vnd.oci.image.manifest.v1+json'})))
print(' '.join(l['digest'] for l in m['layers']))"
read -r L1 L2 L3 <"$T/out"

no_trace () {
  local what=$1
  $REGTOOL verify-store "$T/root/images" >"$T/vs" 2>&1; ok $? "$what: every stored blob matches its digest"
  [ -z "$(ls -A "$T/root/images/ingest")" ]; ok $? "$what: no partial download left"
  vxn images --format json >"$T/imgs"
  [ ! -s "$T/imgs" ]; ok $? "$what: no ref recorded"
}

# Same size, one byte flipped: only the digest can tell.
f=$(registry_blob "$L2")
cp "$f" "$T/orig"
python3 -c "import sys; p=sys.argv[1]; b=bytearray(open(p,'rb').read()); b[len(b)//2]^=0xff; open(p,'wb').write(b)" "$f"
run_fails "pull of a corrupted layer fails" vxn pull "$REG/test/c:1"
like "$T/err" "digest mismatch: expected $L2" "digest mismatch reported"
no_trace "digest mismatch"

# Longer than declared: refused as soon as it overflows.
cp "$T/orig" "$f"
printf 'trailing garbage' >>"$f"
run_fails "pull of an oversized layer fails" vxn pull "$REG/test/c:1"
like "$T/err" "more data than the [0-9]+ bytes declared" "size overflow reported"
no_trace "oversized"

# Shorter than declared.
head -c 10 "$T/orig" >"$f"
run_fails "pull of a truncated layer fails" vxn pull "$REG/test/c:1"
like "$T/err" "got 10 bytes, expected|transfer closed|Transferred a partial file" "short read reported"
no_trace "truncated"

# A corrupted manifest (the registry keeps manifests as blobs too).
cp "$T/orig" "$f"
run_ok "tag-resolved manifest digest" python3 -c "
import urllib.request
r = urllib.request.urlopen(urllib.request.Request('http://$REG/v2/test/c/manifests/1',
    headers={'Accept': 'application/vnd.oci.image.manifest.v1+json'}))
print(r.headers['Docker-Content-Digest'])"
M=$(cat "$T/out")
mf=$(registry_blob "$M")
python3 -c "import sys; p=sys.argv[1]; b=open(p,'rb').read().replace(b'\"size\"', b'\"size\" ', 1); open(p,'wb').write(b)" "$mf"
run_fails "pull of a corrupted manifest fails" vxn pull "$REG/test/c@$M"
like "$T/err" "manifest digest mismatch" "manifest mismatch reported"
no_trace "manifest"

# Repaired: a clean pull works.
python3 -c "import sys; p=sys.argv[1]; b=open(p,'rb').read().replace(b'\"size\" ', b'\"size\"', 1); open(p,'wb').write(b)" "$mf"
run_ok "pull after repair" vxn pull "$REG/test/c:1"
run_ok "store verifies" $REGTOOL verify-store "$T/root/images"
done_testing
