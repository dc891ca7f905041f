/* Which cgroup the monitor goes to: vxn_cgroup_resolve against runc's rules (flags x linux.cgroupsPath). */
#include "config.h"

#include "cgroup.h"
#include "oci_config.h"
#include "tap.h"
#include "utils.h"

#include <stdbool.h>

static struct vxn_cgroup cg;
static char *msg;

static int
resolve (enum vxn_cgroup_request req, const char *path, const char *own, bool booted)
{
  vxn_error_t err = NULL;
  vxn_cgroup_free (&cg);
  free (msg);
  msg = NULL;
  int r = vxn_cgroup_resolve (req, path, "abc", own, booted, &cg, &err);
  if (r < 0)
    msg = vxn_error_string (err);
  vxn_error_release (&err);
  return r;
}

static void
fs_is (enum vxn_cgroup_request req, const char *path, const char *own, const char *want, const char *what)
{
  int r = resolve (req, path, own, false);
  ok (r == 0 && cg.manager == VXN_CGROUP_FS, "%s: cgroupfs", what);
  is_str (cg.path, want, "%s: the path", what);
}

static void
scope_is (enum vxn_cgroup_request req, const char *path, const char *slice, const char *unit, const char *what)
{
  int r = resolve (req, path, "/", true);
  ok (r == 0 && cg.manager == VXN_CGROUP_SYSTEMD, "%s: a systemd scope", what);
  is_str (cg.slice, slice, "%s: its slice", what);
  is_str (cg.unit, unit, "%s: its unit", what);
}

static void
refused (enum vxn_cgroup_request req, const char *path, bool booted, const char *words, const char *what)
{
  int r = resolve (req, path, "/", booted);
  ok (r < 0, "%s: refused", what);
  ok (msg && strstr (msg, words), "%s: the error says `%s` (%s)", what, words, msg ? msg : "no error");
}

static void
test_requests (void)
{
  ok (vxn_cgroup_request_parse ("cgroupfs") == VXN_CGROUP_REQUEST_FS, "--cgroup-manager cgroupfs");
  ok (vxn_cgroup_request_parse ("systemd") == VXN_CGROUP_REQUEST_SYSTEMD, "--cgroup-manager systemd");
  ok (vxn_cgroup_request_parse ("disabled") == VXN_CGROUP_REQUEST_DISABLED, "--cgroup-manager disabled");
  ok (vxn_cgroup_request_parse ("cgroupfs ") < 0, "an unknown manager is refused");
}

static void
test_auto (void)
{
  ok (resolve (VXN_CGROUP_REQUEST_AUTO, NULL, "/", false) == 0 && cg.manager == VXN_CGROUP_NONE,
      "no flag, no cgroupsPath, no systemd: the caller's cgroup");
  ok (resolve (VXN_CGROUP_REQUEST_AUTO, "", "/", false) == 0 && cg.manager == VXN_CGROUP_NONE,
      "an empty cgroupsPath is no cgroupsPath");
  scope_is (VXN_CGROUP_REQUEST_AUTO, NULL, "system.slice", "vxn-abc.scope", "no flag, systemd is PID 1");
  fs_is (VXN_CGROUP_REQUEST_AUTO, "/docker/abc", "/", "/docker/abc", "docker's cgroupfs path");
  fs_is (VXN_CGROUP_REQUEST_AUTO, "/libpod_parent/libpod-abc", "/x", "/libpod_parent/libpod-abc", "podman's");
  fs_is (VXN_CGROUP_REQUEST_AUTO, "docker/abc", "/user.slice/session-1.scope", "/user.slice/docker/abc",
         "a relative path hangs below the parent of our own cgroup");
  fs_is (VXN_CGROUP_REQUEST_AUTO, "docker/abc", "/", "/docker/abc", "relative, from the root cgroup");
  fs_is (VXN_CGROUP_REQUEST_AUTO, "docker/abc", "/init.scope", "/docker/abc", "relative, one level down");
  scope_is (VXN_CGROUP_REQUEST_AUTO, "system.slice:docker:abc", "system.slice", "docker-abc.scope",
            "slice:prefix:name without the flag, systemd running");
  refused (VXN_CGROUP_REQUEST_AUTO, "system.slice:docker:abc", false, "systemd is not running",
           "slice:prefix:name without systemd");
}

static void
test_systemd (void)
{
  scope_is (VXN_CGROUP_REQUEST_SYSTEMD, NULL, "system.slice", "vxn-abc.scope", "--systemd-cgroup, no path");
  scope_is (VXN_CGROUP_REQUEST_SYSTEMD, "machine.slice:libpod:abc", "machine.slice", "libpod-abc.scope",
            "podman's slice:prefix:name");
  scope_is (VXN_CGROUP_REQUEST_SYSTEMD, ":cri-containerd:abc", "system.slice", "cri-containerd-abc.scope",
            "an empty slice is system.slice");
  scope_is (VXN_CGROUP_REQUEST_SYSTEMD, "kubepods-besteffort-pod1.slice::ctr1", "kubepods-besteffort-pod1.slice",
            "ctr1.scope", "an empty prefix");
  scope_is (VXN_CGROUP_REQUEST_SYSTEMD, "system.slice:vxn:", "system.slice", "vxn-abc.scope",
            "an empty name is the id");
  refused (VXN_CGROUP_REQUEST_SYSTEMD, "/docker/abc", true, "slice:prefix:name", "a cgroupfs path");
  refused (VXN_CGROUP_REQUEST_SYSTEMD, "system:docker:abc", true, "not a slice", "a slice not ending in .slice");
  refused (VXN_CGROUP_REQUEST_SYSTEMD, "system.slice:docker:abc.slice", true, "not supported",
           "a slice as the container's unit");
  refused (VXN_CGROUP_REQUEST_SYSTEMD, "system.slice:do cker:abc", true, "not a valid systemd unit name",
           "a space in the unit name");
  refused (VXN_CGROUP_REQUEST_SYSTEMD, "a:b:c:d", true, "slice:prefix:name", "three colons");
  refused (VXN_CGROUP_REQUEST_SYSTEMD, NULL, false, "systemd is not running", "--systemd-cgroup without systemd");
}

static void
test_cgroupfs (void)
{
  fs_is (VXN_CGROUP_REQUEST_FS, NULL, "/a/b", "/a/abc", "--cgroup-manager cgroupfs, no path: the id, relative");
  refused (VXN_CGROUP_REQUEST_FS, "/a/../b", false, "`..`", "`..`");
  refused (VXN_CGROUP_REQUEST_FS, "/a//b", false, "empty", "an empty component");
  refused (VXN_CGROUP_REQUEST_FS, "/a/./b", false, "`.`", "a `.` component");
  refused (VXN_CGROUP_REQUEST_FS, "/a/", false, "empty", "a trailing slash");
  refused (VXN_CGROUP_REQUEST_FS, "/", false, "root cgroup", "the root cgroup itself");
  refused (VXN_CGROUP_REQUEST_FS, "system.slice:docker:abc", false, "--systemd-cgroup", "systemd's form with cgroupfs");
  ok (resolve (VXN_CGROUP_REQUEST_DISABLED, "/docker/abc", "/", true) == 0 && cg.manager == VXN_CGROUP_NONE,
      "--cgroup-manager disabled leaves the monitor where it is");
}

static void
test_config (void)
{
  static const char base[] = "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"/bin/true\"],\"cwd\":\"/\"},"
                             "\"root\":{\"path\":\"rootfs\"},\"linux\":{\"cgroupsPath\":%s}}";
  char json[512];
  struct vxn_oci_config cfg;
  vxn_error_t err = NULL;
  snprintf (json, sizeof json, base, "\"/docker/abc\"");
  ok (vxn_oci_config_parse (json, &cfg, &err) == 0, "config.json with linux.cgroupsPath parses");
  is_str (cfg.cgroups_path, "/docker/abc", "linux.cgroupsPath is kept");
  vxn_oci_config_free (&cfg);
  snprintf (json, sizeof json, base, "7");
  ok (vxn_oci_config_parse (json, &cfg, &err) < 0, "a cgroupsPath that is not a string is refused");
  char *m = vxn_error_string (err);
  ok (m && strstr (m, "linux.cgroupsPath"), "... naming the field (%s)", m);
  free (m);
  vxn_error_release (&err);
}

static void
test_remove_missing (void)
{
  vxn_error_t err = NULL;
  ok (vxn_cgroup_remove ("/vxn-unit-test-no-such-cgroup/x", 100, &err) == 0, "removing a cgroup that is gone is fine");
  vxn_error_release (&err);
}

int
main (void)
{
  test_requests ();
  test_auto ();
  test_systemd ();
  test_cgroupfs ();
  test_config ();
  test_remove_missing ();
  vxn_cgroup_free (&cg);
  free (msg);
  return done_testing ();
}
