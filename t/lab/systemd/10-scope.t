#!/bin/bash
# In a Dom0 whose PID 1 is systemd (t/lab-systemd.t boots it with lab/run --init systemd): the monitor's transient
# scope over D-Bus, as runc and crun make one with --systemd-cgroup; docker's and podman's systemd cgroup drivers.
. "$(dirname "$0")/../lib/common.sh"
[ "$(cat /proc/1/comm)" = systemd ] || { echo "1..0 # SKIP PID 1 is not systemd"; exit 0; }
ROOT=$TMP/root
R () { "$RUNTIME" --root "$ROOT" "$@"; }
B=$TMP/bundle
python3 "$LAB_LIB/mkimage.py" bundle "$B" /bin/sh -c 'echo started; exec sleep 1000'
CG=/sys/fs/cgroup
unit_prop () { systemctl show -p "$2" --value "$1"; }

# --- no flag, no cgroupsPath: vxn-ID.scope in system.slice --------------------------------------------------
R create --bundle "$B" --pid-file "$TMP/pid" c1 </dev/null >/dev/null 2>"$TMP/err"; ok $? "create c1 (no flag, no cgroupsPath)"
[ -s "$TMP/err" ] && sed 's/^/# /' "$TMP/err"
pid=$(cat "$TMP/pid")
is "$(cgroup_of "$pid")" "/system.slice/vxn-c1.scope" "the monitor is in vxn-c1.scope in system.slice"
is "$(unit_prop vxn-c1.scope ActiveState)" "active" "systemd knows vxn-c1.scope as active"
is "$(unit_prop vxn-c1.scope Description)" "vxn container c1" "... described as the container"
n=$(wc -l <"$CG/system.slice/vxn-c1.scope/cgroup.procs")
[ "$n" -ge 2 ]; ok $? "the watchdog is in the scope too ($n processes)"
is "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["cgroup"])' "$ROOT/c1/state.json")" \
  "/system.slice/vxn-c1.scope" "the state file records the scope's cgroup"

# The same unit name again: systemd refuses, and nothing is left of the second container.
set_cgroups_path "$B" system.slice:vxn:c1
R --systemd-cgroup create --bundle "$B" c1b </dev/null >/dev/null 2>"$TMP/err"; [ $? -ne 0 ]; ok $? "a second vxn-c1.scope is refused"
like "$(cat "$TMP/err")" "systemd refused to create vxn-c1.scope.*already (exists|loaded)" "... with systemd's reason"
[ ! -e "$ROOT/c1b" ]; ok $? "... and no state directory is left"

R start c1 && R kill c1 KILL && wait_exit "$pid" 120; ok $? "start, kill KILL, the monitor exits"
wait_gone "$CG/system.slice/vxn-c1.scope" 60; ok $? "systemd removes the scope once its processes are gone"
isnt_active=$(unit_prop vxn-c1.scope ActiveState)
[ "$isnt_active" != active ]; ok $? "vxn-c1.scope is no longer active ($isnt_active)"
R delete c1; ok $? "delete c1"
assert_clean "default scope" "$ROOT"

# --- --systemd-cgroup with slice:prefix:name ------------------------------------------------------------------
set_cgroups_path "$B" machine.slice:test:c2
R --systemd-cgroup create --bundle "$B" --pid-file "$TMP/pid" c2 </dev/null >/dev/null 2>"$TMP/err"
ok $? "create --systemd-cgroup with cgroupsPath machine.slice:test:c2"
pid=$(cat "$TMP/pid")
is "$(cgroup_of "$pid")" "/machine.slice/test-c2.scope" "the monitor is in test-c2.scope in machine.slice"
R delete --force c2; ok $? "delete --force c2"
wait_gone "$CG/machine.slice/test-c2.scope" 60; ok $? "its scope goes"
assert_clean "slice:prefix:name" "$ROOT"

set_cgroups_path "$B" /docker/c3
R --systemd-cgroup create --bundle "$B" c3 </dev/null >/dev/null 2>"$TMP/err"; [ $? -ne 0 ]; ok $? "--systemd-cgroup with a cgroupfs path fails"
like "$(cat "$TMP/err")" "slice:prefix:name" "... saying the form it needs"
# Without the flag a cgroupfs path is honoured with cgroupfs even under systemd (docker's cgroupfs driver).
R create --bundle "$B" --pid-file "$TMP/pid" c3 </dev/null >/dev/null 2>"$TMP/err"; ok $? "create with /docker/c3, no flag"
is "$(cgroup_of "$(cat "$TMP/pid")")" "/docker/c3" "cgroupfs: the monitor is in /docker/c3"
R delete --force c3; ok $? "delete --force c3"
[ ! -e "$CG/docker/c3" ]; ok $? "its cgroup is gone"
assert_clean "cgroupfs under systemd" "$ROOT"

# --- vxn run: no flag, no cgroupsPath, so the runtime's default scope ---------------------------------------------
python3 "$LAB_LIB/mkimage.py" oci "$TMP/vimg.tar" localhost/vxn-test:latest && vxn load -q -i "$TMP/vimg.tar" >/dev/null
ok $? "vxn load of the test image"
id=$(timeout 180 vxn run -d --name v1 localhost/vxn-test:latest sleep 1000 2>"$TMP/err"); ok $? "vxn run -d v1"
pid=$(vxn inspect -f '{{.State.Pid}}' v1)
is "$(cgroup_of "$pid")" "/system.slice/vxn-$id.scope" "its monitor is in vxn-ID.scope"
vxn rm -f v1 >/dev/null; ok $? "vxn rm -f v1"
wait_gone "$CG/system.slice/vxn-$id.scope" 60; ok $? "its scope goes"

# --- ctr with the shim's systemd cgroup option --------------------------------------------------------------------
setup_image
timeout 180 ctr run -d --runc-binary "$RUNTIME" --runc-systemd-cgroup --cgroup system.slice:ctr:cg4 "$IMG" cg4 sleep 1000 \
  >/dev/null 2>"$TMP/err"; ok $? "ctr run -d --runc-systemd-cgroup"
pid=$(ctr task ls | awk '$1 == "cg4" {print $2}')
is "$(cgroup_of "$pid")" "/system.slice/ctr-cg4.scope" "its monitor is in ctr-cg4.scope"
like "$(ctr task metrics cg4 2>&1)" "pids.current +[2-9]" "ctr task metrics reads the scope"
ctr task kill -s SIGKILL cg4 && wait_exit "$pid" 120 && ctr task delete cg4 >/dev/null && ctr container delete cg4
ok $? "kill and delete cg4"
assert_clean "ctr" "$CTR_ROOT"

# --- docker with the systemd cgroup driver: docker-ID.scope ---------------------------------------------------------
if have_docker; then
  start_dockerd --exec-opt native.cgroupdriver=systemd
  # systemd mounts securityfs, so dockerd believes AppArmor is on and would load a profile for the runc shim; the
  # guest has no policy to apply anyway.
  id=$($DOCKER run -d --runtime=vxn --network=none --security-opt apparmor=unconfined --name s1 vxn-test sleep 1000)
  ok $? "docker run -d s1"
  pid=$($DOCKER inspect -f '{{.State.Pid}}' s1)
  is "$(cgroup_of "$pid")" "/system.slice/docker-$id.scope" "its monitor is in docker-ID.scope"
  stats=$($DOCKER stats --no-stream --format '{{.Name}} {{.MemUsage}} {{.PIDs}}' s1 2>&1)
  like "$stats" '^s1 [0-9.]+[KMG]iB / [0-9.]+[KMG]iB [2-9]$' "docker stats reads the scope ($stats)"
  $DOCKER rm -f s1 >/dev/null; ok $? "docker rm -f s1"
  wait_gone "$CG/system.slice/docker-$id.scope" 60; ok $? "its scope goes"
  stop_dockerd
  assert_clean "docker" "$DROOT"
fi

# --- podman with the systemd cgroup manager: libpod-ID.scope in machine.slice ------------------------------------
if command -v podman >/dev/null && command -v conmon >/dev/null; then
  export CONTAINERS_CONF=$TMP/containers.conf
  printf '[engine]\ncgroup_manager = "systemd"\nevents_logger = "file"\n[containers]\nnetns = "none"\nlog_driver = "k8s-file"\n' >"$CONTAINERS_CONF"
  P="podman --runtime $RUNTIME --storage-driver overlay"
  python3 "$LAB_LIB/mkimage.py" oci "$TMP/pimg.tar" localhost/vxn-test:latest && $P load -q -i "$TMP/pimg.tar" >/dev/null
  id=$($P run -d --network=none --name p1 localhost/vxn-test:latest sleep 1000 2>"$TMP/err"); ok $? "podman run -d p1"
  [ -s "$TMP/err" ] && sed 's/^/# /' "$TMP/err"
  pid=$($P inspect -f '{{.State.Pid}}' p1)
  is "$(cgroup_of "$pid")" "/machine.slice/libpod-$id.scope" "its monitor is in libpod-ID.scope in machine.slice"
  stats=$($P stats --no-stream --format '{{.Name}} {{.MemUsage}} {{.PIDs}}' p1 2>&1)
  like "$stats" '^p1 [0-9.]+[kMG]B / [0-9.]+[kMG]B [2-9]$' "podman stats reads the scope ($stats)"
  $P rm -f -t 0 p1 >/dev/null; ok $? "podman rm -f p1"
  wait_gone "$CG/machine.slice/libpod-$id.scope" 60; ok $? "its scope goes"
  assert_clean "podman" /run/vxn "$ROOT"
fi
done_testing
