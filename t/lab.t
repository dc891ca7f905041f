#!/bin/bash
# Host side of the lab tests: boot Xen 4.17 + Dom0 under QEMU with the staged vxn install, run t/lab/run-inside
# there, and relay its TAP. VXN_STAGE is a `make install DESTDIR=` tree (t/run-all makes it).
top=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${VXN_STAGE:-}" ] || [ ! -d "$VXN_STAGE" ]; then
  echo "1..0 # SKIP VXN_STAGE not set (run t/run-all)"
  exit 0
fi
cd "$top"
# A bound, not a clock: on a quiet machine Dom0 is ready in ~15 s, on a loaded one it can take minutes.
export VXN_LAB_BOOT_TIMEOUT=${VXN_LAB_BOOT_TIMEOUT:-600}
# VXN_LAB_INIT=systemd and VXN_LAB_SUBDIR=systemd: t/lab-systemd.t.
"$top/lab/run" --stage "$VXN_STAGE" --timeout "${VXN_LAB_TIMEOUT:-2400}" -- t/lab/run-inside ${VXN_LAB_SUBDIR:+"$VXN_LAB_SUBDIR"}
rc=$?
if [ "$rc" -ne 0 ]; then
  echo "not ok - the lab itself failed (lab/run --init ${VXN_LAB_INIT:-bash} exit $rc; see \${VXN_LAB_DIR:-/var/tmp/vxn-lab}/logs)"
  echo "1..1"
fi
