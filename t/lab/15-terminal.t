#!/bin/bash
# Terminal mode through containerd (ctr run -t): the pty master reaches the shim over --console-socket, the
# monitor carries the terminal to the guest's own pty, ^C and window changes arrive inside.
. "$(dirname "$0")/lib/common.sh"
setup_image
DRIVE="python3 $LAB_LIB/ptydrive.py"
CTR="ctr run -t --rm --runc-binary $RUNTIME"

out=$($DRIVE 30 100 180 -- $CTR "$IMG" tty1 /bin/sh -c '[ -t 0 ] && [ -t 1 ] && echo "is a tty"; stty size'); rc=$?
is "$rc" 0 "ctr run -t exits 0"
like "$out" "is a tty" "stdin and stdout are a terminal inside the container"
like "$out" "30 100" "the terminal has the caller's size"
assert_clean "tty" "$CTR_ROOT"

out=$($DRIVE 24 80 180 --expect ready --send '\x03' -- \
  $CTR "$IMG" tty2 /bin/sh -c 'trap "echo got-int; exit 5" INT; echo ready; sleep 1000 & wait'); rc=$?
like "$out" "got-int" "^C typed at the terminal reaches the container as SIGINT"
is "$rc" 5 "... and its exit code comes back"
assert_clean "ctrl-c" "$CTR_ROOT"

out=$($DRIVE 24 80 180 --expect ready --resize 40 120 -- \
  $CTR "$IMG" tty3 /bin/sh -c 'trap "stty size; exit 0" WINCH; echo ready; sleep 1000 & wait'); rc=$?
like "$out" "40 120" "a window change reaches the container (SIGWINCH and the new size)"
is "$rc" 0 "... and it exits 0"
assert_clean "resize" "$CTR_ROOT"
done_testing
