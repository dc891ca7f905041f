#!/bin/bash
# vxn-oci-runtime driven directly, as runc's callers do: create/state/start/kill/delete, errors, json logs.
. "$(dirname "$0")/lib/common.sh"
ROOT=$TMP/root
B=$TMP/bundle
python3 "$LAB_LIB/mkimage.py" bundle "$B" /bin/sh -c 'echo started; exec sleep 1000'
R () { "$RUNTIME" --root "$ROOT" "$@"; }
status () { R state "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])'; }

R create --bundle "$B" --pid-file "$TMP/pid" --no-pivot --no-new-keyring c1 </dev/null >"$TMP/c1.out" 2>"$TMP/c1.err"
ok $? "create"
[ -s "$TMP/pid" ]; ok $? "create wrote the pid file"
pid=$(cat "$TMP/pid")
is "$(status c1)" "created" "state says created before start"
spid=$(R state c1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])')
is "$spid" "$pid" "state's pid is the pid-file process"
R start c1; ok $? "start"
is "$(status c1)" "running" "state says running after start"
R start c1 2>"$TMP/err"; [ $? -ne 0 ]; ok $? "a second start fails"
like "$(cat "$TMP/err")" "cannot start" "... saying why"
R pause c1; ok $? "pause"
is "$(status c1)" "paused" "state says paused"
R resume c1; ok $? "resume"
is "$(status c1)" "running" "state says running again"
R delete c1 2>"$TMP/err"; [ $? -ne 0 ]; ok $? "delete of a running container without --force fails"
R kill c1 KILL; ok $? "kill KILL"
wait_exit "$pid" 120; ok $? "the monitor exits"
is "$(status c1)" "stopped" "state says stopped after exit"
R kill c1 TERM; ok $? "kill of a stopped container succeeds quietly"
R delete c1; ok $? "delete"
[ ! -e "$ROOT/c1" ]; ok $? "its state directory is gone"
R delete --force c1; ok $? "delete --force is repeatable: a second one succeeds quietly"
R delete c1 2>"$TMP/err"; [ $? -ne 0 ]; ok $? "delete of an unknown id fails"
like "$(cat "$TMP/err")" "does not exist" "... with 'does not exist'"

# A container that ends by itself: stopped once its entrypoint exits, output written to create's stdout.
B2=$TMP/bundle2
python3 "$LAB_LIB/mkimage.py" bundle "$B2" /bin/sh -c 'echo "out $((2 + 3))"; echo err >&2; exit 5'
R create --bundle "$B2" --pid-file "$TMP/pid6" c6 </dev/null >"$TMP/c6.out" 2>"$TMP/c6.err"; ok $? "create c6"
is "$(status c6)" "created" "c6 is created"
R start c6; ok $? "start c6"
wait_exit "$(cat "$TMP/pid6")" 120; ok $? "c6's monitor exits when the entrypoint does"
is "$(status c6)" "stopped" "state says stopped after the entrypoint exited"
is "$(cat "$TMP/c6.out")" "out 5" "stdout went to create's stdout"
is "$(cat "$TMP/c6.err")" "err" "stderr went, separately, to create's stderr"
R delete c6; ok $? "delete c6"

# Errors as JSON: exactly one object in --log.
R --log "$TMP/log.json" --log-format json state nope 2>/dev/null; [ $? -ne 0 ]; ok $? "state of an unknown id fails"
n=$(wc -l <"$TMP/log.json")
is "$n" 1 "--log-format json wrote exactly one line"
python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); assert o["level"]=="error" and "does not exist" in o["msg"] and o["time"]' "$TMP/log.json"
ok $? "... one JSON error object with level, msg and time"

# Bad input loses nothing: path tricks in ids, broken config.json.
R create --bundle "$B" ../evil 2>"$TMP/err"; [ $? -ne 0 ]; ok $? "an id with a path trick is refused"
[ ! -e "$TMP/evil" ]; ok $? "... and nothing was created outside the root"
mkdir -p "$TMP/bad" && ln -s "$B/rootfs" "$TMP/bad/rootfs" && echo '{"ociVersion":"1.0.2","process":{"args":[]}}' >"$TMP/bad/config.json"
R create --bundle "$TMP/bad" c2 2>"$TMP/err"; [ $? -ne 0 ]; ok $? "an invalid config.json is refused"
like "$(cat "$TMP/err")" "process" "... naming the field"
[ ! -e "$ROOT/c2" ]; ok $? "... leaving no state behind"
R create --bundle "$B" --console-socket /tmp/nowhere.sock c3 2>"$TMP/err"; [ $? -ne 0 ]; ok $? "a console socket without process.terminal is refused"
like "$(cat "$TMP/err")" "process.terminal is false" "... saying why"
[ ! -e "$ROOT/c3" ]; ok $? "... leaving no state behind"

# delete --force of a created container, and SIGKILL of the monitor itself: no domain may leak.
R create --bundle "$B" --pid-file "$TMP/pid4" c4 </dev/null >/dev/null 2>&1; ok $? "create c4"
R delete --force c4; ok $? "delete --force of a created container"
R create --bundle "$B" --pid-file "$TMP/pid5" c5 </dev/null >/dev/null 2>&1; ok $? "create c5"
R start c5
kill -9 "$(cat "$TMP/pid5")"; wait_exit "$(cat "$TMP/pid5")" 30
is "$(status c5)" "stopped" "a SIGKILLed monitor reads as stopped"
R delete c5; ok $? "delete after the monitor was SIGKILLed"
assert_clean "runtime verbs" "$ROOT"
done_testing
