# Shared by the t/image/*.t scripts: TAP output, a private vxn root, and a real registry (Debian's
# docker-registry) on 127.0.0.1, started on a free port and stopped on exit.
set -u

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
HERE="$top_srcdir/t/image"
VXN_BIN="$top_builddir/src/vxn/vxn"
MKIMAGE="python3 $HERE/mkimage.py"
REGTOOL="python3 $HERE/regtool.py"

T=$(mktemp -d "${TMPDIR:-/tmp}/vxn-image-test.XXXXXX")
export DOCKER_CONFIG="$T/docker-config" # never touch the caller's credentials
unset VXN_ROOT VXN_INSECURE_REGISTRIES
PIDS=""
n=0
failed=0

cleanup () {
  for p in $PIDS; do kill "$p" 2>/dev/null; done
  for p in $PIDS; do wait "$p" 2>/dev/null; done
  chmod -R u+rwX "$T" 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT

vxn () { "$VXN_BIN" --root "$T/root" "$@"; }

diag () { sed 's/^/# /' ; }

# ok STATUS DESCRIPTION
ok () {
  n=$((n + 1))
  if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}

# run_ok DESCRIPTION CMD... : CMD must succeed; its output is kept in $T/out and $T/err.
run_ok () {
  local desc=$1; shift
  "$@" >"$T/out" 2>"$T/err"
  local rc=$?
  ok $rc "$desc"
  if [ $rc -ne 0 ]; then echo "command: $* (exit $rc)" | diag; diag <"$T/out"; diag <"$T/err"; fi
  return $rc
}

# run_fails DESCRIPTION CMD... : CMD must fail.
run_fails () {
  local desc=$1; shift
  "$@" >"$T/out" 2>"$T/err"
  local rc=$?
  if [ $rc -ne 0 ]; then ok 0 "$desc"; else ok 1 "$desc"; echo "command unexpectedly succeeded: $*" | diag; fi
  [ $rc -ne 0 ]
}

# is GOT EXPECTED DESCRIPTION
is () {
  if [ "$1" = "$2" ]; then ok 0 "$3"; else ok 1 "$3"; printf 'got:      %s\nexpected: %s\n' "$1" "$2" | diag; fi
}

# like FILE REGEX DESCRIPTION
like () {
  if grep -Eq -- "$2" "$1"; then ok 0 "$3"; else ok 1 "$3"; echo "no match for /$2/ in:" | diag; diag <"$1"; fi
}

done_testing () {
  echo "1..$n"
  [ $failed -eq 0 ]
  exit $?
}

skip_all () { echo "1..0 # SKIP $*"; exit 0; }

need () {
  for c in "$@"; do command -v "$c" >/dev/null 2>&1 || skip_all "$c not installed"; done
}

[ -x "$VXN_BIN" ] || { echo "Bail out! $VXN_BIN not built"; exit 1; }

# start_registry [none|htpasswd|token] : sets REG (host:port) and REG_DIR (its storage). REG_HOST (default 127.0.0.1)
# is the address to listen on; REG_TLS=1 serves HTTPS with a self-signed certificate.
start_registry () {
  local mode=${1:-none} port auth="" tls="" scheme=http host=${REG_HOST:-127.0.0.1}
  need docker-registry python3
  port=$($REGTOOL freeport)
  REG="$host:$port"
  REG_DIR="$T/registry-$port"
  mkdir -p "$REG_DIR/data"
  if [ "${REG_TLS:-0}" = 1 ]; then
    need openssl
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$REG_DIR/tls-key.pem" -out "$REG_DIR/tls-cert.pem" -days 1 \
      -subj "/CN=$host" -addext "subjectAltName=IP:$host" >/dev/null 2>&1
    tls="  tls:
    certificate: $REG_DIR/tls-cert.pem
    key: $REG_DIR/tls-key.pem"
    scheme=https
  fi
  case $mode in
    htpasswd)
      need htpasswd
      htpasswd -Bbn "${REG_USER:-alice}" "${REG_PASSWORD:-wonderland}" >"$REG_DIR/htpasswd" 2>/dev/null
      auth="auth:
  htpasswd:
    realm: vxn-test
    path: $REG_DIR/htpasswd" ;;
    token)
      need openssl
      local tport
      tport=$($REGTOOL freeport)
      openssl req -x509 -newkey rsa:2048 -nodes -keyout "$REG_DIR/key.pem" -out "$REG_DIR/cert.pem" -days 1 \
        -subj /CN=vxn-test-token -addext basicConstraints=critical,CA:TRUE \
        -addext keyUsage=digitalSignature,keyCertSign >/dev/null 2>&1
      TOKEN_LOG="$REG_DIR/token.log"
      : >"$TOKEN_LOG"
      $REGTOOL token-server "$tport" "$REG_DIR/key.pem" "$REG_DIR/cert.pem" vxn-test-issuer vxn-test-registry \
        "${REG_USER:-alice}" "${REG_PASSWORD:-wonderland}" "$TOKEN_LOG" 2>"$REG_DIR/token.err" &
      PIDS="$PIDS $!"
      $REGTOOL wait "http://127.0.0.1:$tport/token" 20 || { echo "Bail out! token server did not start"; exit 1; }
      auth="auth:
  token:
    realm: http://127.0.0.1:$tport/token
    service: vxn-test-registry
    issuer: vxn-test-issuer
    rootcertbundle: $REG_DIR/cert.pem" ;;
  esac
  cat >"$REG_DIR/config.yml" <<EOC
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $REG_DIR/data
  delete:
    enabled: true
http:
  addr: $REG
$tls
$auth
EOC
  docker-registry serve "$REG_DIR/config.yml" >"$REG_DIR/log" 2>&1 &
  PIDS="$PIDS $!"
  if ! $REGTOOL wait "$scheme://$REG/v2/" 30; then
    echo "Bail out! docker-registry did not start"; diag <"$REG_DIR/log"; exit 1
  fi
}

# The file holding blob DIGEST in the registry's storage.
registry_blob () {
  local hex=${1#sha256:}
  echo "$REG_DIR/data/docker/registry/v2/blobs/sha256/${hex:0:2}/$hex/data"
}

# json FILE PYTHON-EXPRESSION (d is the parsed document)
json () { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
