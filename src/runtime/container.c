#include "config.h"

#include "runtime.h"

#include "ctl.h"
#include "id.h"
#include "statemachine.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int
vxn_expect_args (const char *verb, int have, int min, int max, vxn_error_t *err)
{
  if (have < min)
    return vxn_make_error (err, 0, "%s: missing argument (see `vxn-oci-runtime %s --help`)", verb, verb);
  if (have > max)
    return vxn_make_error (err, 0, "%s: too many arguments", verb);
  return 0;
}

int
vxn_write_pid_file (const char *path, pid_t pid, vxn_error_t *err)
{
  char buf[32];
  int n = snprintf (buf, sizeof buf, "%d", (int) pid);
  return vxn_write_file_atomic (path, buf, n, 0644, err);
}

int
vxn_container_open (struct vxn_global *g, const char *id, struct vxn_container *c, vxn_error_t *err)
{
  memset (c, 0, sizeof *c);
  c->dirfd = -1;
  if (vxn_validate_id (id, err) < 0)
    return -1;
  c->id = xstrdup (id);
  cleanup_free char *path = xasprintf ("%s/%s", g->root, id);
  c->dirfd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (c->dirfd < 0)
    {
      if (errno == ENOENT)
        return vxn_make_error (err, 0, "container `%s` does not exist", id);
      return vxn_make_error (err, errno, "open `%s`", path);
    }
  vxn_error_t serr = NULL;
  if (vxn_state_file_read (c->dirfd, &c->st, &serr) == 0)
    {
      c->have_state = true;
      c->monitor_alive = vxn_process_is (c->st.monitor_pid, c->st.monitor_start_time);
    }
  vxn_error_release (&serr); /* no state yet: `create` is still running */
  return 0;
}

void
vxn_container_close (struct vxn_container *c)
{
  if (c->dirfd >= 0)
    close (c->dirfd);
  if (c->have_state)
    vxn_state_file_free (&c->st);
  free (c->id);
  memset (c, 0, sizeof *c);
  c->dirfd = -1;
}

const char *
vxn_container_status (const struct vxn_container *c)
{
  if (!c->have_state)
    return "creating";
  if (!c->monitor_alive)
    return "stopped";
  int s = vxn_state_from_name (c->st.status);
  return s < 0 ? "stopped" : vxn_state_oci_status (s);
}

int
vxn_container_request (struct vxn_container *c, const char *request, vxn_error_t *err)
{
  if (!c->have_state || !c->monitor_alive)
    return vxn_make_error (err, 0, "container `%s` is %s", c->id, vxn_container_status (c));
  if (vxn_ctl_request (c->dirfd, request, 30000, err) < 0)
    return vxn_error_wrap (err, "container `%s`", c->id);
  return 0;
}
