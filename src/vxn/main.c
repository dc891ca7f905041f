/* vxn: run OCI images as Xen guests, daemonless, with docker's command line. The same program answers as vdkr
   (docker's messages) and vpdmn (podman's): the face is chosen by the name it was started as. */
#include "config.h"

#include "vxn.h"
#include "strv.h"
#include "utils.h"

#include <getopt.h>
#include <libgen.h>
#include <signal.h>
#include <stdarg.h>
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
  { "run", vxn_cmd_run, "Create and run a new container from an image" },
  { "create", vxn_cmd_create, "Create a new container (started later with start)" },
  { "start", vxn_cmd_start, "Start created or stopped containers" },
  { "ps", vxn_cmd_ps, "List containers (also those containerd, docker and podman run on vxn)" },
  { "exec", vxn_cmd_exec, "Run a command in a running container" },
  { "stop", vxn_cmd_stop, "Stop running containers (stop signal, then KILL)" },
  { "restart", vxn_cmd_restart, "Stop and start containers again" },
  { "kill", vxn_cmd_kill, "Send a signal to running containers" },
  { "rm", vxn_cmd_rm, "Remove containers" },
  { "logs", vxn_cmd_logs, "Show what a container printed" },
  { "wait", vxn_cmd_wait, "Wait for containers to stop, print their exit codes" },
  { "pause", vxn_cmd_pause, "Pause the domains of containers" },
  { "unpause", vxn_cmd_unpause, "Resume paused containers" },
  { "inspect", vxn_cmd_inspect, "Show details of containers or images as JSON" },
  { "pull", vxn_cmd_pull, "Download an image from a registry" },
  { "load", vxn_cmd_load, "Load an image from a docker-save tarball, an OCI archive or an OCI layout" },
  { "images", vxn_cmd_images, "List images" },
  { "rmi", vxn_cmd_rmi, "Remove images" },
  { "tag", vxn_cmd_tag, "Give an image another name" },
  { "login", vxn_cmd_login, "Log in to a registry" },
  { "logout", vxn_cmd_logout, "Log out from a registry" },
  { "version", vxn_cmd_version, "Show the versions of vxn, its runtime and Xen" },
  { "info", vxn_cmd_info, "Show Xen, memory, domain and store information" },
  { "bundle", vxn_cmd_bundle, NULL },
};

/* `container ls`, `image rm`, ...: docker's management commands mapped onto the verbs. */
static const struct
{
  const char *group, *sub, *verb;
} aliases[] = {
  { "container", "ls", "ps" },           { "container", "list", "ps" },
  { "container", "ps", "ps" },           { "container", "run", "run" },
  { "container", "create", "create" },   { "container", "start", "start" },
  { "container", "stop", "stop" },       { "container", "restart", "restart" },
  { "container", "kill", "kill" },       { "container", "rm", "rm" },
  { "container", "remove", "rm" },       { "container", "logs", "logs" },
  { "container", "wait", "wait" },       { "container", "pause", "pause" },
  { "container", "unpause", "unpause" }, { "container", "inspect", "inspect" },
  { "container", "exec", "exec" },       { "image", "ls", "images" },
  { "image", "list", "images" },         { "image", "pull", "pull" },
  { "image", "load", "load" },           { "image", "rm", "rmi" },
  { "image", "remove", "rmi" },          { "image", "tag", "tag" },
  { "image", "inspect", "inspect" },
};

static const char *
face_prefix (const struct vxn_cli *cli, char *buf, size_t len)
{
  if (cli->face == VXN_FACE_PODMAN)
    snprintf (buf, len, "Error: ");
  else
    snprintf (buf, len, "%s: ", cli->prog);
  return buf;
}

static void
usage (struct vxn_cli *cli, FILE *out)
{
  const char *what = cli->face == VXN_FACE_DOCKER ? "A daemonless, docker-like CLI for containers that are Xen domains."
                     : cli->face == VXN_FACE_PODMAN ? "A podman-like CLI for containers that are Xen domains."
                                                    : "Run OCI containers as Xen guests.";
  fprintf (out,
           "Usage: %s [OPTIONS] COMMAND [ARG...]\n\n%s\n\n"
           "Options:\n"
           "  --root DIR                  images and container records (default $VXN_ROOT or " VXN_DEFAULT_ROOT ")\n"
           "  --runtime-root DIR          vxn-oci-runtime state (default $VXN_RUNTIME_ROOT or " VXN_DEFAULT_RUNTIME_ROOT
           "; also --runroot)\n"
           "  --insecure-registry HOST    allow plain HTTP / unverified TLS for HOST[:PORT] (repeatable)\n"
           "  -D, --debug                 print debug messages\n"
           "  -h, --help, -v, --version\n\n"
           "Commands:\n",
           cli->prog, what);
  for (size_t i = 0; i < ARRAY_SIZE (verbs); i++)
    if (verbs[i].summary)
      fprintf (out, "  %-10s %s\n", verbs[i].name, verbs[i].summary);
  fprintf (out,
           "\nRun '%s COMMAND --help' for more about a command. Not supported: build, push, "
           "network, volume and docker's other commands.\n",
           cli->prog);
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

int
vxn_usage_error (struct vxn_cli *cli, vxn_error_t *err, const char *fmt, ...)
{
  va_list ap;
  char *msg;
  va_start (ap, fmt);
  if (vasprintf (&msg, fmt, ap) < 0)
    abort ();
  va_end (ap);
  cli->error_status = VXN_EXIT_CLI;
  int ret = vxn_make_error (err, 0, "%s", msg);
  free (msg);
  return ret;
}

const char *
vxn_bad_option (int argc, char **argv)
{
  static char buf[64];
  /* A short option getopt refused is in optopt; a long one is the argument it just consumed. */
  if (optopt > ' ' && optopt < 127)
    {
      snprintf (buf, sizeof buf, "-%c", optopt);
      return buf;
    }
  if (optind > 0 && optind <= argc)
    return argv[optind - 1];
  return "?";
}

int
vxn_usage_bad_flag (struct vxn_cli *cli, int c, int argc, char **argv, vxn_error_t *err)
{
  return vxn_usage_error (cli, err, "%s: %s\nSee '%s %s --help'.", c == ':' ? "flag needs an argument" : "unknown flag",
                          vxn_bad_option (argc, argv), cli->prog, argv[0]);
}

int
vxn_usage_need_args (struct vxn_cli *cli, int first, int argc, char **argv, vxn_error_t *err)
{
  if (first < argc)
    return 0;
  return vxn_usage_error (cli, err, "\"%s\" requires at least 1 argument.\nSee '%s %s --help'.", argv[0], cli->prog,
                          argv[0]);
}

void
vxn_print_usage (struct vxn_cli *cli, const char *fmt)
{
  /* Usage texts name the program with "%1$s" (docker's help says "docker", podman's "podman"). */
  printf (fmt, cli->prog);
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

static void
report (struct vxn_cli *cli, vxn_error_t *err)
{
  char prefix[32];
  char *msg = vxn_error_string (*err);
  fprintf (stderr, "%s%s\n", face_prefix (cli, prefix, sizeof prefix), msg);
  free (msg);
  vxn_error_release (err);
}

void
vxn_report_error (struct vxn_cli *cli, vxn_error_t *err)
{
  report (cli, err);
}

static enum vxn_face
face_of (const char *argv0, const char **prog)
{
  cleanup_free char *copy = xstrdup (argv0 ? argv0 : "vxn");
  const char *base = basename (copy);
  if (strcmp (base, "vdkr") == 0)
    {
      *prog = "vdkr";
      return VXN_FACE_DOCKER;
    }
  if (strcmp (base, "vpdmn") == 0)
    {
      *prog = "vpdmn";
      return VXN_FACE_PODMAN;
    }
  *prog = "vxn";
  return VXN_FACE_VXN;
}

int
main (int argc, char **argv)
{
  struct vxn_cli cli = { 0 };
  vxn_error_t err = NULL;
  int status = 0;
  cli.face = face_of (argv[0], &cli.prog);
  /* An inherited SIG_IGN would have the kernel reap our children: the runtime's and the monitor's exit statuses
     are what we wait for. */
  signal (SIGCHLD, SIG_DFL);
  cli.error_status = 1;
  cli.root = getenv ("VXN_ROOT") && *getenv ("VXN_ROOT") ? getenv ("VXN_ROOT") : VXN_DEFAULT_ROOT;
  cli.runtime_root = getenv ("VXN_RUNTIME_ROOT") && *getenv ("VXN_RUNTIME_ROOT") ? getenv ("VXN_RUNTIME_ROOT")
                                                                                 : VXN_DEFAULT_RUNTIME_ROOT;
  cli.insecure = xzalloc (sizeof (char *));
  if (getenv ("VXN_INSECURE_REGISTRIES"))
    cli.insecure = split_env_list (cli.insecure, getenv ("VXN_INSECURE_REGISTRIES"));

  enum
  {
    OPT_ROOT = 256,
    OPT_RUNTIME_ROOT,
    OPT_INSECURE,
    OPT_LOG_LEVEL,
    OPT_HOST,
  };
  static const struct option opts[] = {
    { "root", required_argument, NULL, OPT_ROOT },
    { "runtime-root", required_argument, NULL, OPT_RUNTIME_ROOT },
    { "runroot", required_argument, NULL, OPT_RUNTIME_ROOT },
    { "insecure-registry", required_argument, NULL, OPT_INSECURE },
    { "debug", no_argument, NULL, 'D' },
    { "log-level", required_argument, NULL, OPT_LOG_LEVEL },
    { "host", required_argument, NULL, OPT_HOST },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'v' },
    { NULL, 0, NULL, 0 },
  };
  int c;
  const char *name;
  opterr = 0;
  while ((c = getopt_long (argc, argv, "+hvDH:", opts, NULL)) != -1)
    switch (c)
      {
      case OPT_ROOT:
        cli.root = optarg;
        break;
      case OPT_RUNTIME_ROOT:
        if (optarg[0] != '/')
          {
            vxn_usage_error (&cli, &err, "--runtime-root must be an absolute path");
            goto fail;
          }
        cli.runtime_root = optarg;
        break;
      case OPT_INSECURE:
        cli.insecure = vxn_strv_append (cli.insecure, optarg);
        break;
      case 'D':
        cli.debug = 1;
        break;
      case OPT_LOG_LEVEL:
        cli.debug = strcmp (optarg, "debug") == 0 || strcmp (optarg, "trace") == 0;
        break;
      case 'H':
      case OPT_HOST:
        vxn_usage_error (&cli, &err, "-H/--host is not supported: %s talks to no daemon", cli.prog);
        goto fail;
      case 'h':
        usage (&cli, stdout);
        goto out;
      case 'v':
        printf (cli.face == VXN_FACE_DOCKER ? "%s version %s, build vxn\n" : "%s version %s\n", cli.prog,
                PACKAGE_VERSION);
        goto out;
      default:
        vxn_usage_error (&cli, &err, "unknown flag: %s\nSee '%s --help'.", vxn_bad_option (argc, argv), cli.prog);
        goto fail;
      }
  if (optind >= argc)
    {
      usage (&cli, stderr);
      status = 1;
      goto out;
    }
  vxn_log_set_program (cli.prog);
  vxn_log_init (NULL, VXN_LOG_TEXT, cli.debug, &err);
  name = argv[optind];
  if (strcmp (name, "help") == 0)
    {
      usage (&cli, stdout);
      goto out;
    }
  /* docker's management commands: `container ls` is `ps`. */
  for (size_t i = 0; i < ARRAY_SIZE (aliases) && optind + 1 < argc; i++)
    if (strcmp (aliases[i].group, name) == 0 && strcmp (aliases[i].sub, argv[optind + 1]) == 0)
      {
        optind++;
        argv[optind] = (char *)aliases[i].verb;
        name = argv[optind];
        break;
      }
  for (size_t i = 0; i < ARRAY_SIZE (verbs); i++)
    {
      if (strcmp (verbs[i].name, name) != 0)
        continue;
      /* Each verb parses its own options from a fresh getopt state. */
      int vargc = argc - optind;
      char **vargv = argv + optind;
      optind = 0;
      opterr = 0;
      if (verbs[i].fn (&cli, vargc, vargv, &err) < 0)
        goto fail;
      status = cli.exit_status;
      goto out;
    }
  /* build, push, network, volume, ... and typos alike: one answer, exit 1 (see vxn(1) for the list). */
  vxn_make_error (&err, 0, "'%s' is not supported", name);
  goto fail;
fail:
  if (err) /* NULL: the verb already reported each failure (stop A B, rm A B) */
    report (&cli, &err);
  status = cli.error_status;
out:
  vxn_strv_free (cli.insecure);
  return status;
}
