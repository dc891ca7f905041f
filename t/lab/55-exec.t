#!/bin/bash
# exec: more processes in a running container, with their own streams and exit codes, through vxn-oci-runtime
# directly (foreground and --detach with a pid file) and through containerd (ctr task exec/ps/pause/resume).
. "$(dirname "$0")/lib/common.sh"
setup_image
ROOT=$TMP/root
B=$TMP/bundle
python3 "$LAB_LIB/mkimage.py" bundle "$B" /bin/sh -c 'echo started; exec sleep 1000'
R () { "$RUNTIME" --root "$ROOT" "$@"; }
DRIVE="python3 $LAB_LIB/ptydrive.py"

# Run a detached exec under a subreaper, as the shim does, and report the exit status of the pid-file process.
# Usage: detached_status SIGNAL-OR-none OUTFILE RUNTIME-ARGS... (the exec's stdout goes to OUTFILE)
detached_status () {
  python3 - "$@" <<'PY'
import ctypes, os, signal, subprocess, sys
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
sig, out, args = sys.argv[1], sys.argv[2], sys.argv[3:]
pidfile = args[args.index("--pid-file") + 1]
with open(out, "w") as f:
    r = subprocess.run(args, stdout=f)
if r.returncode != 0:
    print("exec-failed", r.returncode); sys.exit(0)
pid = int(open(pidfile).read())
if sig != "none":
    os.kill(pid, getattr(signal, sig))
_, st = os.waitpid(pid, 0)
print(os.waitstatus_to_exitcode(st))
PY
}

R create --bundle "$B" --pid-file "$TMP/pid" c1 </dev/null >"$TMP/c1.out" 2>"$TMP/c1.err"; rc=$?
ok $rc "create"
[ "$rc" = 0 ] || { sed 's/^/# /' "$TMP/c1.err"; dump_logs "$ROOT" c1; }
R start c1; ok $? "start"

out=$(R exec c1 sh -c 'echo out; echo err >&2; exit 3' 2>"$TMP/err" </dev/null); rc=$?
is "$out" "out" "exec: stdout comes back"
is "$(cat "$TMP/err")" "err" "exec: stderr comes back, separately"
is "$rc" 3 "exec: the process's exit code is the runtime's"
out=$(printf 'one\ntwo\n' | R exec c1 cat); rc=$?
is "$out" "$(printf 'one\ntwo')" "exec: stdin is forwarded, with its EOF"
is "$rc" 0 "... and cat exits 0"
out=$(R exec c1 cat /proc/1/cmdline </dev/null | tr '\0' ' ')
like "$out" "^sleep 1000" "exec: the process shares the container's pid namespace (PID 1 is the entrypoint)"
out=$(R exec --env FOO=bar --cwd /tmp --user 1000:1000 c1 sh -c 'echo "$FOO $(pwd) $(id -u):$(id -g)"' </dev/null)
is "$out" "bar /tmp 1000:1000" "exec --env --cwd --user are applied"
R exec c1 /no/such/program </dev/null 2>"$TMP/err"; rc=$?
[ "$rc" -ne 0 ]; ok $? "exec of a missing program fails"
like "$(cat "$TMP/err")" "no such file or directory" "... with runc's words"
R exec c1 nosuchprogram </dev/null 2>"$TMP/err"
like "$(cat "$TMP/err")" "executable file not found in \\\$PATH" "a missing command in PATH: 'executable file not found in \$PATH'"
big=$(head -c 300000 /dev/zero | tr '\0' x)
out=$(R exec c1 sh -c 'head -c 300000 /dev/zero | tr "\0" x' </dev/null)
[ "$out" = "$big" ]; ok $? "exec: 300 kB of output arrive intact"

# --process FILE --detach --pid-file, as the shim and conmon call it.
cat >"$TMP/proc.json" <<'JSON'
{"args": ["sh", "-c", "echo detached-out; exit 6"], "env": ["PATH=/bin:/usr/bin"], "cwd": "/", "user": {"uid": 0, "gid": 0}}
JSON
st=$(detached_status none "$TMP/dout" "$RUNTIME" --root "$ROOT" exec --process "$TMP/proc.json" --detach \
  --pid-file "$TMP/epid" c1 </dev/null 2>"$TMP/err")
is "$st" 6 "exec --detach: the pid-file process exits with the process's status"
is "$(cat "$TMP/dout")" "detached-out" "... and its output reached the caller's stdout"
cat >"$TMP/proc2.json" <<'JSON'
{"args": ["sh", "-c", "trap 'exit 9' TERM; sleep 1000 & wait"], "env": ["PATH=/bin:/usr/bin"], "cwd": "/"}
JSON
st=$(detached_status SIGTERM /dev/null "$RUNTIME" --root "$ROOT" exec --process "$TMP/proc2.json" --detach \
  --pid-file "$TMP/epid2" c1 </dev/null 2>/dev/null)
is "$st" 9 "a signal sent to the pid-file process reaches the exec'd process"

# update and events: the domain's memory target and vCPUs, its statistics in runc's shape.
domid=$(R state c1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["org.vxn.domid"])')
R update --memory 134217728 c1; ok $? "update --memory 128 MiB"
is "$(xenstore-read "/local/domain/$domid/memory/target")" 131072 "... sets the domain's memory target"
echo '{"memory": {"limit": 100663296, "swap": 200000000}, "cpu": {"shares": 1024}, "pids": {"limit": 50}}' |
  R update --resources - c1; ok $? "update --resources - (a LinuxResources object on stdin)"
is "$(xenstore-read "/local/domain/$domid/memory/target")" 98304 "... memory.limit becomes the target"
R update --memory 999999999999 c1 2>"$TMP/err"; [ $? -ne 0 ]; ok $? "update above the domain's maximum fails"
like "$(cat "$TMP/err")" "maximum" "... saying why"
R update --cpu-quota 300000 --cpu-period 100000 c1 2>"$TMP/err"; [ $? -ne 0 ]; ok $? "update to more vCPUs than created fails"
like "$(cat "$TMP/err")" "created with 1" "... saying how many it has"
R update --pids-limit 10 c1 2>"$TMP/err"; [ $? -ne 0 ]; ok $? "update --pids-limit is refused"
like "$(cat "$TMP/err")" "pids-limit is a cgroup control" "... naming the flag"
R events --stats c1 >"$TMP/stats"; ok $? "events --stats"
python3 -c '
import json, sys
o = json.load(open(sys.argv[1]))
d = o["data"]
assert o["type"] == "stats" and o["id"] == "c1"
assert d["cpu"]["usage"]["total"] > 0 and len(d["cpu"]["usage"]["percpu"]) == 1
assert d["memory"]["usage"]["usage"] > 0 and d["memory"]["usage"]["limit"] >= d["memory"]["usage"]["usage"]
' "$TMP/stats"; ok $? "... one stats object: CPU time and memory in runc's shape"

# OOM: an exec'd process that eats the guest's memory is OOM-killed there (137), and `events` streams runc's oom
# event as the guest reports it (the domain's memory is 96 MiB after the updates above).
R events --interval 10m c1 >"$TMP/events" 2>&1 &
events_pid=$!
wait_line '"type":"stats"' 60 tail -f "$TMP/events"; ok $? "events (streaming) printed its first stats"
R exec c1 sh -c 'tail /dev/zero' </dev/null >/dev/null 2>&1; rc=$?
is "$rc" 137 "an exec'd process exhausting the guest's memory is OOM-killed: 137"
wait_line '{"type":"oom","id":"c1"}' 60 tail -f "$TMP/events"; ok $? "events streams runc's oom event"
kill "$events_pid"; wait "$events_pid" 2>/dev/null
like "$(R exec c1 echo still-here </dev/null)" "still-here" "the container survives the OOM kill of one process"
like "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["oom_kills"])' "$ROOT/c1/state.json")" \
  '^[1-9]' "the state file counts the OOM kill"

R pause c1; ok $? "pause"
R exec c1 true </dev/null 2>"$TMP/err"; [ $? -ne 0 ]; ok $? "exec in a paused container fails"
like "$(cat "$TMP/err")" "paused" "... saying it is paused"
R resume c1; ok $? "resume"
R kill c1 KILL; ok $? "kill"
wait_exit "$(cat "$TMP/pid")" 120
R exec c1 true </dev/null 2>"$TMP/err"; [ $? -ne 0 ]; ok $? "exec in a stopped container fails"
like "$(cat "$TMP/err")" "stopped" "... saying it is stopped"
R delete c1; ok $? "delete"
assert_clean "runtime exec" "$ROOT"

# containerd: ctr task exec (plain and -t), ps, pause/resume.
CTR="ctr run -d --runc-binary $RUNTIME"
$CTR "$IMG" e1 /bin/sh -c 'exec sleep 1000' >/dev/null; ok $? "ctr run -d"
out=$(timeout 180 ctr task exec --exec-id x1 e1 sh -c 'echo via-ctr; exit 4' </dev/null); rc=$?
is "$out" "via-ctr" "ctr task exec: output"
is "$rc" 4 "ctr task exec: exit code 4"
out=$(echo "ctr stdin" | timeout 180 ctr task exec --exec-id x2 e1 cat)
is "$out" "ctr stdin" "ctr task exec: stdin"
# ctr sizes an exec's terminal only after it started (so does runc's caller): wait for a size change, which is
# the caller's size or the resize that follows.
out=$($DRIVE 27 91 180 --expect ready --resize 40 120 -- ctr task exec -t --exec-id x3 e1 \
  sh -c '[ -t 0 ] && echo is-a-tty; trap "stty size; exit 0" WINCH; echo ready; sleep 1000 & wait' | tr -d '\r')
like "$out" "is-a-tty" "ctr task exec -t: a terminal inside"
like "$out" "(27 91|40 120)" "... whose size changes reach the process"
ctr task ps e1 >"$TMP/ps"; ok $? "ctr task ps"
like "$(cat "$TMP/ps")" "[0-9]" "... lists a pid"
ctr task pause e1; ok $? "ctr task pause"
like "$(ctr task ls | grep e1)" "PAUSED" "ctr says PAUSED"
ctr task resume e1; ok $? "ctr task resume"
like "$(ctr task ls | grep e1)" "RUNNING" "ctr says RUNNING"
ctr task kill -s SIGKILL e1; ok $? "ctr task kill"
ctr task rm -f e1 >/dev/null 2>&1
ctr container rm e1; ok $? "ctr container rm"
assert_clean "ctr exec" "$CTR_ROOT"
done_testing
