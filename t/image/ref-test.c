/* Reference parsing and normalisation: the docker/distribution grammar and docker's defaults. */
#include "config.h"

#include "ref.h"
#include "tap.h"
#include "utils.h"

#include <stdlib.h>

static void
good (const char *in, const char *full, const char *key, const char *familiar)
{
  struct vxn_ref r;
  vxn_error_t err = NULL;
  int ret = vxn_ref_parse (in, &r, &err);
  ok (ret == 0, "parse `%s`%s%s", in, err ? ": " : "", err ? err->msg : "");
  if (ret < 0)
    {
      vxn_error_release (&err);
      return;
    }
  cleanup_free char *s = vxn_ref_string (&r);
  cleanup_free char *k = vxn_ref_key (&r);
  cleanup_free char *f = vxn_ref_familiar_name (&r);
  is_str (s, full, "`%s` normalises", in);
  is_str (k, key, "`%s` store key", in);
  is_str (f, familiar, "`%s` familiar name", in);
  vxn_ref_clear (&r);
}

static void
bad (const char *in, const char *why)
{
  struct vxn_ref r;
  vxn_error_t err = NULL;
  int ret = vxn_ref_parse (in, &r, &err);
  ok (ret < 0 && err && strstr (err->msg, why), "`%s` refused (%s)%s%s", in, why, err ? ": " : "", err ? err->msg : "");
  if (ret == 0)
    vxn_ref_clear (&r);
  vxn_error_release (&err);
}

int
main (void)
{
  const char *d = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  char buf[512];
  good ("alpine", "docker.io/library/alpine:latest", "docker.io/library/alpine:latest", "alpine");
  good ("alpine:3.19", "docker.io/library/alpine:3.19", "docker.io/library/alpine:3.19", "alpine");
  good ("library/alpine", "docker.io/library/alpine:latest", "docker.io/library/alpine:latest", "alpine");
  good ("docker.io/alpine", "docker.io/library/alpine:latest", "docker.io/library/alpine:latest", "alpine");
  good ("index.docker.io/library/alpine", "docker.io/library/alpine:latest", "docker.io/library/alpine:latest",
        "alpine");
  good ("user/app:v1", "docker.io/user/app:v1", "docker.io/user/app:v1", "user/app");
  good ("quay.io/coreos/etcd", "quay.io/coreos/etcd:latest", "quay.io/coreos/etcd:latest", "quay.io/coreos/etcd");
  good ("localhost/foo", "localhost/foo:latest", "localhost/foo:latest", "localhost/foo");
  good ("localhost:5000/foo/bar:tag", "localhost:5000/foo/bar:tag", "localhost:5000/foo/bar:tag",
        "localhost:5000/foo/bar");
  good ("127.0.0.1:5000/a_b/c__d/e-f/g.h", "127.0.0.1:5000/a_b/c__d/e-f/g.h:latest",
        "127.0.0.1:5000/a_b/c__d/e-f/g.h:latest", "127.0.0.1:5000/a_b/c__d/e-f/g.h");
  good ("[::1]:5000/x", "[::1]:5000/x:latest", "[::1]:5000/x:latest", "[::1]:5000/x");
  good ("Registry.Example/x", "Registry.Example/x:latest", "Registry.Example/x:latest", "Registry.Example/x");
  snprintf (buf, sizeof buf, "alpine@%s", d);
  char full[600], key[600];
  snprintf (full, sizeof full, "docker.io/library/alpine@%s", d);
  good (buf, full, full, "alpine");
  snprintf (buf, sizeof buf, "alpine:3@%s", d);
  snprintf (full, sizeof full, "docker.io/library/alpine:3@%s", d);
  snprintf (key, sizeof key, "docker.io/library/alpine:3");
  good (buf, full, key, "alpine");
  good ("a:_tag.with-chars_", "docker.io/library/a:_tag.with-chars_", "docker.io/library/a:_tag.with-chars_", "a");

  bad ("", "empty");
  bad ("Alpine", "lowercase");
  bad ("alpine:", "invalid tag");
  bad ("alpine:-x", "invalid tag");
  bad ("alpine:a/b", "invalid");
  bad ("alpine@sha256:abc", "malformed digest");
  bad ("alpine@sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", "malformed digest");
  bad ("alpine@sha512:00", "unsupported digest algorithm");
  bad ("a//b", "invalid repository name");
  bad ("a/-b", "invalid repository name");
  bad ("a/b-", "invalid repository name");
  bad ("a/b..c", "invalid repository name");
  bad ("a/b___c", "invalid repository name");
  bad ("-host.com/a", "invalid registry host");
  bad ("host.com:99999/a", "invalid registry host");
  bad ("host.com:/a", "invalid registry host");
  bad ("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "64-byte hex");
  memset (buf, 'a', 300);
  buf[300] = '\0';
  bad (buf, "longer than");
  char longtag[200] = "a:";
  memset (longtag + 2, 't', 129);
  longtag[131] = '\0';
  bad (longtag, "invalid tag");

  ok (vxn_ref_tag_valid ("v1.2.3-rc_1"), "tag valid");
  ok (!vxn_ref_tag_valid (".x"), "tag cannot start with a dot");
  ok (vxn_ref_domain_valid ("my-registry.example.com:443"), "domain with port");
  ok (!vxn_ref_domain_valid ("a..b"), "empty domain component");
  return done_testing ();
}
