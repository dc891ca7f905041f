/* create: validate, build the guest ramdisk, fork the monitor, wait until the domain is built, write --pid-file. */
#include "config.h"

#include "runtime.h"

#include "guest_spec.h"
#include "id.h"
#include "initrd.h"
#include "monitor.h"
#include "oci_config.h"
#include "terminal.h"
#include "tuning.h"
#include "utils.h"
#include "volumes.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define DEFAULT_MEMORY_MB 192

struct create_opts
{
  const char *bundle;
  const char *pid_file;
  const char *console_socket;
};

static int
parse_create_opts (int argc, char **argv, struct create_opts *o, const char **id, vxn_error_t *err)
{
  static const struct option opts[] = {
    { "bundle", required_argument, NULL, 'b' },
    { "pid-file", required_argument, NULL, 'p' },
    { "console-socket", required_argument, NULL, 'c' },
    { "preserve-fds", required_argument, NULL, 'P' },
    { "no-pivot", no_argument, NULL, 'n' },
    { "no-new-keyring", no_argument, NULL, 'k' },
    { "no-subreaper", no_argument, NULL, 's' },
    { "detach", no_argument, NULL, 'd' },
    { NULL, 0, NULL, 0 },
  };
  int c;
  long n;
  memset (o, 0, sizeof *o);
  o->bundle = ".";
  while ((c = getopt_long (argc, argv, "b:d", opts, NULL)) != -1)
    switch (c)
      {
      case 'b':
        o->bundle = optarg;
        break;
      case 'p':
        o->pid_file = optarg;
        break;
      case 'c':
        o->console_socket = optarg;
        break;
      case 'P':
        if (vxn_parse_long (optarg, 0, 1024, &n) < 0)
          return vxn_make_error (err, 0, "create: --preserve-fds must be a number");
        break; /* extra fds have no meaning inside another kernel */
      case 'n':
      case 'k':
      case 's':
      case 'd':
        break; /* namespaces and keyrings belong to the guest kernel: nothing to do */
      default:
        return vxn_make_error (err, 0, "create: unknown option (see vxn-oci-runtime(8))");
      }
  if (vxn_expect_args ("create", argc - optind, 1, 1, err) < 0)
    return -1;
  *id = argv[optind];
  return 0;
}

static const char *
guest_dir (void)
{
  const char *d = getenv ("VXN_GUEST_DIR");
  return d && *d ? d : VXN_GUEST_DIR;
}

static int
build_initrd (int dirfd, const char *bundle, const struct vxn_oci_config *cfg, const struct vxn_volumes *vol,
              const char *kernel, vxn_error_t *err)
{
  cleanup_free char *spec = NULL;
  size_t spec_len;
  char errbuf[256];
  if (vxn_guest_spec_encode (&cfg->process, &spec, &spec_len, errbuf, sizeof errbuf) < 0)
    return vxn_make_error (err, 0, "config.json: %s", errbuf);
  cleanup_free char *rootfs
      = cfg->root_path[0] == '/' ? xstrdup (cfg->root_path) : xasprintf ("%s/%s", bundle, cfg->root_path);
  cleanup_free char *base = xasprintf ("%s/initramfs.cpio", guest_dir ());
  /* The 9p modules only for containers that mount a host directory. */
  cleanup_free char *extra = vol->n_p9 ? xasprintf ("%s/initramfs-9p.cpio", guest_dir ()) : NULL;
  if (access (kernel, R_OK) < 0)
    return vxn_make_error (err, errno,
                           "guest kernel `%s` (install vxn's guest files, set VXN_GUEST_DIR or the "
                           "org.vxn.kernel annotation)",
                           kernel);
  cleanup_close int fd = openat (dirfd, "initrd", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    return vxn_make_error (err, errno, "create the guest ramdisk");
  return vxn_initrd_build (fd, base, extra, spec, spec_len, rootfs, vol->files, vol->n_files, err);
}

/* org.vxn.memory, else linux.resources.memory.limit (with a floor: the rootfs lives in the guest's RAM). */
static unsigned
memory_mb (const struct vxn_oci_config *cfg, const struct vxn_tuning *t)
{
  if (t->memory_mb)
    return t->memory_mb;
  if (cfg->memory_limit <= 0)
    return DEFAULT_MEMORY_MB;
  int64_t mb = cfg->memory_limit / (1024 * 1024);
  return mb < VXN_MIN_MEMORY_MB ? VXN_MIN_MEMORY_MB : (unsigned)mb;
}

/* org.vxn.vcpus, else ceil(cpu quota / period) as `update` does (period 100000 when unset), at most VXN_MAX_VCPUS. */
static unsigned
vcpus (const struct vxn_oci_config *cfg, const struct vxn_tuning *t)
{
  if (t->vcpus)
    return t->vcpus;
  if (cfg->cpu_quota <= 0)
    return 1;
  int64_t period = cfg->cpu_period > 0 ? cfg->cpu_period : 100000;
  int64_t n = (cfg->cpu_quota + period - 1) / period;
  return n > VXN_MAX_VCPUS ? VXN_MAX_VCPUS : (unsigned)n;
}

/* The monitor's cgroup (cgroup.h): decided here, so a bad cgroupsPath fails before anything exists; entered by the
   monitor itself before it starts any process of its own. */
static int
resolve_cgroup (struct vxn_global *g, const struct vxn_oci_config *cfg, const char *id, struct vxn_cgroup *cg,
                vxn_error_t *err)
{
  cleanup_free char *own = NULL;
  vxn_error_t oerr = NULL;
  if (vxn_cgroup_own (&own, &oerr) < 0)
    vxn_error_release (&oerr); /* only a relative cgroupsPath needs it; "/" serves then */
  return vxn_cgroup_resolve (g->cgroup_request, cfg->cgroups_path, id, own, vxn_systemd_booted (), cg, err);
}

/* Wait for the monitor's verdict on the sync pipe: "ok", or "error <message>", or EOF if it died. */
static int
wait_for_monitor (int fd, pid_t pid, vxn_error_t *err)
{
  char buf[1024];
  vxn_read_to_eof (fd, buf, sizeof buf);
  if (strcmp (buf, "ok") == 0)
    return 0;
  /* Failure: let the monitor finish tearing the domain down before the state directory goes. */
  int status;
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (strncmp (buf, "error ", 6) == 0)
    return vxn_make_error (err, 0, "%s", buf + 6);
  if (WIFSIGNALED (status))
    return vxn_make_error (err, 0, "the container monitor died of signal %d before the domain was built",
                           WTERMSIG (status));
  return vxn_make_error (err, 0, "the container monitor exited (status %d) before the domain was built",
                         WIFEXITED (status) ? WEXITSTATUS (status) : -1);
}

/* Fork the monitor and wait for its verdict. Only the caller may hold the pty master: its close is the terminal's
   hangup, so the monitor drops its copy. */
static int
spawn_monitor (struct vxn_monitor_args *args, int pty_master, pid_t *pid_out, vxn_error_t *err)
{
  int sync[2];
  if (pipe2 (sync, O_CLOEXEC) < 0)
    return vxn_make_error (err, errno, "pipe");
  pid_t pid = fork ();
  if (pid < 0)
    {
      close (sync[0]);
      close (sync[1]);
      return vxn_make_error (err, errno, "fork the container monitor");
    }
  if (pid == 0)
    {
      close (sync[0]);
      if (pty_master >= 0)
        close (pty_master);
      args->sync_fd = sync[1];
      vxn_monitor_main (args);
    }
  close (sync[1]);
  int ret = wait_for_monitor (sync[0], pid, err);
  close (sync[0]);
  *pid_out = pid;
  return ret;
}

/* The state directory goes with a failed create: keep libxl's own words for the failure (its last error line in
   monitor.log) in the error. */
static void
add_libxl_reason (int dirfd, vxn_error_t *err)
{
  cleanup_free char *log = NULL;
  vxn_error_t rerr = NULL;
  if (vxn_read_file_at (dirfd, "monitor.log", 1024 * 1024, &log, NULL, &rerr) < 0)
    {
      vxn_error_release (&rerr);
      return;
    }
  /* The first error is the cause; later ones are libxl cleaning up after it. */
  char *last = NULL;
  for (char *line = strtok (log, "\n"); line && !last; line = strtok (NULL, "\n"))
    if (strstr (line, "libxl: error") != NULL)
      last = line;
  if (last && *err)
    {
      char *msg = xasprintf ("%s (libxl: %.300s)", (*err)->msg, last);
      free ((*err)->msg);
      (*err)->msg = msg;
    }
}

int
vxn_cmd_create (struct vxn_global *g, int argc, char **argv, vxn_error_t *err)
{
  struct create_opts o;
  const char *id = NULL;
  struct vxn_oci_config cfg;
  struct vxn_tuning tuning = { 0 };
  struct vxn_volumes vol = { 0 };
  struct vxn_cgroup cgroup = { 0 };
  char bundle[PATH_MAX], created[64];
  int ret = -1;
  /* Declared up front: the error paths jump here, and cleanup must never see an uninitialised value. */
  cleanup_free char *state_dir = NULL;
  cleanup_free char *abs_state_dir = NULL;
  cleanup_free char *kernel = NULL;
  cleanup_close int dirfd = -1;
  cleanup_close int pty_master = -1;
  cleanup_close int pty_slave = -1;
  struct vxn_monitor_args args;
  pid_t pid = -1;
  if (parse_create_opts (argc, argv, &o, &id, err) < 0 || vxn_validate_id (id, err) < 0)
    return -1;
  if (realpath (o.bundle, bundle) == NULL)
    return vxn_make_error (err, errno, "bundle `%s`", o.bundle);
  if (vxn_oci_config_load (bundle, &cfg, err) < 0)
    return vxn_error_wrap (err, "create `%s`", id);
  if (vxn_tuning_parse (cfg.annotations_json, &tuning, err) < 0
      || vxn_mounts_resolve (&cfg.process, bundle, &vol, err) < 0)
    goto out_cfg;
  if (resolve_cgroup (g, &cfg, id, &cgroup, err) < 0)
    goto out_cfg;
  if (cfg.ignored)
    vxn_warning ("create `%s`: config.json: %s ignored (no such policy in the guest; see vxn-oci-runtime(8))", id,
                 cfg.ignored);
  /* Checked here for a clear message: libxl only logs it in monitor.log. */
  if (vol.n_p9 && access (VXN_DEVICE_MODEL, X_OK) < 0)
    {
      vxn_make_error (err, errno,
                      "bind mounts of directories need QEMU's Xen 9pfs backend `%s` (Debian package "
                      "qemu-system-xen)",
                      VXN_DEVICE_MODEL);
      goto out_cfg;
    }
  if (!o.console_socket != !cfg.process.terminal)
    {
      vxn_make_error (err, 0, "%s",
                      cfg.process.terminal ? "process.terminal is set but no --console-socket was given"
                                           : "--console-socket given but process.terminal is false");
      goto out_cfg;
    }
  if (vxn_mkdir_p (g->root, 0700, err) < 0)
    goto out_cfg;
  state_dir = xasprintf ("%s/%s", g->root, id);
  if (mkdir (state_dir, 0700) < 0)
    {
      if (errno == EEXIST)
        vxn_make_error (err, 0, "container `%s` already exists", id);
      else
        vxn_make_error (err, errno, "mkdir `%s`", state_dir);
      goto out_cfg;
    }
  dirfd = open (state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0)
    {
      vxn_make_error (err, errno, "open `%s`", state_dir);
      goto out_remove;
    }
  kernel = tuning.kernel ? xstrdup (tuning.kernel) : xasprintf ("%s/vmlinux", guest_dir ());
  if (build_initrd (dirfd, bundle, &cfg, &vol, kernel, err) < 0)
    goto out_remove;
  vxn_now_rfc3339 (created, sizeof created);
  abs_state_dir = realpath (state_dir, NULL);
  args = (struct vxn_monitor_args){
    .id = id,
    .bundle = bundle,
    .state_dir = abs_state_dir,
    .guest_dir = guest_dir (),
    .kernel = kernel,
    .created = created,
    .annotations_json = cfg.annotations_json,
    .memory_mb = memory_mb (&cfg, &tuning),
    .vcpus = vcpus (&cfg, &tuning),
    .debug = g->debug,
    .terminal_fd = -1,
    .p9_paths = vol.p9_paths,
    .n_p9 = vol.n_p9,
    .cgroup = &cgroup,
  };
  if (o.console_socket)
    {
      if (vxn_terminal_open (&pty_master, &pty_slave, err) < 0)
        goto out_remove;
      args.terminal_fd = pty_slave;
    }
  ret = spawn_monitor (&args, pty_master, &pid, err);
  if (ret < 0)
    goto out_remove;
  /* Before create returns (conmon insists): the caller gets the pty master; the monitor keeps the slave. */
  if (o.console_socket && vxn_terminal_send (o.console_socket, pty_master, err) < 0)
    {
      kill (pid, SIGKILL); /* its watchdog destroys the domain */
      ret = -1;
      goto out_cfg;
    }
  /* Last: containerd takes the pid file's appearance as "create finished". */
  if (o.pid_file && vxn_write_pid_file (o.pid_file, pid, err) < 0)
    {
      kill (pid, SIGKILL); /* its watchdog destroys the domain */
      ret = -1;
      goto out_cfg;
    }
  vxn_oci_config_free (&cfg);
  vxn_tuning_free (&tuning);
  vxn_volumes_free (&vol);
  vxn_cgroup_free (&cgroup);
  return 0;

out_remove:
  if (dirfd >= 0)
    add_libxl_reason (dirfd, err);
  {
    vxn_error_t rerr = NULL;
    cleanup_close int rootfd = open (g->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rootfd >= 0)
      vxn_rm_rf_at (rootfd, id, &rerr);
    vxn_error_release (&rerr);
    /* The monitor may have made its cgroupfs cgroup before the domain failed; no delete will come for it. */
    if (pid > 0 && cgroup.manager == VXN_CGROUP_FS)
      vxn_cgroup_remove (cgroup.path, CGROUP_EMPTY_TIMEOUT_MS, &rerr);
    vxn_error_release (&rerr);
  }
out_cfg:
  vxn_oci_config_free (&cfg);
  vxn_tuning_free (&tuning);
  vxn_volumes_free (&vol);
  vxn_cgroup_free (&cgroup);
  vxn_error_wrap (err, "create `%s`", id);
  return -1;
}
