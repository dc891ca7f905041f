/* `run` and `create`: resolve the image (pulling it per --pull), make a bundle under the container's directory,
   adjust its config.json for the flags, write the record, and for `run` hand it to vxn-oci-runtime (launch.c).
   Every flag is checked before anything is made: a bad flag leaves nothing behind and exits 125. */
#include "config.h"

#include "vxn.h"
#include "bundle.h"
#include "ctr.h"
#include "image.h"
#include "launch.h"
#include "pull.h"
#include "run_security.h"
#include "signals.h"
#include "strv.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#define ENV_FILE_MAX (1024 * 1024)
#define MIN_MEMORY (6LL * 1024 * 1024)    /* docker's floor */
#define GUEST_MEMORY (64LL * 1024 * 1024) /* the runtime's floor for a domain */
#define DEFAULT_STOP_TIMEOUT 10

#define ANNOTATION_NAME "io.vxn.container.name"
#define ANNOTATION_IMAGE "io.vxn.container.image"
#define ANNOTATION_CREATED "io.vxn.container.created"

static const char usage_run[]
    = "Usage: %1$s run [OPTIONS] IMAGE [COMMAND] [ARG...]\n\n"
      "Create and run a new container (a Xen domain) from an image.\n\n"
      "Options:\n"
      "  -d, --detach               run in the background, print the container ID\n"
      "      --rm                   remove the container when it exits\n"
      "  -i, --interactive          pass stdin to the container\n"
      "  -t, --tty                  give the container a terminal (not with -d)\n"
      "      --name NAME            name the container\n"
      "  -e, --env KEY[=VALUE]      set an environment variable (KEY alone: take it from here)\n"
      "      --env-file FILE        read KEY=VALUE lines\n"
      "  -w, --workdir DIR          working directory inside the container (absolute)\n"
      "  -u, --user USER[:GROUP]    user name or uid, group name or gid\n"
      "      --entrypoint CMD       replace the image's entrypoint (\"\" clears it)\n"
      "  -m, --memory BYTES         memory limit (e.g. 256m): the domain's memory (64 MiB at least)\n"
      "      --cpus N               the domain's vCPUs: N rounded up (1 to 64)\n"
      "      --annotation KEY=VALUE an annotation of the bundle (e.g. org.vxn.kernel, see vxn-oci-runtime(8))\n"
      "  -h, --hostname NAME        the container's host name (default: its short ID)\n"
      "      --network none         containers have no network yet (bridge, host: not supported yet)\n"
      "      --pull POLICY          missing (default), always or never\n"
      "      --platform OS/ARCH     the platform to pull\n"
      "  -l, --label KEY=VALUE      set a label\n"
      "      --read-only            mount the root file system read-only\n"
      "      --cap-add CAP, --cap-drop CAP  change docker's default capabilities (ALL: every one)\n"
      "      --ulimit NAME=SOFT[:HARD]     a resource limit (nofile, nproc, core, ...; -1: unlimited)\n"
      "      --security-opt no-new-privileges  set no_new_privs for the entrypoint\n"
      "  -v, --volume HOST:DIR[:ro]  bind-mount a host directory (over Xen 9pfs; created when missing)\n"
      "      --stop-signal SIG      signal for stop (default: the image's, else SIGTERM)\n"
      "      --stop-timeout N       seconds stop waits before KILL (default 10)\n"
      "      --sig-proxy=false      do not forward signals to the container\n"
      "      --cidfile FILE         write the container ID to FILE\n"
      "  -q, --quiet                no pull progress\n\n"
      "Not supported yet: -d with -t, --mount and named volumes, -p and --network bridge (network).\n"
      "The exit status is the container's; 125 when %1$s itself failed.\n";

static const char usage_create[]
    = "Usage: %1$s create [OPTIONS] IMAGE [COMMAND] [ARG...]\n\n"
      "Create a container (its bundle and record) without starting it; `%1$s start` runs it.\n"
      "Options: as for `%1$s run`, except -d and --sig-proxy.\n";

enum
{
  O_RM = 256,
  O_NAME,
  O_ENV_FILE,
  O_ENTRYPOINT,
  O_NETWORK,
  O_PULL,
  O_PLATFORM,
  O_READ_ONLY,
  O_STOP_SIGNAL,
  O_STOP_TIMEOUT,
  O_SIG_PROXY,
  O_CIDFILE,
  O_RESTART,
  O_RUNTIME,
  O_CPUS,
  O_ANNOTATION,
  O_CAP_ADD,
  O_CAP_DROP,
  O_ULIMIT,
  O_SECURITY_OPT,
  O_HELP,
  O_REFUSED = 1000,
};

/* docker flags we know and refuse, with the reason. */
static const struct
{
  const char *name;
  int has_arg;
  const char *why;
} refused[] = {
  { "mount", required_argument, "is not supported yet (bind mounts need a file system shared with the guest)" },
  { "tmpfs", required_argument, "is not supported yet" },
  { "volumes-from", required_argument, "is not supported yet" },
  { "cpuset-cpus", required_argument, "is not supported yet (--cpus sets the number of vCPUs)" },
  { "cpu-shares", required_argument, "is not supported yet (--cpus sets the number of vCPUs)" },
  { "cpu-quota", required_argument, "is not supported yet (--cpus sets the number of vCPUs)" },
  { "cpu-period", required_argument, "is not supported yet (--cpus sets the number of vCPUs)" },
  { "publish", required_argument, "is not supported yet: containers have no network yet" },
  { "publish-all", no_argument, "is not supported yet: containers have no network yet" },
  { "expose", required_argument, "is not supported yet: containers have no network yet" },
  { "dns", required_argument, "is not supported yet: containers have no network yet" },
  { "dns-search", required_argument, "is not supported yet: containers have no network yet" },
  { "dns-option", required_argument, "is not supported yet: containers have no network yet" },
  { "add-host", required_argument, "is not supported yet: containers have no network yet" },
  { "ip", required_argument, "is not supported yet: containers have no network yet" },
  { "ip6", required_argument, "is not supported yet: containers have no network yet" },
  { "mac-address", required_argument, "is not supported yet: containers have no network yet" },
  { "network-alias", required_argument, "is not supported yet: containers have no network yet" },
  { "link", required_argument, "is not supported yet: containers have no network yet" },
  { "attach", required_argument, "is not supported (output goes to the terminal, or to `logs` with -d)" },
  { "detach-keys", required_argument, "is not supported (no attach)" },
  { "privileged", no_argument, "is not supported: the container is a domain of its own" },
  { "device", required_argument, "is not supported: host devices do not exist in the guest" },
  { "gpus", required_argument, "is not supported" },
  { "sysctl", required_argument, "is not supported yet" },
  { "shm-size", required_argument, "is not supported yet" },
  { "ipc", required_argument, "is not supported: every container has a kernel of its own" },
  { "pid", required_argument, "is not supported: every container has a kernel of its own" },
  { "uts", required_argument, "is not supported: every container has a kernel of its own" },
  { "userns", required_argument, "is not supported" },
  { "cgroupns", required_argument, "is not supported" },
  { "cgroup-parent", required_argument, "is not supported" },
  { "group-add", required_argument, "is not supported yet" },
  { "init", no_argument, "is not supported yet" },
  { "pids-limit", required_argument, "is not supported yet" },
  { "oom-kill-disable", no_argument, "is not supported" },
  { "memory-swap", required_argument, "is not supported: domains have no swap" },
  { "memory-reservation", required_argument, "is not supported" },
  { "kernel-memory", required_argument, "is not supported" },
  { "blkio-weight", required_argument, "is not supported" },
  { "isolation", required_argument, "is not supported" },
  { "health-cmd", required_argument, "is not supported yet" },
  { "no-healthcheck", no_argument, "is not supported yet" },
  { "log-driver", required_argument, "is not supported: output goes to the container log" },
  { "log-opt", required_argument, "is not supported" },
  { "label-file", required_argument, "is not supported yet" },
  { "domainname", required_argument, "is not supported yet" },
  { "pod", required_argument, "is not supported: vxn has no pods" },
};

struct run_opts
{
  int is_run;
  int detach, rm, interactive, tty, quiet, read_only, sig_proxy;
  const char *name, *workdir, *user, *hostname, *cidfile, *stop_signal;
  long stop_timeout;
  int entrypoint_set;
  char **entrypoint;
  char **env;
  char **labels;
  int64_t memory;
  unsigned vcpus;          /* --cpus rounded up; 0: the runtime's default (1) */
  int64_t nano_cpus;       /* --cpus as docker records it */
  char **annotations;      /* --annotation KEY=VALUE */
  char **volumes;          /* -v, normalised to "SRC\nDST\nro|rw" */
  struct run_security sec; /* --cap-add, --cap-drop, --ulimit, --security-opt */
  enum
  {
    PULL_MISSING,
    PULL_ALWAYS,
    PULL_NEVER
  } pull;
  struct vxn_platform platform;
  int have_platform;
  const char *image;
  char **cmd;
};

static void
run_opts_clear (struct run_opts *o)
{
  vxn_strv_free (o->entrypoint);
  vxn_strv_free (o->env);
  vxn_strv_free (o->labels);
  vxn_strv_free (o->annotations);
  vxn_strv_free (o->volumes);
  run_security_clear (&o->sec);
}

/* docker's -v HOST:CONTAINER[:ro|rw] for host directories (created when missing, as docker does). Named volumes
   need a volume store vxn does not have. */
static int
add_volume (struct vxn_cli *cli, struct run_opts *o, const char *arg, vxn_error_t *err)
{
  cleanup_free char *copy = xstrdup (arg);
  char *src = copy, *dst = strchr (copy, ':'), *mode = NULL;
  if (dst)
    {
      *dst++ = '\0';
      if ((mode = strchr (dst, ':')) != NULL)
        *mode++ = '\0';
    }
  if (dst == NULL || src[0] != '/')
    return vxn_usage_error (cli, err,
                            "-v %s: only HOST-DIR:CONTAINER-DIR[:ro|rw] with an absolute host path is supported "
                            "(named and anonymous volumes are not)",
                            arg);
  if (dst[0] != '/')
    return vxn_usage_error (cli, err, "-v %s: the container path must be absolute", arg);
  if (mode && strcmp (mode, "ro") != 0 && strcmp (mode, "rw") != 0)
    return vxn_usage_error (cli, err, "-v %s: the only options are ro and rw", arg);
  vxn_error_t merr = NULL;
  if (vxn_mkdir_p (src, 0755, &merr) < 0)
    {
      vxn_error_release (&merr);
      return vxn_usage_error (cli, err, "-v %s: cannot create the host directory `%s`", arg, src);
    }
  cleanup_free char *norm = xasprintf ("%s\n%s\n%s", src, dst, mode ? mode : "rw");
  o->volumes = vxn_strv_append (o->volumes, norm);
  return 0;
}

/* docker's RAMInBytes: "512m", "1g", "1.5GiB", "1048576". */
static int
parse_memory (const char *s, int64_t *out)
{
  const char *p = s;
  if (!(*p >= '0' && *p <= '9'))
    return -1;
  while ((*p >= '0' && *p <= '9') || *p == '.')
    p++;
  cleanup_free char *num = strndup (s, p - s);
  char *end;
  double v = strtod (num, &end);
  if (*end != '\0' || num[strlen (num) - 1] == '.')
    return -1;
  if (*p == ' ')
    p++;
  double mult = 1;
  static const char units[] = "kmgtp";
  const char *u = *p ? strchr (units, *p | 0x20) : NULL;
  if (u)
    {
      for (const char *q = units; q <= u; q++)
        mult *= 1024;
      p++;
    }
  if (*p == 'i' || *p == 'I')
    p++;
  if (*p == 'b' || *p == 'B')
    p++;
  if (*p != '\0' || v * mult > 9.0e15)
    return -1;
  *out = (int64_t)(v * mult);
  return 0;
}

static int
has_space (const char *s, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\v' || s[i] == '\f')
      return 1;
  return 0;
}

/* -e KEY=VALUE, or KEY alone: the value from our environment, or nothing when it is unset (docker's rule). */
static int
add_env (struct vxn_cli *cli, struct run_opts *o, const char *kv, vxn_error_t *err)
{
  size_t klen = strcspn (kv, "=");
  if (klen == 0)
    return vxn_usage_error (cli, err, "invalid environment variable: %s", kv);
  if (has_space (kv, klen))
    return vxn_usage_error (cli, err, "variable '%.*s' contains whitespaces", (int)klen, kv);
  if (kv[klen] == '=')
    {
      o->env = vxn_strv_append (o->env, kv);
      return 0;
    }
  const char *v = getenv (kv);
  if (v)
    {
      cleanup_free char *full = xasprintf ("%s=%s", kv, v);
      o->env = vxn_strv_append (o->env, full);
    }
  return 0;
}

static int
read_env_file (struct vxn_cli *cli, struct run_opts *o, const char *path, vxn_error_t *err)
{
  cleanup_free char *text = NULL;
  size_t len;
  if (vxn_read_file (path, ENV_FILE_MAX, &text, &len, err) < 0)
    {
      cli->error_status = VXN_EXIT_CLI;
      return vxn_error_wrap (err, "--env-file");
    }
  if (strlen (text) != len)
    return vxn_usage_error (cli, err, "--env-file %s: holds a NUL byte", path);
  char *save = NULL;
  for (char *line = strtok_r (text, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      while (*line == ' ' || *line == '\t')
        line++;
      size_t n = strlen (line);
      if (n && line[n - 1] == '\r')
        line[--n] = '\0';
      if (n == 0 || line[0] == '#')
        continue;
      if (add_env (cli, o, line, err) < 0)
        return vxn_error_wrap (err, "--env-file %s", path);
    }
  return 0;
}

static int
hostname_valid (const char *h)
{
  size_t n = strlen (h);
  if (n == 0 || n > 64 || h[0] == '-' || h[0] == '.')
    return 0;
  for (size_t i = 0; i < n; i++)
    if (!((h[i] >= 'a' && h[i] <= 'z') || (h[i] >= 'A' && h[i] <= 'Z') || (h[i] >= '0' && h[i] <= '9') || h[i] == '-'
          || h[i] == '.'))
      return 0;
  return 1;
}

static int
parse_opts (struct vxn_cli *cli, int argc, char **argv, struct run_opts *o, vxn_error_t *err)
{
  static const struct option base[] = {
    { "detach", no_argument, NULL, 'd' },
    { "rm", no_argument, NULL, O_RM },
    { "interactive", no_argument, NULL, 'i' },
    { "tty", no_argument, NULL, 't' },
    { "name", required_argument, NULL, O_NAME },
    { "env", required_argument, NULL, 'e' },
    { "env-file", required_argument, NULL, O_ENV_FILE },
    { "workdir", required_argument, NULL, 'w' },
    { "volume", required_argument, NULL, 'v' },
    { "user", required_argument, NULL, 'u' },
    { "entrypoint", required_argument, NULL, O_ENTRYPOINT },
    { "memory", required_argument, NULL, 'm' },
    { "hostname", required_argument, NULL, 'h' },
    { "network", required_argument, NULL, O_NETWORK },
    { "net", required_argument, NULL, O_NETWORK },
    { "pull", required_argument, NULL, O_PULL },
    { "platform", required_argument, NULL, O_PLATFORM },
    { "label", required_argument, NULL, 'l' },
    { "read-only", no_argument, NULL, O_READ_ONLY },
    { "stop-signal", required_argument, NULL, O_STOP_SIGNAL },
    { "stop-timeout", required_argument, NULL, O_STOP_TIMEOUT },
    { "sig-proxy", optional_argument, NULL, O_SIG_PROXY },
    { "cidfile", required_argument, NULL, O_CIDFILE },
    { "restart", required_argument, NULL, O_RESTART },
    { "runtime", required_argument, NULL, O_RUNTIME },
    { "cpus", required_argument, NULL, O_CPUS },
    { "annotation", required_argument, NULL, O_ANNOTATION },
    { "cap-add", required_argument, NULL, O_CAP_ADD },
    { "cap-drop", required_argument, NULL, O_CAP_DROP },
    { "ulimit", required_argument, NULL, O_ULIMIT },
    { "security-opt", required_argument, NULL, O_SECURITY_OPT },
    { "quiet", no_argument, NULL, 'q' },
    { "help", no_argument, NULL, O_HELP },
  };
  struct option opts[ARRAY_SIZE (base) + ARRAY_SIZE (refused) + 1];
  memcpy (opts, base, sizeof base);
  for (size_t i = 0; i < ARRAY_SIZE (refused); i++)
    opts[ARRAY_SIZE (base) + i] = (struct option){ refused[i].name, refused[i].has_arg, NULL, O_REFUSED + (int)i };
  opts[ARRAY_SIZE (base) + ARRAY_SIZE (refused)] = (struct option){ NULL, 0, NULL, 0 };
  int c;
  long n;
  o->sig_proxy = 1;
  o->stop_timeout = -2; /* unset */
  o->entrypoint = xzalloc (sizeof (char *));
  o->env = xzalloc (sizeof (char *));
  o->labels = xzalloc (sizeof (char *));
  o->annotations = xzalloc (sizeof (char *));
  /* "+": options stop at IMAGE, so the command's own options (sh -c) are left alone. */
  while ((c = getopt_long (argc, argv, "+:die:w:u:m:h:l:qtv:p:Pa:", opts, NULL)) != -1)
    switch (c)
      {
      case O_HELP:
        vxn_print_usage (cli, o->is_run ? usage_run : usage_create);
        return 1;
      case 'd':
        if (!o->is_run)
          return vxn_usage_error (cli, err, "unknown shorthand flag: 'd' in -d\nSee '%s create --help'.", cli->prog);
        o->detach = 1;
        break;
      case O_RM:
        o->rm = 1;
        break;
      case 'i':
        o->interactive = 1;
        break;
      case 't':
        o->tty = 1;
        break;
      case O_NAME:
        if (!vxn_ctr_name_valid (optarg))
          return vxn_usage_error (cli, err, "Invalid container name (%s), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed",
                                  optarg);
        o->name = optarg;
        break;
      case 'e':
        if (add_env (cli, o, optarg, err) < 0)
          return -1;
        break;
      case O_ENV_FILE:
        if (read_env_file (cli, o, optarg, err) < 0)
          return -1;
        break;
      case 'w':
        if (optarg[0] != '/')
          return vxn_usage_error (cli, err, "the working directory '%s' is invalid, it needs to be an absolute path",
                                  optarg);
        o->workdir = optarg;
        break;
      case 'u':
        if (*optarg == '\0' || strchr (optarg, '\n'))
          return vxn_usage_error (cli, err, "invalid user `%s`", optarg);
        o->user = optarg;
        break;
      case O_ENTRYPOINT:
        o->entrypoint_set = 1;
        vxn_strv_free (o->entrypoint);
        o->entrypoint = xzalloc (sizeof (char *));
        if (*optarg)
          o->entrypoint = vxn_strv_append (o->entrypoint, optarg);
        break;
      case 'm':
        if (parse_memory (optarg, &o->memory) < 0)
          return vxn_usage_error (cli, err, "invalid argument \"%s\" for \"-m, --memory\" flag: invalid size", optarg);
        if (o->memory < MIN_MEMORY)
          return vxn_usage_error (cli, err, "Minimum memory limit allowed is 6MB");
        break;
      case 'h':
        if (!hostname_valid (optarg))
          return vxn_usage_error (cli, err, "invalid hostname `%s`", optarg);
        o->hostname = optarg;
        break;
      case O_NETWORK:
        if (strcmp (optarg, "none") != 0)
          return vxn_usage_error (cli, err,
                                  "--network %s is not supported yet: containers have no network yet (use --network "
                                  "none)",
                                  optarg);
        break;
      case O_PULL:
        if (strcmp (optarg, "missing") == 0)
          o->pull = PULL_MISSING;
        else if (strcmp (optarg, "always") == 0)
          o->pull = PULL_ALWAYS;
        else if (strcmp (optarg, "never") == 0)
          o->pull = PULL_NEVER;
        else
          return vxn_usage_error (cli, err,
                                  "invalid pull option: '%s': must be one of \"always\", \"missing\" or "
                                  "\"never\"",
                                  optarg);
        break;
      case O_PLATFORM:
        if (vxn_platform_parse (optarg, &o->platform, err) < 0)
          {
            cli->error_status = VXN_EXIT_CLI;
            return -1;
          }
        o->have_platform = 1;
        break;
      case 'l':
        if (optarg[0] == '=' || optarg[0] == '\0')
          return vxn_usage_error (cli, err, "invalid label `%s`", optarg);
        if (strchr (optarg, '='))
          o->labels = vxn_strv_append (o->labels, optarg);
        else
          {
            cleanup_free char *kv = xasprintf ("%s=", optarg);
            o->labels = vxn_strv_append (o->labels, kv);
          }
        break;
      case O_CPUS:
        {
          /* Xen gives whole vCPUs (no quota here): docker's fractional --cpus rounds up. */
          char *end;
          double n = strtod (optarg, &end);
          if (*optarg == '\0' || *end != '\0' || !(n > 0) || n > 64)
            return vxn_usage_error (cli, err, "invalid argument \"%s\" for \"--cpus\" flag: expected 0.01 to 64",
                                    optarg);
          o->vcpus = (unsigned)n + ((double)(unsigned)n < n);
          o->nano_cpus = (int64_t)(n * 1e9);
          break;
        }
      case O_ANNOTATION:
        if (optarg[0] == '=' || strchr (optarg, '=') == NULL)
          return vxn_usage_error (cli, err, "invalid annotation `%s`: expected KEY=VALUE", optarg);
        o->annotations = vxn_strv_append (o->annotations, optarg);
        break;
      case O_READ_ONLY:
        o->read_only = 1;
        break;
      case O_STOP_SIGNAL:
        {
          int signo;
          if (vxn_parse_signal (optarg, &signo, err) < 0)
            {
              cli->error_status = VXN_EXIT_CLI;
              return vxn_error_wrap (err, "--stop-signal");
            }
          o->stop_signal = optarg;
          break;
        }
      case O_STOP_TIMEOUT:
        if (vxn_parse_long (optarg, 0, 86400, &n) < 0 && strcmp (optarg, "-1") != 0)
          return vxn_usage_error (cli, err, "--stop-timeout: expected seconds (or -1: wait forever), got `%s`", optarg);
        o->stop_timeout = strcmp (optarg, "-1") == 0 ? -1 : n;
        break;
      case O_SIG_PROXY:
        if (optarg == NULL || strcmp (optarg, "true") == 0)
          o->sig_proxy = 1;
        else if (strcmp (optarg, "false") == 0)
          o->sig_proxy = 0;
        else
          return vxn_usage_error (cli, err, "--sig-proxy: expected true or false, got `%s`", optarg);
        break;
      case O_CIDFILE:
        o->cidfile = optarg;
        break;
      case O_RESTART:
        if (strcmp (optarg, "no") != 0)
          return vxn_usage_error (cli, err, "--restart %s is not supported yet: nothing watches containers (no daemon)",
                                  optarg);
        break;
      case O_RUNTIME:
        if (strcmp (optarg, "vxn") != 0 && strcmp (optarg, "vxn-oci-runtime") != 0)
          return vxn_usage_error (cli, err, "--runtime %s is not supported: %s runs containers on vxn-oci-runtime only",
                                  optarg, cli->prog);
        break;
      case 'q':
        o->quiet = 1;
        break;
      case O_CAP_ADD:
      case O_CAP_DROP:
      case O_ULIMIT:
      case O_SECURITY_OPT:
        {
          char why[256];
          int r = c == O_ULIMIT         ? run_security_ulimit (&o->sec, optarg, why, sizeof why)
                  : c == O_SECURITY_OPT ? run_security_opt (&o->sec, optarg, why, sizeof why)
                                        : run_security_cap (&o->sec, c == O_CAP_ADD, optarg, why, sizeof why);
          if (r < 0)
            return vxn_usage_error (cli, err, "%s", why);
        }
        break;
      case 'v':
        if (add_volume (cli, o, optarg, err) < 0)
          return -1;
        break;
      case 'p':
      case 'P':
        return vxn_usage_error (cli, err, "-%c is not supported yet: containers have no network yet", c);
      case 'a':
        return vxn_usage_error (cli, err, "-a is not supported (output goes to the terminal, or to `logs` with -d)");
      default:
        if (c >= O_REFUSED && c < O_REFUSED + (int)ARRAY_SIZE (refused))
          return vxn_usage_error (cli, err, "--%s %s", refused[c - O_REFUSED].name, refused[c - O_REFUSED].why);
        return vxn_usage_bad_flag (cli, c, argc, argv, err); /* argv[0] is "run" or "create" */
      }
  if (vxn_usage_need_args (cli, optind, argc, argv, err) < 0)
    return -1;
  if (o->detach && o->interactive)
    return vxn_usage_error (cli, err, "-d and -i together are not supported yet (no attach)");
  if (o->detach && o->tty)
    return vxn_usage_error (cli, err,
                            "-d and -t together are not supported yet (nothing would hold the terminal; without -t the "
                            "output goes to `logs`)");
  o->image = argv[optind];
  o->cmd = argv + optind + 1;
  return 0;
}

static int
is_not_found (const vxn_error_t e)
{
  return e && strncmp (e->msg, "no such image", 13) == 0;
}

static int
pull (struct vxn_cli *cli, struct vxn_store *s, struct run_opts *o, vxn_error_t *err)
{
  struct vxn_pull_opts po = { o->have_platform ? &o->platform : NULL, cli->insecure, 0 };
  struct vxn_progress *p = vxn_progress_new (stderr, o->quiet);
  int ret = vxn_pull (s, o->image, &po, p, NULL, err);
  vxn_progress_free (p);
  return ret;
}

/* The image per --pull: missing (pull when absent), always, never. */
static int
resolve_image (struct vxn_cli *cli, struct vxn_store *s, struct run_opts *o, struct vxn_image *img, char **key,
               vxn_error_t *err)
{
  if (o->pull == PULL_ALWAYS && pull (cli, s, o, err) < 0)
    return -1;
  if (vxn_image_find (s, o->image, img, key, err) == 0)
    return 0;
  if (!is_not_found (*err) || o->pull != PULL_MISSING)
    return -1;
  vxn_error_release (err);
  if (!o->quiet)
    fprintf (stderr, "Unable to find image '%s' locally\n", o->image);
  if (pull (cli, s, o, err) < 0)
    return -1;
  return vxn_image_find (s, o->image, img, key, err);
}

/* Adjust the bundle's config.json for what vxn_bundle_create does not know: memory, read-only root, and the
   annotations naming the container (the runtime copies them into its state, so every engine's view has them). */
static int
patch_config (const char *bundle, const struct run_opts *o, struct vxn_ctr *c, vxn_error_t *err)
{
  cleanup_free char *path = xasprintf ("%s/config.json", bundle);
  cleanup_free char *text = NULL;
  size_t len;
  if (vxn_read_file (path, 4 * 1024 * 1024, &text, &len, err) < 0)
    return -1;
  cJSON *spec = cJSON_Parse (text);
  if (!cJSON_IsObject (spec))
    {
      cJSON_Delete (spec);
      return vxn_make_error (err, 0, "`%s` is not a JSON object", path);
    }
  if (o->memory > 0)
    {
      cJSON *lx = cJSON_GetObjectItemCaseSensitive (spec, "linux");
      if (!cJSON_IsObject (lx))
        lx = cJSON_AddObjectToObject (spec, "linux");
      cJSON_DeleteItemFromObjectCaseSensitive (lx, "resources");
      cJSON *mem = cJSON_AddObjectToObject (cJSON_AddObjectToObject (lx, "resources"), "memory");
      cJSON_AddNumberToObject (mem, "limit", (double)o->memory);
    }
  /* -v: bind mounts, which the runtime serves over Xen 9pfs. */
  cJSON *mounts = cJSON_GetObjectItemCaseSensitive (spec, "mounts");
  for (size_t i = 0; o->volumes && o->volumes[i] && cJSON_IsArray (mounts); i++)
    {
      cleanup_free char *v = xstrdup (o->volumes[i]);
      char *dst = strchr (v, '\n');
      *dst++ = '\0';
      char *mode = strchr (dst, '\n');
      *mode++ = '\0';
      cJSON *m = cJSON_CreateObject ();
      cJSON_AddStringToObject (m, "destination", dst);
      cJSON_AddStringToObject (m, "type", "bind");
      cJSON_AddStringToObject (m, "source", v);
      cJSON *opts = cJSON_AddArrayToObject (m, "options");
      cJSON_AddItemToArray (opts, cJSON_CreateString ("rbind"));
      cJSON_AddItemToArray (opts, cJSON_CreateString (mode));
      cJSON_AddItemToArray (mounts, m);
    }
  run_security_patch (cJSON_GetObjectItemCaseSensitive (spec, "process"), &o->sec);
  if (o->read_only)
    {
      cJSON *root = cJSON_GetObjectItemCaseSensitive (spec, "root");
      if (cJSON_IsObject (root))
        cJSON_ReplaceItemInObjectCaseSensitive (root, "readonly", cJSON_CreateTrue ());
    }
  cJSON *ann = cJSON_GetObjectItemCaseSensitive (spec, "annotations");
  if (!cJSON_IsObject (ann))
    ann = cJSON_AddObjectToObject (spec, "annotations");
  cJSON_AddStringToObject (ann, ANNOTATION_NAME, c->name);
  cJSON_AddStringToObject (ann, ANNOTATION_IMAGE, c->image);
  cJSON_AddStringToObject (ann, ANNOTATION_CREATED, c->created);
  /* Labels, then --annotation (which wins), then --cpus as the runtime's org.vxn.vcpus. */
  char **sets[] = { c->labels, o->annotations };
  for (size_t j = 0; j < ARRAY_SIZE (sets); j++)
    for (size_t i = 0; sets[j][i]; i++)
      {
        cleanup_free char *k = xasprintf ("%.*s", (int)strcspn (sets[j][i], "="), sets[j][i]);
        cJSON_DeleteItemFromObjectCaseSensitive (ann, k);
        cJSON_AddStringToObject (ann, k, sets[j][i] + strlen (k) + 1);
      }
  if (o->vcpus)
    {
      char n[16];
      snprintf (n, sizeof n, "%u", o->vcpus);
      cJSON_DeleteItemFromObjectCaseSensitive (ann, "org.vxn.vcpus");
      cJSON_AddStringToObject (ann, "org.vxn.vcpus", n);
    }
  /* What the record shows (ps, inspect) is what the bundle says, after docker's ENTRYPOINT/CMD rules. */
  const cJSON *proc = cJSON_GetObjectItemCaseSensitive (spec, "process");
  char **args = vxn_strv_from_json (cJSON_GetObjectItemCaseSensitive (proc, "args"), 65536);
  char **env = vxn_strv_from_json (cJSON_GetObjectItemCaseSensitive (proc, "env"), 65536);
  const cJSON *cwd = cJSON_GetObjectItemCaseSensitive (proc, "cwd");
  const cJSON *user = cJSON_GetObjectItemCaseSensitive (proc, "user");
  const cJSON *uid = cJSON_GetObjectItemCaseSensitive (user, "uid");
  const cJSON *gid = cJSON_GetObjectItemCaseSensitive (user, "gid");
  const cJSON *host = cJSON_GetObjectItemCaseSensitive (spec, "hostname");
  const cJSON *stop = cJSON_GetObjectItemCaseSensitive (ann, VXN_ANNOTATION_STOP_SIGNAL);
  vxn_strv_free (c->command);
  c->command = args ? args : xzalloc (sizeof (char *));
  vxn_strv_free (c->env);
  c->env = env ? env : xzalloc (sizeof (char *));
  c->workdir = xstrdup (cJSON_IsString (cwd) ? cwd->valuestring : "/");
  c->user = cJSON_IsNumber (uid) && cJSON_IsNumber (gid) ? xasprintf ("%d:%d", uid->valueint, gid->valueint)
                                                         : xstrdup ("0:0");
  c->hostname = xstrdup (cJSON_IsString (host) ? host->valuestring : "");
  c->stop_signal = xstrdup (o->stop_signal ? o->stop_signal : cJSON_IsString (stop) ? stop->valuestring : "SIGTERM");
  char *out = cJSON_Print (spec);
  cJSON_Delete (spec);
  int ret = vxn_write_file_atomic (path, out, strlen (out), 0644, err);
  free (out);
  return ret;
}

/* Make the container: id, name, directory, bundle, record. On failure nothing is left. */
static int
make_container (struct vxn_cli *cli, struct run_opts *o, struct vxn_ctr *c, vxn_error_t *err)
{
  struct vxn_store *s;
  struct vxn_image img;
  cleanup_free char *key = NULL;
  char id[VXN_CTR_ID_LEN + 1], created[64];
  memset (c, 0, sizeof *c);
  if (vxn_cli_store (cli, &s, err) < 0)
    return -1;
  int ret = vxn_store_lock (s, 0, err);
  if (ret == 0)
    ret = resolve_image (cli, s, o, &img, &key, err);
  if (ret < 0)
    {
      vxn_store_close (s);
      return -1;
    }
  vxn_ctr_new_id (id);
  vxn_now_rfc3339 (created, sizeof created);
  c->id = xstrdup (id);
  c->name = o->name ? xstrdup (o->name) : vxn_ctr_random_name (cli);
  c->image = xstrdup (o->image);
  c->image_id = xstrdup (img.id);
  c->created = xstrdup (created);
  c->started = xstrdup ("");
  c->runtime_root = xstrdup (cli->runtime_root);
  c->stop_timeout = o->stop_timeout == -2 ? DEFAULT_STOP_TIMEOUT : o->stop_timeout;
  c->auto_remove = o->rm;
  c->interactive = o->interactive;
  c->tty = o->tty;
  c->memory = o->memory;
  c->nano_cpus = o->nano_cpus;
  c->labels = vxn_strv_dup (o->labels);
  int claimed = 0;
  cleanup_free char *base = vxn_ctr_base (cli);
  cleanup_free char *dir = vxn_ctr_dir (cli, id);
  cleanup_free char *bundle = xasprintf ("%s/bundle", dir);
  ret = vxn_ctr_name_claim (cli, c->name, id, err);
  if (ret == 0)
    {
      claimed = 1;
      ret = vxn_mkdir_p (base, 0700, err);
    }
  if (ret == 0 && mkdir (dir, 0700) < 0)
    ret = vxn_make_error (err, errno, "mkdir `%s`", dir);
  if (ret == 0)
    {
      char short_id[VXN_CTR_SHORT_LEN + 1];
      snprintf (short_id, sizeof short_id, "%.*s", VXN_CTR_SHORT_LEN, id);
      struct vxn_bundle_opts bo = {
        .entrypoint_set = o->entrypoint_set,
        .entrypoint = o->entrypoint,
        .cmd = o->cmd,
        .env = o->env,
        .workdir = o->workdir,
        .user = o->user,
        .hostname = o->hostname ? o->hostname : short_id,
        .terminal = o->tty,
      };
      struct vxn_progress *p = vxn_progress_new (NULL, 1);
      ret = vxn_bundle_create (s, &img, key, bundle, &bo, p, err);
      vxn_progress_free (p);
    }
  vxn_image_clear (&img);
  /* Closed before the container runs: a detached remover must not inherit the store's lock. */
  vxn_store_close (s);
  if (ret == 0)
    ret = patch_config (bundle, o, c, err);
  if (ret == 0)
    ret = vxn_ctr_write (cli, c, err);
  if (ret < 0)
    {
      vxn_error_t e = NULL;
      if (vxn_ctr_remove (cli, id, claimed ? c->name : NULL, &e) < 0)
        vxn_error_release (&e);
      vxn_ctr_clear (c);
    }
  return ret;
}

static int
write_cidfile (const char *path, const char *id, vxn_error_t *err)
{
  cleanup_close int fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0)
    return vxn_make_error (err, errno, "--cidfile `%s`", path);
  if (vxn_write_all (fd, id, strlen (id)) < 0)
    return vxn_make_error (err, errno, "write `%s`", path);
  return 0;
}

static int
run_or_create (struct vxn_cli *cli, int argc, char **argv, int is_run, vxn_error_t *err)
{
  struct run_opts o = { .is_run = is_run };
  struct vxn_ctr c = { 0 };
  struct vxn_launch_opts lo = { 0 };
  int status = 0;
  int ret = parse_opts (cli, argc, argv, &o, err);
  if (ret != 0)
    {
      run_opts_clear (&o);
      return ret > 0 ? 0 : -1;
    }
  /* From here on, a failure of vxn itself (not of the container) is docker's 125. */
  cli->error_status = VXN_EXIT_CLI;
  if (o.memory > 0 && o.memory < GUEST_MEMORY)
    fprintf (stderr, "%s: warning: a domain needs at least 64 MiB: the container gets 64 MiB, not %lld bytes\n",
             cli->prog, (long long)o.memory);
  if (o.cidfile && access (o.cidfile, F_OK) == 0)
    {
      ret = vxn_make_error (err, 0, "Container ID file found, make sure the other container isn't running or delete %s",
                            o.cidfile);
      goto out;
    }
  ret = make_container (cli, &o, &c, err);
  if (ret < 0)
    goto out;
  if (o.cidfile && (ret = write_cidfile (o.cidfile, c.id, err)) < 0)
    {
      vxn_error_t e = NULL;
      if (vxn_ctr_remove (cli, c.id, c.name, &e) < 0)
        vxn_error_release (&e);
      goto out;
    }
  if (!is_run)
    {
      printf ("%s\n", c.id);
      goto out;
    }
  lo.foreground = !o.detach;
  lo.interactive = o.interactive;
  lo.tty = o.tty;
  lo.sig_proxy = o.sig_proxy;
  fflush (stdout);
  fflush (stderr);
  ret = vxn_launch (cli, &c, &lo, &status, err);
  if (ret < 0)
    {
      /* Nothing ran: leave nothing behind (docker keeps a "Created" container here; a half-made domain is not
         worth keeping). */
      vxn_error_t e = NULL;
      if (vxn_ctr_destroy (cli, &c, &e) < 0)
        vxn_report_error (cli, &e);
      goto out;
    }
  if (o.detach)
    {
      printf ("%s\n", c.id);
      goto out;
    }
  cli->exit_status = status;
  if (o.rm)
    {
      vxn_error_t e = NULL;
      if (vxn_ctr_destroy (cli, &c, &e) < 0)
        vxn_report_error (cli, &e); /* the container's status still is the answer */
    }
out:
  vxn_ctr_clear (&c);
  run_opts_clear (&o);
  return ret;
}

int
vxn_cmd_run (struct vxn_cli *cli, int argc, char **argv, vxn_error_t *err)
{
  return run_or_create (cli, argc, argv, 1, err);
}

int
vxn_cmd_create (struct vxn_cli *cli, int argc, char **argv, vxn_error_t *err)
{
  return run_or_create (cli, argc, argv, 0, err);
}
