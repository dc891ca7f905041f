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

static int
rm_one (struct vxn_cli *cli, struct vxn_view *v, const char *what, void *data, vxn_error_t *err)
{
  const int *force = data;
  if (!v->have_record)
    return vxn_make_error (err, 0, "container %s belongs to %s: remove it there", what, v->engine);
  if (!*force && (v->state == VXN_VIEW_RUNNING || v->state == VXN_VIEW_PAUSED))
    return vxn_make_error (err, 0,
                           "cannot remove container \"%s\": container is %s: stop the container before removing or "
                           "force remove",
                           what, vxn_view_state_name (v));
  return vxn_ctr_destroy (cli, &v->rec, err);
}

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
        return vxn_usage_bad_flag (cli, c, argc, argv, err);
      }
  if (vxn_usage_need_args (cli, optind, argc, argv, err) < 0)
    return -1;
  return vxn_for_each_container (cli, optind, argc, argv, VXN_EACH_PRINT_NAME, rm_one, &force);
}
