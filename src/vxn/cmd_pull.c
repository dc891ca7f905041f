#include "config.h"

#include "vxn.h"
#include "pull.h"
#include "utils.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

static const char usage[] = "Usage: vxn pull [OPTIONS] NAME[:TAG|@DIGEST]\n\n"
                            "Download an image from a registry.\n\n"
                            "Options:\n"
                            "  --platform OS/ARCH[/VARIANT]  choose from a multi-platform image (default: the host)\n"
                            "  -q, --quiet                   print only the image digest\n"
                            "  --max-concurrent-downloads N  parallel layer downloads (default 3)\n";

int
vxn_cmd_pull (struct vxn_cli *cli, int argc, char **argv, vxn_error_t *err)
{
  static const struct option opts[] = {
    { "platform", required_argument, NULL, 'p' },
    { "quiet", no_argument, NULL, 'q' },
    { "max-concurrent-downloads", required_argument, NULL, 'm' },
    { NULL, 0, NULL, 0 },
  };
  if (vxn_cli_wants_help (argc, argv, usage))
    return 0;
  struct vxn_platform platform;
  struct vxn_pull_opts po = { NULL, cli->insecure, 0 };
  int quiet = 0, c;
  long par;
  while ((c = getopt_long (argc, argv, "q", opts, NULL)) != -1)
    switch (c)
      {
      case 'p':
        if (vxn_platform_parse (optarg, &platform, err) < 0)
          return -1;
        po.platform = &platform;
        break;
      case 'q':
        quiet = 1;
        break;
      case 'm':
        if (vxn_parse_long (optarg, 1, 64, &par) < 0)
          return vxn_make_error (err, 0, "--max-concurrent-downloads: expected a number from 1 to 64");
        po.max_parallel = par;
        break;
      default:
        return vxn_make_error (err, 0, "pull: invalid option (see vxn pull --help)");
      }
  if (optind + 1 != argc)
    return vxn_make_error (err, 0, "pull: expected exactly one image name (see vxn pull --help)");
  struct vxn_store *s;
  int ret = vxn_cli_store (cli, &s, err);
  if (ret < 0)
    return ret;
  struct vxn_progress *p = vxn_progress_new (stdout, quiet);
  char *digest = NULL;
  ret = vxn_pull (s, argv[optind], &po, p, &digest, err);
  if (ret == 0 && quiet)
    printf ("%s\n", digest);
  free (digest);
  vxn_progress_free (p);
  vxn_store_close (s);
  return ret;
}
