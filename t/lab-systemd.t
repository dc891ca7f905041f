#!/bin/bash
# Host side of the lab tests that need systemd as PID 1 in Dom0 (t/lab/systemd/*.t: the monitor's systemd scope,
# docker's and podman's systemd cgroup drivers): boots the lab's systemd variant and relays its TAP.
top=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${VXN_STAGE:-}" ] || [ ! -d "$VXN_STAGE" ]; then
  echo "1..0 # SKIP VXN_STAGE not set (run t/run-all)"
  exit 0
fi
cd "$top"
export VXN_LAB_BOOT_TIMEOUT=${VXN_LAB_BOOT_TIMEOUT:-600}
"$top/lab/run" --init systemd --stage "$VXN_STAGE" --timeout "${VXN_LAB_TIMEOUT:-1800}" -- t/lab/run-inside systemd
rc=$?
if [ "$rc" -ne 0 ]; then
  echo "not ok - the lab itself failed (lab/run --init systemd exit $rc; see \${VXN_LAB_DIR:-/var/tmp/vxn-lab}/logs)"
  echo "1..1"
fi
