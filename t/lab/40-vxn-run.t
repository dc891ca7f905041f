#!/bin/bash
# The vxn CLI end to end on Xen: image pulled from a local registry, containers run through vxn-oci-runtime (the
# same binary and monitor containerd uses), docker's run flags and exit codes, ps/logs/stop/wait/rm, a ctr-started
# container seen and stopped by vxn, the vdkr/vpdmn faces, refused flags.
. "$(dirname "$0")/lib/common.sh"
REPO=$(cd "$LAB_LIB/../../.." && pwd)
RT_ROOT=/run/vxn
export VXN_ROOT=$TMP/vxnroot # images and records: private; the runtime root is the default one
unset VXN_RUNTIME_ROOT

# --- a registry holding the busybox test image
PORT=$(python3 "$REPO/t/image/regtool.py" freeport)
mkdir -p "$TMP/reg"
cat >"$TMP/reg/config.yml" <<EOF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $TMP/reg/data
http:
  addr: 127.0.0.1:$PORT
EOF
docker-registry serve "$TMP/reg/config.yml" >"$TMP/reg/log" 2>&1 &
REG_PID=$!
trap 'kill $REG_PID 2>/dev/null; wait $REG_PID 2>/dev/null' EXIT
python3 "$REPO/t/image/regtool.py" wait "http://127.0.0.1:$PORT/v2/" 60; ok $? "docker-registry answers on 127.0.0.1:$PORT"
IMGR=127.0.0.1:$PORT/vxn-test:latest
python3 "$LAB_LIB/mkimage.py" oci "$TMP/img.tar" vxn-test:latest &&
  python3 - "$TMP/img.tar" "127.0.0.1:$PORT" vxn-test:latest "$REPO/t/image" <<'PY'
import json, sys, tarfile
sys.path.insert(0, sys.argv[4])
from mkimage import Registry  # the image tests' registry client (standard library only)
reg, (repo, tag) = Registry(sys.argv[2]), sys.argv[3].split(":")
tf = tarfile.open(sys.argv[1])
blob = lambda d: tf.extractfile("blobs/sha256/" + d.split(":")[1]).read()
desc = json.loads(tf.extractfile("index.json").read())["manifests"][0]
manifest = json.loads(blob(desc["digest"]))
for b in [manifest["config"]] + manifest["layers"]:
    reg.push_blob(repo, b["digest"], blob(b["digest"]))
reg.push_manifest(repo, tag, blob(desc["digest"]), desc["mediaType"])
PY
ok $? "the busybox test image is pushed as $IMGR"

records () { ls -A "$VXN_ROOT/containers" 2>/dev/null | grep -v '^\.names$'; }
debug () { # debug ID: what the runtime and the guest said
  for d in "$RT_ROOT"/*/; do [ -d "$d" ] && dump_logs "$RT_ROOT" "$(basename "$d")"; done
  [ -n "${1:-}" ] && [ -f "$VXN_ROOT/containers/$1/runtime.log" ] && sed 's/^/#   rt: /' "$VXN_ROOT/containers/$1/runtime.log"
}

# --- run: pull on first use, output, exit codes
out=$(timeout 300 vxn run --rm "$IMGR" echo hello 2>"$TMP/err"); rc=$?
is "$out" "hello" "vxn run --rm IMG echo hello prints hello (pulling the image first)"
is "$rc" 0 "... and exits 0"
[ "$rc" = 0 ] || { sed 's/^/#   /' "$TMP/err"; debug; }
like "$(cat "$TMP/err")" "Unable to find image '$IMGR' locally" "... after saying the image was pulled"
vxn images | grep -q "127.0.0.1:$PORT/vxn-test"; ok $? "the image is in vxn's store"

timeout 180 vxn run --rm "$IMGR" sh -c 'echo out; echo err >&2; exit 3' >"$TMP/o3" 2>"$TMP/e3"; rc=$?
is "$rc" 3 "the container's exit code 3 is vxn run's"
is "$(cat "$TMP/o3")/$(cat "$TMP/e3")" "out/err" "stdout and stderr stay separate"

out=$(timeout 180 vxn run --rm -e A=b -w /tmp -u 1000:1000 -h box "$IMGR" sh -c 'echo $A $(pwd) $(id -u):$(id -g) $(hostname)' 2>&1)
is "$out" "b /tmp 1000:1000 box" "-e, -w, -u and -h are seen from inside"

printf 'A=from-file\n# comment\n\nB=two words\n' >"$TMP/envfile"
out=$(timeout 180 vxn run --rm --env-file "$TMP/envfile" --entrypoint /bin/sh "$IMGR" -c 'echo "$A|$B|$0"' 2>&1)
is "$out" "from-file|two words|/bin/sh" "--env-file, and --entrypoint with the arguments after the image"

out=$(echo piped | timeout 180 vxn run --rm -i -m 96m --cpus 1.5 "$IMGR" \
  sh -c 'read l; echo "got $l"; grep MemTotal /proc/meminfo; echo "cpus $(grep -c ^processor /proc/cpuinfo)"' 2>&1)
like "$out" "^got piped" "-i passes stdin"
kb=$(echo "$out" | awk '/MemTotal/ {print $2}')
[ -n "$kb" ] && [ "$kb" -le 98304 ] && [ "$kb" -gt 40000 ]; ok $? "-m 96m sizes the domain (MemTotal ${kb:-?} kB)"
like "$out" "cpus 2" "--cpus 1.5 gives the domain 2 vCPUs"

# --- detached: ps, logs (-f, --tail), stop (TERM, then KILL after -t), wait, inspect, rm
id=$(timeout 180 vxn run -d --name web "$IMGR" sh -c 'echo started; while :; do echo tick; sleep 1; done' 2>"$TMP/err"); rc=$?
is "$rc" 0 "run -d exits 0"
like "$id" '^[0-9a-f]{64}$' "... and prints the full container ID"
[ "$rc" = 0 ] || { sed 's/^/#   /' "$TMP/err"; debug; }
timeout 120 vxn logs -f web | grep -m1 -q tick; ok $? "logs -f follows the output as it comes"
ps_line=$(vxn ps | grep ' web$')
like "$ps_line" "^${id:0:12} +127\.0\.0\.1:$PORT/vxn-test:latest +\"sh -c 'echo started…\" +.* ago +Up [0-9a-zA-Z ]+ +vxn +web$" \
  "ps shows web: short ID, image, quoted command, Up, engine, name"
is "$(vxn ps -q | grep -c "^${id:0:12}$")" 1 "ps -q lists its short ID"
st=$(vxn ps --format json | python3 -c 'import json,sys; print([json.loads(l)["State"] for l in sys.stdin if json.loads(l)["Names"] == "web"])')
is "$st" "['running']" "ps --format json says running"
is "$(vxn inspect -f '{{.State.Status}} {{.Name}} {{.Vxn.Engine}}' web)" "running /web vxn" "inspect -f on a container"
like "$(vxn logs web | head -1)" "^started$" "logs shows what it printed"
# exec into it: the runtime's exec --detach, whose proxy vxn reaps for the status
out=$(timeout 120 vxn exec web sh -c 'echo in-web; echo to-err >&2; exit 6' 2>"$TMP/xerr"); rc=$?
is "$out/$rc" "in-web/6" "exec: the command's output, and its exit code is vxn's"
is "$(cat "$TMP/xerr")" "to-err" "exec: stderr, separately"
out=$(echo piped | timeout 120 vxn exec -i web cat); is "$out" "piped" "exec -i: piped stdin"
out=$(echo piped | timeout 120 vxn exec web sh -c 'cat; echo end'); is "$out" "end" "exec without -i reads no stdin"
out=$(timeout 120 vxn exec -e X=1 -w /tmp -u 1000:1000 web sh -c 'echo "$X $(pwd) $(id -u):$(id -g)"')
is "$out" "1 /tmp 1000:1000" "exec -e -w -u are applied"
timeout 120 vxn exec web nosuchprogram 2>"$TMP/xerr"; rc=$?
is "$rc" 127 "exec of a missing command: 127"
like "$(cat "$TMP/xerr")" "executable file not found" "... with the runtime's message"
vxn exec web 2>/dev/null; is "$?" 125 "exec without a command: 125"
timeout 60 vxn stop -t 2 web >"$TMP/out"; rc=$?
is "$rc/$(cat "$TMP/out")" "0/web" "stop -t 2 (PID 1 ignores TERM, so KILL after 2 s)"
like "$(vxn ps -a | grep ' web$')" "Exited \((143|137)\) .* ago" "ps -a shows it Exited (137)"
vxn ps | grep -q ' web$'; [ $? -ne 0 ]; ok $? "ps without -a no longer lists it"
is "$(timeout 30 vxn wait web)" 137 "wait prints its exit code"
is "$(vxn inspect -f '{{.State.ExitCode}} {{.State.Running}}' web)" "137 false" "inspect shows the exit code"
is "$(vxn logs --tail 1 web)" "tick" "the log persists after the exit; --tail 1"
vxn rm web >"$TMP/out"; is "$?/$(cat "$TMP/out")" "0/web" "rm web"
vxn ps -a | grep -q ' web$'; [ $? -ne 0 ]; ok $? "... gone from ps -a"
[ ! -e "$VXN_ROOT/containers/$id" ] && [ ! -e "$RT_ROOT/$id" ]; ok $? "... with its record and runtime state"

id=$(timeout 180 vxn run -d "$IMGR" sh -c 'exit 5')
is "$(timeout 120 vxn wait "${id:0:12}")" 5 "wait on a detached container by short ID: 5"
like "$(vxn ps -a --filter status=exited)" "Exited \(5\)" "ps -a --filter status=exited: Exited (5)"
vxn rm "${id:0:8}" >/dev/null; ok $? "rm by ID prefix"

# --- signals: pause/unpause, kill -s, and the foreground proxy (TERM sent to vxn run reaches the container)
TRAP='trap "exit 7" TERM; echo ready; sleep 1000 & wait'
timeout 180 vxn run -d --name trap "$IMGR" sh -c "$TRAP" >/dev/null
timeout 120 vxn logs -f trap | grep -m1 -q ready; ok $? "logs -f | grep -m1 ends when grep does (the TERM trap is set)"
vxn pause trap >/dev/null; like "$(vxn ps | grep ' trap$')" "Up .* \(Paused\) " "pause: ps shows (Paused)"
vxn unpause trap >/dev/null; like "$(vxn ps | grep ' trap$')" "Up [0-9a-zA-Z ]+ +vxn +trap$" "unpause: running again"
is "$(vxn kill -s TERM trap)" "trap" "kill -s TERM"
is "$(timeout 60 vxn wait trap)" 7 "... reached the entrypoint's trap: exit 7"
vxn kill trap 2>"$TMP/err"; rc=$?
is "$rc" 1 "kill of a stopped container fails"
like "$(cat "$TMP/err")" "is not running" "... saying it is not running"
vxn rm trap >/dev/null

mkfifo "$TMP/fg"
exec 3<>"$TMP/fg"
timeout 180 vxn run --rm "$IMGR" sh -c "$TRAP" >"$TMP/fg" 2>&1 &
fg=$!
read -r -t 180 line <&3
is "$line" "ready" "a foreground container with a TERM trap runs"
kill -TERM "$fg"
wait "$fg"; is "$?" 7 "TERM sent to vxn run is forwarded to the container, whose status (7) is vxn's"
exec 3<&-

assert_clean "vxn containers" "$RT_ROOT"

# --- -v: host directories bind-mounted over Xen 9pfs, read-write and read-only
mkdir -p "$TMP/vol" && echo from-host >"$TMP/vol/in"
out=$(timeout 300 vxn run --rm -v "$TMP/vol:/data" -v "$TMP/newdir:/new:ro" "$IMGR" \
  sh -c 'cat /data/in; echo from-guest >/data/out; touch /new/x 2>/dev/null && echo ro-writable; echo done' 2>&1); rc=$?
is "$rc" 0 "run -v: exits 0"
like "$out" "from-host" "... the host's file is seen inside"
is "$(cat "$TMP/vol/out" 2>/dev/null)" "from-guest" "... and a file written inside appears on the host"
like "$out" "done" "... the container ran to its end"
[[ $out != *ro-writable* ]]; ok $? "... a :ro volume refuses writes"
[ -d "$TMP/newdir" ]; ok $? "... a missing host directory is created, as docker does"
pgrep -f xen-qemu-system >/dev/null; [ $? -ne 0 ]; ok $? "... no 9pfs backend (QEMU) is left"
assert_clean "vxn volumes" "$RT_ROOT"
is "$(records)" "" "no container records left"

# --- create, start -a (foreground), start (detached, appending to the log), -d --rm
id=$(vxn create --name cr "$IMGR" sh -c 'echo run; exit 4')
like "$(vxn ps -a | grep ' cr$')" " Created +vxn +cr$" "create: ps -a shows it Created"
[ ! -e "$RT_ROOT/$id" ]; ok $? "... and no domain or runtime state exists yet"
out=$(timeout 180 vxn start -a cr 2>&1); rc=$?
is "$rc/$out" "4/run" "start -a runs it in the foreground: its output and exit code"
is "$(timeout 180 vxn start cr)" "cr" "start of the exited container, detached"
is "$(timeout 120 vxn wait cr)" 4 "... it ran again (wait: 4)"
is "$(vxn logs cr)" "run" "the detached run's output is in the log"
vxn rm cr >/dev/null; ok $? "rm cr"

id=$(timeout 180 vxn run -d --rm "$IMGR" sh -c 'exit 0')
python3 - "$VXN_ROOT/containers/$id" "$RT_ROOT/$id" <<'PY'
import os, sys, time
deadline = time.monotonic() + 120  # bounded: the remover acts when the monitor exits
while any(os.path.exists(p) for p in sys.argv[1:]) and time.monotonic() < deadline:
    time.sleep(0.1)
sys.exit(any(os.path.exists(p) for p in sys.argv[1:]))
PY
ok $? "run -d --rm: the container is removed after it exits"

# --- a container containerd runs on vxn-oci-runtime: vxn sees it and stops it
setup_image
timeout 180 ctr run -d --runc-binary "$RUNTIME" "$IMG" t40 sh -c 'echo hi; sleep 1000' >/dev/null 2>"$TMP/err"; rc=$?
ok $rc "ctr run -d t40 with vxn-oci-runtime"
[ "$rc" = 0 ] || { sed 's/^/#   /' "$TMP/err"; dump_logs "$CTR_ROOT" t40; }
like "$(vxn ps | grep ' t40$')" "^t40 +- +\"sh -c 'echo hi; sle…\" .* Up .* containerd +t40$" "vxn ps lists it, engine containerd"
is "$(timeout 120 vxn exec t40 echo exec-in-ctr)" "exec-in-ctr" "vxn exec into containerd's container"
timeout 60 vxn stop -t 1 t40 >/dev/null; ok $? "vxn stop t40"
like "$(vxn ps -a | grep ' t40$')" "Exited \(137\)" "... it exited (137)"
# containerd asks the runtime (`state`), which reads the same state file: it agrees at once.
is "$(ctr task ls | awk '$1 == "t40" {print $3}')" "STOPPED" "containerd sees its task STOPPED"
vxn rm t40 2>"$TMP/err"; [ $? -eq 1 ]; ok $? "vxn rm refuses containerd's container"
like "$(cat "$TMP/err")" "belongs to containerd" "... saying whose it is"
ctr task rm t40 >/dev/null 2>&1; ctr container rm t40 >/dev/null 2>&1
assert_clean "ctr container" "$CTR_ROOT" "$RT_ROOT"

# --- podman's container: as root podman gives the runtime no --root, so it lives in /run/vxn next to vxn's own
if command -v podman >/dev/null && command -v conmon >/dev/null; then
  export CONTAINERS_CONF=$TMP/containers.conf
  printf '[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\nruntime_supports_json = ["vxn-oci-runtime"]\n' \
    >"$CONTAINERS_CONF"
  P="podman --runtime $RUNTIME --storage-driver overlay"
  python3 "$LAB_LIB/mkimage.py" oci "$TMP/pimg.tar" localhost/vxn-test:latest && $P load -q -i "$TMP/pimg.tar" >/dev/null
  pid=$(timeout 180 $P run -d --network=none localhost/vxn-test:latest sh -c 'sleep 1000' 2>"$TMP/err"); rc=$?
  ok $rc "podman run -d with vxn-oci-runtime"
  [ "$rc" = 0 ] || sed 's/^/#   /' "$TMP/err"
  like "$(vxn ps --no-trunc | grep "^$pid ")" " Up .* podman +$pid$" "vxn ps lists it, engine podman"
  vxn rm "${pid:0:12}" 2>"$TMP/err"; like "$(cat "$TMP/err")" "belongs to podman" "vxn rm refuses podman's container"
  timeout 60 vxn stop -t 1 "${pid:0:12}" >/dev/null; ok $? "vxn stop of podman's container (by short ID)"
  is "$(timeout 60 $P wait "$pid")" 137 "podman sees it exit with 137 (and its cleanup deletes the runtime state)"
  $P rm -f "$pid" >/dev/null 2>&1
  unset CONTAINERS_CONF
  assert_clean "podman container" "$RT_ROOT"
else
  diag "podman or conmon not installed: podman's containers not checked"
fi

# --- faces, unsupported commands, refused flags: exit codes and nothing created
vdkr build . 2>"$TMP/err"; rc=$?
is "$rc/$(cat "$TMP/err")" "1/vdkr: 'build' is not supported" "vdkr build: exit 1 and docker's wording"
vpdmn push x 2>"$TMP/err"; rc=$?
is "$rc/$(cat "$TMP/err")" "1/Error: 'push' is not supported" "vpdmn push: exit 1 and podman's wording"
vdkr --help | grep -q '^  run '; ok $? "vdkr --help lists run"
# docker's process-security flags, applied in the guest by the runtime.
out=$(timeout 180 vxn run --rm --cap-drop ALL --cap-add net_bind_service --ulimit nofile=123:456 \
  --security-opt no-new-privileges "$IMGR" sh -c 'grep -E "^(CapBnd|CapEff|NoNewPrivs):" /proc/self/status |
  tr -s "\t" " "; grep "^Max open files" /proc/self/limits | tr -s " " | sed "s/ $//"' 2>&1)
is "$(echo "$out" | tr '\n' '|')" "CapEff: 0000000000000400|CapBnd: 0000000000000400|NoNewPrivs: 1|Max open files 123 456 files|" \
  "--cap-drop ALL --cap-add net_bind_service --ulimit nofile=123:456 --security-opt no-new-privileges"
for args in "--cap-add BOGUS" "--ulimit nofile=9:3" "--ulimit nofiles=1" "--security-opt seccomp=x.json" \
  "-d -t" "-v named:/data" "-v /tmp:relative" "-v /tmp:/x:z" "--cpuset-cpus 0" "--cpus 0" "--network bridge" "--bogus" "-p 80:80" "-m lots" "--pull sometimes" \
  "--name bad/name" "-w relative"; do
  vxn run --rm $args "$IMGR" true >/dev/null 2>"$TMP/err"; rc=$?
  is "$rc" 125 "run $args: exit 125 ($(head -1 "$TMP/err"))"
done
like "$(vxn run -d -t "$IMGR" true 2>&1)" "^vxn: -d and -t together are not supported yet" "-d -t says it is not supported yet"
vxn run --pull never --rm 127.0.0.1:$PORT/absent:latest true 2>"$TMP/err"; rc=$?
is "$rc" 125 "--pull never with an absent image: 125"
vxn run --name dup -d "$IMGR" sh -c 'exit 0' >/dev/null && vxn run --name dup "$IMGR" true 2>"$TMP/err"; rc=$?
is "$rc" 125 "a name in use: 125"
like "$(cat "$TMP/err")" "Conflict. The container name \"/dup\" is already in use" "... docker's message"
timeout 60 vxn wait dup >/dev/null; vxn rm -f dup >/dev/null
is "$(records)" "" "refused runs created nothing"
assert_clean "refused flags" "$RT_ROOT"

# --- version and info
like "$(vxn version)" "Xen: +4\.17" "version shows Xen 4.17"
info=$(vxn info)
like "$info" "Free Memory: [0-9.]+[GM]iB" "info shows Xen's free memory"
like "$info" "Domains: 1 \(Domain-0\)" "... and the domains"
like "$info" "Images: 1" "... and the images"

done_testing
