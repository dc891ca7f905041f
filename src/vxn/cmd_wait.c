/* wait: block on a pidfd of each container's monitor, then print the exit status the monitor recorded in the
   runtime's state.json. Works for every engine's containers. */
#include "config.h"

#include "vxn.h"
#include "utils.h"
#include "view.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char usage[] = "Usage: %1$s wait CONTAINER [CONTAINER...]\n\n"
                            "Wait until containers stop, then print their exit codes.\n";

static int
wait_one (struct vxn_cli *cli, struct vxn_view *v, const char *what, void *data, vxn_error_t *err)
{
  (void)cli;
  (void)data;
  if (!v->rt.have_state)
    return vxn_make_error (err, 0, "container %s has not been started", what);
  int fd = vxn_rt_monitor_pidfd (&v->rt);
  if (fd >= 0)
    {
      vxn_pidfd_wait (fd, -1);
      close (fd);
    }
  vxn_view_refresh (v);
  if (v->state == VXN_VIEW_EXITED)
    {
      printf ("%d\n", v->exit_code);
      return 0;
    }
  if (!v->rt.have_state)
    return vxn_make_error (err, 0, "container %s was removed before its exit status could be read", what);
  return vxn_make_error (err, 0, "container %s stopped without an exit status (its monitor was killed)", what);
}

int
vxn_cmd_wait (struct vxn_cli *cli, int argc, char **argv, vxn_error_t *err)
{
  static const struct option opts[] = {
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  int c;
  while ((c = getopt_long (argc, argv, "+h", opts, NULL)) != -1)
    {
      if (c == 'h')
        {
          vxn_print_usage (cli, usage);
          return 0;
        }
      return vxn_usage_bad_flag (cli, c, argc, argv, err);
    }
  if (vxn_usage_need_args (cli, optind, argc, argv, err) < 0)
    return -1;
  return vxn_for_each_container (cli, optind, argc, argv, 0, wait_one, NULL);
}
