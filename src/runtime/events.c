/* events: the domain's CPU and memory in runc's stats shape. --stats prints one object; without it an object is
   printed every --interval until the container stops (the monitor's exit ends the wait, not a poll), and runc's
   {"type":"oom"} as soon as the monitor records an OOM kill the guest reported (inotify on the state directory). */
#include "config.h"

#include "domain.h"
#include "runtime.h"
#include "utils.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/syscall.h>
#include <unistd.h>

/* "5s", "500ms", "1m" (Go durations as runc takes them, the common units) -> milliseconds. */
static int
parse_interval (const char *s, long *ms, vxn_error_t *err)
{
  char *end;
  errno = 0;
  long n = strtol (s, &end, 10);
  long unit = strcmp (end, "ms") == 0 ? 1 : strcmp (end, "s") == 0 ? 1000 : strcmp (end, "m") == 0 ? 60000 : 0;
  if (errno || end == s || n <= 0 || unit == 0 || n > 86400000L / unit)
    return vxn_make_error (err, 0, "events: --interval `%s` must be like 5s, 500ms or 1m", s);
  *ms = n * unit;
  return 0;
}

static int
print_stats (struct vxn_domain *d, const char *id, vxn_error_t *err)
{
  int nr_vcpus = 0, nr_cpus = 0;
  if (vxn_domain_refresh (d, err) < 0)
    return -1;
  libxl_vcpuinfo *v = libxl_list_vcpu (d->ctx, d->domid, &nr_vcpus, &nr_cpus);
  cJSON *o = cJSON_CreateObject ();
  cJSON_AddStringToObject (o, "type", "stats");
  cJSON_AddStringToObject (o, "id", id);
  cJSON *data = cJSON_AddObjectToObject (o, "data");
  cJSON *usage = cJSON_AddObjectToObject (cJSON_AddObjectToObject (data, "cpu"), "usage");
  cJSON_AddNumberToObject (usage, "total", (double)d->info.cpu_time);
  cJSON *percpu = cJSON_AddArrayToObject (usage, "percpu");
  for (int i = 0; v && i < nr_vcpus; i++)
    cJSON_AddItemToArray (percpu, cJSON_CreateNumber ((double)v[i].vcpu_time));
  cJSON *mem = cJSON_AddObjectToObject (cJSON_AddObjectToObject (data, "memory"), "usage");
  cJSON_AddNumberToObject (mem, "usage", (double)d->info.current_memkb * 1024);
  cJSON_AddNumberToObject (mem, "limit", (double)d->info.max_memkb * 1024);
  cJSON *pids = cJSON_AddObjectToObject (data, "pids");
  cJSON_AddNumberToObject (pids, "current", 0); /* the guest's processes are not counted from Dom0 */
  cJSON *vxn = cJSON_AddObjectToObject (data, "org.vxn.domain");
  cJSON_AddNumberToObject (vxn, "domid", d->domid);
  cJSON_AddNumberToObject (vxn, "vcpus_online", d->info.vcpu_online);
  char *s = cJSON_PrintUnformatted (o);
  printf ("%s\n", s);
  fflush (stdout);
  free (s);
  cJSON_Delete (o);
  if (v)
    libxl_vcpuinfo_list_free (v, nr_vcpus);
  return 0;
}

/* One {"type":"oom"} per OOM kill the state file counts beyond *SEEN. */
static void
print_ooms (struct vxn_container *ct, unsigned long *seen)
{
  struct vxn_state_file st;
  vxn_error_t err = NULL;
  if (vxn_state_file_read (ct->dirfd, &st, &err) < 0)
    {
      vxn_error_release (&err);
      return;
    }
  for (; *seen < st.oom_kills; (*seen)++)
    printf ("{\"type\":\"oom\",\"id\":\"%s\"}\n", ct->id);
  fflush (stdout);
  vxn_state_file_free (&st);
}

/* Until the next stats are due or the container stops (returns 1); OOM events are printed as they come. */
static int
wait_interval (struct vxn_container *ct, int pidfd, int ifd, long interval_ms, unsigned long *oom_seen)
{
  uint64_t deadline = vxn_monotonic_ms () + (uint64_t)interval_ms;
  for (;;)
    {
      uint64_t now = vxn_monotonic_ms ();
      if (now >= deadline)
        return 0;
      struct pollfd p[2] = { { .fd = pidfd, .events = POLLIN }, { .fd = ifd, .events = POLLIN } };
      int r = poll (p, 2, (int)(deadline - now));
      if (r < 0 && errno != EINTR)
        return 1;
      if (r > 0 && p[1].revents)
        {
          char buf[4096];
          while (read (ifd, buf, sizeof buf) > 0)
            ;
          print_ooms (ct, oom_seen);
        }
      if (r > 0 && p[0].revents)
        {
          print_ooms (ct, oom_seen); /* the count the monitor wrote before it exited */
          return 1;
        }
    }
}

int
vxn_cmd_events (struct vxn_global *g, int argc, char **argv, vxn_error_t *err)
{
  static const struct option opts[] = {
    { "stats", no_argument, NULL, 's' },
    { "interval", required_argument, NULL, 'i' },
    { NULL, 0, NULL, 0 },
  };
  int c;
  bool once = false;
  long interval_ms = 5000;
  struct vxn_container ct;
  struct vxn_domain d;
  while ((c = getopt_long (argc, argv, "", opts, NULL)) != -1)
    switch (c)
      {
      case 's':
        once = true;
        break;
      case 'i':
        if (parse_interval (optarg, &interval_ms, err) < 0)
          return -1;
        break;
      default:
        return vxn_make_error (err, 0, "events: unknown option (see vxn-oci-runtime(8))");
      }
  if (vxn_expect_args ("events", argc - optind, 1, 1, err) < 0 || vxn_container_open (g, argv[optind], &ct, err) < 0)
    return -1;
  int ret = -1;
  if (strcmp (vxn_container_status (&ct), "stopped") == 0 || vxn_domain_open (&ct.st, &d, err) <= 0)
    {
      if (err == NULL || *err == NULL)
        vxn_make_error (err, 0, "events: container `%s` is not running", ct.id);
      vxn_container_close (&ct);
      return -1;
    }
  cleanup_close int pidfd = (int)syscall (SYS_pidfd_open, ct.st.monitor_pid, 0);
  /* The monitor replaces state.json by a rename into the container's directory. */
  cleanup_close int ifd = inotify_init1 (IN_CLOEXEC | IN_NONBLOCK);
  cleanup_free char *dir = xasprintf ("%s/%s", g->root, ct.id);
  if (!once && (ifd < 0 || inotify_add_watch (ifd, dir, IN_MOVED_TO) < 0))
    {
      vxn_make_error (err, errno, "events: watch `%s`", dir);
      vxn_domain_close (&d);
      vxn_container_close (&ct);
      return -1;
    }
  /* As runc: OOM kills from now on. */
  unsigned long oom_seen = ct.st.oom_kills;
  for (;;)
    {
      if (print_stats (&d, ct.id, err) < 0)
        break;
      if (once)
        {
          ret = 0;
          break;
        }
      /* The interval is what the caller asked for; the monitor's exit (the container stopping) ends it early. */
      if (pidfd < 0 || wait_interval (&ct, pidfd, ifd, interval_ms, &oom_seen))
        {
          ret = 0;
          break;
        }
    }
  vxn_domain_close (&d);
  vxn_container_close (&ct);
  return ret;
}
