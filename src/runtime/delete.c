/* delete: stopped containers go at once; created ones (and any with --force) are killed first. If the monitor died
   without cleaning up (SIGKILLed), its domain is destroyed here: the only verb besides create that needs libxl. */
#include "config.h"

#include "domain.h"
#include "runtime.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#define DELETE_TIMEOUT_MS 120000
#define QEMU_LOG_DIR "/var/log/xen"
#define QEMU_LOG_ROTATIONS 10 /* libxl keeps .1 to .10 */

static int
destroy_leftover_domain (const struct vxn_state_file *st, vxn_error_t *err)
{
  struct vxn_domain d;
  int r = vxn_domain_open (st, &d, err);
  if (r <= 0)
    return r;
  if (libxl_domain_destroy (d.ctx, d.domid, NULL) != 0)
    r = vxn_make_error (err, 0, "cannot destroy domain %lld", (long long)st->domid);
  else
    r = 0;
  vxn_domain_close (&d);
  return r;
}

/* Kill through the monitor and wait for it to exit: a pidfd turns readable when the process ends. */
static int
kill_and_wait (struct vxn_container *c, vxn_error_t *err)
{
  cleanup_close int pidfd = (int)syscall (SYS_pidfd_open, c->st.monitor_pid, 0);
  if (pidfd < 0)
    return 0; /* already gone */
  if (!vxn_process_is (c->st.monitor_pid, c->st.monitor_start_time))
    return 0;
  vxn_error_t kerr = NULL;
  if (vxn_container_request (c, "kill 9 1", &kerr) < 0)
    {
      /* It may have exited between our checks; the pidfd tells. */
      vxn_error_release (&kerr);
    }
  struct pollfd p = { .fd = pidfd, .events = POLLIN };
  int r;
  do
    r = poll (&p, 1, DELETE_TIMEOUT_MS);
  while (r < 0 && errno == EINTR);
  if (r == 0)
    return vxn_make_error (err, ETIMEDOUT, "container `%s`: the monitor did not exit", c->id);
  return 0;
}

/* The cgroupfs cgroup create made for the monitor. A failure costs a directory, not the delete: warn. */
static void
remove_cgroup (const struct vxn_container *c)
{
  vxn_error_t cerr = NULL;
  if (vxn_cgroup_remove (c->st.cgroup, CGROUP_EMPTY_TIMEOUT_MS, &cerr) < 0)
    {
      char *s = vxn_error_string (cerr);
      vxn_warning ("delete `%s`: %s", c->id, s);
      free (s);
      vxn_error_release (&cerr);
    }
}

/* libxl's log of the domain's QEMU (containers with volumes), and the copies it rotated: one set per container
   id, so they would pile up in /var/log/xen. */
static void
remove_qemu_logs (const struct vxn_container *c)
{
  if (c->st.domname == NULL || c->st.domname[0] == '\0' || strchr (c->st.domname, '/'))
    return;
  for (int i = 0; i <= QEMU_LOG_ROTATIONS; i++)
    {
      cleanup_free char *p = i ? xasprintf ("%s/qemu-dm-%s.log.%d", QEMU_LOG_DIR, c->st.domname, i)
                               : xasprintf ("%s/qemu-dm-%s.log", QEMU_LOG_DIR, c->st.domname);
      (void)unlink (p);
    }
}

int
vxn_cmd_delete (struct vxn_global *g, int argc, char **argv, vxn_error_t *err)
{
  static const struct option opts[] = {
    { "force", no_argument, NULL, 'f' },
    { NULL, 0, NULL, 0 },
  };
  int c, force = 0;
  while ((c = getopt_long (argc, argv, "f", opts, NULL)) != -1)
    {
      if (c != 'f')
        return vxn_make_error (err, 0, "delete: unknown option");
      force = 1;
    }
  if (vxn_expect_args ("delete", argc - optind, 1, 1, err) < 0)
    return -1;
  struct vxn_container ct;
  if (vxn_container_open (g, argv[optind], &ct, err) < 0)
    {
      /* As runc: --force on a container that is already gone succeeds, so callers may repeat it. */
      if (force && ct.id != NULL && ct.dirfd < 0 && strstr ((*err)->msg, "does not exist"))
        {
          vxn_error_release (err);
          vxn_container_close (&ct);
          return 0;
        }
      vxn_container_close (&ct);
      return -1;
    }
  const char *status = vxn_container_status (&ct);
  int ret = 0;
  cleanup_close int rootfd = -1;
  if (strcmp (status, "stopped") != 0)
    {
      if (!force && strcmp (status, "created") != 0)
        {
          ret = vxn_make_error (err, 0, "cannot delete container `%s` that is %s (use --force)", ct.id, status);
          goto out;
        }
      if (ct.have_state && (ret = kill_and_wait (&ct, err)) < 0)
        goto out;
      vxn_container_close (&ct);
      if (vxn_container_open (g, argv[optind], &ct, err) < 0)
        return -1;
    }
  /* A monitor that was SIGKILLed left its last state behind: its domain may still exist. */
  if (ct.have_state && strcmp (ct.st.status, "exited") != 0 && ct.st.domid > 0
      && (ret = destroy_leftover_domain (&ct.st, err)) < 0)
    goto out;
  if (ct.have_state && ct.st.cgroup_owned && ct.st.cgroup[0] != '\0')
    remove_cgroup (&ct);
  if (ct.have_state)
    remove_qemu_logs (&ct);
  rootfd = open (g->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0)
    ret = vxn_make_error (err, errno, "open `%s`", g->root);
  else
    ret = vxn_rm_rf_at (rootfd, ct.id, err);
out:
  vxn_container_close (&ct);
  return ret;
}
