#!/bin/bash
# The monitor under valgrind for a whole container lifetime: no invalid accesses, no definite leaks.
. "$(dirname "$0")/lib/common.sh"
command -v valgrind >/dev/null || { echo "1..0 # SKIP valgrind not installed"; exit 0; }
# libxl builds the domain in-process (it loads the 66 MB guest kernel into guest memory): under valgrind on top of
# QEMU's emulation that alone takes well over ten minutes, so this runs only when asked for.
[ "${VXN_LAB_VALGRIND:-0}" = 1 ] || { echo "1..0 # SKIP set VXN_LAB_VALGRIND=1 (slow under emulation)"; exit 0; }
ROOT=$TMP/root
B=$TMP/bundle
python3 "$LAB_LIB/mkimage.py" bundle "$B" /bin/sh -c 'echo "under valgrind"; exit 4'
R () { "$RUNTIME" --root "$ROOT" "$@"; }
# The monitor is create's forked child: valgrind follows the fork and writes one log per process.
valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite \
  --log-file="$TMP/vg.%p" "$RUNTIME" --root "$ROOT" create --bundle "$B" --pid-file "$TMP/pid" v1 \
  </dev/null >"$TMP/out" 2>"$TMP/err"
ok $? "create under valgrind"
pid=$(cat "$TMP/pid")
R start v1; ok $? "start"
wait_exit "$pid" 600; ok $? "the monitor exits"
is "$(cat "$TMP/out")" "under valgrind" "the container's output arrived"
R delete v1; ok $? "delete"
log=$TMP/vg.$pid
[ -f "$log" ]; ok $? "valgrind log of the monitor exists"
errors=$(grep -c 'Invalid \|uninitialised\|definitely lost' "$log" 2>/dev/null)
is "$errors" "0" "monitor: no invalid accesses, no uninitialised use, nothing definitely lost"
[ "$errors" = 0 ] || sed 's/^/# /' "$log" | head -60
assert_clean "valgrind" "$ROOT"
done_testing
