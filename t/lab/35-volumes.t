#!/bin/bash
# Mounts and volumes: config.json tmpfs mounts, host directories over Xen 9pfs (QEMU backend in Dom0), host files
# copied in (docker's and podman's /etc/hosts etc.), read-only binds and a read-only root, through the runtime,
# ctr, docker and podman. After each: only Domain-0, no QEMU backend, nothing under the runtime roots.
. "$(dirname "$0")/lib/common.sh"
setup_image
# A timeout (SIGTERM from run-inside) must not leave dockerd running for the next test file.
dockerd_pid=
trap 'exit 143' TERM
trap '[ -z "$dockerd_pid" ] || kill "$dockerd_pid" 2>/dev/null' EXIT
QEMU=xen-qemu-system-i386
CTR="ctr run --rm --runc-binary $RUNTIME"
ROOT=$TMP/root
R () { "$RUNTIME" --root "$ROOT" "$@"; }
now () { date +%s.%N; }

no_qemu () { # no_qemu DESCRIPTION
  local left
  left=$(pgrep -af "$QEMU")
  is "$left" "" "$1: no QEMU backend is left"
}
clean () { # clean DESCRIPTION [ROOT...]
  local what=$1; shift
  assert_clean "$what" "$@"
  no_qemu "$what"
}

# Runtime directly: create, start, wait for the monitor; stdout to $TMP/$2.out, stderr to $TMP/$2.err.
# With --debug: the guest init's timing trace and the monitor's log are shown as diagnostics.
rt_run () { # rt_run BUNDLE ID
  local rc=0 c0
  c0=$(now)
  R --debug create --bundle "$1" --pid-file "$TMP/$2.pid" "$2" </dev/null >"$TMP/$2.out" 2>"$TMP/$2.err" || rc=1
  diag "$2: create took $(awk "BEGIN {print $(now) - $c0}") s"
  [ $rc = 0 ] && { R start "$2" || rc=2; }
  [ $rc = 0 ] && { wait_exit "$(cat "$TMP/$2.pid")" 300 || rc=3; }
  grep -h -E "vxn-init|monitor\[" "$ROOT/$2/console.log" "$ROOT/$2/monitor.log" 2>/dev/null |
    grep -v -E "libxl|xc:" | cut -c1-160 | sed "s/^/# $2: /"
  [ -s "$TMP/$2.err" ] && sed "s/^/# $2 stderr: /" "$TMP/$2.err"
  [ -e "/var/log/xen/qemu-dm-vxn-$2.log" ] && echo "$2" >>"$TMP/qemu-logs"
  R delete --force "$2" || rc=4
  return $rc
}
# Rewrite a bundle's config.json with a python expression on `c`.
cfg () { # cfg BUNDLE PYTHON-STATEMENTS
  python3 - "$1/config.json" "$2" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
exec(sys.argv[2])
json.dump(c, open(sys.argv[1], "w"))
PY
}

V=$TMP/vol
# World-writable, so that a container running as uid 1000 may create files in it (as under runc).
mkdir -p "$V" && chmod 1777 "$V" && echo "from the host" >"$V/in"

# Without a volume first, for the cost of the QEMU backend (the create times are diagnostics).
B0=$TMP/b0
python3 "$LAB_LIB/mkimage.py" bundle "$B0" /bin/true
t0=$(now)
rt_run "$B0" r0; ok $? "runtime: a container without volumes"
diag "create+start+exit without volumes: $(awk "BEGIN {print $(now) - $t0}") s"

# --- the runtime with a hand-written config.json: tmpfs with options, a directory bind, a read-only file bind.
B=$TMP/b1
python3 "$LAB_LIB/mkimage.py" bundle "$B" /bin/sh -c '
  grep " /scratch " /proc/mounts; echo t >/scratch/t && echo tmpfs-write-ok
  cat /data/in; echo "guest wrote" >/data/out; cat /etc/motd
  echo x >/rootfile && echo root-is-writable
  echo x >/etc/motd || echo file-bind-is-readonly'
echo "motd from the host" >"$TMP/motd"
cfg "$B" "c['mounts'] = [
  {'destination': '/scratch', 'type': 'tmpfs', 'source': 'tmpfs', 'options': ['nosuid', 'nodev', 'size=1m', 'mode=1777']},
  {'destination': '/data', 'type': 'bind', 'source': '$V', 'options': ['rbind', 'rw']},
  {'destination': '/etc/motd', 'type': 'bind', 'source': '$TMP/motd', 'options': ['rbind', 'ro']}]"
t0=$(now)
rt_run "$B" r1; ok $? "runtime: create/start/exit with a tmpfs, a 9p volume and a file bind"
out=$(cat "$TMP/r1.out")
like "$out" "tmpfs /scratch tmpfs rw,nosuid,nodev,relatime,size=1024k" "config.json tmpfs: size and flags applied"
like "$out" "tmpfs-write-ok" "the tmpfs is writable"
like "$out" "from the host" "the container reads the host directory"
is "$(cat "$V/out" 2>/dev/null)" "guest wrote" "the host sees the file the container wrote"
is "$(stat -c %u:%g "$V/out" 2>/dev/null)" "0:0" "... owned by the container's uid/gid (0:0)"
like "$out" "motd from the host" "a file bind carries the host file's content"
like "$out" "root-is-writable" "the root stays writable"
like "$out" "file-bind-is-readonly" "a read-only file bind cannot be written"
is "$(cat "$TMP/motd")" "motd from the host" "the host file is unchanged"
grep -qx r1 "$TMP/qemu-logs" 2>/dev/null && [ ! -e /var/log/xen/qemu-dm-vxn-r1.log ]
ok $? "libxl logged the container's QEMU to qemu-dm-vxn-r1.log, and delete removed it"
clean "runtime volumes" "$ROOT"

diag "create+start+exit with a 9p volume: $(awk "BEGIN {print $(now) - $t0}") s"

# Bad input: nothing is left (no domain, no QEMU, no state).
cfg "$B0" "c['mounts'] = [{'destination': '/x', 'type': 'bind', 'source': '$TMP/nonexistent'}]"
R create --bundle "$B0" bad1 </dev/null 2>"$TMP/err"; [ $? -ne 0 ]; ok $? "a missing bind source fails create"
like "$(cat "$TMP/err")" "nonexistent" "... naming it"
cfg "$B0" "c['mounts'] = [{'destination': '/x', 'type': 'nfs', 'source': 'h:/e'}]"
R create --bundle "$B0" bad2 </dev/null 2>"$TMP/err"; [ $? -ne 0 ]; ok $? "an unsupported mount type fails create"
like "$(cat "$TMP/err")" "not supported" "... saying so"
clean "bad mounts" "$ROOT"
# A mount point the guest cannot make (a file in the way): the container fails with the reason, QEMU goes too.
cfg "$B0" "c['mounts'] = [{'destination': '/bin/busybox/x', 'type': 'bind', 'source': '$V'}]"
R create --bundle "$B0" --pid-file "$TMP/bad3.pid" bad3 </dev/null >/dev/null 2>"$TMP/bad3.err"
ok $? "create with an impossible mount point succeeds (the guest finds out)"
wait_exit "$(cat "$TMP/bad3.pid")" 180; ok $? "... and the monitor exits by itself"
is "$(R state bad3 | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')" "stopped" "... stopped"
like "$(cat "$TMP/bad3.err")" "mount point /bin/busybox/x" "the reason is reported on stderr"
R delete bad3; ok $? "delete"
clean "guest mount failure" "$ROOT"
# A symlink in the image cannot lead a mount outside the container's root: /escape -> / resolves inside it.
B2=$TMP/b2
python3 "$LAB_LIB/mkimage.py" bundle "$B2" /bin/sh -c 'ls /escape/data/in /data/in
  echo x >/x || echo root-is-readonly; echo rw >/data/rw && echo volume-is-writable'
ln -s / "$B2/rootfs/escape"
mkdir "$B2/rootfs/data"
cfg "$B2" "c['root']['readonly'] = True; c['mounts'] = [{'destination': '/escape/data', 'type': 'bind', 'source': '$V'}]"
rt_run "$B2" r2; ok $? "a destination through an absolute symlink, read-only root"
is "$(cat "$TMP/r2.out" | head -n 2 | tr '\n' ' ')" "/data/in /escape/data/in " "... lands inside the container's root"
like "$(cat "$TMP/r2.out")" "root-is-readonly" "root.readonly: writing to / fails"
like "$(cat "$TMP/r2.out")" "volume-is-writable" "... and writing to the volume works"
is "$(cat "$V/rw" 2>/dev/null)" "rw" "... reaching the host"
clean "symlink destination" "$ROOT"

# --- ctr: --mount rw and ro.
out=$(timeout 300 $CTR --mount "type=bind,src=$V,dst=/data,options=rbind:rw" "$IMG" v1 \
  sh -c 'cat /data/in; echo ctr >/data/ctr' 2>&1); rc=$?
is "$rc" 0 "ctr run with a rw bind mount exits 0"
like "$out" "from the host" "ctr: the container reads the volume"
is "$(cat "$V/ctr" 2>/dev/null)" "ctr" "ctr: the host sees the container's write"
clean "ctr rw" "$CTR_ROOT"
out=$(timeout 300 $CTR --mount "type=bind,src=$V,dst=/data,options=rbind:ro" "$IMG" v2 \
  sh -c 'cat /data/in; echo no >/data/ro' 2>&1); rc=$?
[ "$rc" -ne 0 ]; ok $? "ctr: writing to a ro bind mount fails"
like "$out" "Read-only file system" "... with EROFS"
like "$out" "from the host" "... while reading works"
[ ! -e "$V/ro" ]; ok $? "... and nothing reached the host"
clean "ctr ro" "$CTR_ROOT"

# A long-running container with a volume, killed: domain and QEMU go.
mkfifo "$TMP/out3"
timeout 300 $CTR --mount "type=bind,src=$V,dst=/data,options=rbind:rw" "$IMG" v3 \
  sh -c 'echo ready; exec sleep 1000' >"$TMP/out3" 2>&1 </dev/null &
ctr_pid=$!
exec 3<"$TMP/out3"
read -r -t 300 line <&3
is "$line" "ready" "a container with a volume runs"
pgrep -f "$QEMU" >/dev/null; ok $? "... with its QEMU backend"
ctr task kill -s SIGKILL v3; ok $? "ctr task kill -s SIGKILL"
wait "$ctr_pid"; is "$?" 137 "killed: 137"
exec 3<&-
clean "ctr kill" "$CTR_ROOT"

# --- docker.
DOCKER=/usr/bin/docker
if [ -x /usr/sbin/dockerd ] && [ -x "$DOCKER" ]; then
  DROOT=/run/docker/runtime-runc/moby
  export DOCKER_HOST=unix:///run/vxn-test-docker.sock
  "$VXN_LAB_REPO/lab/sd-notify-run" -t 180 -l "$TMP/dockerd.log" -- /usr/sbin/dockerd \
    --host "$DOCKER_HOST" --containerd /run/containerd/containerd.sock --data-root /var/lib/docker \
    --exec-root /run/docker --pidfile /run/vxn-test-docker.pid --iptables=false --ip-masq=false --bridge=none \
    --storage-driver=overlay2 --add-runtime "vxn=$RUNTIME"
  ok $? "dockerd is up"
  dockerd_pid=$(pidof dockerd)
  python3 "$LAB_LIB/mkimage.py" docker "$TMP/img.tar" vxn-test:latest && $DOCKER load -q -i "$TMP/img.tar" >/dev/null
  RUN="$DOCKER run --rm --runtime=vxn --network=none"
  out=$($RUN -v "$V:/data" -u 1000:1000 vxn-test sh -c \
    'cat /data/in; echo docker >/data/docker; [ "$(cat /etc/hostname)" = "$(hostname)" ] && echo hostname-ok' 2>&1)
  is "$?" 0 "docker run -v exits 0"
  like "$out" "from the host" "docker: the container reads the volume"
  like "$out" "hostname-ok" "docker: /etc/hostname (a file bind) holds the container's hostname"
  is "$(cat "$V/docker" 2>/dev/null)" "docker" "docker: the host sees the container's write"
  is "$(stat -c %u:%g "$V/docker" 2>/dev/null)" "1000:1000" "... owned by -u 1000:1000"
  out=$($RUN -v "$V:/data:ro" vxn-test sh -c 'echo no >/data/dro' 2>&1); rc=$?
  [ "$rc" -ne 0 ]; ok $? "docker: writing to -v ...:ro fails"
  like "$out" "Read-only file system" "... with EROFS"
  out=$($RUN --read-only -v "$V:/data" vxn-test sh -c \
    'echo x >/x 2>/dev/null || echo root-ro; echo rw >/data/rw && echo vol-rw' 2>&1)
  like "$out" "root-ro" "docker --read-only: writing to / fails"
  like "$out" "vol-rw" "... writing to the volume works"
  out=$($RUN --tmpfs /scratch:size=2m vxn-test sh -c 'grep " /scratch " /proc/mounts' 2>&1)
  like "$out" "tmpfs /scratch tmpfs .*size=2048k" "docker --tmpfs: a sized tmpfs"
  kill "$dockerd_pid" && wait_exit "$dockerd_pid" 60
  ok $? "dockerd stopped"
  dockerd_pid=
  unset DOCKER_HOST
  left=""
  for d in "$DROOT"/*; do [ -f "$d/state.json" ] && left="$left $d"; done
  is "$left" "" "docker: no vxn container is left under docker's runtime root (shared with runc)"
  clean "docker"
else
  diag "docker.io is not installed: docker volume tests skipped"
fi

# --- podman.
if command -v podman >/dev/null && command -v conmon >/dev/null; then
  export CONTAINERS_CONF=$TMP/containers.conf
  printf '[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n[containers]\nnetns = "none"\n' \
    >"$CONTAINERS_CONF"
  P="podman --runtime $RUNTIME --storage-driver overlay"
  python3 "$LAB_LIB/mkimage.py" oci "$TMP/img.tar" localhost/vxn-test:latest && $P load -q -i "$TMP/img.tar" >/dev/null
  out=$($P run --rm --network=none -v "$V:/data" localhost/vxn-test:latest sh -c 'cat /data/in; echo podman >/data/podman' 2>&1)
  is "$?" 0 "podman run -v exits 0"
  like "$out" "from the host" "podman: the container reads the volume"
  is "$(cat "$V/podman" 2>/dev/null)" "podman" "podman: the host sees the container's write"
  out=$($P run --rm --network=none -v "$V:/data:ro" localhost/vxn-test:latest sh -c 'echo no >/data/pro' 2>&1); rc=$?
  [ "$rc" -ne 0 ]; ok $? "podman: writing to -v ...:ro fails"
  like "$out" "Read-only file system" "... with EROFS"
  $P rm -a -f >/dev/null 2>&1
  clean "podman" /run/vxn
else
  diag "podman is not installed: podman volume tests skipped"
fi
done_testing
