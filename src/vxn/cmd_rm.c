/* rm: a vxn container's runtime state (`vxn-oci-runtime delete`) and its record. Containers other engines run are
   theirs to remove: deleting their state behind their back would break them. */
#include "config.h"

#include "vxn.h"
#include "launch.h"
#include "utils.h"
#include "view.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char usage[] = "Usage: %1$s rm [OPTIONS] CONTAINER [CONTAINER...]\n\n"
                            "Remove containers (their runtime state, bundle, log and record).\n\n"
                            "Options:\n"
                            "  -f, --force     remove running containers too (they are killed)\n"
                            "  -v, --volumes   accepted (containers have no volumes)\n";

int
vxn_cmd_rm (struct vxn_cli *cli, int argc, char **argv, vxn_error_t *err)
{
  static const struct option opts[] = {
    { "force", no_argument, NULL, 'f' },
    { "volumes", no_argument, NULL, 'v' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  int c, force = 0;
  while ((c = getopt_long (argc, argv, "+fvh", opts, NULL)) != -1)
    switch (c)
      {
      case 'f':
        force = 1;
        break;
      case 'v':
        break;
      case 'h':
        vxn_print_usage (cli, usage);
        return 0;
      default:
        return vxn_usage_error (cli, err, "unknown flag: %s\nSee '%s rm --help'.", vxn_bad_option (argc, argv),
                                cli->prog);
      }
  if (optind >= argc)
    return vxn_usage_error (cli, err, "\"rm\" requires at least 1 argument.\nSee '%s rm --help'.", cli->prog);
  int failed = 0;
  for (int i = optind; i < argc; i++)
    {
      struct vxn_views vs;
      struct vxn_view *v;
      vxn_error_t e = NULL;
      int ret = vxn_view_lookup (cli, argv[i], &vs, &v, &e);
      if (ret == 0 && !v->have_record)
        ret = vxn_make_error (&e, 0, "container %s belongs to %s: remove it there", argv[i], v->engine);
      if (ret == 0 && !force && (v->state == VXN_VIEW_RUNNING || v->state == VXN_VIEW_PAUSED))
        ret = vxn_make_error (&e, 0,
                              "cannot remove container \"%s\": container is %s: stop the container before removing "
                              "or force remove",
                              argv[i], vxn_view_state_name (v));
      if (ret == 0)
        ret = vxn_ctr_destroy (cli, &v->rec, &e);
      if (ret == 0)
        printf ("%s\n", argv[i]);
      else
        {
          vxn_report_error (cli, &e);
          failed = 1;
        }
      vxn_views_free (&vs);
    }
  return failed ? -1 : 0;
}
