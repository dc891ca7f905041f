#!/bin/bash
# podman 4.3 + conmon with vxn as the OCI runtime (--runtime): conmon reaps the monitor and reads its status.
. "$(dirname "$0")/lib/common.sh"
command -v podman >/dev/null && command -v conmon >/dev/null || { echo "1..0 # SKIP podman is not installed"; exit 0; }
# No systemd in the lab's Dom0: cgroupfs and file events; storage on the tmpfs /var/lib/containers.
export CONTAINERS_CONF=$TMP/containers.conf
cat >"$CONTAINERS_CONF" <<CONF
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
runtime_supports_json = ["vxn-oci-runtime", "crun", "runc"]
[containers]
netns = "none"
CONF
P="podman --runtime $RUNTIME --storage-driver overlay"
python3 "$LAB_LIB/mkimage.py" oci "$TMP/img.tar" localhost/vxn-test:latest && $P load -q -i "$TMP/img.tar" >/dev/null
ok $? "podman load of the test image"
IMG=localhost/vxn-test:latest
RUN="$P run --network=none"

out=$($RUN --rm "$IMG" echo "hello  podman" 2>&1); rc=$?
is "$out" "hello  podman" "podman run prints the container's output"
is "$rc" 0 "... and exits 0"
$RUN --rm "$IMG" sh -c 'exit 3'; is "$?" 3 "exit code 3 passes through conmon and podman"
out=$($RUN --rm -e FOO=bar -w /tmp -u 1000:1000 "$IMG" sh -c 'echo "$FOO $(pwd) $(id -u):$(id -g)"' 2>&1)
is "$out" "bar /tmp 1000:1000" "-e, -w and -u are seen inside the container"
# linux.resources: -m sizes the domain's memory, --cpus its vCPUs (ceil(quota / period)).
out=$($RUN --rm -m 160m --cpus 2 --shm-size 100m "$IMG" sh -c 'nproc; sed -n "s/^MemTotal: *\([0-9]*\) kB/\1/p" /proc/meminfo
  df -k /dev/shm | tail -1 | tr -s " " | cut -d" " -f2' 2>"$TMP/err")
is "$(echo "$out" | head -1)" 2 "--cpus 2 gives the domain 2 vCPUs"
kb=$(echo "$out" | sed -n 2p)
[ -n "$kb" ] && [ "$kb" -le 163840 ] && [ "$kb" -gt 100000 ]; ok $? "-m 160m sizes the domain (MemTotal ${kb:-?} kB)"
is "$(echo "$out" | sed -n 3p)" 102400 "--shm-size 100m sizes the guest's /dev/shm"
out=$(echo "piped in" | $RUN --rm -i "$IMG" cat 2>&1)
is "$out" "piped in" "-i forwards piped stdin"
out=$(python3 "$LAB_LIB/ptydrive.py" 31 77 180 -- $RUN --rm -it "$IMG" sh -c '[ -t 0 ] && echo tty; stty size' | tr -d '\r')
like "$out" "tty" "-it gives the container a terminal (pty over conmon's console socket)"
like "$out" "31 77" "... of the caller's size"

$RUN -d --name p1 "$IMG" sh -c 'trap "" TERM; echo ready; while :; do sleep 1; done' >/dev/null
ok $? "podman run -d"
wait_line ready 180 $P logs -f p1; ok $? "podman logs -f"
$P stop -t 2 p1 >/dev/null; ok $? "podman stop -t 2"
is "$($P inspect -f '{{.State.ExitCode}}' p1)" 137 "SIGTERM ignored: killed after the timeout, 137"
$P rm p1 >/dev/null; ok $? "podman rm"

# podman exec: conmon runs `exec --detach --pid-file --process` and reaps the exec proxy.
$RUN -d --name px "$IMG" sleep 1000 >/dev/null; ok $? "podman run -d (for exec)"
out=$($P exec px sh -c 'echo in-exec; echo to-err >&2' 2>"$TMP/xerr"); rc=$?
is "$out" "in-exec" "podman exec: stdout"
is "$(cat "$TMP/xerr")" "to-err" "podman exec: stderr, separately"
$P exec px sh -c 'exit 3'; is "$?" 3 "podman exec: exit code 3"
out=$(echo "exec stdin" | $P exec -i px cat); is "$out" "exec stdin" "podman exec -i: piped stdin"
# podman sizes an exec's terminal after it started: wait for that size change (or the resize that follows).
out=$(python3 "$LAB_LIB/ptydrive.py" 26 82 180 --expect ready --resize 42 122 -- $P exec -it px \
  sh -c '[ -t 0 ] && echo tty; trap "stty size; exit 0" WINCH; echo ready; sleep 1000 & wait' | tr -d '\r')
like "$out" "tty" "podman exec -it: a terminal inside"
like "$out" "(26 82|42 122)" "... whose size changes reach the process"
$P exec px nosuchprogram >"$TMP/xerr" 2>&1; rc=$?
[ "$rc" = 126 ] || [ "$rc" = 127 ]; ok $? "podman exec of a missing program: 126/127 (got $rc)"
like "$(cat "$TMP/xerr")" "executable file not found" "... with vxn's message"
$P rm -f px >/dev/null; ok $? "podman rm -f"

# An error from vxn-oci-runtime reaches the user through conmon and podman.
out=$($RUN --rm --annotation org.vxn.kernel=/nonexistent/vmlinux "$IMG" true 2>&1); rc=$?
[ "$rc" -ne 0 ]; ok $? "a failing create fails podman run"
like "$out" "guest kernel .*/nonexistent/vmlinux" "podman prints vxn's error message"
out=$($RUN --rm --annotation org.vxn.memory=lots "$IMG" true 2>&1)
like "$out" "org.vxn.memory must be a number" "a malformed annotation is named in podman's error"
$P rm -a -f >/dev/null 2>&1
assert_clean "podman" /run/vxn
done_testing
