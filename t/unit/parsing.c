/* ids, signals, config.json, state files, the guest spec codec. */
#include "config.h"

#include "guest_spec.h"
#include "id.h"
#include "oci_config.h"
#include "signals.h"
#include "state_file.h"
#include "tap.h"
#include "tuning.h"
#include "utils.h"
#include "volumes.h"

#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

static int
id_ok (const char *id)
{
  vxn_error_t err = NULL;
  int r = vxn_validate_id (id, &err);
  vxn_error_release (&err);
  return r == 0;
}

static int
parse_cfg (const char *json, struct vxn_oci_config *cfg, char **msg)
{
  vxn_error_t err = NULL;
  int r = vxn_oci_config_parse (json, cfg, &err);
  if (msg)
    *msg = r < 0 ? vxn_error_string (err) : NULL;
  vxn_error_release (&err);
  return r;
}

static void
test_ids (void)
{
  ok (id_ok ("t1"), "simple id");
  ok (id_ok ("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"), "docker-style 64 hex id");
  ok (id_ok ("my_app.v1-2+x"), "punctuation inside");
  ok (!id_ok (""), "empty id refused");
  ok (!id_ok ("../etc"), "dot-dot refused");
  ok (!id_ok ("a/b"), "slash refused");
  ok (!id_ok (".hidden"), "leading dot refused");
  ok (!id_ok ("-x"), "leading dash refused");
  ok (!id_ok ("a b"), "space refused");
  ok (!id_ok ("a\nb"), "newline refused");
  char longid[200];
  memset (longid, 'a', sizeof longid - 1);
  longid[sizeof longid - 1] = '\0';
  ok (!id_ok (longid), "over-long id refused");
}

static void
test_signals (void)
{
  int s = 0;
  vxn_error_t err = NULL;
  ok (vxn_parse_signal ("KILL", &s, &err) == 0 && s == SIGKILL, "KILL");
  ok (vxn_parse_signal ("SIGTERM", &s, &err) == 0 && s == SIGTERM, "SIGTERM");
  ok (vxn_parse_signal ("term", &s, &err) == 0 && s == SIGTERM, "lower-case term");
  ok (vxn_parse_signal ("9", &s, &err) == 0 && s == 9, "numeric 9");
  ok (vxn_parse_signal ("64", &s, &err) == 0 && s == 64, "numeric 64 (a realtime signal)");
  ok (vxn_parse_signal ("0", &s, &err) < 0, "0 refused");
  vxn_error_release (&err);
  ok (vxn_parse_signal ("65", &s, &err) < 0, "65 refused");
  vxn_error_release (&err);
  ok (vxn_parse_signal ("-9", &s, &err) < 0, "negative refused");
  vxn_error_release (&err);
  ok (vxn_parse_signal ("SIGBOGUS", &s, &err) < 0, "unknown name refused");
  vxn_error_release (&err);
  ok (vxn_parse_signal ("9x", &s, &err) < 0, "trailing junk refused");
  vxn_error_release (&err);
  is_str (vxn_signal_name (SIGWINCH), "WINCH", "names back");
}

/* Each config.json must be refused with a message containing its `expect`. */
struct bad_cfg
{
  const char *json, *expect;
};

static void
check_refused (const char *what, const struct bad_cfg *bad, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      struct vxn_oci_config cfg;
      char *msg = NULL;
      int r = parse_cfg (bad[i].json, &cfg, &msg);
      ok (r < 0 && msg && strstr (msg, bad[i].expect), "%s %zu refused with `%s` (%s)", what, i, bad[i].expect,
          msg ? msg : "accepted");
      free (msg);
    }
}

#define BASE_PROCESS "\"process\":{\"args\":[\"/bin/echo\",\"hello  world\"],\"cwd\":\"/\",\"env\":[\"PATH=/bin\"]}"

static void
test_config (void)
{
  struct vxn_oci_config cfg;
  char *msg = NULL;
  ok (parse_cfg ("{\"ociVersion\":\"1.0.2\"," BASE_PROCESS ",\"root\":{\"path\":\"rootfs\"},"
                 "\"hostname\":\"h\",\"annotations\":{\"a\":\"b\"},"
                 "\"linux\":{\"resources\":{\"memory\":{\"limit\":268435456},"
                 "\"cpu\":{\"quota\":150000,\"period\":100000}}},\"unknown\":1}",
                 &cfg, &msg)
          == 0,
      "valid config parses (unknown keys ignored)");
  is_str (cfg.process.args[1], "hello  world", "args kept verbatim");
  ok (cfg.process.n_args == 2 && cfg.process.args[2] == NULL, "args NULL-terminated");
  is_str (cfg.process.env[0], "PATH=/bin", "env");
  is_str (cfg.process.hostname, "h", "hostname");
  is_str (cfg.root_path, "rootfs", "root.path");
  is_str (cfg.annotations_json, "{\"a\":\"b\"}", "annotations");
  ok (cfg.memory_limit == 268435456, "memory limit");
  ok (cfg.cpu_quota == 150000 && cfg.cpu_period == 100000, "cpu quota and period (docker --cpus 1.5)");
  vxn_oci_config_free (&cfg);
  ok (parse_cfg ("{\"ociVersion\":\"1.0.2\"," BASE_PROCESS ",\"root\":{\"path\":\"rootfs\"},"
                 "\"linux\":{\"maskedPaths\":[\"/proc/kcore\",\"//proc//keys/\"],\"readonlyPaths\":[\"/proc/sys\"]}}",
                 &cfg, &msg)
              == 0
          && cfg.process.n_masked_paths == 2 && strcmp (cfg.process.masked_paths[1], "/proc/keys") == 0
          && cfg.process.n_readonly_paths == 1 && strcmp (cfg.process.readonly_paths[0], "/proc/sys") == 0,
      "linux.maskedPaths and readonlyPaths are kept, tidied");
  vxn_oci_config_free (&cfg);
  ok (parse_cfg ("{\"ociVersion\":\"1.0.2\"," BASE_PROCESS ",\"root\":{\"path\":\"rootfs\"},"
                 "\"linux\":{\"maskedPaths\":[\"/proc/../etc/passwd\"]}}",
                 &cfg, &msg)
          < 0,
      "a masked path with .. is refused");
  ok (msg && strstr (msg, "linux.maskedPaths[0]"), "... naming it (%s)", msg ? msg : "");
  free (msg);
  msg = NULL;
  ok (parse_cfg ("{\"ociVersion\":\"1.0.2\"," BASE_PROCESS ",\"root\":{\"path\":\"rootfs\"},"
                 "\"linux\":{\"readonlyPaths\":\"/proc/sys\"}}",
                 &cfg, &msg)
          < 0,
      "readonlyPaths that is not an array is refused");
  free (msg);
  msg = NULL;
  ok (parse_cfg ("{\"ociVersion\":\"1.0.2\"," BASE_PROCESS ",\"root\":{\"path\":\"rootfs\"},"
                 "\"linux\":{\"resources\":{\"cpu\":{\"quota\":-1,\"shares\":1024}}}}",
                 &cfg, &msg)
              == 0
          && cfg.cpu_quota == 0,
      "cpu quota -1 is no quota");
  vxn_oci_config_free (&cfg);
  ok (parse_cfg ("{\"ociVersion\":\"1.0.2\"," BASE_PROCESS ",\"root\":{\"path\":\"rootfs\"},"
                 "\"linux\":{\"resources\":{\"cpu\":{\"quota\":1.5}}}}",
                 &cfg, &msg)
          < 0,
      "a fractional cpu quota is refused");
  ok (msg && strstr (msg, "linux.resources.cpu.quota"), "... naming it");
  free (msg);
  msg = NULL;

  static const struct bad_cfg bad[] = {
    { "not json", "invalid JSON" },
    { "[]", "top level" },
    { "{\"process\":{}}", "ociVersion" },
    { "{\"ociVersion\":\"2.0\"," BASE_PROCESS ",\"root\":{\"path\":\"r\"}}", "unsupported ociVersion" },
    { "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"r\"}}", "`process` is required" },
    { "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[],\"cwd\":\"/\"},\"root\":{\"path\":\"r\"}}",
      "must not be empty" },
    { "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":\"sh\",\"cwd\":\"/\"},\"root\":{\"path\":\"r\"}}",
      "array of strings" },
    { "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"a\",1],\"cwd\":\"/\"},\"root\":{\"path\":\"r\"}}",
      "process.args[1]" },
    { "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"a\"],\"cwd\":\"rel\"},\"root\":{\"path\":\"r\"}}",
      "absolute" },
    { "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"a\"],\"cwd\":\"/\",\"env\":[\"NOEQUALS\"]},"
      "\"root\":{\"path\":\"r\"}}",
      "NAME=VALUE" },
    { "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"a\"],\"cwd\":\"/\",\"user\":{\"uid\":-1}},"
      "\"root\":{\"path\":\"r\"}}",
      "process.user.uid" },
    { "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"a\"],\"cwd\":\"/\",\"user\":{\"uid\":1.5}},"
      "\"root\":{\"path\":\"r\"}}",
      "process.user.uid" },
    { "{\"ociVersion\":\"1.0.2\"," BASE_PROCESS "}", "`root` is required" },
    { "{\"ociVersion\":\"1.0.2\"," BASE_PROCESS ",\"root\":{\"path\":\"r\",\"readonly\":\"yes\"}}", "root.readonly" },
    { "{\"ociVersion\":\"1.0.2\"," BASE_PROCESS ",\"root\":{\"path\":\"r\"},\"annotations\":{\"a\":1}}",
      "annotation `a`" },
  };
  check_refused ("bad config", bad, sizeof bad / sizeof bad[0]);
}

static void
test_state_file (void)
{
  char dir[] = "/tmp/vxn-unit-XXXXXX";
  ok (mkdtemp (dir) != NULL, "temp dir");
  int fd = open (dir, O_RDONLY | O_DIRECTORY);
  vxn_error_t err = NULL;
  struct vxn_state_file st = {
    .id = "t1", .bundle = "/b", .status = "running", .monitor_pid = 42, .monitor_start_time = 12345,
    .created = "2026-01-01T00:00:00Z", .domid = 7, .domuuid = "u", .domname = "vxn-t1", .exit_status = -1,
    .annotations_json = "{\"k\":\"v\"}", .cgroup = "/docker/t1", .cgroup_owned = 1, .oom_kills = 3,
  }, back;
  ok (vxn_state_file_write (fd, &st, &err) == 0, "state written");
  ok (faccessat (fd, "state.json.tmp", F_OK, 0) < 0, "no temporary file left behind");
  ok (vxn_state_file_read (fd, &back, &err) == 0, "state read back");
  is_str (back.status, "running", "status round-trips");
  ok (back.monitor_pid == 42 && back.monitor_start_time == 12345 && back.domid == 7 && back.exit_status == -1,
      "numbers round-trip");
  is_str (back.annotations_json, "{\"k\":\"v\"}", "annotations round-trip");
  is_str (back.cgroup, "/docker/t1", "the monitor's cgroup round-trips");
  ok (back.cgroup_owned == 1, "so does whether delete removes it");
  ok (back.oom_kills == 3, "and the OOM-kill count");
  vxn_state_file_free (&back);
  static const char old_state[] = "{\"id\":\"x\",\"bundle\":\"/b\",\"status\":\"running\",\"created\":\"\","
                                  "\"domuuid\":\"\",\"domname\":\"\",\"monitor_pid\":1,\"monitor_start_time\":1,"
                                  "\"domid\":1,\"exit_status\":-1";
  char buf[512];
  snprintf (buf, sizeof buf, "%s}", old_state);
  ok (vxn_state_file_parse (buf, &back, &err) == 0 && strcmp (back.cgroup, "") == 0 && !back.cgroup_owned,
      "a state file without a cgroup (older monitor) reads as none");
  vxn_state_file_free (&back);
  vxn_error_release (&err);
  snprintf (buf, sizeof buf, "%s,\"cgroup\":\"/a/../../etc\",\"cgroup_owned\":true}", old_state);
  ok (vxn_state_file_parse (buf, &back, &err) < 0, "a cgroup path climbing out with .. is refused");
  vxn_error_release (&err);
  snprintf (buf, sizeof buf, "%s,\"cgroup\":\"docker\"}", old_state);
  ok (vxn_state_file_parse (buf, &back, &err) < 0, "a relative cgroup path is refused");
  vxn_error_release (&err);
  snprintf (buf, sizeof buf, "%s,\"oom_kills\":-1}", old_state);
  ok (vxn_state_file_parse (buf, &back, &err) < 0, "a negative OOM-kill count is refused");
  vxn_error_release (&err);
  ok (vxn_state_file_parse ("{\"id\":\"x\"}", &back, &err) < 0, "truncated state refused");
  vxn_error_release (&err);
  ok (vxn_state_file_parse ("{\"id\":\"x\",\"bundle\":\"/b\",\"status\":\"weird\",\"created\":\"\",\"domuuid\":\"\","
                            "\"domname\":\"\",\"monitor_pid\":1,\"monitor_start_time\":1,\"domid\":1,"
                            "\"exit_status\":0}",
                            &back, &err)
          < 0,
      "unknown status refused");
  vxn_error_release (&err);
  ok (vxn_process_is (getpid (), vxn_process_start_time (getpid ())), "own process is alive");
  ok (!vxn_process_is (getpid (), vxn_process_start_time (getpid ()) + 1), "start time mismatch = another process");
  ok (vxn_rm_rf_at (AT_FDCWD, dir, &err) == 0 && access (dir, F_OK) < 0, "rm -rf");
  close (fd);
}

static void
test_guest_spec (void)
{
  char *args[] = { "/bin/echo", "hello  world", "", NULL };
  char *env[] = { "PATH=/bin", "A=b=c", NULL };
  gid_t gids[] = { 10, 20 };
  char *masked[] = { "/proc/kcore", "/sys/firmware", NULL }, *ro[] = { "/proc/sys", NULL };
  struct vxn_guest_spec spec = {
    .args = args, .n_args = 3, .env = env, .n_env = 2, .cwd = "/work", .uid = 1000, .gid = 1000,
    .additional_gids = gids, .n_additional_gids = 2, .hostname = "box", .terminal = 0, .readonly_root = 1,
    .masked_paths = masked, .n_masked_paths = 2, .readonly_paths = ro, .n_readonly_paths = 1,
  }, back;
  char *buf = NULL, errbuf[128];
  size_t len = 0;
  ok (vxn_guest_spec_encode (&spec, &buf, &len, errbuf, sizeof errbuf) == 0, "encode");
  ok (vxn_guest_spec_decode (buf, len, &back, errbuf, sizeof errbuf) == 0, "decode (%s)", errbuf);
  ok (back.n_args == 3 && strcmp (back.args[1], "hello  world") == 0 && back.args[2][0] == '\0' && back.args[3] == NULL,
      "args round-trip, empty argument kept");
  ok (back.n_env == 2 && strcmp (back.env[1], "A=b=c") == 0, "env round-trips");
  ok (back.uid == 1000 && back.gid == 1000 && back.n_additional_gids == 2 && back.additional_gids[1] == 20,
      "ids round-trip");
  ok (back.readonly_root == 1 && back.terminal == 0 && strcmp (back.hostname, "box") == 0, "flags round-trip");
  ok (back.n_masked_paths == 2 && strcmp (back.masked_paths[1], "/sys/firmware") == 0 && back.masked_paths[2] == NULL
          && back.n_readonly_paths == 1 && strcmp (back.readonly_paths[0], "/proc/sys") == 0,
      "masked and read-only paths round-trip");
  vxn_guest_spec_free (&back);
  ok (vxn_guest_spec_decode ("ax\0c/\0u0\0g0\0X/proc/../etc\0", 26, &back, errbuf, sizeof errbuf) < 0
          && strstr (errbuf, "clean absolute path"),
      "a masked path with .. is refused by the decoder (%s)", errbuf);
  ok (vxn_guest_spec_decode ("ax\0c/\0u0\0g0\0Yproc\0", 18, &back, errbuf, sizeof errbuf) < 0,
      "a relative read-only path is refused by the decoder (%s)", errbuf);
  ok (vxn_guest_spec_decode (buf, len - 1, &back, errbuf, sizeof errbuf) < 0, "truncated spec refused");
  buf[0] = 'Z';
  ok (vxn_guest_spec_decode (buf, len, &back, errbuf, sizeof errbuf) < 0, "unknown tag refused");
  free (buf);
  ok (vxn_guest_spec_decode ("c/\0u0\0g0\0", 9, &back, errbuf, sizeof errbuf) < 0, "spec without args refused");
  ok (vxn_guest_spec_decode ("ax\0crel\0u0\0g0\0", 14, &back, errbuf, sizeof errbuf) < 0, "relative cwd refused");
  ok (vxn_guest_spec_decode ("ax\0c/\0u-1\0g0\0", 13, &back, errbuf, sizeof errbuf) < 0, "negative uid refused");
  ok (vxn_guest_spec_decode ("ax\0c/\0u0\0g0\0t2\0", 15, &back, errbuf, sizeof errbuf) < 0, "bad flag refused");
  ok (vxn_guest_spec_decode ("ax\0c/\0c/x\0u0\0g0\0", 16, &back, errbuf, sizeof errbuf) < 0,
      "a repeated cwd record is refused");
  char *bad_env[] = { "NOEQUALS", NULL };
  spec.env = bad_env;
  spec.n_env = 1;
  ok (vxn_guest_spec_encode (&spec, &buf, &len, errbuf, sizeof errbuf) < 0, "encoder refuses env without '='");
  ok (vxn_guest_spec_decode ("ax\0c/\0u0\0g0\0", 12, &back, errbuf, sizeof errbuf) == 0 && back.env
          && back.env[0] == NULL,
      "minimal spec decodes with an empty environment");
  vxn_guest_spec_free (&back);
}

#define CFG_MOUNTS(m) "{\"ociVersion\":\"1.0.2\"," BASE_PROCESS ",\"root\":{\"path\":\"r\"},\"mounts\":[" m "]}"

static void
test_mounts (void)
{
  struct vxn_oci_config cfg;
  char *msg = NULL, errbuf[256];
  char dir[] = "/tmp/vxn-unit-mnt-XXXXXX";
  ok (mkdtemp (dir) != NULL, "temp dir for bind sources");
  cleanup_free char *sub = xasprintf ("%s/data", dir);
  cleanup_free char *file = xasprintf ("%s/hosts", dir);
  mkdir (sub, 0755);
  close (open (file, O_WRONLY | O_CREAT, 0644));
  cleanup_free char *json = xasprintf (
      CFG_MOUNTS ("{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\",\"options\":[\"nosuid\"]},"
                  "{\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
                  "\"options\":[\"nosuid\",\"strictatime\",\"mode=755\",\"size=65536k\"]},"
                  "{\"destination\":\"/dev/pts\",\"type\":\"devpts\",\"source\":\"devpts\","
                  "\"options\":[\"nosuid\",\"noexec\",\"newinstance\",\"ptmxmode=0666\",\"mode=0620\",\"gid=5\"]},"
                  "{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\",\"options\":[\"ro\",\"nodev\"]},"
                  "{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup\",\"source\":\"cgroup\",\"options\":[\"ro\"]},"
                  "{\"destination\":\"/dev/shm\",\"type\":\"bind\",\"source\":\"/host/shm\",\"options\":[\"rbind\"]},"
                  "{\"destination\":\"/data/\",\"type\":\"bind\",\"source\":\"%s\",\"options\":[\"rbind\",\"ro\","
                  "\"rprivate\"]},"
                  "{\"destination\":\"//etc//hosts\",\"source\":\"hosts\",\"options\":[\"bind\"]},"
                  "{\"destination\":\"/scratch\",\"type\":\"tmpfs\",\"options\":[\"size=1m\",\"mode=1777\",\"noexec\","
                  "\"tmpcopyup\"]}"),
      sub);
  ok (parse_cfg (json, &cfg, &msg) == 0, "docker-like mounts parse (%s)", msg ? msg : "ok");
  free (msg);
  struct vxn_guest_mount *m = cfg.process.mounts;
  ok (cfg.process.n_mounts == 9, "nine mounts, in order");
  ok (m[0].kind == VXN_MOUNT_PROC && m[0].source == NULL, "proc: standard kind, device name dropped");
  ok (m[1].kind == VXN_MOUNT_DEV && m[1].flags == (MS_NOSUID | MS_STRICTATIME), "tmpfs /dev: the dev kind, flags");
  is_str (m[1].data, "mode=755,size=65536k", "tmpfs /dev: data options kept in order");
  is_str (m[2].data, "newinstance,ptmxmode=0666,mode=0620,gid=5", "devpts options");
  ok (m[3].kind == VXN_MOUNT_SYSFS && m[3].flags == (MS_RDONLY | MS_NODEV), "sysfs ro,nodev");
  ok (m[4].kind == VXN_MOUNT_CGROUP && m[4].flags == MS_RDONLY, "cgroup at /sys/fs/cgroup");
  ok (m[5].kind == VXN_MOUNT_SHM && strcmp (m[5].source, "/host/shm") == 0,
      "an engine's host /dev/shm bind becomes the guest's own shm, its source kept for the size");
  ok (m[6].kind == VXN_MOUNT_BIND && m[6].flags == MS_RDONLY && strcmp (m[6].dest, "/data") == 0,
      "bind ro, propagation ignored, trailing slash tidied");
  ok (m[7].kind == VXN_MOUNT_BIND && strcmp (m[7].dest, "/etc/hosts") == 0, "type-less bind via the bind option");
  ok (m[8].kind == VXN_MOUNT_TMPFS && m[8].flags == MS_NOEXEC, "tmpfs at any destination");
  is_str (m[8].data, "size=1m,mode=1777", "tmpfs size and mode (tmpcopyup ignored)");

  struct vxn_volumes vol;
  vxn_error_t err = NULL;
  ok (vxn_mounts_resolve (&cfg.process, dir, &vol, &err) == 0, "binds resolve (relative source from the bundle)");
  vxn_error_release (&err);
  ok (m[6].kind == VXN_MOUNT_9P && strcmp (m[6].source, "vxn0") == 0 && vol.n_p9 == 1
          && strcmp (vol.p9_paths[0], sub) == 0,
      "a directory becomes 9pfs device vxn0");
  ok (m[7].kind == VXN_MOUNT_FILE && strcmp (m[7].source, "/vxn/files/0") == 0 && vol.n_files == 1
          && strcmp (vol.files[0], file) == 0,
      "a file becomes /vxn/files/0");
  ok (m[5].source == NULL && m[5].data == NULL, "a shm source that cannot be measured leaves the guest's default size");

  char *buf = NULL;
  size_t len = 0;
  struct vxn_guest_spec back;
  ok (vxn_guest_spec_encode (&cfg.process, &buf, &len, errbuf, sizeof errbuf) == 0, "spec with mounts encodes (%s)",
      errbuf);
  ok (vxn_guest_spec_decode (buf, len, &back, errbuf, sizeof errbuf) == 0, "and decodes (%s)", errbuf);
  int same = back.n_mounts == cfg.process.n_mounts;
  for (size_t i = 0; same && i < back.n_mounts; i++)
    {
      const struct vxn_guest_mount *a = &back.mounts[i], *b = &m[i];
      same = a->kind == b->kind && a->flags == b->flags && strcmp (a->dest, b->dest) == 0 && !a->source == !b->source
             && (!a->source || strcmp (a->source, b->source) == 0) && !a->data == !b->data
             && (!a->data || strcmp (a->data, b->data) == 0);
    }
  ok (same, "mounts round-trip through the codec");
  vxn_guest_spec_free (&back);
  free (buf);
  vxn_volumes_free (&vol);
  vxn_oci_config_free (&cfg);

  /* docker/podman --shm-size: the size of the engine's shm tmpfs becomes the guest's. */
  ok (parse_cfg (
          CFG_MOUNTS ("{\"destination\":\"/dev/shm\",\"type\":\"bind\",\"source\":\"/\",\"options\":[\"rbind\"]}"),
          &cfg, NULL)
              == 0
          && vxn_mounts_resolve (&cfg.process, "/", &vol, &err) == 0,
      "a measurable shm source resolves");
  {
    struct statvfs sv;
    char want[64] = "";
    if (statvfs ("/", &sv) == 0)
      snprintf (want, sizeof want, "mode=1777,size=%llu", (unsigned long long)sv.f_blocks * sv.f_frsize);
    is_str (cfg.process.mounts[0].data, want, "... and sizes the guest's /dev/shm like the host's");
    ok (cfg.process.mounts[0].source == NULL, "... dropping the host path");
  }
  vxn_volumes_free (&vol);
  vxn_oci_config_free (&cfg);

  /* An unresolved bind cannot be encoded. */
  ok (parse_cfg (CFG_MOUNTS ("{\"destination\":\"/x\",\"type\":\"bind\",\"source\":\"/\"}"), &cfg, NULL) == 0
          && vxn_guest_spec_encode (&cfg.process, &buf, &len, errbuf, sizeof errbuf) < 0,
      "the encoder refuses an unresolved bind");
  vxn_oci_config_free (&cfg);

  static const struct
  {
    const char *json, *expect;
  } bad[] = {
    { CFG_MOUNTS ("{\"destination\":\"rel\",\"type\":\"tmpfs\"}"), "absolute path" },
    { CFG_MOUNTS ("{\"destination\":\"/a/../b\",\"type\":\"tmpfs\"}"), "without `.` or `..`" },
    { CFG_MOUNTS ("{\"destination\":\"/\",\"type\":\"tmpfs\"}"), "absolute path" },
    { CFG_MOUNTS ("{\"destination\":\"/x\",\"type\":\"nfs\",\"source\":\"h:/e\"}"), "`nfs` is not supported" },
    { CFG_MOUNTS ("{\"destination\":\"/x\",\"type\":\"proc\"}"), "only supported at its standard place" },
    { CFG_MOUNTS ("{\"destination\":\"/proc/sys\",\"type\":\"tmpfs\"}"), "under /proc" },
    { CFG_MOUNTS ("{\"destination\":\"/dev\",\"type\":\"bind\",\"source\":\"/dev\"}"), "only a tmpfs mount" },
    { CFG_MOUNTS ("{\"destination\":\"/x\",\"type\":\"tmpfs\",\"options\":[\"foo=1\"]}"), "option `foo=1`" },
    { CFG_MOUNTS ("{\"destination\":\"/x\",\"type\":\"tmpfs\",\"options\":[\"size=lots\"]}"), "bad value" },
    { CFG_MOUNTS ("{\"destination\":\"/x\",\"type\":\"tmpfs\",\"options\":[\"mode=999\"]}"), "bad value" },
    { CFG_MOUNTS ("{\"destination\":\"/x\",\"type\":\"bind\",\"source\":\"/s\",\"options\":[\"size=1m\"]}"),
      "unsupported mount option" },
    { CFG_MOUNTS ("{\"destination\":\"/x\",\"type\":\"tmpfs\",\"options\":\"ro\"}"), "array of strings" },
    { CFG_MOUNTS ("{\"destination\":\"/x\",\"type\":\"bind\"}"), "needs a `source`" },
    { CFG_MOUNTS ("{\"destination\":\"/x\",\"source\":\"/s\"}"), "`type` is required" },
    { CFG_MOUNTS ("{\"destination\":\"/dev\",\"type\":\"tmpfs\"},{\"destination\":\"/dev\",\"type\":\"tmpfs\"}"),
      "two mounts at /dev" },
    { CFG_MOUNTS ("{\"type\":\"tmpfs\"}"), "destination` is required" },
    { "{\"ociVersion\":\"1.0.2\"," BASE_PROCESS ",\"root\":{\"path\":\"r\"},\"mounts\":{}}", "must be an array" },
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
      int r = parse_cfg (bad[i].json, &cfg, &msg);
      ok (r < 0 && msg && strstr (msg, bad[i].expect), "bad mount %zu refused with `%s` (%s)", i, bad[i].expect,
          msg ? msg : "accepted");
      free (msg);
    }

  /* Sources that cannot cross into the VM, or are missing. */
  cleanup_free char *missing = xasprintf (CFG_MOUNTS ("{\"destination\":\"/x\",\"type\":\"bind\",\"source\":"
                                                      "\"%s/nope\"}"),
                                          dir);
  ok (parse_cfg (missing, &cfg, NULL) == 0 && vxn_mounts_resolve (&cfg.process, dir, &vol, &err) < 0
          && strstr (err->msg, "/nope"),
      "a missing bind source is named");
  vxn_error_release (&err);
  vxn_volumes_free (&vol);
  vxn_oci_config_free (&cfg);
  ok (parse_cfg (CFG_MOUNTS ("{\"destination\":\"/x\",\"type\":\"bind\",\"source\":\"/dev/null\"}"), &cfg, NULL) == 0
          && vxn_mounts_resolve (&cfg.process, dir, &vol, &err) < 0 && strstr (err->msg, "neither a directory"),
      "a device as bind source is refused");
  vxn_error_release (&err);
  vxn_volumes_free (&vol);
  vxn_oci_config_free (&cfg);

  /* The decoder: mount records are strict too. */
  static const struct
  {
    const char *spec;
    size_t len;
    const char *what;
  } bad_spec[] = {
#define S(x) { x, sizeof x - 1, #x }
    S ("ax\0c/\0u0\0g0\0Mnfs\0D/x\0"),          S ("ax\0c/\0u0\0g0\0D/x\0"),
    S ("ax\0c/\0u0\0g0\0M9p\0D/x\0"),           S ("ax\0c/\0u0\0g0\0M9p\0D/x\0SBAD TAG\0"),
    S ("ax\0c/\0u0\0g0\0Mtmpfs\0Dx\0"),         S ("ax\0c/\0u0\0g0\0Mtmpfs\0D/a/../b\0"),
    S ("ax\0c/\0u0\0g0\0Mtmpfs\0D/x\0F4096\0"), S ("ax\0c/\0u0\0g0\0Msysfs\0D/x\0"),
    S ("ax\0c/\0u0\0g0\0Mtmpfs\0D/x\0D/y\0"),   S ("ax\0c/\0u0\0g0\0Mdev\0D/dev\0Mdev\0D/dev\0"),
    S ("ax\0c/\0u0\0g0\0Mbind\0D/x\0S/h\0"),    S ("ax\0c/\0u0\0g0\0Mtmpfs\0"),
#undef S
  };
  for (size_t i = 0; i < sizeof bad_spec / sizeof bad_spec[0]; i++)
    ok (vxn_guest_spec_decode (bad_spec[i].spec, bad_spec[i].len, &back, errbuf, sizeof errbuf) < 0,
        "bad mount records refused: %zu (%s)", i, errbuf);
  ok (vxn_guest_spec_decode ("ax\0c/\0u0\0g0\0Mtmpfs\0D/x\0Osize=1m\0F1\0", 35, &back, errbuf, sizeof errbuf) == 0
          && back.n_mounts == 1 && back.mounts[0].flags == MS_RDONLY && strcmp (back.mounts[0].data, "size=1m") == 0,
      "a minimal tmpfs mount decodes (%s)", errbuf);
  vxn_guest_spec_free (&back);
  vxn_rm_rf_at (AT_FDCWD, dir, &err);
}

static void
test_tuning (void)
{
  struct vxn_tuning t;
  vxn_error_t err = NULL;
  ok (vxn_tuning_parse ("{\"org.vxn.kernel\":\"/k\",\"org.vxn.memory\":\"256\",\"org.vxn.vcpus\":\"2\",\"x\":\"y\"}",
                        &t, &err)
          == 0,
      "tuning annotations parse");
  ok (t.kernel && strcmp (t.kernel, "/k") == 0 && t.memory_mb == 256 && t.vcpus == 2, "kernel, memory, vcpus");
  vxn_tuning_free (&t);
  ok (vxn_tuning_parse ("{}", &t, &err) == 0 && t.kernel == NULL && t.memory_mb == 0 && t.vcpus == 0,
      "no annotations: defaults");
  static const char *bad[] = {
    "{\"org.vxn.memory\":\"63\"}", "{\"org.vxn.memory\":\"1g\"}",  "{\"org.vxn.vcpus\":\"0\"}",
    "{\"org.vxn.vcpus\":\"65\"}",  "{\"org.vxn.kernel\":\"rel\"}",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
      ok (vxn_tuning_parse (bad[i], &t, &err) < 0 && strstr (err->msg, "org.vxn."), "refused, naming it: %s", bad[i]);
      vxn_error_release (&err);
    }
}

/* process.capabilities, rlimits, noNewPrivileges, user.umask, oomScoreAdj, and the ignored security fields. */
#define CFG_WITH(process_extra, top_extra)                                                                             \
  "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"a\"],\"cwd\":\"/\"" process_extra "},"                           \
  "\"root\":{\"path\":\"r\"}" top_extra "}"

static void
test_config_credentials (void)
{
  struct vxn_oci_config cfg;
  char *msg = NULL;
  ok (parse_cfg (CFG_WITH (",\"user\":{\"uid\":1,\"gid\":2,\"umask\":18},\"noNewPrivileges\":true,"
                           "\"oomScoreAdj\":-500,"
                           "\"capabilities\":{\"bounding\":[\"CAP_CHOWN\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"],"
                           "\"effective\":[\"CAP_KILL\"],\"permitted\":[\"CAP_KILL\",\"CAP_KILL\"],"
                           "\"inheritable\":[],\"ambient\":[\"CAP_CHECKPOINT_RESTORE\"]},"
                           "\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":123,\"hard\":456},"
                           "{\"type\":\"RLIMIT_CORE\",\"soft\":0,\"hard\":18446744073709551615}],"
                           "\"apparmorProfile\":\"docker-default\",\"selinuxLabel\":\"\"",
                           ",\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\"}}"),
                 &cfg, &msg)
          == 0,
      "config with every credential field parses (%s)", msg ? msg : "ok");
  free (msg);
  ok (cfg.process.have_umask && cfg.process.umask == 022, "user.umask");
  ok (cfg.process.no_new_privs == 1, "noNewPrivileges");
  ok (cfg.process.have_oom_score_adj && cfg.process.oom_score_adj == -500, "oomScoreAdj");
  ok (cfg.process.have_caps && cfg.process.caps[VXN_CAPS_BOUNDING] == ((1 << 0) | (1 << 5) | (1 << 10)),
      "capabilities.bounding as a mask");
  ok (cfg.process.caps[VXN_CAPS_EFFECTIVE] == 1 << 5 && cfg.process.caps[VXN_CAPS_PERMITTED] == 1 << 5
          && cfg.process.caps[VXN_CAPS_INHERITABLE] == 0 && cfg.process.caps[VXN_CAPS_AMBIENT] == UINT64_C (1) << 40,
      "effective, permitted (a repeated name is harmless), inheritable, ambient");
  ok (cfg.process.n_rlimits == 2 && cfg.process.rlimits[0].resource == RLIMIT_NOFILE
          && cfg.process.rlimits[0].soft == 123 && cfg.process.rlimits[0].hard == 456,
      "rlimits: RLIMIT_NOFILE 123/456");
  ok (cfg.process.rlimits[1].resource == RLIMIT_CORE && cfg.process.rlimits[1].hard == UINT64_MAX,
      "rlimits: 18446744073709551615 is RLIM_INFINITY");
  is_str (cfg.ignored, "`process.apparmorProfile`, `linux.seccomp`",
          "apparmorProfile and seccomp are noted as ignored (an empty selinuxLabel is not)");
  vxn_oci_config_free (&cfg);

  ok (parse_cfg (
          CFG_WITH (",\"ioPriority\":{\"class\":\"IOPRIO_CLASS_IDLE\"},\"scheduler\":{\"policy\":\"SCHED_BATCH\"}",
                    ",\"linux\":{\"personality\":{\"domain\":\"LINUX32\"}}"),
          &cfg, &msg)
          == 0,
      "ioPriority, scheduler and personality parse");
  is_str (cfg.ignored, "`process.ioPriority`, `process.scheduler`, `linux.personality`",
          "... and are named in create's warning, not dropped silently");
  vxn_oci_config_free (&cfg);
  ok (parse_cfg (CFG_WITH (",\"scheduler\":\"batch\"", ""), &cfg, &msg) < 0 && msg && strstr (msg, "process.scheduler"),
      "a scheduler that is not an object is refused");
  free (msg);
  msg = NULL;

  ok (parse_cfg (CFG_WITH ("", ""), &cfg, &msg) == 0 && !cfg.process.have_caps && cfg.process.n_rlimits == 0
          && !cfg.process.no_new_privs && !cfg.process.have_umask && !cfg.process.have_oom_score_adj
          && cfg.ignored == NULL,
      "without those fields: nothing to apply, nothing ignored");
  vxn_oci_config_free (&cfg);
  ok (parse_cfg (CFG_WITH (",\"capabilities\":{}", ""), &cfg, &msg) == 0 && cfg.process.have_caps
          && cfg.process.caps[VXN_CAPS_BOUNDING] == 0 && cfg.process.caps[VXN_CAPS_PERMITTED] == 0,
      "an empty capabilities object means no capabilities at all");
  vxn_oci_config_free (&cfg);

  static const struct bad_cfg bad[] = {
    { CFG_WITH (",\"capabilities\":[]", ""), "`process.capabilities` must be an object" },
    { CFG_WITH (",\"capabilities\":{\"bounding\":\"CAP_KILL\"}", ""), "`process.capabilities.bounding` must be" },
    { CFG_WITH (",\"capabilities\":{\"effective\":[1]}", ""), "`process.capabilities.effective[0]`" },
    { CFG_WITH (",\"capabilities\":{\"permitted\":[\"CAP_KILL\",\"CAP_BOGUS\"]}", ""),
      "`process.capabilities.permitted[1]`: unknown capability `CAP_BOGUS`" },
    { CFG_WITH (",\"capabilities\":{\"ambient\":[\"cap_kill\"]}", ""), "unknown capability `cap_kill`" },
    { CFG_WITH (",\"capabilities\":{\"inheritable\":[\"KILL\"]}", ""), "unknown capability `KILL`" },
    { CFG_WITH (",\"capabilities\":{\"bounding\":[\"CAP_5\"]}", ""), "unknown capability `CAP_5`" },
    { CFG_WITH (",\"rlimits\":{}", ""), "`process.rlimits` must be an array" },
    { CFG_WITH (",\"rlimits\":[1]", ""), "`process.rlimits[0]` must be an object" },
    { CFG_WITH (",\"rlimits\":[{\"soft\":1,\"hard\":1}]", ""), "`process.rlimits[0].type` must be a string" },
    { CFG_WITH (",\"rlimits\":[{\"type\":\"RLIMIT_FOO\",\"soft\":1,\"hard\":1}]", ""),
      "`process.rlimits[0].type`: unknown resource `RLIMIT_FOO`" },
    { CFG_WITH (",\"rlimits\":[{\"type\":\"nofile\",\"soft\":1,\"hard\":1}]", ""), "unknown resource `nofile`" },
    { CFG_WITH (",\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1}]", ""), "`process.rlimits[0].soft`" },
    { CFG_WITH (",\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":-1,\"hard\":1}]", ""),
      "`process.rlimits[0].soft`" },
    { CFG_WITH (",\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":1,\"hard\":2.5}]", ""),
      "`process.rlimits[0].hard`" },
    { CFG_WITH (",\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":1,\"hard\":\"2\"}]", ""),
      "`process.rlimits[0].hard`" },
    { CFG_WITH (",\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":1,\"hard\":1e30}]", ""),
      "`process.rlimits[0].hard`" },
    { CFG_WITH (",\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":3,\"hard\":2}]", ""), "soft limit above" },
    { CFG_WITH (",\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":1,\"hard\":1},"
                "{\"type\":\"RLIMIT_NOFILE\",\"soft\":1,\"hard\":1}]",
                ""),
      "`process.rlimits[1].type`: `RLIMIT_NOFILE` is given twice" },
    { CFG_WITH (",\"noNewPrivileges\":1", ""), "`process.noNewPrivileges` must be a boolean" },
    { CFG_WITH (",\"user\":{\"umask\":512}", ""), "process.user.umask" },
    { CFG_WITH (",\"user\":{\"umask\":\"022\"}", ""), "process.user.umask" },
    { CFG_WITH (",\"oomScoreAdj\":1001", ""), "process.oomScoreAdj" },
    { CFG_WITH (",\"oomScoreAdj\":-1001", ""), "process.oomScoreAdj" },
    { CFG_WITH (",\"oomScoreAdj\":1.5", ""), "process.oomScoreAdj" },
    { CFG_WITH (",\"apparmorProfile\":1", ""), "`process.apparmorProfile` must be a string" },
    { CFG_WITH (",\"selinuxLabel\":{}", ""), "`process.selinuxLabel` must be a string" },
    { CFG_WITH ("", ",\"linux\":{\"seccomp\":\"x\"}"), "`linux.seccomp` must be an object" },
  };
  check_refused ("bad credentials", bad, sizeof bad / sizeof bad[0]);
}

/* Records K, L, N, U, J of the guest spec. */
static void
test_guest_spec_credentials (void)
{
  char *args[] = { "/bin/true", NULL };
  struct vxn_rlimit rl[] = { { RLIMIT_NOFILE, 123, 456 }, { RLIMIT_CORE, 0, UINT64_MAX } };
  struct vxn_guest_spec spec = {
    .args = args, .n_args = 1, .cwd = "/", .have_caps = 1,
    .caps = { 0x1ffffffffffULL, 0x400, 0, 0x420, UINT64_C (1) << 63 },
    .rlimits = rl, .n_rlimits = 2, .no_new_privs = 1, .have_umask = 1, .umask = 027, .have_oom_score_adj = 1,
    .oom_score_adj = -1000,
  }, back;
  char *buf = NULL, errbuf[128];
  size_t len = 0;
  ok (vxn_guest_spec_encode (&spec, &buf, &len, errbuf, sizeof errbuf) == 0, "credentials: encode");
  ok (memmem (buf, len, "K1ffffffffff 400 0 420 8000000000000000", 40) != NULL, "credentials: K record as written");
  ok (memmem (buf, len, "U0027", 6) != NULL && memmem (buf, len, "J-1000", 7) != NULL
          && memmem (buf, len, "L4 0 18446744073709551615", 26) != NULL,
      "credentials: U, J and L records as written");
  ok (vxn_guest_spec_decode (buf, len, &back, errbuf, sizeof errbuf) == 0, "credentials: decode (%s)", errbuf);
  ok (back.have_caps && memcmp (back.caps, spec.caps, sizeof spec.caps) == 0, "credentials: capability sets");
  ok (back.n_rlimits == 2 && back.rlimits[0].resource == RLIMIT_NOFILE && back.rlimits[0].soft == 123
          && back.rlimits[0].hard == 456 && back.rlimits[1].resource == RLIMIT_CORE
          && back.rlimits[1].hard == UINT64_MAX,
      "credentials: rlimits");
  ok (back.no_new_privs && back.have_umask && back.umask == 027 && back.have_oom_score_adj
          && back.oom_score_adj == -1000,
      "credentials: no_new_privs, umask, oom_score_adj");
  vxn_guest_spec_free (&back);
  free (buf);

  struct vxn_guest_spec plain = { .args = args, .n_args = 1, .cwd = "/" };
  ok (vxn_guest_spec_encode (&plain, &buf, &len, errbuf, sizeof errbuf) == 0
          && vxn_guest_spec_decode (buf, len, &back, errbuf, sizeof errbuf) == 0 && !back.have_caps
          && back.n_rlimits == 0 && !back.no_new_privs && !back.have_umask && !back.have_oom_score_adj,
      "credentials: a spec without them decodes with none");
  ok (memchr (buf, 'K', len) == NULL, "credentials: no K record without a capabilities object");
  vxn_guest_spec_free (&back);
  free (buf);

  struct vxn_rlimit bad_rl[] = { { RLIMIT_NOFILE, 2, 1 } };
  spec.rlimits = bad_rl;
  spec.n_rlimits = 1;
  ok (vxn_guest_spec_encode (&spec, &buf, &len, errbuf, sizeof errbuf) < 0, "credentials: encoder refuses soft > hard");
  spec.n_rlimits = 0;
  spec.umask = 01000;
  ok (vxn_guest_spec_encode (&spec, &buf, &len, errbuf, sizeof errbuf) < 0, "credentials: encoder refuses umask 01000");
  spec.umask = 0;
  spec.oom_score_adj = 1001;
  ok (vxn_guest_spec_encode (&spec, &buf, &len, errbuf, sizeof errbuf) < 0, "credentials: encoder refuses oom 1001");

#define MIN_SPEC "ax\0c/\0u0\0g0\0"
  static const struct
  {
    const char *rec;
    size_t len;
    const char *what;
  } bad[] = {
#define R(s, what) { MIN_SPEC s, sizeof MIN_SPEC s - 1, what }
    R ("K0 0 0 0\0", "K with four masks"),
    R ("K0 0 0 0 0 0\0", "K with six masks"),
    R ("K0 0 0 0 g\0", "K with a non-hex mask"),
    R ("K0 0 0 0 A\0", "K with an upper-case mask"),
    R ("K0  0 0 0 0\0", "K with a double space"),
    R ("K0 0 0 0 10000000000000000\0", "K with a mask over 64 bits"),
    R ("K0 0 0 0 0\0K0 0 0 0 0\0", "K twice"),
    R ("L7 1\0", "L with two fields"),
    R ("L99 1 1\0", "L with an unknown resource"),
    R ("L7 2 1\0", "L with soft > hard"),
    R ("L7 01 1\0", "L with a leading zero"),
    R ("L7 1 18446744073709551616\0", "L over 2^64-1"),
    R ("L7 1 1\0L7 2 2\0", "L twice for one resource"),
    R ("N0\0", "N other than 1"),
    R ("N1\0N1\0", "N twice"),
    R ("U022\0", "U with three digits"),
    R ("U0800\0", "U with a non-octal digit"),
    R ("U1000\0", "U over 0777"),
    R ("J1001\0", "J over 1000"),
    R ("J-1001\0", "J under -1000"),
    R ("J-0\0", "J minus zero"),
    R ("J+1\0", "J with a plus sign"),
    R ("J\0", "J empty"),
    R ("J1\0J2\0", "J twice"),
#undef R
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
      int r = vxn_guest_spec_decode (bad[i].rec, bad[i].len, &back, errbuf, sizeof errbuf);
      ok (r < 0, "credentials: decoder refuses %s (%s)", bad[i].what, r < 0 ? errbuf : "accepted");
      if (r == 0)
        vxn_guest_spec_free (&back);
    }
  static const char extremes[] = MIN_SPEC "L7 0 18446744073709551615\0J-1000\0U0777\0";
  ok (vxn_guest_spec_decode (extremes, sizeof extremes - 1, &back, errbuf, sizeof errbuf) == 0
          && back.rlimits[0].hard == UINT64_MAX && back.oom_score_adj == -1000 && back.umask == 0777,
      "credentials: decoder accepts the extremes (%s)", errbuf);
  vxn_guest_spec_free (&back);
#undef MIN_SPEC
}

int
main (void)
{
  test_tuning ();
  test_ids ();
  test_signals ();
  test_config ();
  test_state_file ();
  test_guest_spec ();
  test_config_credentials ();
  test_guest_spec_credentials ();
  test_mounts ();
  return done_testing ();
}
