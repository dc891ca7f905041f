/* delete: stopped containers go at once; created ones (and any with --force) are killed first. If the monitor died
   without cleaning up (SIGKILLed), its domain is destroyed here: the only verb besides create that needs libxl. */
#include "config.h"

#define LIBXL_API_VERSION 0x041400
#include <libxl.h>

#include "runtime.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#define DELETE_TIMEOUT_MS 120000

static int
destroy_leftover_domain (const struct vxn_state_file *st, vxn_error_t *err)
{
  xentoollog_logger_stdiostream *xtl = xtl_createlogger_stdiostream (stderr, XTL_ERROR, 0);
  libxl_ctx *ctx = NULL;
  int ret = 0;
  if (libxl_ctx_alloc (&ctx, LIBXL_VERSION, 0, (xentoollog_logger *) xtl) != 0)
    {
      xtl_logger_destroy ((xentoollog_logger *) xtl);
      return vxn_make_error (err, 0, "cannot open libxl to remove domain %lld", (long long) st->domid);
    }
  libxl_dominfo info;
  libxl_dominfo_init (&info);
  if (libxl_domain_info (ctx, &info, (uint32_t) st->domid) == 0)
    {
      char uuid[40];
      snprintf (uuid, sizeof uuid, LIBXL_UUID_FMT, LIBXL_UUID_BYTES (info.uuid));
      /* domids are reused: only the domain this container created. */
      if (strcmp (uuid, st->domuuid) == 0 && libxl_domain_destroy (ctx, (uint32_t) st->domid, NULL) != 0)
        ret = vxn_make_error (err, 0, "cannot destroy domain %lld", (long long) st->domid);
    }
  libxl_dominfo_dispose (&info);
  libxl_ctx_free (ctx);
  xtl_logger_destroy ((xentoollog_logger *) xtl);
  return ret;
}

/* Kill through the monitor and wait for it to exit: a pidfd turns readable when the process ends. */
static int
kill_and_wait (struct vxn_container *c, vxn_error_t *err)
{
  cleanup_close int pidfd = (int) syscall (SYS_pidfd_open, c->st.monitor_pid, 0);
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
  rootfd = open (g->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0)
    ret = vxn_make_error (err, errno, "open `%s`", g->root);
  else
    ret = vxn_rm_rf_at (rootfd, ct.id, err);
out:
  vxn_container_close (&ct);
  return ret;
}
