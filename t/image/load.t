#!/bin/bash
# vxn load: OCI layout directories, OCI archives, docker-save tarballs (plain and gzipped), multi-platform layouts,
# and the real formats skopeo writes.
. "$(dirname "$0")/lib.sh"

$MKIMAGE layout "$T/layout" example.com/lay:1 layered
run_ok "load an OCI layout directory" vxn load "$T/layout"
like "$T/out" '^Loaded image: example.com/lay:1' "loaded line"
$MKIMAGE oci-archive "$T/oci.tar" example.com/ociarch:2 small
run_ok "load an OCI archive" vxn load -i "$T/oci.tar"
$MKIMAGE docker-archive "$T/docker.tar" docker.io/library/fromdocker:3 layered
run_ok "load a docker-save tarball" vxn load "$T/docker.tar"
like "$T/out" 'Loaded image: docker.io/library/fromdocker:3' "named from RepoTags"
gzip -c "$T/docker.tar" >"$T/docker.tar.gz"
run_ok "load a gzipped docker-save tarball under another name" vxn load "$T/docker.tar.gz" gz/named
like "$T/out" 'Loaded image: docker.io/gz/named:latest' "NAME given on the command line"
vxn load - stdin/named:1 <"$T/docker.tar" >"$T/out" 2>"$T/err"
ok $? "load from standard input"
like "$T/out" 'Loaded image: docker.io/stdin/named:1' "named"
run_ok "images" vxn images
like "$T/out" '^fromdocker +3 ' "familiar name in the table"
[ -z "$(ls -A "$T/root/images/ingest")" ]; ok $? "staging removed"

for img in example.com/lay:1 fromdocker:3; do
  d="$T/b-${img//[:\/]/-}"
  run_ok "bundle $img" vxn bundle -q "$img" "$d"
  [ -f "$d/rootfs/opq/new" ] && [ ! -e "$d/rootfs/opq/a" ] && [ ! -e "$d/rootfs/rm-me" ]
  ok $? "$img: layers applied in order with whiteouts"
done
is "$(json "$T/b-fromdocker-3/config.json" 'd["process"]["args"]')" "['/bin/sh', '-c', 'echo hello']" "config"

$MKIMAGE layout "$T/multi" example.com/multi:1 multiarch
run_ok "load a multi-platform layout for arm64" vxn load --platform linux/arm64 "$T/multi"
run_ok "bundle it" vxn bundle -q example.com/multi:1 "$T/b-multi"
is "$(cat "$T/b-multi/rootfs/platform")" "arm64/v8" "platform chosen"

# Unnamed and damaged sources
$MKIMAGE layout "$T/noname" "" small
run_fails "a layout without names needs NAME" vxn load "$T/noname"
like "$T/err" 'has no name' "message"
run_ok "with NAME" vxn load "$T/noname" example.com/named
$MKIMAGE layout "$T/bad" example.com/bad:1 small
blob=$(ls "$T/bad/blobs/sha256" | head -1)
for b in $(ls "$T/bad/blobs/sha256"); do
  python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$T/bad/blobs/sha256/$b" 2>/dev/null || layer=$b
done
printf 'x' >>"$T/bad/blobs/sha256/$layer"
run_fails "a layout with a damaged blob is refused" "$VXN_BIN" --root "$T/root2" load "$T/bad"
like "$T/err" 'more data than|digest mismatch' "says why"
run_ok "that store still verifies" $REGTOOL verify-store "$T/root2/images"
vxn_names=$("$VXN_BIN" --root "$T/root2" images -q)
is "$vxn_names" "" "and holds no image"
printf 'not a tar' >"$T/junk.tar"
run_fails "junk is refused" vxn load "$T/junk.tar"

# skopeo writes the formats for real.
if command -v skopeo >/dev/null; then
  # docker archives cannot hold zstd layers: a gzip-only variant of the same image
  $MKIMAGE layout "$T/layout-gz" example.com/lay:1 layered --compression gzip
  run_ok "skopeo: docker-archive" skopeo copy --insecure-policy "oci:$T/layout-gz:example.com/lay:1" \
    "docker-archive:$T/skopeo-docker.tar:skopeo.test/dock:1"
  run_ok "load skopeo's docker-archive" vxn load "$T/skopeo-docker.tar"
  run_ok "bundle it" vxn bundle -q skopeo.test/dock:1 "$T/b-sd"
  [ -f "$T/b-sd/rootfs/opq/new" ] && [ ! -e "$T/b-sd/rootfs/rm-me" ]; ok $? "content"
  run_ok "skopeo: oci-archive" skopeo copy --insecure-policy "oci:$T/layout:example.com/lay:1" \
    "oci-archive:$T/skopeo-oci.tar:skopeo.test/oci:2"
  run_ok "load skopeo's oci-archive" vxn load "$T/skopeo-oci.tar"
  like "$T/out" 'Loaded image: skopeo.test/oci:2' "named from ref.name"
else
  for i in 1 2 3 4 5 6 7; do n=$((n + 1)); echo "ok $n # SKIP skopeo not installed"; done
fi

# vxn's store is itself an OCI layout: skopeo can read from it.
if command -v skopeo >/dev/null; then
  run_ok "skopeo reads the vxn store" skopeo inspect --raw "oci:$T/root/images:example.com/lay:1"
fi
done_testing
