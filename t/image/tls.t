#!/bin/bash
# Transport policy: HTTPS verified against the system CAs; plain HTTP (or unverified HTTPS) only for loopback
# registries and those marked insecure. A non-loopback address of this machine plays the remote registry.
. "$(dirname "$0")/lib.sh"
need docker-registry openssl python3
IP=""
for a in $(hostname -I 2>/dev/null); do
  case $a in 127.*|*:*) ;; *) IP=$a; break ;; esac
done
[ -n "$IP" ] || skip_all "no non-loopback IPv4 address"

# Plain HTTP, not loopback
REG_HOST=$IP start_registry
PLAIN=$REG
run_ok "push to a plain-HTTP registry on $IP" $MKIMAGE push "http://$PLAIN" test/small:1 small
run_fails "plain HTTP is refused unless marked insecure" vxn pull "$PLAIN/test/small:1"
like "$T/err" 'over HTTPS \(plain HTTP needs --insecure-registry\)' "says how to allow it"
run_ok "allowed with --insecure-registry" "$VXN_BIN" --root "$T/root" --insecure-registry "$PLAIN" pull "$PLAIN/test/small:1"
VXN_INSECURE_REGISTRIES="other:1,$PLAIN" "$VXN_BIN" --root "$T/root2" pull "$PLAIN/test/small:1" >"$T/out" 2>"$T/err"
ok $? "allowed with VXN_INSECURE_REGISTRIES"

# HTTPS with a certificate no system CA signed
REG_HOST=$IP REG_TLS=1 start_registry
TLS=$REG
run_ok "push to an HTTPS registry on $IP" $MKIMAGE push "https://$TLS" test/small:1 small
run_fails "an untrusted certificate is refused" vxn pull "$TLS/test/small:1"
like "$T/err" 'certificate|SSL' "says it is the certificate"
run_ok "accepted when marked insecure" "$VXN_BIN" --root "$T/root3" --debug --insecure-registry "$TLS" pull "$TLS/test/small:1"
like "$T/err" "endpoint https://$TLS" "still over HTTPS"

# Loopback over HTTPS: allowed without marking, and HTTPS is preferred.
REG_TLS=1 start_registry
run_ok "push to an HTTPS loopback registry" $MKIMAGE push "https://$REG" test/small:1 small
run_ok "loopback HTTPS pull" "$VXN_BIN" --root "$T/root4" --debug pull "$REG/test/small:1"
like "$T/err" "endpoint https://$REG" "HTTPS endpoint"
done_testing
