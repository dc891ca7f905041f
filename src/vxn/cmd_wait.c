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
      return vxn_usage_error (cli, err, "unknown flag: %s\nSee '%s wait --help'.", vxn_bad_option (argc, argv),
                              cli->prog);
    }
  if (optind >= argc)
    return vxn_usage_error (cli, err, "\"wait\" requires at least 1 argument.\nSee '%s wait --help'.", cli->prog);
  int failed = 0;
  for (int i = optind; i < argc; i++)
    {
      struct vxn_views vs;
      struct vxn_view *v;
      vxn_error_t e = NULL;
      int ret = vxn_view_lookup (cli, argv[i], &vs, &v, &e);
      if (ret == 0 && !v->rt.have_state)
        ret = vxn_make_error (&e, 0, "container %s has not been started", argv[i]);
      if (ret == 0)
        {
          int fd = vxn_rt_monitor_pidfd (&v->rt);
          if (fd >= 0)
            {
              vxn_pidfd_wait (fd, -1);
              close (fd);
            }
          vxn_view_refresh (v);
          if (v->state == VXN_VIEW_EXITED)
            printf ("%d\n", v->exit_code);
          else if (!v->rt.have_state)
            ret = vxn_make_error (&e, 0, "container %s was removed before its exit status could be read", argv[i]);
          else
            ret = vxn_make_error (&e, 0, "container %s stopped without an exit status (its monitor was killed)",
                                  argv[i]);
        }
      fflush (stdout);
      if (ret < 0)
        {
          vxn_report_error (cli, &e);
          failed = 1;
        }
      vxn_views_free (&vs);
    }
  return failed ? -1 : 0;
}
