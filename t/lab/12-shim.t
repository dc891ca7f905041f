#!/bin/bash
# containerd's runtime name for vxn: `ctr run --runtime io.containerd.vxn.v2` finds containerd-shim-vxn-v2 (the runc
# shim with vxn-oci-runtime as its runc), and vctr is ctr with that runtime.
. "$(dirname "$0")/lib/common.sh"
setup_image
command -v containerd-shim-vxn-v2 >/dev/null; ok $? "containerd-shim-vxn-v2 is installed on PATH"
out=$(timeout 180 ctr run --rm --runtime io.containerd.vxn.v2 "$IMG" shim1 sh -c 'echo "in $(cat /sys/hypervisor/type)"' 2>&1); rc=$?
is "$out/$rc" "in xen/0" "ctr run --runtime io.containerd.vxn.v2 runs the container in a Xen domain"
timeout 180 vctr run --rm "$IMG" shim2 sh -c 'exit 3' </dev/null; is "$?" 3 "vctr run: the exit code comes back"
out=$(timeout 180 vctr --namespace default --timeout 0s run --rm "$IMG" shim4 cat /sys/hypervisor/type 2>&1)
is "$out" "xen" "vctr with ctr's global flags before run still runs in a Xen domain"
timeout 180 vctr run -d "$IMG" shim3 sleep 1000 >/dev/null; ok $? "vctr run -d"
is "$(timeout 120 vctr task exec --exec-id e1 shim3 echo exec-ok </dev/null)" "exec-ok" "vctr task exec"
vctr task kill -s SIGKILL shim3; ok $? "vctr task kill"
vctr task rm -f shim3 >/dev/null 2>&1
vctr container rm shim3; ok $? "vctr container rm"
assert_clean "shim" "$CTR_ROOT"
done_testing
