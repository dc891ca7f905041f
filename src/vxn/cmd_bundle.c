/* Plumbing: `vxn bundle IMAGE DIR [CMD...]` makes an OCI runtime bundle; `vxn run` and the runtime consume it. */
#include "config.h"

#include "vxn.h"
#include "bundle.h"
#include "image.h"
#include "strv.h"
#include "utils.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] = "Usage: vxn bundle [OPTIONS] IMAGE DIR [COMMAND [ARG...]]\n\n"
                            "Unpack IMAGE into the OCI runtime bundle DIR (rootfs/ and config.json).\n\n"
                            "Options:\n"
                            "  --entrypoint CMD     replace the image's entrypoint (\"\" clears it)\n"
                            "  -e, --env KEY=VALUE  set an environment variable (repeatable)\n"
                            "  -w, --workdir DIR    working directory\n"
                            "  -u, --user USER[:GROUP]\n"
                            "  --hostname NAME\n"
                            "  -t, --tty            the process gets a terminal\n"
                            "  --allow-devices      create device nodes found in layers (root only)\n"
                            "  --no-chown           keep files owned by the caller\n"
                            "  -q, --quiet\n";

int
vxn_cmd_bundle (struct vxn_cli *cli, int argc, char **argv, vxn_error_t *err)
{
  static const struct option opts[] = {
    { "entrypoint", required_argument, NULL, 'E' },
    { "env", required_argument, NULL, 'e' },
    { "workdir", required_argument, NULL, 'w' },
    { "user", required_argument, NULL, 'u' },
    { "hostname", required_argument, NULL, 'H' },
    { "tty", no_argument, NULL, 't' },
    { "allow-devices", no_argument, NULL, 'D' },
    { "no-chown", no_argument, NULL, 'C' },
    { "quiet", no_argument, NULL, 'q' },
    { NULL, 0, NULL, 0 },
  };
  if (argc > 1 && (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0))
    {
      fputs (usage, stdout);
      return 0;
    }
  struct vxn_bundle_opts o = { 0 };
  cleanup_strv char **env = xzalloc (sizeof (char *));
  cleanup_strv char **ep = xzalloc (sizeof (char *));
  int quiet = 0, c;
  /* "+": options stop at IMAGE, so the command's own options (sh -c) are left alone. */
  while ((c = getopt_long (argc, argv, "+e:w:u:tq", opts, NULL)) != -1)
    switch (c)
      {
      case 'E':
        o.entrypoint_set = 1;
        if (*optarg)
          ep = vxn_strv_append (ep, optarg);
        break;
      case 'e':
        if (strchr (optarg, '=') == NULL || optarg[0] == '=')
          return vxn_make_error (err, 0, "bundle: --env wants KEY=VALUE, got `%s`", optarg);
        env = vxn_strv_append (env, optarg);
        break;
      case 'w':
        o.workdir = optarg;
        break;
      case 'u':
        o.user = optarg;
        break;
      case 'H':
        o.hostname = optarg;
        break;
      case 't':
        o.terminal = 1;
        break;
      case 'D':
        o.unpack.allow_devices = 1;
        break;
      case 'C':
        o.unpack.no_chown = 1;
        break;
      case 'q':
        quiet = 1;
        break;
      default:
        return vxn_make_error (err, 0, "bundle: invalid option (see vxn bundle --help)");
      }
  if (argc - optind < 2)
    return vxn_make_error (err, 0, "bundle: expected IMAGE and DIR (see vxn bundle --help)");
  o.entrypoint = ep;
  o.env = env;
  o.cmd = argv + optind + 2;
  struct vxn_store *s;
  int ret = vxn_cli_store (cli, &s, err);
  if (ret < 0)
    return ret;
  struct vxn_image img;
  cleanup_free char *key = NULL;
  ret = vxn_store_lock (s, 0, err);
  if (ret == 0)
    ret = vxn_image_find (s, argv[optind], &img, &key, err);
  if (ret == 0)
    {
      struct vxn_progress *p = vxn_progress_new (stdout, quiet);
      ret = vxn_bundle_create (s, &img, key, argv[optind + 1], &o, p, err);
      vxn_progress_free (p);
      vxn_image_clear (&img);
    }
  vxn_store_close (s);
  return ret;
}
