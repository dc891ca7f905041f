#!/bin/bash
# containerd end to end: ctr → io.containerd.runc.v2 shim → vxn-oci-runtime → monitor → PV DomU → entrypoint.
. "$(dirname "$0")/lib/common.sh"
setup_image
CTR="ctr run --rm --runc-binary $RUNTIME"

out=$(timeout 180 $CTR "$IMG" t1 /bin/echo "hello  world" 2>&1); rc=$?
is "$out" "hello  world" "ctr run prints exactly 'hello  world'"
is "$rc" 0 "ctr run exits 0"
[ "$rc" = 0 ] || dump_logs "$CTR_ROOT" t1
assert_clean "echo" "$CTR_ROOT"

timeout 180 $CTR "$IMG" t2 /bin/sh -c 'exit 3' </dev/null; rc=$?
is "$rc" 3 "an entrypoint exiting 3 makes ctr run exit 3"
assert_clean "exit 3" "$CTR_ROOT"

# Long-running container killed with SIGKILL: 137, and its domain is gone.
mkfifo "$TMP/out3"
timeout 180 $CTR "$IMG" t3 /bin/sh -c 'echo ready; exec sleep 1000' >"$TMP/out3" 2>&1 </dev/null &
ctr_pid=$!
exec 3<"$TMP/out3"
read -r -t 180 line <&3
is "$line" "ready" "long-running container started"
xl domid vxn-t3 >/dev/null 2>&1; ok $? "its domain vxn-t3 exists"
ctr task kill -s SIGKILL t3; ok $? "ctr task kill -s SIGKILL"
wait "$ctr_pid"; rc=$?
exec 3<&-
is "$rc" 137 "SIGKILL reports 137"
xl domid vxn-t3 >/dev/null 2>&1; [ $? -ne 0 ]; ok $? "domain vxn-t3 is gone"
assert_clean "SIGKILL" "$CTR_ROOT"

# SIGTERM reaches the entrypoint, which traps it and exits 7 (it is PID 1 of its namespace, as under runc).
mkfifo "$TMP/out4"
timeout 180 $CTR "$IMG" t4 /bin/sh -c 'trap "exit 7" TERM; echo ready; sleep 1000 & wait' >"$TMP/out4" 2>&1 </dev/null &
ctr_pid=$!
exec 3<"$TMP/out4"
read -r -t 180 line <&3
is "$line" "ready" "TERM-trapping container started"
ctr task kill t4; ok $? "ctr task kill (SIGTERM)"
wait "$ctr_pid"; rc=$?
exec 3<&-
is "$rc" 7 "the entrypoint's TERM trap exit code 7 comes back"
assert_clean "SIGTERM" "$CTR_ROOT"

# Output is streamed as produced, not at exit; stdin is forwarded (ctr run passes its own stdin).
mkfifo "$TMP/out5" "$TMP/in5"
# Opened read-write first, so neither side blocks in open(2) waiting for the other.
exec 4<>"$TMP/in5" 3<>"$TMP/out5"
timeout 180 $CTR "$IMG" t5 /bin/sh -c 'echo one; read x; echo "two $x"' >"$TMP/out5" 2>&1 <"$TMP/in5" &
ctr_pid=$!
read -r -t 180 line <&3
is "$line" "one" "first line arrives"
st=$("$RUNTIME" --root "$CTR_ROOT" state t5 | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')
is "$st" "running" "... while the container is still running (it waits for stdin)"
echo "go" >&4
exec 4>&-
read -r -t 180 line <&3
is "$line" "two go" "stdin reached the entrypoint, and its answer came back"
wait "$ctr_pid"; is "$?" 0 "streaming container exits 0"
exec 3<&-
assert_clean "streaming" "$CTR_ROOT"

done_testing
