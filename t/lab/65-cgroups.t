#!/bin/bash
# The monitor's cgroup under cgroupfs (the lab's default Dom0 has no systemd): linux.cgroupsPath honoured as runc
# does, what delete removes, bad paths refused, and what `ctr task metrics`, `docker stats` and `podman stats` read
# from it. The systemd scope (--systemd-cgroup) is tested in a Dom0 that boots systemd: t/lab/systemd/.
. "$(dirname "$0")/lib/common.sh"
ROOT=$TMP/root
R () { "$RUNTIME" --root "$ROOT" "$@"; }
B=$TMP/bundle
python3 "$LAB_LIB/mkimage.py" bundle "$B" /bin/sh -c 'echo started; exec sleep 1000'
CG=/sys/fs/cgroup

# --- runtime direct: an absolute cgroupsPath ---------------------------------------------------------------
set_cgroups_path "$B" /vxn-test/c1
R create --bundle "$B" --pid-file "$TMP/pid" c1 </dev/null >/dev/null 2>"$TMP/err"
ok $? "create with linux.cgroupsPath /vxn-test/c1"
pid=$(cat "$TMP/pid")
is "$(cgroup_of "$pid")" "/vxn-test/c1" "the monitor (the pid-file process) is in /vxn-test/c1"
n=$(wc -l <"$CG/vxn-test/c1/cgroup.procs")
[ "$n" -ge 2 ]; ok $? "its watchdog is there too ($n processes)"
[ -f "$CG/vxn-test/c1/memory.current" ] && [ -f "$CG/vxn-test/c1/pids.current" ]
ok $? "memory and pids controllers are enabled for it (engines' stats read them)"
is "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["cgroup"])' "$ROOT/c1/state.json")" \
  "/vxn-test/c1" "the state file records the cgroup"
R start c1 && R kill c1 KILL && wait_exit "$pid" 120; ok $? "start, kill KILL, the monitor exits"
R delete c1; ok $? "delete"
[ ! -e "$CG/vxn-test/c1" ]; ok $? "delete removed the cgroup it created"
[ -d "$CG/vxn-test" ]; ok $? "... but not its parent (as runc)"
rmdir "$CG/vxn-test"
assert_clean "absolute cgroupsPath" "$ROOT"

# --- a relative cgroupsPath hangs below the parent of the caller's cgroup ------------------------------------
own=$(cgroup_of $$)
want=$(python3 -c 'import os,sys; print(os.path.join(os.path.dirname(sys.argv[1]), "vxn-rel-c2"))' "$own")
set_cgroups_path "$B" vxn-rel-c2
R create --bundle "$B" --pid-file "$TMP/pid" c2 </dev/null >/dev/null 2>"$TMP/err"; ok $? "create with a relative cgroupsPath"
pid=$(cat "$TMP/pid")
is "$(cgroup_of "$pid")" "$want" "the monitor is in $want (caller in $own)"
R delete --force c2; ok $? "delete --force of a created container"
[ ! -e "$CG$want" ]; ok $? "... removes its cgroup"
assert_clean "relative cgroupsPath" "$ROOT"

# --- refusals: nothing is created ------------------------------------------------------------------------------
refused () { # refused DESCRIPTION WORDS RUNTIME-ARGS...
  local what=$1 words=$2; shift 2
  R "$@" create --bundle "$B" c3 </dev/null >/dev/null 2>"$TMP/err"; [ $? -ne 0 ]; ok $? "$what: create fails"
  like "$(cat "$TMP/err")" "$words" "$what: the error says '$words'"
  [ ! -e "$ROOT/c3" ]; ok $? "$what: no state directory is left"
}
set_cgroups_path "$B" /vxn-test/../escape
refused "a cgroupsPath with .." '`\.\.` components are not allowed'
[ ! -e "$CG/escape" ] && [ ! -e "$CG/vxn-test" ]; ok $? "no cgroup was created for it"
set_cgroups_path "$B" system.slice:docker:c3
refused "slice:prefix:name without systemd" "systemd is not running"
set_cgroups_path "$B" ""
refused "--systemd-cgroup without systemd" "systemd is not running" --systemd-cgroup
R --cgroup-manager bogus list >/dev/null 2>"$TMP/err"; [ $? -ne 0 ]; ok $? "--cgroup-manager bogus is refused"
like "$(cat "$TMP/err")" "cgroupfs, systemd or disabled" "... naming the choices"
assert_clean "refusals" "$ROOT"

# A domain that libxl cannot build (far more memory than the host has): the monitor had made its cgroup already;
# create removes it with the rest.
set_cgroups_path "$B" /vxn-test/c5
python3 - "$B/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); c.setdefault("annotations", {})["org.vxn.memory"] = "1048576"
json.dump(c, open(sys.argv[1], "w"))
PY
R create --bundle "$B" c5 </dev/null >/dev/null 2>"$TMP/err"; [ $? -ne 0 ]; ok $? "create of a domain libxl cannot build fails"
[ ! -e "$ROOT/c5" ] && [ ! -e "$CG/vxn-test/c5" ]; ok $? "... leaving neither a state directory nor its cgroup"
rmdir "$CG/vxn-test" 2>/dev/null
python3 - "$B/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); c["annotations"].pop("org.vxn.memory")
json.dump(c, open(sys.argv[1], "w"))
PY
assert_clean "failed build" "$ROOT"

# --cgroup-manager disabled: the monitor stays where its caller is.
set_cgroups_path "$B" /vxn-test/c4
R --cgroup-manager disabled create --bundle "$B" --pid-file "$TMP/pid" c4 </dev/null >/dev/null 2>&1
ok $? "create with --cgroup-manager disabled"
is "$(cgroup_of "$(cat "$TMP/pid")")" "$own" "the monitor stayed in its caller's cgroup"
[ ! -e "$CG/vxn-test" ]; ok $? "no cgroup was created"
R delete --force c4; ok $? "delete --force"
assert_clean "disabled" "$ROOT"

# --- containerd: ctr's default cgroupsPath is /NAMESPACE/ID --------------------------------------------------
setup_image
timeout 180 ctr run -d --runc-binary "$RUNTIME" "$IMG" cg5 sleep 1000 >/dev/null 2>"$TMP/err"; ok $? "ctr run -d cg5"
pid=$(ctr task ls | awk '$1 == "cg5" {print $2}')
is "$(cgroup_of "$pid")" "/default/cg5" "its monitor is in /default/cg5"
metrics=$(ctr task metrics cg5 2>&1)
like "$metrics" "pids.current +[2-9]" "ctr task metrics reads the cgroup: the monitor and its watchdog"
like "$metrics" "memory.usage +[1-9]" "... and their memory"
ctr task kill -s SIGKILL cg5 && wait_exit "$pid" 120 && ctr task delete cg5 >/dev/null && ctr container delete cg5
ok $? "kill and delete cg5"
[ ! -e "$CG/default/cg5" ]; ok $? "its cgroup is gone"
assert_clean "ctr" "$CTR_ROOT"

# --- docker (cgroupfs driver: /docker/ID) -----------------------------------------------------------------------
if have_docker; then
  start_dockerd
  id=$($DOCKER run -d --runtime=vxn --network=none --name s1 vxn-test sleep 1000); ok $? "docker run -d s1"
  pid=$($DOCKER inspect -f '{{.State.Pid}}' s1)
  is "$(cgroup_of "$pid")" "/docker/$id" "its monitor is in /docker/ID"
  stats=$($DOCKER stats --no-stream --format '{{.Name}} {{.MemUsage}} {{.PIDs}}' s1 2>&1)
  like "$stats" '^s1 [0-9.]+[KMG]iB / [0-9.]+[KMG]iB [2-9]$' "docker stats shows the Dom0 side: memory and PIDs ($stats)"
  $DOCKER rm -f s1 >/dev/null; ok $? "docker rm -f s1"
  [ ! -e "$CG/docker/$id" ]; ok $? "its cgroup is gone"
  stop_dockerd
  assert_clean "docker" "$DROOT"
fi

# --- podman (cgroupfs manager: /libpod_parent/libpod-ID) ---------------------------------------------------------
if command -v podman >/dev/null && command -v conmon >/dev/null; then
  export CONTAINERS_CONF=$TMP/containers.conf
  printf '[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n[containers]\nnetns = "none"\n' >"$CONTAINERS_CONF"
  P="podman --runtime $RUNTIME --storage-driver overlay"
  python3 "$LAB_LIB/mkimage.py" oci "$TMP/pimg.tar" localhost/vxn-test:latest && $P load -q -i "$TMP/pimg.tar" >/dev/null
  id=$($P run -d --network=none --name p1 localhost/vxn-test:latest sleep 1000); ok $? "podman run -d p1"
  pid=$($P inspect -f '{{.State.Pid}}' p1)
  like "$(cgroup_of "$pid")" "^/libpod_parent/libpod-$id\$" "its monitor is in /libpod_parent/libpod-ID"
  stats=$($P stats --no-stream --format '{{.Name}} {{.MemUsage}} {{.PIDs}}' p1 2>&1)
  like "$stats" '^p1 [0-9.]+[kMG]B / [0-9.]+[kMG]B [2-9]$' "podman stats shows the Dom0 side: memory and PIDs ($stats)"
  $P rm -f p1 >/dev/null; ok $? "podman rm -f p1"
  [ ! -e "$CG/libpod_parent/libpod-$id" ]; ok $? "its cgroup is gone"
  assert_clean "podman" "/run/vxn" "$ROOT"
fi
done_testing
