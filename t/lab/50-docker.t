#!/bin/bash
# dockerd 20.10 with vxn as a named runtime (--add-runtime): docker's own runc shim drives vxn-oci-runtime.
. "$(dirname "$0")/lib/common.sh"
have_docker || { echo "1..0 # SKIP docker.io is not installed"; exit 0; }
start_dockerd
RUN="$DOCKER run --runtime=vxn --network=none"

out=$($RUN --rm vxn-test echo "hello  docker" 2>&1); rc=$?
is "$out" "hello  docker" "docker run prints the container's output"
is "$rc" 0 "... and exits 0"
$RUN --rm vxn-test sh -c 'exit 3'; is "$?" 3 "exit code 3 passes through docker"
out=$($RUN --rm -e FOO=bar -w /tmp -u 1000:1000 vxn-test sh -c 'echo "$FOO $(pwd) $(id -u):$(id -g)"' 2>&1)
is "$out" "bar /tmp 1000:1000" "-e, -w and -u are seen inside the container"
# linux.resources: -m sizes the domain's memory, --cpus its vCPUs (ceil(quota / period)).
out=$($RUN --rm -m 160m --cpus 2 --shm-size 100m vxn-test sh -c 'nproc; sed -n "s/^MemTotal: *\([0-9]*\) kB/\1/p" /proc/meminfo
  df -k /dev/shm | tail -1 | tr -s " " | cut -d" " -f2' 2>"$TMP/err")
is "$(echo "$out" | head -1)" 2 "--cpus 2 gives the domain 2 vCPUs"
kb=$(echo "$out" | sed -n 2p)
[ -n "$kb" ] && [ "$kb" -le 163840 ] && [ "$kb" -gt 100000 ]; ok $? "-m 160m sizes the domain (MemTotal ${kb:-?} kB)"
is "$(echo "$out" | sed -n 3p)" 102400 "--shm-size 100m sizes the guest's /dev/shm"
# docker's default maskedPaths and readonlyPaths reach the guest.
out=$($RUN --rm vxn-test sh -c 'head -c 10 /proc/kcore | wc -c; echo 1 2>/dev/null >/proc/sys/vm/drop_caches && echo writable || echo read-only' 2>&1)
is "$(echo $out)" "0 read-only" "docker's masked /proc/kcore reads nothing and its read-only /proc/sys refuses writes"
out=$(echo "piped in" | $RUN --rm -i vxn-test cat 2>&1)
is "$out" "piped in" "-i forwards piped stdin, with its EOF"
out=$(python3 "$LAB_LIB/ptydrive.py" 33 90 180 -- $RUN --rm -it vxn-test sh -c '[ -t 0 ] && echo tty; stty size' | tr -d '\r')
like "$out" "tty" "-it gives the container a terminal"
like "$out" "33 90" "... of the caller's size"

# docker stop of an entrypoint that ignores SIGTERM: SIGKILL after the timeout, 137.
$RUN -d --name s1 vxn-test sh -c 'trap "" TERM; echo ready; while :; do sleep 1; done' >/dev/null
ok $? "docker run -d"
wait_line ready 180 $DOCKER logs -f s1; ok $? "docker logs -f shows its output"
$DOCKER stop -t 2 s1 >/dev/null; ok $? "docker stop -t 2"
is "$($DOCKER inspect -f '{{.State.ExitCode}}' s1)" 137 "an entrypoint ignoring SIGTERM is killed: 137"
like "$($DOCKER logs s1 2>&1)" "ready" "docker logs after exit"
$DOCKER rm s1 >/dev/null; ok $? "docker rm"

# pause and unpause.
$RUN -d --name s2 vxn-test sh -c 'echo ready; exec sleep 1000' >/dev/null
wait_line ready 180 $DOCKER logs -f s2; ok $? "s2 runs"
$DOCKER pause s2 >/dev/null; ok $? "docker pause"
is "$($DOCKER inspect -f '{{.State.Status}}' s2)" "paused" "docker says paused"
is "$("$RUNTIME" --root "$DROOT" state "$($DOCKER inspect -f '{{.Id}}' s2)" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')" \
  "paused" "the runtime says paused"
$DOCKER unpause s2 >/dev/null; ok $? "docker unpause"
is "$($DOCKER inspect -f '{{.State.Status}}' s2)" "running" "docker says running"
$DOCKER kill s2 >/dev/null; ok $? "docker kill"
timeout 120 $DOCKER wait s2 >/dev/null
is "$($DOCKER inspect -f '{{.State.ExitCode}}' s2)" 137 "docker kill: 137"
$DOCKER rm s2 >/dev/null

# docker exec: the shim runs `exec --detach --pid-file --process` and reaps the exec proxy for the status.
$RUN -d --name x1 vxn-test sleep 1000 >/dev/null; ok $? "docker run -d (for exec)"
out=$($DOCKER exec x1 sh -c 'echo in-exec; echo to-err >&2' 2>"$TMP/xerr"); rc=$?
is "$out" "in-exec" "docker exec: stdout"
is "$(cat "$TMP/xerr")" "to-err" "docker exec: stderr, separately"
is "$rc" 0 "docker exec: exit 0"
$DOCKER exec x1 sh -c 'exit 3'; is "$?" 3 "docker exec: exit code 3"
out=$(echo "exec stdin" | $DOCKER exec -i x1 cat); is "$out" "exec stdin" "docker exec -i: piped stdin, with EOF"
out=$($DOCKER exec -e FOO=bar -w /tmp -u 1000:1000 x1 sh -c 'echo "$FOO $(pwd) $(id -u):$(id -g)"')
is "$out" "bar /tmp 1000:1000" "docker exec -e -w -u"
# docker sizes an exec's terminal after it started: wait for that size change (or the resize that follows).
out=$(python3 "$LAB_LIB/ptydrive.py" 25 81 180 --expect ready --resize 41 121 -- $DOCKER exec -it x1 \
  sh -c '[ -t 0 ] && echo tty; trap "stty size; exit 0" WINCH; echo ready; sleep 1000 & wait' | tr -d '\r')
like "$out" "tty" "docker exec -it: a terminal inside"
like "$out" "(25 81|41 121)" "... whose size changes reach the process"
$DOCKER exec x1 nosuchprogram >"$TMP/xerr" 2>&1; rc=$? # docker 20.10 prints this error on stdout
[ "$rc" = 126 ] || [ "$rc" = 127 ]; ok $? "docker exec of a missing program: 126/127 (got $rc)"
like "$(cat "$TMP/xerr")" "executable file not found" "... with runc's message"
$DOCKER rm -f x1 >/dev/null; ok $? "docker rm -f"

stop_dockerd
assert_clean "docker"
done_testing
