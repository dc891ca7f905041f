#!/bin/bash
# vxn run -t / -it on Xen, driven through a pty as a user at a terminal would (ptydrive): vxn serves the runtime's
# console socket, copies the pty master to and from its terminal, forwards window changes, restores the terminal.
# (Its own file: 40-vxn-run.t is near the lab's per-file bound already.)
. "$(dirname "$0")/lib/common.sh"
RT_ROOT=/run/vxn
export VXN_ROOT=$TMP/vxnroot
unset VXN_RUNTIME_ROOT
DRIVE="python3 $LAB_LIB/ptydrive.py"
python3 "$LAB_LIB/mkimage.py" oci "$TMP/img.tar" vxn-test:latest && vxn load -q -i "$TMP/img.tar" >/dev/null
ok $? "vxn load of the test image"
I=vxn-test

# Run a command, noting the terminal's settings before and after it; exits with its status.
cat >"$TMP/around" <<'SH'
#!/bin/sh
d=$1; shift
stty -g >"$d/stty.0"; "$@"; rc=$?; stty -g >"$d/stty.1"; exit $rc
SH
chmod +x "$TMP/around"
out=$($DRIVE 30 100 180 -- "$TMP/around" "$TMP" vxn run -it --rm $I sh -c 'echo "term=$TERM"; tty; stty size; exit 3'); rc=$?
like "$out" "term=xterm" "run -it: the container's output reaches the terminal"
like "$out" "/dev/pts/[0-9]+" "... tty inside prints /dev/pts/N"
like "$out" "30 100" "... the terminal has the caller's size"
is "$rc" 3 "... and its exit 3 is vxn's"
[ -s "$TMP/stty.0" ] && cmp -s "$TMP/stty.0" "$TMP/stty.1"; ok $? "... and the terminal's settings are restored (raw meanwhile)"

out=$($DRIVE 24 80 180 --expect '# ' --send 'echo typed-$((6*7)); exit 4\r' -- vxn run -it --rm $I sh); rc=$?
like "$out" "typed-42" "run -it sh: what is typed reaches the shell"
is "$rc" 4 "... and its exit 4 is vxn's"

out=$($DRIVE 24 80 180 --expect ready --resize 40 120 --expect '40 120' --send '\x03' -- vxn run -it --rm $I \
  sh -c 'trap "stty size" WINCH; trap "echo got-int; exit 5" INT; echo ready; while :; do sleep 1000 & wait; done'); rc=$?
like "$out" "40 120" "run -it: stty size follows a resize of the terminal (SIGWINCH inside)"
like "$out" "got-int" "... ^C typed at the terminal reaches the container as SIGINT"
is "$rc" 5 "... and its exit code comes back"

# The 5 s is the bound within which typed input would have arrived, had it been passed.
out=$($DRIVE 24 80 180 --expect ready --send 'typed\r' -- \
  vxn run -t --rm $I sh -c '[ -t 1 ] && echo ready; read -t 5 l; echo "got [$l]"'); rc=$?
like "$out" "got \[\]" "run -t without -i: a terminal, but nothing typed reaches stdin"
is "$rc" 0 "... and it exits 0"

vxn create -it --name ttyc $I sh -c 'tty; exit 6' >/dev/null
is "$(vxn inspect -f '{{.Config.Tty}}' ttyc)" "true" "create -it: inspect shows Config.Tty"
vxn start ttyc 2>"$TMP/err"; rc=$?
is "$rc" 1 "start without -a of a container with a terminal fails"
like "$(cat "$TMP/err")" "has a terminal" "... saying why"
out=$($DRIVE 24 80 180 -- vxn start -ai ttyc); rc=$?
like "$out" "/dev/pts/[0-9]+" "start -ai: the container gets a terminal"
is "$rc" 6 "... and its exit code comes back"
vxn rm ttyc >/dev/null

# exec -it into a running container: the runtime sends the exec's pty master to vxn's console socket
timeout 180 vxn run -d --name tx $I sleep 1000 >/dev/null; ok $? "run -d tx (for exec -it)"
out=$($DRIVE 24 80 180 --expect '# ' --send 'echo in-exec-$((6*7)); tty; exit 5\r' -- vxn exec -it tx sh); rc=$?
like "$out" "in-exec-42" "exec -it sh: what is typed reaches the shell"
like "$out" "/dev/pts/[0-9]+" "... on a terminal"
is "$rc" 5 "... and its exit 5 is vxn's"
vxn rm -f tx >/dev/null; ok $? "rm -f tx"

is "$(ls /tmp | grep -c '^vxn-console-')" 0 "no console socket directory is left behind"
is "$(ls -A "$VXN_ROOT/containers" 2>/dev/null | grep -v '^\.names$')" "" "no container records left"
assert_clean "vxn terminals" "$RT_ROOT"
done_testing
