/* vxn-oci-runtime: runc's command line, for containerd's runc shim, dockerd and podman/conmon. */
#include "config.h"

#include "runtime.h"
#include "utils.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct
{
  const char *name;
  vxn_verb_fn fn;
  const char *help;
} verbs[] = {
  { "create", vxn_cmd_create, "create a container (its domain is built; the entrypoint waits for start)" },
  { "start", vxn_cmd_start, "run the entrypoint of a created container" },
  { "state", vxn_cmd_state, "print the state of a container as JSON" },
  { "kill", vxn_cmd_kill, "send a signal to the container (KILL destroys its domain)" },
  { "delete", vxn_cmd_delete, "delete a stopped container (--force: any container)" },
  { "list", vxn_cmd_list, "list containers" },
  { "pause", vxn_cmd_pause, "pause the container's domain" },
  { "resume", vxn_cmd_resume, "resume a paused container" },
  { "exec", vxn_cmd_exec, "run another process in a running container" },
  { "update", vxn_cmd_update, "change the memory and vCPUs of a container's domain" },
  { "events", vxn_cmd_events, "print the domain's CPU and memory statistics (--stats: once)" },
  { "ps", vxn_cmd_ps, "list the host processes standing for the container" },
  { "features", vxn_cmd_features, "print the features this runtime supports as JSON" },
};

static void
usage (FILE *f)
{
  fprintf (f, "Usage: vxn-oci-runtime [GLOBAL OPTIONS] COMMAND [OPTIONS] ID\n\n"
              "Runs OCI containers as Xen PV domains, with runc's command line.\n\nCommands:\n");
  for (size_t i = 0; i < ARRAY_SIZE (verbs); i++)
    fprintf (f, "  %-10s %s\n", verbs[i].name, verbs[i].help);
  fprintf (f, "\nGlobal options:\n"
              "  --root DIR            state directory (default " VXN_DEFAULT_ROOT ")\n"
              "  --log FILE            write errors to FILE instead of stderr\n"
              "  --log-format FORMAT   text or json\n"
              "  --debug               verbose logging\n"
              "  --systemd-cgroup      put the monitor in a systemd scope (cgroupsPath slice:prefix:name)\n"
              "  --cgroup-manager M    cgroupfs, systemd or disabled (default: systemd's scope when systemd\n"
              "                        runs the host and cgroupsPath is unset, else cgroupsPath with cgroupfs)\n"
              "  --rootless VALUE, --criu PATH, --log-level L\n"
              "                        accepted for compatibility with runc callers\n"
              "  -v, --version         print the version\n"
              "  -h, --help            this text\n\nSee vxn-oci-runtime(8).\n");
}

static void
print_version (void)
{
  printf ("vxn-oci-runtime version %s\n"
          "commit: %s\n"
          "spec: %s\n"
          "+XEN +VCHAN +XENSTORE\n",
          PACKAGE_VERSION, VXN_GIT_COMMIT, VXN_OCI_VERSION);
}

enum
{
  OPT_ROOT = 1000,
  OPT_LOG,
  OPT_LOG_FORMAT,
  OPT_LOG_LEVEL,
  OPT_DEBUG,
  OPT_SYSTEMD_CGROUP,
  OPT_CGROUP_MANAGER,
  OPT_ROOTLESS,
  OPT_CRIU,
};

int
main (int argc, char **argv)
{
  static const struct option opts[] = {
    { "root", required_argument, NULL, OPT_ROOT },
    { "log", required_argument, NULL, OPT_LOG },
    { "log-format", required_argument, NULL, OPT_LOG_FORMAT },
    { "log-level", required_argument, NULL, OPT_LOG_LEVEL },
    { "debug", no_argument, NULL, OPT_DEBUG },
    { "systemd-cgroup", no_argument, NULL, OPT_SYSTEMD_CGROUP },
    { "cgroup-manager", required_argument, NULL, OPT_CGROUP_MANAGER },
    { "rootless", required_argument, NULL, OPT_ROOTLESS },
    { "criu", required_argument, NULL, OPT_CRIU },
    { "version", no_argument, NULL, 'v' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  struct vxn_global g = { .root = VXN_DEFAULT_ROOT, .log_format = "text" };
  vxn_error_t err = NULL;
  int c;
  /* "+": options stop at the verb; the verb parses its own. */
  while ((c = getopt_long (argc, argv, "+vh", opts, NULL)) != -1)
    {
      switch (c)
        {
        case OPT_ROOT:
          g.root = optarg;
          break;
        case OPT_LOG:
          g.log = optarg;
          break;
        case OPT_LOG_FORMAT:
          if (strcmp (optarg, "text") != 0 && strcmp (optarg, "json") != 0)
            {
              fprintf (stderr, "vxn-oci-runtime: --log-format must be text or json\n");
              return 1;
            }
          g.log_format = optarg;
          break;
        case OPT_DEBUG:
          g.debug = true;
          break;
        case OPT_SYSTEMD_CGROUP:
          g.cgroup_request = VXN_CGROUP_REQUEST_SYSTEMD;
          break;
        case OPT_CGROUP_MANAGER:
          if (vxn_cgroup_request_parse (optarg) < 0)
            {
              fprintf (stderr, "vxn-oci-runtime: --cgroup-manager must be cgroupfs, systemd or disabled\n");
              return 1;
            }
          g.cgroup_request = vxn_cgroup_request_parse (optarg);
          break;
        case OPT_LOG_LEVEL:
        case OPT_ROOTLESS:
        case OPT_CRIU:
          break; /* meaningless for a VM; accepted so runc command lines keep working */
        case 'v':
          print_version ();
          return 0;
        case 'h':
          usage (stdout);
          return 0;
        default:
          usage (stderr);
          return 1;
        }
    }
  if (vxn_log_init (g.log, strcmp (g.log_format, "json") == 0 ? VXN_LOG_JSON : VXN_LOG_TEXT, g.debug, &err) < 0)
    {
      vxn_log_error (err);
      return 1;
    }
  if (optind >= argc)
    {
      usage (stderr);
      return 1;
    }
  const char *verb = argv[optind];
  for (size_t i = 0; i < ARRAY_SIZE (verbs); i++)
    if (strcmp (verbs[i].name, verb) == 0)
      {
        /* Each verb sees argv[0] = its name, like a program of its own. */
        int vargc = argc - optind;
        char **vargv = argv + optind;
        optind = 0;
        if (verbs[i].fn (&g, vargc, vargv, &err) < 0)
          {
            vxn_log_error (err);
            vxn_error_release (&err);
            return 1;
          }
        return 0;
      }
  vxn_make_error (&err, 0, "unknown command `%s` (see `vxn-oci-runtime --help`)", verb);
  vxn_log_error (err);
  vxn_error_release (&err);
  return 1;
}
