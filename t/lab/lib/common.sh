# Shared by the lab tests (run inside Dom0 by t/lab.t). TAP helpers, the test image, and the cleanliness check
# every test ends with: only Domain-0 left, nothing under the runtime roots.
set -u
export PATH=/usr/lib/xen-4.17/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
LAB_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RUNTIME=${VXN_RUNTIME:-$(command -v vxn-oci-runtime)}
IMG=docker.io/library/vxn-test:latest
CTR_ROOT=/run/containerd/runc/default
T_N=0
T_FAILED=0
TMP=$(mktemp -d /tmp/vxn-test.XXXXXX)

ok () { # ok COND-EXIT-STATUS DESCRIPTION
  local rc=$1; shift
  T_N=$((T_N + 1))
  if [ "$rc" -eq 0 ]; then echo "ok $T_N - $*"; else echo "not ok $T_N - $*"; T_FAILED=$((T_FAILED + 1)); fi
}
is () { # is GOT WANT DESCRIPTION
  local got=$1 want=$2; shift 2
  [ "$got" = "$want" ]; ok $? "$*"
  [ "$got" = "$want" ] || { printf '#   got: %q\n#  want: %q\n' "$got" "$want"; }
}
like () { # like GOT REGEX DESCRIPTION
  local got=$1 re=$2; shift 2
  [[ $got =~ $re ]]; ok $? "$*"
  [[ $got =~ $re ]] || printf '#   got: %q\n#  want match: %s\n' "$got" "$re"
}
diag () { echo "# $*"; }
done_testing () {
  echo "1..$T_N"
  rm -rf "$TMP"
  [ "$T_FAILED" -eq 0 ]
}

# Import the busybox test image once per Dom0 boot.
setup_image () {
  if ! ctr image ls -q | grep -qx "$IMG"; then
    python3 "$LAB_LIB/mkimage.py" oci "$TMP/img.tar" "$IMG" &&
      ctr image import "$TMP/img.tar" >/dev/null
  fi
  ctr image ls -q | grep -qx "$IMG"; ok $? "test image $IMG is available"
}

# Wait for a process (not our child) to exit, woken by a pidfd: no polling.
wait_exit () { # wait_exit PID TIMEOUT
  python3 - "$1" "$2" <<'PY'
import os, select, sys
try:
    fd = os.pidfd_open(int(sys.argv[1]))
except ProcessLookupError:
    sys.exit(0)
r, _, _ = select.select([fd], [], [], float(sys.argv[2]))
sys.exit(0 if r else 1)
PY
}

# Dump what we know when something failed: the monitor's and the guest console's logs.
dump_logs () { # dump_logs ROOT ID
  local d="$1/$2"
  for f in monitor.log console.log; do
    [ -s "$d/$f" ] && { echo "# --- $d/$f"; sed 's/^/#   /' "$d/$f" | tail -40; }
  done
}

assert_clean () { # assert_clean DESCRIPTION [ROOT...]
  local what=$1; shift
  local doms
  doms=$(xl list | awk 'NR > 1 && $1 != "Domain-0" {print $1}')
  is "$doms" "" "$what: xl list shows only Domain-0"
  if [ -n "$doms" ]; then for d in $doms; do xl destroy "$d" 2>/dev/null; done; fi
  local left=""
  for r in "$@"; do [ -d "$r" ] && left="$left$(ls -A "$r")"; done
  is "$left" "" "$what: runtime root holds nothing"
}

# Succeed as soon as a line of a follower's output (`docker logs -f ...`, which never ends by itself) contains TEXT;
# fail when it ends or TIMEOUT passes first. The follower is stopped either way: a `| grep -m1` would leave it
# running until its next write, i.e. until the timeout when the container prints nothing more.
wait_line () { # wait_line TEXT TIMEOUT COMMAND...
  local text=$1 t=$2 line fd pid found=1
  shift 2
  exec {fd}< <(exec timeout "$t" "$@" 2>&1)
  pid=$!
  while IFS= read -r -u "$fd" line; do
    [[ $line == *"$text"* ]] && { found=0; break; }
  done
  kill "$pid" 2>/dev/null # timeout passes the TERM on to the follower
  exec {fd}<&-
  return $found
}

# dockerd 20.10 with vxn as a named runtime (--add-runtime), on its own socket, and the test image loaded.
DOCKER=/usr/bin/docker # Debian's client (a newer one may shadow it in /usr/local/bin)
DROOT=/run/docker/runtime-runc/moby
have_docker () { [ -x /usr/sbin/dockerd ] && [ -x "$DOCKER" ]; }
start_dockerd () { # [EXTRA DOCKERD ARGS...]; sets DOCKER_HOST and dockerd_pid
  export DOCKER_HOST=unix:///run/vxn-test-docker.sock
  "$VXN_LAB_REPO/lab/sd-notify-run" -t 180 -l "$TMP/dockerd.log" -- /usr/sbin/dockerd \
    --host "$DOCKER_HOST" --containerd /run/containerd/containerd.sock --data-root /var/lib/docker \
    --exec-root /run/docker --pidfile /run/vxn-test-docker.pid --iptables=false --ip-masq=false --bridge=none \
    --storage-driver=overlay2 --add-runtime "vxn=$RUNTIME" "$@"
  ok $? "dockerd is up with the vxn runtime"
  dockerd_pid=$(pidof dockerd)
  [ -n "$dockerd_pid" ] || sed 's/^/# /' "$TMP/dockerd.log" | tail -20
  python3 "$LAB_LIB/mkimage.py" docker "$TMP/img.tar" vxn-test:latest && $DOCKER load -q -i "$TMP/img.tar" >/dev/null
  ok $? "docker load of the test image"
}
stop_dockerd () {
  kill "$dockerd_pid" && wait_exit "$dockerd_pid" 60
  ok $? "dockerd stopped"
  local left="" d
  for d in "$DROOT"/*; do [ -f "$d/state.json" ] && left="$left $d"; done
  is "$left" "" "no vxn container is left under docker's runtime root"
}

# The cgroup v2 path of a process, as /proc/PID/cgroup says ("/docker/ID").
cgroup_of () { sed -n 's/^0:://p' "/proc/$1/cgroup"; }
# Set linux.cgroupsPath in a bundle's config.json ("" removes it).
set_cgroups_path () { # set_cgroups_path BUNDLE PATH
  python3 - "$1/config.json" "$2" <<'PY'
import json, sys
p, v = sys.argv[1], sys.argv[2]
c = json.load(open(p))
lx = c.setdefault("linux", {})
if v: lx["cgroupsPath"] = v
else: lx.pop("cgroupsPath", None)
json.dump(c, open(p, "w"))
PY
}
# Wait until PATH is removed (inotify IN_DELETE_SELF, e.g. systemd removing a scope's cgroup): no polling.
wait_gone () { # wait_gone PATH TIMEOUT
  python3 - "$1" "$2" <<'PY'
import ctypes, os, select, sys
path, timeout = sys.argv[1], float(sys.argv[2])
libc = ctypes.CDLL(None, use_errno=True)
fd = libc.inotify_init1(os.O_CLOEXEC)
IN_DELETE_SELF, IN_IGNORED = 0x400, 0x8000
if libc.inotify_add_watch(fd, path.encode(), IN_DELETE_SELF) < 0:
    sys.exit(0 if not os.path.exists(path) else 1)
r, _, _ = select.select([fd], [], [], timeout)
sys.exit(0 if r else 1)
PY
}
