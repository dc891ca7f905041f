/* vxn: run OCI images as Xen guests. For now, the image verbs. */
#include "config.h"

#include "vxn.h"
#include "strv.h"
#include "utils.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct verb
{
  const char *name;
  vxn_verb_fn fn;
  const char *summary; /* NULL: plumbing, left out of --help */
};

static const struct verb verbs[] = {
  { "pull", vxn_cmd_pull, "Download an image from a registry" },
  { "load", vxn_cmd_load, "Load an image from a docker-save tarball, an OCI archive or an OCI layout" },
  { "images", vxn_cmd_images, "List images" },
  { "rmi", vxn_cmd_rmi, "Remove images" },
  { "inspect", vxn_cmd_inspect, "Show an image's details as JSON" },
  { "tag", vxn_cmd_tag, "Give an image another name" },
  { "login", vxn_cmd_login, "Log in to a registry" },
  { "logout", vxn_cmd_logout, "Log out from a registry" },
  { "bundle", vxn_cmd_bundle, NULL },
};

static void
usage (FILE *out)
{
  fprintf (out, "Usage: vxn [OPTIONS] COMMAND [ARG...]\n\n"
                "Run OCI containers as Xen guests.\n\n"
                "Options:\n"
                "  --root DIR                  state directory (default $VXN_ROOT or " VXN_DEFAULT_ROOT ")\n"
                "  --insecure-registry HOST    allow plain HTTP / unverified TLS for HOST[:PORT] (repeatable)\n"
                "  --debug                     print debug messages\n"
                "  --help, --version\n\n"
                "Commands:\n");
  for (size_t i = 0; i < ARRAY_SIZE (verbs); i++)
    if (verbs[i].summary)
      fprintf (out, "  %-10s %s\n", verbs[i].name, verbs[i].summary);
  fprintf (out, "\nRun 'vxn COMMAND --help' for more about a command.\n");
}

int
vxn_cli_store (struct vxn_cli *cli, struct vxn_store **s, vxn_error_t *err)
{
  return vxn_store_open (cli->root, s, err);
}

int
vxn_cli_wants_help (int argc, char **argv, const char *text)
{
  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--") == 0)
        break;
      if (strcmp (argv[i], "--help") == 0 || strcmp (argv[i], "-h") == 0)
        {
          fputs (text, stdout);
          return 1;
        }
    }
  return 0;
}

static char **
split_env_list (char **v, const char *s)
{
  cleanup_free char *copy = xstrdup (s);
  char *save = NULL;
  for (char *tok = strtok_r (copy, ", ", &save); tok; tok = strtok_r (NULL, ", ", &save))
    v = vxn_strv_append (v, tok);
  return v;
}

int
main (int argc, char **argv)
{
  struct vxn_cli cli = { 0 };
  vxn_error_t err = NULL;
  int status = 0;
  cli.root = getenv ("VXN_ROOT") && *getenv ("VXN_ROOT") ? getenv ("VXN_ROOT") : VXN_DEFAULT_ROOT;
  cli.insecure = xzalloc (sizeof (char *));
  if (getenv ("VXN_INSECURE_REGISTRIES"))
    cli.insecure = split_env_list (cli.insecure, getenv ("VXN_INSECURE_REGISTRIES"));

  static const struct option opts[] = {
    { "root", required_argument, NULL, 'r' }, { "insecure-registry", required_argument, NULL, 'i' },
    { "debug", no_argument, NULL, 'd' },      { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'v' },    { NULL, 0, NULL, 0 },
  };
  int c;
  const char *name;
  while ((c = getopt_long (argc, argv, "+h", opts, NULL)) != -1)
    switch (c)
      {
      case 'r':
        cli.root = optarg;
        break;
      case 'i':
        cli.insecure = vxn_strv_append (cli.insecure, optarg);
        break;
      case 'd':
        cli.debug = 1;
        break;
      case 'h':
        usage (stdout);
        goto out;
      case 'v':
        printf ("vxn version %s\n", PACKAGE_VERSION);
        goto out;
      default:
        usage (stderr);
        status = 1;
        goto out;
      }
  if (optind >= argc)
    {
      usage (stderr);
      status = 1;
      goto out;
    }
  vxn_log_set_program ("vxn");
  vxn_log_init (NULL, VXN_LOG_TEXT, cli.debug, &err);
  name = argv[optind];
  for (size_t i = 0; i < ARRAY_SIZE (verbs); i++)
    {
      if (strcmp (verbs[i].name, name) != 0)
        continue;
      /* Each verb parses its own options from a fresh getopt state. */
      int vargc = argc - optind;
      char **vargv = argv + optind;
      optind = 0;
      if (verbs[i].fn (&cli, vargc, vargv, &err) < 0)
        {
          char *msg = vxn_error_string (err);
          fprintf (stderr, "vxn: %s\n", msg);
          free (msg);
          vxn_error_release (&err);
          status = 1;
        }
      goto out;
    }
  fprintf (stderr, "vxn: '%s' is not supported\n", name);
  status = 1;
out:
  vxn_strv_free (cli.insecure);
  return status;
}
