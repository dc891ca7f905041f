/* Strict parsers for what comes from the network: digests, platforms, manifests and indexes, auth challenges, image
   configs; and base64, the string set. */
#include "config.h"

#include "auth.h"
#include "challenge.h"
#include "digest.h"
#include "imgconfig.h"
#include "manifest.h"
#include "platform.h"
#include "registry.h"
#include "strset.h"
#include "strv.h"
#include "tap.h"
#include "utils.h"

#include <stdlib.h>

#define D1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define D2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"

static int
parse (const char *json, const char *ct, struct vxn_manifest *m, char **msg)
{
  vxn_error_t err = NULL;
  int ret = vxn_manifest_parse (json, strlen (json), ct, m, &err);
  *msg = err ? xstrdup (err->msg) : NULL;
  vxn_error_release (&err);
  return ret;
}

static void
test_digest (void)
{
  char out[VXN_DIGEST_SIZE];
  vxn_digest_buffer ("abc", 3, out);
  is_str (out, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "sha256 of abc");
  vxn_digest_buffer ("", 0, out);
  is_str (out, "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "sha256 of nothing");
  vxn_sha256_t *h = vxn_sha256_new ();
  vxn_sha256_update (h, "a", 1);
  vxn_sha256_update (h, "bc", 2);
  vxn_sha256_final (h, out);
  vxn_sha256_free (h);
  is_str (out, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "streaming sha256");
  ok (vxn_digest_valid (D1), "valid digest");
  ok (!vxn_digest_valid ("sha256:111"), "short digest");
  ok (!vxn_digest_valid (D1 "1"), "long digest");
  ok (!vxn_digest_valid ("sha256:111111111111111111111111111111111111111111111111111111111111111G"), "non-hex");
  ok (!vxn_digest_valid ("sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), "uppercase hex");
  ok (!vxn_digest_valid ("sha512:1111111111111111111111111111111111111111111111111111111111111111"), "other algo");
  ok (!vxn_digest_valid (NULL), "NULL");
}

static void
test_platform (void)
{
  struct vxn_platform p, q;
  char buf[96];
  vxn_error_t err = NULL;
  ok (vxn_platform_parse ("linux/arm64/v8", &p, &err) == 0, "parse linux/arm64/v8");
  is_str (vxn_platform_format (&p, buf, sizeof buf), "linux/arm64/v8", "format");
  ok (vxn_platform_parse ("linux/x86_64", &p, &err) == 0 && strcmp (p.arch, "amd64") == 0, "x86_64 is amd64");
  ok (vxn_platform_parse ("linux/aarch64", &p, &err) == 0 && strcmp (p.arch, "arm64") == 0, "aarch64 is arm64");
  static const char *const badp[]
      = { "linux", "linux/", "/amd64", "linux/amd64/", "linux/amd64/v8/x", "Linux/amd64", "linux/am d64", "" };
  for (size_t i = 0; i < ARRAY_SIZE (badp); i++)
    {
      ok (vxn_platform_parse (badp[i], &p, &err) < 0, "platform `%s` refused", badp[i]);
      vxn_error_release (&err);
    }
  vxn_platform_set (&p, "linux", "arm64", NULL);
  vxn_platform_set (&q, "linux", "arm64", "v8");
  ok (vxn_platform_match (&p, &q), "arm64 accepts arm64/v8");
  ok (vxn_platform_match (&q, &p), "arm64/v8 accepts arm64");
  vxn_platform_set (&p, "linux", "arm", "v7");
  vxn_platform_set (&q, "linux", "arm", "v6");
  ok (!vxn_platform_match (&p, &q), "arm/v7 refuses arm/v6");
  vxn_platform_set (&q, "windows", "arm", "v7");
  ok (!vxn_platform_match (&p, &q), "os must match");
  vxn_platform_host (&p);
  ok (strcmp (p.os, "linux") == 0 && p.arch[0], "host platform %s", vxn_platform_format (&p, buf, sizeof buf));
}

static void
test_manifest (void)
{
  struct vxn_manifest m;
  char *msg = NULL;
  const char *img
      = "{\"schemaVersion\":2,\"mediaType\":\"" VXN_MT_OCI_MANIFEST "\",\"config\":{\"mediaType\":\"" VXN_MT_OCI_CONFIG
        "\",\"digest\":\"" D1 "\",\"size\":7},\"layers\":[{\"mediaType\":\"" VXN_MT_OCI_LAYER_ZSTD "\",\"digest\":\"" D2
        "\",\"size\":123456789012}]}";
  ok (parse (img, VXN_MT_OCI_MANIFEST, &m, &msg) == 0, "OCI manifest parses %s", msg ? msg : "");
  free (msg);
  ok (m.kind == VXN_MANIFEST_IMAGE && m.n_layers == 1 && m.layers[0].size == 123456789012LL
          && strcmp (m.config.digest, D1) == 0,
      "fields");
  vxn_manifest_clear (&m);
  ok (parse (img, "application/vnd.oci.image.manifest.v1+json; charset=utf-8", &m, &msg) == 0,
      "content type parameters ignored");
  free (msg);
  vxn_manifest_clear (&m);
  ok (parse (img, VXN_MT_DOCKER_MANIFEST, &m, &msg) < 0 && strstr (msg, "disagrees"),
      "Content-Type and mediaType must agree");
  free (msg);

  const char *noshape
      = "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"" VXN_MT_OCI_MANIFEST "\",\"digest\":\"" D1
        "\",\"size\":10,\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}},"
        "{\"mediaType\":\"" VXN_MT_OCI_MANIFEST "\",\"digest\":\"" D2
        "\",\"size\":10,\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\"}}]}";
  ok (parse (noshape, NULL, &m, &msg) == 0 && m.kind == VXN_MANIFEST_INDEX && m.n_manifests == 2,
      "index without mediaType is told by its shape");
  free (msg);
  struct vxn_platform want;
  const struct vxn_descriptor *d;
  vxn_error_t err = NULL;
  vxn_platform_set (&want, "linux", "arm64", NULL);
  ok (vxn_manifest_select (&m, &want, &d, &err) == 0 && strcmp (d->digest, D2) == 0, "select arm64");
  vxn_platform_set (&want, "linux", "riscv64", NULL);
  ok (vxn_manifest_select (&m, &want, &d, &err) < 0 && strstr (err->msg, "linux/amd64, linux/arm64/v8"),
      "no riscv64, and the error lists the platforms");
  vxn_error_release (&err);
  vxn_manifest_clear (&m);

  static const char *const bad[] = {
    "not json",
    "[]",
    "{\"schemaVersion\":1,\"fsLayers\":[]}",
    "{\"schemaVersion\":3}",
    "{\"schemaVersion\":2,\"mediaType\":\"application/x-unknown\"}",
    "{\"schemaVersion\":2,\"mediaType\":\"" VXN_MT_OCI_MANIFEST "\"}",
    "{\"schemaVersion\":2,\"mediaType\":\"" VXN_MT_OCI_MANIFEST "\",\"config\":{\"mediaType\":\"x\",\"digest\":\"" D1
    "\",\"size\":-1},\"layers\":[]}",
    "{\"schemaVersion\":2,\"mediaType\":\"" VXN_MT_OCI_MANIFEST "\",\"config\":{\"mediaType\":\"x\",\"digest\":\"" D1
    "\",\"size\":1.5},\"layers\":[]}",
    "{\"schemaVersion\":2,\"mediaType\":\"" VXN_MT_OCI_MANIFEST "\",\"config\":{\"mediaType\":\"x\",\"digest\":\"" D1
    "\",\"size\":1e300},\"layers\":[]}",
    "{\"schemaVersion\":2,\"mediaType\":\"" VXN_MT_OCI_MANIFEST "\",\"config\":{\"mediaType\":\"x\",\"digest\":\""
    "sha256:12\",\"size\":1},\"layers\":[]}",
    "{\"schemaVersion\":2,\"mediaType\":\"" VXN_MT_OCI_MANIFEST "\",\"config\":{\"mediaType\":\"x\",\"digest\":\"" D1
    "\",\"size\":1},\"layers\":[{\"mediaType\":\"text/html\",\"digest\":\"" D2 "\",\"size\":1}]}",
    "{\"schemaVersion\":2,\"mediaType\":\"" VXN_MT_OCI_MANIFEST "\",\"config\":{\"mediaType\":\"x\\n\",\"digest\":\"" D1
    "\",\"size\":1},\"layers\":[]}",
    "{\"schemaVersion\":2,\"mediaType\":\"" VXN_MT_OCI_INDEX "\",\"manifests\":[{\"mediaType\":\"" VXN_MT_OCI_MANIFEST
    "\",\"digest\":\"" D1 "\",\"size\":1,\"platform\":{\"os\":\"linux\"}}]}",
  };
  for (size_t i = 0; i < ARRAY_SIZE (bad); i++)
    {
      int r = parse (bad[i], NULL, &m, &msg);
      ok (r < 0, "bad manifest %zu refused: %s", i, msg ? msg : "(accepted!)");
      free (msg);
      if (r == 0)
        vxn_manifest_clear (&m);
    }
  ok (parse ("{\"schemaVersion\":1}", NULL, &m, &msg) < 0 && strstr (msg, "schema 1"), "schema 1 named as such");
  free (msg);
}

static void
test_challenge (void)
{
  struct vxn_challenge c;
  ok (vxn_challenge_parse ("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
                           "scope=\"repository:library/alpine:pull\"",
                           &c)
              == 0
          && c.scheme == VXN_AUTH_BEARER,
      "docker hub challenge");
  is_str (c.realm, "https://auth.docker.io/token", "realm");
  is_str (c.service, "registry.docker.io", "service");
  is_str (c.scope, "repository:library/alpine:pull", "scope");
  vxn_challenge_clear (&c);
  ok (vxn_challenge_parse ("bearer Realm=\"r\\\"q\" , scope=\"repository:a:pull,push\"", &c) == 0, "case, escapes");
  is_str (c.realm, "r\"q", "escaped quote");
  is_str (c.scope, "repository:a:pull,push", "comma inside quotes");
  vxn_challenge_clear (&c);
  ok (vxn_challenge_parse ("Basic realm=\"vxn\"", &c) == 0 && c.scheme == VXN_AUTH_BASIC, "basic");
  vxn_challenge_clear (&c);
  ok (vxn_challenge_parse ("Basic realm=\"x\", Bearer realm=\"https://t\",service=\"s\"", &c) == 0
          && c.scheme == VXN_AUTH_BEARER && strcmp (c.realm, "https://t") == 0,
      "bearer preferred among several");
  vxn_challenge_clear (&c);
  ok (vxn_challenge_parse ("Negotiate", &c) == 0 && c.scheme == VXN_AUTH_NONE, "unknown scheme");
  vxn_challenge_clear (&c);
  ok (vxn_challenge_parse ("Bearer realm=\"unterminated", &c) < 0, "unterminated quote refused");
  ok (vxn_challenge_parse ("Bearer realm=\"a\" junk", &c) < 0, "junk refused");
}

static void
test_config (void)
{
  struct vxn_image_config c;
  vxn_error_t err = NULL;
  const char *good
      = "{\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":\"v8\",\"created\":\"2024-01-01T00:00:00Z\","
        "\"config\":{\"User\":\"app\",\"Env\":[\"A=1\"],\"Entrypoint\":[\"/e\"],\"Cmd\":null,"
        "\"ExposedPorts\":{\"80/tcp\":{}},\"Volumes\":{\"/v\":{}},\"WorkingDir\":\"/w\"},"
        "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" D1 "\"]}}";
  ok (vxn_image_config_parse (good, strlen (good), &c, &err) == 0, "config parses");
  ok (c.cmd == NULL && vxn_strv_len (c.entrypoint) == 1 && strcmp (c.ports[0], "80/tcp") == 0
          && strcmp (c.volumes[0], "/v") == 0 && strcmp (c.platform.variant, "v8") == 0
          && vxn_strv_len (c.diff_ids) == 1,
      "config fields");
  vxn_image_config_clear (&c);
  static const char *const bad[] = {
    "{\"config\":{\"Env\":\"A=1\"}}",
    "{\"config\":{\"Cmd\":[1]}}",
    "{\"config\":{\"User\":5}}",
    "{\"config\":[]}",
    "{\"rootfs\":{\"diff_ids\":[\"sha256:1\"]}}",
    "{\"architecture\":\"AMD64\"}",
  };
  for (size_t i = 0; i < ARRAY_SIZE (bad); i++)
    {
      int r = vxn_image_config_parse (bad[i], strlen (bad[i]), &c, &err);
      ok (r < 0, "bad config %zu refused: %s", i, err ? err->msg : "(accepted!)");
      vxn_error_release (&err);
      if (r == 0)
        vxn_image_config_clear (&c);
    }
}

static void
test_insecure (void)
{
  char *list[] = { "reg.example:5000", "plain.example", NULL };
  ok (vxn_registry_insecure_allowed ("localhost:5000", NULL), "localhost");
  ok (vxn_registry_insecure_allowed ("127.0.0.1:5000", NULL), "127.0.0.1");
  ok (vxn_registry_insecure_allowed ("127.1.2.3", NULL), "127/8");
  ok (vxn_registry_insecure_allowed ("[::1]:5000", NULL), "[::1]");
  ok (!vxn_registry_insecure_allowed ("127.evil.example", NULL), "127.* names are not loopback");
  ok (!vxn_registry_insecure_allowed ("localhost.evil.example", NULL), "localhost.* names are not loopback");
  ok (!vxn_registry_insecure_allowed ("docker.io", NULL), "docker.io is secure");
  ok (vxn_registry_insecure_allowed ("reg.example:5000", list), "listed with port");
  ok (!vxn_registry_insecure_allowed ("reg.example:5001", list), "another port is not listed");
  ok (vxn_registry_insecure_allowed ("plain.example:8080", list), "listed without port: any port");
}

static void
test_misc (void)
{
  cleanup_free char *e = vxn_base64_encode ("alice:wonder:land", 17);
  is_str (e, "YWxpY2U6d29uZGVyOmxhbmQ=", "base64 encode");
  size_t len;
  cleanup_free char *d = vxn_base64_decode (e, &len);
  is_str (d, "alice:wonder:land", "base64 decode");
  ok (len == 17, "decoded length");
  ok (vxn_base64_decode ("abc", NULL) == NULL, "bad base64 length refused");
  ok (vxn_base64_decode ("@@@@", NULL) == NULL, "bad base64 chars refused");
  struct vxn_strset *s = vxn_strset_new ();
  char k[32];
  for (int i = 0; i < 1000; i++)
    {
      snprintf (k, sizeof k, "k%d", i);
      vxn_strset_add (s, k);
    }
  ok (vxn_strset_size (s) == 1000 && vxn_strset_has (s, "k999") && !vxn_strset_has (s, "k1000")
          && !vxn_strset_add (s, "k5"),
      "strset grows and finds");
  vxn_strset_free (s);
}

int
main (void)
{
  test_digest ();
  test_platform ();
  test_manifest ();
  test_challenge ();
  test_config ();
  test_insecure ();
  test_misc ();
  return done_testing ();
}
