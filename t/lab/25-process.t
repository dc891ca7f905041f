#!/bin/bash
# The process fields applied inside the guest: capabilities, rlimits, noNewPrivileges, user.umask, oomScoreAdj,
# uid/gid/groups; the security fields accepted and ignored; refusals; and docker's flags for the same things.
# Each container reports what it got from /proc/self (status, limits, oom_score_adj), umask and id.
. "$(dirname "$0")/lib/common.sh"
ROOT=$TMP/root
BASE=$TMP/base
python3 "$LAB_LIB/mkimage.py" bundle "$BASE" /bin/true
R () { "$RUNTIME" --root "$ROOT" "$@"; }

PROBE='for k in CapInh CapPrm CapEff CapBnd CapAmb NoNewPrivs; do grep "^$k:" /proc/self/status; done | tr -s "\t" " "
echo "umask $(umask)"; echo "ids $(id -u) $(id -g) $(id -G)"; echo "oom $(cat /proc/self/oom_score_adj)"
grep -E "^Max (open files|core file size)" /proc/self/limits | tr -s " " | sed "s/ $//"'

# variant DIR PROCESS-KEYS TOP-KEYS: the base bundle's config.json running $PROBE, with these keys merged into
# "process" and into the top level (JSON objects).
variant () {
  mkdir -p "$1"
  python3 - "$BASE" "$1" "$2" "$3" "$PROBE" <<'PY'
import json, os, sys
base, out, proc, top, probe = sys.argv[1:6]
c = json.load(open(os.path.join(base, "config.json")))
c["root"]["path"] = os.path.join(base, "rootfs")
c["process"]["args"] = ["/bin/sh", "-c", probe]
c["process"].update(json.loads(proc))
c.update(json.loads(top))
json.dump(c, open(os.path.join(out, "config.json"), "w"))
PY
}

# run_bundle ID DIR: create, start, wait for the end, delete. Output in $TMP/ID.out and $TMP/ID.err.
run_bundle () {
  local id=$1 rc=0
  R create --bundle "$2" --pid-file "$TMP/$id.pid" "$id" </dev/null >"$TMP/$id.out" 2>"$TMP/$id.err" || return 1
  R start "$id" || rc=1
  wait_exit "$(cat "$TMP/$id.pid")" 300 || rc=1
  [ "$rc" = 0 ] || dump_logs "$ROOT" "$id"
  R delete --force "$id" || rc=1
  return $rc
}
got () { sed -n "s/^$1 //p" "$TMP/$2.out"; } # got KEY ID: the value the probe printed for KEY

last_cap=$(cat /proc/sys/kernel/cap_last_cap) # Dom0 runs the guest's kernel
ALL=$(printf '%016x' $(((1 << (last_cap + 1)) - 1)))

# 1. root, with a capabilities object, no_new_privs, umask, oom_score_adj, rlimits; plus the ignored fields.
variant "$TMP/b1" '{"capabilities":{"bounding":["CAP_CHOWN","CAP_KILL","CAP_NET_BIND_SERVICE"],
  "effective":["CAP_KILL","CAP_NET_BIND_SERVICE"],"permitted":["CAP_KILL","CAP_NET_BIND_SERVICE"],"inheritable":[]},
  "noNewPrivileges":true,"user":{"uid":0,"gid":0,"umask":23},"oomScoreAdj":500,
  "rlimits":[{"type":"RLIMIT_NOFILE","soft":100,"hard":200},{"type":"RLIMIT_CORE","soft":0,"hard":18446744073709551615}],
  "apparmorProfile":"docker-default","selinuxLabel":"system_u:system_r:container_t:s0"}' \
  '{"linux":{"seccomp":{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[]}}}'
run_bundle p1 "$TMP/b1"; ok $? "root with capabilities, rlimits, umask, oomScoreAdj, noNewPrivileges runs"
is "$(got CapBnd: p1)" 0000000000000421 "p1: bounding set is CHOWN, KILL, NET_BIND_SERVICE"
# exec as root makes permitted = bounding, but no_new_privs caps it at what the process had: KILL, NET_BIND_SERVICE.
is "$(got CapPrm: p1)" 0000000000000420 "p1: permitted is KILL, NET_BIND_SERVICE (no_new_privs keeps CHOWN out)"
is "$(got CapEff: p1)" 0000000000000420 "p1: effective likewise"
is "$(got CapInh: p1)" 0000000000000000 "p1: inheritable is empty"
is "$(got CapAmb: p1)" 0000000000000000 "p1: ambient is empty"
is "$(got NoNewPrivs: p1)" 1 "p1: NoNewPrivs is set"
is "$(got umask p1)" 0027 "p1: umask 0027"
is "$(got ids p1)" "0 0 0" "p1: uid, gid, groups 0"
is "$(got oom p1)" 500 "p1: oom_score_adj 500"
is "$(got 'Max open files' p1)" "100 200 files" "p1: RLIMIT_NOFILE 100/200"
is "$(got 'Max core file size' p1)" "0 unlimited bytes" "p1: RLIMIT_CORE 0/unlimited"
like "$(cat "$TMP/p1.err")" "process.apparmorProfile.*process.selinuxLabel.*linux.seccomp.*ignored" \
  "p1: create warns that apparmorProfile, selinuxLabel and seccomp are ignored"
assert_clean "p1" "$ROOT"

# 2. another uid, groups, ambient capabilities; an ambient one not permitted and inheritable is skipped.
variant "$TMP/b2" '{"capabilities":{"bounding":["CAP_CHOWN","CAP_KILL","CAP_NET_BIND_SERVICE"],
  "effective":["CAP_KILL","CAP_NET_BIND_SERVICE"],"permitted":["CAP_KILL","CAP_NET_BIND_SERVICE"],
  "inheritable":["CAP_KILL","CAP_NET_BIND_SERVICE"],"ambient":["CAP_NET_BIND_SERVICE","CAP_CHOWN"]},
  "user":{"uid":1000,"gid":1000,"additionalGids":[10,20]},
  "rlimits":[{"type":"RLIMIT_NOFILE","soft":2000000,"hard":2000000}]}' '{}'
run_bundle p2 "$TMP/b2"; ok $? "uid 1000 with ambient capabilities runs"
is "$(got 'Max open files' p2)" "2000000 2000000 files" "p2: RLIMIT_NOFILE above the guest's default nr_open"
is "$(got ids p2)" "1000 1000 1000 10 20" "p2: uid 1000, gid 1000, groups 1000 10 20"
is "$(got CapBnd: p2)" 0000000000000421 "p2: bounding set"
is "$(got CapInh: p2)" 0000000000000420 "p2: inheritable KILL, NET_BIND_SERVICE"
is "$(got CapAmb: p2)" 0000000000000400 "p2: ambient NET_BIND_SERVICE (CHOWN, not permitted, skipped)"
is "$(got CapPrm: p2)" 0000000000000400 "p2: permitted after exec = ambient"
is "$(got CapEff: p2)" 0000000000000400 "p2: effective after exec = ambient"
is "$(got NoNewPrivs: p2)" 0 "p2: NoNewPrivs not set"
is "$(got umask p2)" 0022 "p2: default umask 0022"
is "$(got oom p2)" 0 "p2: oom_score_adj 0"
assert_clean "p2" "$ROOT"

# 3. No capabilities object: root keeps every capability, as before.
variant "$TMP/b3" '{}' '{}'
run_bundle p3 "$TMP/b3"; ok $? "root without a capabilities object runs"
is "$(got CapBnd: p3)" "$ALL" "p3: full bounding set"
is "$(got CapEff: p3)" "$ALL" "p3: every capability effective"
assert_clean "p3" "$ROOT"

# 4. Refused by create, naming the field, leaving nothing behind; and a limit the guest kernel refuses.
variant "$TMP/b4" '{"capabilities":{"bounding":["CAP_CHOWN","CAP_BOGUS"]}}' '{}'
R create --bundle "$TMP/b4" p4 </dev/null >/dev/null 2>"$TMP/err"; [ $? -ne 0 ]; ok $? "an unknown capability is refused"
like "$(cat "$TMP/err")" "process.capabilities.bounding\[1\].*CAP_BOGUS" "... naming the field and the name"
variant "$TMP/b5" '{"rlimits":[{"type":"RLIMIT_BOGUS","soft":1,"hard":1}]}' '{}'
R create --bundle "$TMP/b5" p5 </dev/null >/dev/null 2>"$TMP/err"; [ $? -ne 0 ]; ok $? "an unknown rlimit type is refused"
like "$(cat "$TMP/err")" "process.rlimits\[0\].type.*RLIMIT_BOGUS" "... naming the field and the type"
variant "$TMP/b6" '{"rlimits":[{"type":"RLIMIT_NOFILE","soft":1024,"hard":4294967296}]}' '{}'
run_bundle p6 "$TMP/b6"; ok $? "a container whose RLIMIT_NOFILE is above the kernel's maximum is run"
is "$(cat "$TMP/p6.out")" "" "p6: its entrypoint never ran"
like "$(cat "$TMP/p6.err")" "vxn-init: setrlimit RLIMIT_NOFILE .*Operation not permitted" "p6: the reason is on its stderr"
like "$(R features)" '"CAP_NET_BIND_SERVICE"' "features lists the capabilities"
assert_clean "refusals" "$ROOT"

# linux.maskedPaths and readonlyPaths, applied as runc does once /proc is mounted: a masked directory is empty,
# a masked file reads as /dev/null, a read-only path refuses writes; a path that does not exist is skipped.
mkdir -p "$TMP/b7"
python3 - "$BASE" "$TMP/b7" <<'PY'
import json, os, sys
base, out = sys.argv[1:3]
c = json.load(open(os.path.join(base, "config.json")))
c["root"]["path"] = os.path.join(base, "rootfs")
c["process"]["args"] = ["/bin/sh", "-c", "echo etc $(ls -A /etc | wc -l); echo kcore $(head -c 10 /proc/kcore | wc -c);"
  "touch /tmp/x 2>/dev/null && echo tmp writable || echo tmp read-only;"
  "echo 1 2>/dev/null >/proc/sys/vm/drop_caches && echo sys writable || echo sys read-only"]
c.setdefault("linux", {})["maskedPaths"] = ["/etc", "/proc/kcore", "/no/such/path"]
c["linux"]["readonlyPaths"] = ["/tmp", "/proc/sys", "/no/such/dir"]
json.dump(c, open(os.path.join(out, "config.json"), "w"))
PY
run_bundle p7 "$TMP/b7"; ok $? "a container with maskedPaths and readonlyPaths runs (missing paths skipped)"
is "$(tr '\n' ' ' <"$TMP/p7.out")" "etc 0 kcore 0 tmp read-only sys read-only " \
  "masked /etc is empty, masked /proc/kcore reads nothing, /tmp and /proc/sys are read-only"
variant "$TMP/b8" '{}' '{"linux":{"maskedPaths":["/proc/../etc"]}}'
R create --bundle "$TMP/b8" p8 </dev/null >/dev/null 2>"$TMP/err"; [ $? -ne 0 ]; ok $? "a masked path with .. is refused"
like "$(cat "$TMP/err")" "linux.maskedPaths\[0\]" "... naming it"
assert_clean "masked and read-only paths" "$ROOT"

# 5. docker's flags for the same fields.
if have_docker; then
  start_dockerd
  timeout 900 $DOCKER run --rm --runtime=vxn --network=none --cap-drop ALL --cap-add NET_BIND_SERVICE \
    --ulimit nofile=123:456 --security-opt no-new-privileges vxn-test sh -c "$PROBE" >"$TMP/d1.out" 2>"$TMP/d1.err"
  ok $? "docker run --cap-drop ALL --cap-add NET_BIND_SERVICE --ulimit nofile=123:456 --security-opt no-new-privileges"
  [ -s "$TMP/d1.err" ] && sed 's/^/# /' "$TMP/d1.err"
  is "$(got CapBnd: d1)" 0000000000000400 "docker: bounding set NET_BIND_SERVICE"
  is "$(got CapEff: d1)" 0000000000000400 "docker: effective NET_BIND_SERVICE"
  is "$(got CapPrm: d1)" 0000000000000400 "docker: permitted NET_BIND_SERVICE"
  is "$(got NoNewPrivs: d1)" 1 "docker: NoNewPrivs"
  is "$(got 'Max open files' d1)" "123 456 files" "docker: RLIMIT_NOFILE 123/456"
  stop_dockerd
  assert_clean "docker"
else
  diag "docker.io is not installed: docker checks skipped"
fi
done_testing
