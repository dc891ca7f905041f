#!/bin/bash
# Registry authentication: Basic (htpasswd) and the Bearer token flow (a token endpoint issuing JWTs that the real
# registry verifies), with credentials from docker's config.json written by vxn login.
. "$(dirname "$0")/lib.sh"
need docker-registry htpasswd openssl python3
CFG="$DOCKER_CONFIG/config.json"

# ---- Basic
REG_USER=alice REG_PASSWORD=wonderland start_registry htpasswd
run_ok "push with basic auth" $MKIMAGE push "$REG" test/private:1 small --user alice --password wonderland
run_fails "anonymous pull is refused" vxn pull "$REG/test/private:1"
like "$T/err" 'authentication required' "says authentication is required"
run_fails "login with a wrong password" vxn login -u alice -p wrong "$REG"
like "$T/err" 'login refused' "login refused message"
[ ! -e "$CFG" ]; ok $? "nothing stored after a failed login"
echo wonderland | vxn login -u alice --password-stdin "$REG" >"$T/out" 2>"$T/err"
ok $? "login with --password-stdin"
like "$T/out" 'Login Succeeded' "login message"
is "$(json "$CFG" 'list(d["auths"])')" "['$REG']" "credentials stored under the registry"
is "$(stat -c %a "$CFG")" 600 "config.json is private"
run_ok "pull with stored credentials" vxn pull "$REG/test/private:1"
run_ok "logout" vxn logout "$REG"
is "$(json "$CFG" 'd["auths"]')" "{}" "credentials removed"
run_fails "pull after logout is refused" vxn pull "$REG/test/private:1"
# docker's own format: username/password fields instead of auth
python3 - "$CFG" "$REG" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["auths"]["http://" + sys.argv[2] + "/v2/"] = {"username": "alice", "password": "wonderland"}
json.dump(d, open(sys.argv[1], "w"))
PY
run_ok "credentials in username/password form, URL key" vxn pull "$REG/test/private:1"

# ---- Bearer token
echo '{}' >"$CFG"
REG_USER=bob REG_PASSWORD=builder start_registry token
run_ok "push through the token flow" $MKIMAGE push "$REG" test/tok:1 layered --user bob --password builder
run_fails "anonymous pull gets a token without access" vxn pull "$REG/test/tok:1"
like "$T/err" 'unauthorized|UNAUTHORIZED' "unauthorized"
like "$TOKEN_LOG" 'token user=- scope=repository:test/tok:pull' "an anonymous token was requested for the pull scope"
run_fails "login with wrong credentials" vxn login -u bob -p nope "$REG"
like "$TOKEN_LOG" 'denied bob' "the token server saw the wrong password"
run_ok "login" vxn login -u bob -p builder "$REG"
run_ok "pull with a bearer token" vxn pull "$REG/test/tok:1"
like "$TOKEN_LOG" 'token user=bob scope=repository:test/tok:pull' "token requested with credentials and scope"
run_ok "bundle the token-pulled image" vxn bundle -q "$REG/test/tok:1" "$T/b"
[ -f "$T/b/rootfs/opq/new" ]; ok $? "content arrived"
done_testing
