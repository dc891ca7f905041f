#!/bin/bash
# Pull a multi-layer image (gzip, zstd and uncompressed layers; whiteouts, opaque directories, hardlinks, symlinks,
# modes, ownership, xattrs) from a real registry, list, inspect, tag, bundle and remove it.
. "$(dirname "$0")/lib.sh"
start_registry

run_ok "push the layered test image" $MKIMAGE push "$REG" test/layered:v1 layered
DIGEST=$(cat "$T/out")
run_ok "vxn pull" vxn pull "$REG/test/layered:v1"
like "$T/out" '^v1: Pulling from test/layered' "pulling line"
like "$T/out" 'Download complete' "layers downloaded"
like "$T/out" "^Digest: $DIGEST" "digest line"
like "$T/out" "Status: Downloaded newer image for $REG/test/layered:v1" "status line"
run_ok "store blobs verify" $REGTOOL verify-store "$T/root/images"
is "$(cat "$T/out")" 5 "manifest, config and 3 layers stored"
[ -z "$(ls "$T/root/images/ingest")" ]; ok $? "no partial files left"

run_ok "pull again" vxn pull "$REG/test/layered:v1"
like "$T/out" 'Already exists' "layers already exist"
like "$T/out" 'Image is up to date' "up to date"
run_ok "pull by digest" vxn pull "$REG/test/layered@$DIGEST"
run_ok "pull -q prints the digest" vxn pull -q "$REG/test/layered:v1"
is "$(cat "$T/out")" "$DIGEST" "quiet output"

run_ok "images" vxn images
like "$T/out" "^$REG/test/layered +v1 +[0-9a-f]{12} +2 years ago" "table row"
like "$T/out" "^$REG/test/layered +<none> " "digest-only ref row"
run_ok "images --format json" vxn images --format json
python3 - "$T/out" "$REG" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert any(r["Repository"] == sys.argv[2] + "/test/layered" and r["Tag"] == "v1" for r in rows), rows
PY
ok $? "json rows parse and name the image"
run_ok "images filtered by tag" vxn images "$REG/test/layered:v1"
is "$(tail -n +2 "$T/out" | wc -l)" 1 "one row for the tag"

run_ok "inspect" vxn inspect "$REG/test/layered:v1"
cp "$T/out" "$T/inspect.json"
is "$(json "$T/inspect.json" 'd[0]["Config"]["Entrypoint"]')" "['/bin/sh', '-c']" "inspect shows the entrypoint"
is "$(json "$T/inspect.json" 'd[0]["RepoTags"]')" "['$REG/test/layered:v1']" "inspect RepoTags"
is "$(json "$T/inspect.json" 'd[0]["RepoDigests"][0].endswith("'$DIGEST'")')" True "inspect RepoDigests"
is "$(json "$T/inspect.json" '[l["MediaType"].split("+")[-1] for l in d[0]["Layers"]]')" \
  "['gzip', 'zstd', 'application/vnd.oci.image.layer.v1.tar']" \
  "gzip, zstd and uncompressed layers"
ID=$(json "$T/inspect.json" 'd[0]["Id"]')
run_ok "inspect by short ID" vxn inspect "${ID:7:12}"

run_ok "tag" vxn tag "$REG/test/layered:v1" example.com/renamed:latest
run_ok "inspect the new name" vxn inspect example.com/renamed
is "$(json "$T/out" 'd[0]["Id"]')" "$ID" "same image under the new name"

B="$T/bundle"
run_ok "bundle" vxn bundle "$REG/test/layered:v1" "$B"
like "$T/out" '^[0-9a-f]{12}: Extracted' "unpack progress"
R="$B/rootfs"
python3 - "$R" <<'PY' 2>&1 | diag
import os, stat, sys
r = sys.argv[1]
def p(x): return os.path.join(r, x)
checks = {
    "whiteout removed a file": not os.path.lexists(p("rm-me")),
    "whiteout removed a directory, a later layer recreated it empty": sorted(os.listdir(p("rm-dir"))) == ["y"],
    "opaque directory hides lower content": sorted(os.listdir(p("opq"))) == ["new"],
    "whiteout of one file spares its sibling": not os.path.lexists(p("data/old1")) and os.path.exists(p("data/old2")),
    "a file replaced a directory": os.path.isfile(p("data/sub")),
    "a file replaced a symlink": os.path.isfile(p("usr/lib/libfoo.so")) and not os.path.islink(p("usr/lib/libfoo.so")),
    "a symlink replaced a file, target kept verbatim": os.readlink(p("etc/hostname")) == "/proc/sys/kernel/hostname",
    "hardlink shares the inode": os.stat(p("hard/link")).st_ino == os.stat(p("hard/orig")).st_ino,
    "setuid bit kept": stat.S_IMODE(os.stat(p("suid")).st_mode) == 0o4755,
    "read-only directory mode applied last": stat.S_IMODE(os.stat(p("ro")).st_mode) == 0o555,
    "read-only dir still got the later layer's file": os.path.isfile(p("ro/added")),
    "file mode": stat.S_IMODE(os.stat(p("ro/file")).st_mode) == 0o444,
    "fifo": stat.S_ISFIFO(os.lstat(p("fifo")).st_mode),
    "mtime kept": int(os.stat(p("bin/sh")).st_mtime) == 1700000000,
    "no whiteout files materialised": not any(n.startswith(".wh.") for _, ds, fs in os.walk(r) for n in ds + fs),
    "file contents": open(p("opq/new")).read() == "new",
}
if os.geteuid() == 0:
    checks["ownership kept (root)"] = os.stat(p("owned")).st_uid == 1000 and os.stat(p("home/app")).st_gid == 1000
try:
    checks["xattr kept"] = os.getxattr(p("xattr"), "user.vxn") == b"yes"
except OSError as e:
    print("xattrs not supported here:", e)
bad = [k for k, v in checks.items() if not v]
for k in bad:
    print("FAILED:", k)
sys.exit(1 if bad else 0)
PY
ok ${PIPESTATUS[0]} "rootfs content: whiteouts, opaque dirs, hardlinks, symlinks, modes, ownership, xattrs"
C="$B/config.json"
is "$(json "$C" 'd["process"]["args"]')" "['/bin/sh', '-c', 'echo hello']" "args = Entrypoint + Cmd"
is "$(json "$C" 'd["process"]["cwd"]')" "/data" "cwd from WorkingDir"
is "$(json "$C" '(d["process"]["user"]["uid"], d["process"]["user"]["gid"], d["process"]["user"]["additionalGids"])')" \
  "(1000, 1000, [2000])" "user resolved through the rootfs passwd and group"
is "$(json "$C" 'd["process"]["env"]')" "['PATH=/usr/local/bin:/usr/bin:/bin', 'FOO=bar', 'HOME=/home/app']" "env"
is "$(json "$C" 'd["root"]')" "{'path': 'rootfs', 'readonly': False}" "root"
is "$(json "$C" 'd["annotations"]["io.vxn.image.exposed-ports"]')" "53/udp,80/tcp" "exposed ports annotation"
is "$(json "$C" 'd["annotations"]["io.vxn.image.volumes"]')" "/data,/var/log" "volumes annotation"
is "$(json "$C" 'd["annotations"]["org.opencontainers.image.stopSignal"]')" "SIGQUIT" "stop signal annotation"
is "$(json "$C" 'd["annotations"]["io.vxn.image.digest"]')" "$DIGEST" "digest annotation"

run_ok "bundle with a command" vxn bundle -q "$REG/test/layered:v1" "$T/b2" ls -l /
is "$(json "$T/b2/config.json" 'd["process"]["args"]')" "['/bin/sh', '-c', 'ls', '-l', '/']" "arguments replace Cmd"
run_ok "bundle with --entrypoint" vxn bundle -q --entrypoint /bin/env -e FOO=baz -w /tmp -u 0:0 "$REG/test/layered:v1" "$T/b3"
is "$(json "$T/b3/config.json" 'd["process"]["args"]')" "['/bin/env']" "--entrypoint drops the image Cmd"
is "$(json "$T/b3/config.json" '[e for e in d["process"]["env"] if e.startswith("FOO")]')" "['FOO=baz']" "-e overrides"
is "$(json "$T/b3/config.json" '(d["process"]["cwd"], d["process"]["user"]["uid"])')" "('/tmp', 0)" "-w and -u"
run_fails "bundle into a non-empty directory" vxn bundle -q "$REG/test/layered:v1" "$B"
like "$T/err" 'not empty' "non-empty message"

# A Docker schema 2 manifest (docker media types) pulls too.
run_ok "push a docker schema 2 image" $MKIMAGE push "$REG" test/docker:1 small --docker 1
run_ok "pull it" vxn pull "$REG/test/docker:1"
run_ok "bundle it" vxn bundle -q "$REG/test/docker:1" "$T/b4"
is "$(cat "$T/b4/rootfs/hello")" "hello" "content"

run_fails "pull of a missing tag" vxn pull "$REG/test/layered:nope"
like "$T/err" 'not found' "not found message"

run_ok "rmi by name keeps the other name's blobs" vxn rmi example.com/renamed
run_ok "bundle still works" vxn bundle -q "$REG/test/layered:v1" "$T/b5"
run_fails "rmi by ID of a multiply named image needs -f" vxn rmi "${ID:7:12}"
like "$T/err" 'referenced by' "message"
run_ok "rmi -f by ID" vxn rmi -f "${ID:7:12}"
like "$T/out" '^Untagged: ' "untagged lines"
like "$T/out" '^Deleted: 5 blobs' "its blobs are deleted"
run_ok "rmi the docker image" vxn rmi "$REG/test/docker:1"
is "$(ls "$T/root/images/blobs/sha256" | wc -l)" 0 "store empty"
run_ok "images after rmi" vxn images
is "$(wc -l <"$T/out")" 1 "only the header"

done_testing
