#!/bin/bash
# Hostile layers: each is refused, nothing is written outside the target rootfs, and a canary file beside the
# bundle stays untouched.
. "$(dirname "$0")/lib.sh"
# Bundles are made in $W, beside the canary; $W must hold nothing new afterwards but the bundle directories.
W="$T/work"
mkdir -p "$W"
CANARY="$W/canary"
echo original >"$CANARY"
snapshot () { (cd "$W" && find . -path './b-*' -prune -o -print | sort) ; }
snapshot >"$T/before"

kinds=$($MKIMAGE presets | tr ' ' '\n' | grep '^hostile-')
for k in $kinds; do
  $MKIMAGE layout "$T/src-$k" "hostile.test/$k:1" "$k" --canary "$CANARY" || { ok 1 "$k: build"; continue; }
  run_ok "$k: load" vxn load -q "$T/src-$k"
  rm -f "$T/after"
  if [ "$k" = hostile-symlink-file ]; then
    # Replacing a symlink by a file is legitimate: it must succeed, and must not write through the link.
    run_ok "$k: a file replaces the symlink" vxn bundle -q "hostile.test/$k:1" "$W/b-$k"
    [ -f "$W/b-$k/rootfs/f" ] && [ ! -L "$W/b-$k/rootfs/f" ]; ok $? "$k: the file is inside the rootfs"
  else
    run_fails "$k: refused" vxn bundle -q "hostile.test/$k:1" "$W/b-$k"
    like "$T/err" 'refused|refusing' "$k: says why"
    [ -z "$(ls -A "$W/b-$k" 2>/dev/null)" ]; ok $? "$k: nothing left in the bundle directory"
  fi
  is "$(cat "$CANARY")" original "$k: canary untouched"
  snapshot >"$T/after"
  diff "$T/before" "$T/after" >"$T/diff"
  ok $? "$k: nothing new outside the bundle"
  diag <"$T/diff"
done

# Device nodes: only as root and when asked to.
if [ "$(id -u)" = 0 ]; then
  run_ok "device: created with --allow-devices as root" vxn bundle -q --allow-devices hostile.test/hostile-device:1 "$W/b-dev"
  [ -c "$W/b-dev/rootfs/dev/mem2" ]; ok $? "device node made"
else
  echo "ok $((n + 1)) # SKIP not root"; n=$((n + 1))
fi

# Delivered by a registry pull, the same refusal.
if command -v docker-registry >/dev/null; then
  start_registry
  run_ok "push a hostile image" $MKIMAGE push "$REG" test/evil:1 hostile-symlink-layer --canary "$CANARY"
  run_ok "pull it (content is verified, not judged)" vxn pull "$REG/test/evil:1"
  run_fails "bundle refuses it" vxn bundle -q "$REG/test/evil:1" "$W/b-pulled"
  is "$(cat "$CANARY")" original "canary untouched"
fi
done_testing
