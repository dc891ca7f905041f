#include "config.h"

#include "vxn.h"
#include "load.h"
#include "strv.h"
#include "utils.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] = "Usage: vxn load [OPTIONS] [-i] PATH|- [NAME[:TAG]]\n\n"
                            "Load images from a docker-save tarball, an OCI archive or an OCI layout directory.\n"
                            "NAME names the image when PATH holds one and carries no usable name.\n\n"
                            "Options:\n"
                            "  -i, --input PATH              the archive or directory\n"
                            "  --platform OS/ARCH[/VARIANT]  choose from a multi-platform image (default: the host)\n"
                            "  -q, --quiet\n";

int
vxn_cmd_load (struct vxn_cli *cli, int argc, char **argv, vxn_error_t *err)
{
  static const struct option opts[] = {
    { "input", required_argument, NULL, 'i' },
    { "platform", required_argument, NULL, 'p' },
    { "quiet", no_argument, NULL, 'q' },
    { NULL, 0, NULL, 0 },
  };
  if (vxn_cli_wants_help (argc, argv, usage))
    return 0;
  const char *input = NULL;
  struct vxn_platform platform, *want = NULL;
  int quiet = 0, c;
  while ((c = getopt_long (argc, argv, "i:q", opts, NULL)) != -1)
    switch (c)
      {
      case 'i':
        input = optarg;
        break;
      case 'p':
        if (vxn_platform_parse (optarg, &platform, err) < 0)
          return -1;
        want = &platform;
        break;
      case 'q':
        quiet = 1;
        break;
      default:
        return vxn_make_error (err, 0, "load: invalid option (see vxn load --help)");
      }
  if (input == NULL && optind < argc)
    input = argv[optind++];
  if (input == NULL || optind + 1 < argc)
    return vxn_make_error (err, 0, "load: expected PATH [NAME] (see vxn load --help)");
  const char *name = optind < argc ? argv[optind] : NULL;
  if (strcmp (input, "-") == 0)
    input = "/dev/stdin"; /* docker save IMAGE | vxn load - */
  struct vxn_store *s;
  int ret = vxn_cli_store (cli, &s, err);
  if (ret < 0)
    return ret;
  struct vxn_progress *p = vxn_progress_new (stdout, quiet);
  char **names = NULL;
  ret = vxn_load (s, input, name, want, p, &names, err);
  vxn_strv_free (names);
  vxn_progress_free (p);
  vxn_store_close (s);
  return ret;
}
