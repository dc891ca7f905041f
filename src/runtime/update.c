/* update: change a running container's memory and vCPUs, as `runc update` changes its cgroup.

   The domain's memory target moves (the guest's balloon driver gives pages back or takes them) up to the maximum
   fixed at create; vCPUs go on- or offline up to the count the domain was built with. Other resource fields have
   no meaning for a domain and are ignored (vxn-oci-runtime(8) lists them); flags for them are refused. */
#include "config.h"

#include "domain.h"
#include "runtime.h"
#include "tuning.h"
#include "utils.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define RESOURCES_MAX_SIZE (1024 * 1024)

struct update_request
{
  int64_t memory; /* bytes, 0: unchanged */
  int64_t cpu_quota, cpu_period;
};

static int
get_int (const cJSON *obj, const char *key, const char *where, int64_t *out, vxn_error_t *err)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive (obj, key);
  if (v == NULL || cJSON_IsNull (v))
    return 0;
  if (!cJSON_IsNumber (v) || v->valuedouble != (double)(int64_t)v->valuedouble)
    return vxn_make_error (err, 0, "update: `%s.%s` must be an integer", where, key);
  *out = (int64_t)v->valuedouble;
  return 0;
}

/* The runtime-spec LinuxResources object, from a file or stdin. */
static int
read_resources (const char *path, struct update_request *r, vxn_error_t *err)
{
  cleanup_free char *json = NULL;
  if (strcmp (path, "-") == 0)
    {
      size_t len = 0, cap = 4096;
      json = xzalloc (cap);
      ssize_t n;
      while ((n = read (0, json + len, cap - 1 - len)) != 0)
        {
          if (n < 0 && errno == EINTR)
            continue;
          if (n < 0)
            return vxn_make_error (err, errno, "update: read the resources from stdin");
          len += n;
          if (len == cap - 1)
            {
              if (cap >= RESOURCES_MAX_SIZE)
                return vxn_make_error (err, 0, "update: resources larger than %d bytes", RESOURCES_MAX_SIZE);
              json = xrealloc (json, cap *= 2);
            }
        }
      json[len] = '\0';
    }
  else if (vxn_read_file (path, RESOURCES_MAX_SIZE, &json, NULL, err) < 0)
    return -1;
  cJSON *root = cJSON_Parse (json);
  const cJSON *mem, *cpu;
  int ret = -1;
  if (root == NULL || !cJSON_IsObject (root))
    {
      vxn_make_error (err, 0, "update: the resources must be a JSON object");
      goto out;
    }
  mem = cJSON_GetObjectItemCaseSensitive (root, "memory");
  cpu = cJSON_GetObjectItemCaseSensitive (root, "cpu");
  if ((mem && !cJSON_IsNull (mem) && !cJSON_IsObject (mem)) || (cpu && !cJSON_IsNull (cpu) && !cJSON_IsObject (cpu)))
    {
      vxn_make_error (err, 0, "update: `memory` and `cpu` must be objects");
      goto out;
    }
  if (cJSON_IsObject (mem) && get_int (mem, "limit", "memory", &r->memory, err) < 0)
    goto out;
  if (cJSON_IsObject (cpu)
      && (get_int (cpu, "quota", "cpu", &r->cpu_quota, err) < 0
          || get_int (cpu, "period", "cpu", &r->cpu_period, err) < 0))
    goto out;
  ret = 0;
out:
  cJSON_Delete (root);
  return ret;
}

static int
parse_update_opts (int argc, char **argv, struct update_request *r, vxn_error_t *err)
{
  static const struct option opts[] = {
    { "resources", required_argument, NULL, 'r' },
    { "memory", required_argument, NULL, 'm' },
    { "cpu-quota", required_argument, NULL, 'q' },
    { "cpu-period", required_argument, NULL, 'p' },
    /* runc's other knobs are cgroup controls a domain does not have: refused by name below */
    { "blkio-weight", required_argument, NULL, 'x' },
    { "cpu-rt-period", required_argument, NULL, 'x' },
    { "cpu-rt-runtime", required_argument, NULL, 'x' },
    { "cpu-share", required_argument, NULL, 'x' },
    { "cpuset-cpus", required_argument, NULL, 'x' },
    { "cpuset-mems", required_argument, NULL, 'x' },
    { "kernel-memory", required_argument, NULL, 'x' },
    { "kernel-memory-tcp", required_argument, NULL, 'x' },
    { "memory-reservation", required_argument, NULL, 'x' },
    { "memory-swap", required_argument, NULL, 'x' },
    { "pids-limit", required_argument, NULL, 'x' },
    { "l3-cache-schema", required_argument, NULL, 'x' },
    { "mem-bw-schema", required_argument, NULL, 'x' },
    { NULL, 0, NULL, 0 },
  };
  int c, index = 0;
  long n;
  while ((c = getopt_long (argc, argv, "r:", opts, &index)) != -1)
    switch (c)
      {
      case 'r':
        if (read_resources (optarg, r, err) < 0)
          return -1;
        break;
      case 'm':
        if (vxn_parse_long (optarg, 1, INT64_MAX, &n) < 0)
          return vxn_make_error (err, 0, "update: --memory must be a number of bytes");
        r->memory = n;
        break;
      case 'q':
        if (vxn_parse_long (optarg, -1, INT64_MAX, &n) < 0)
          return vxn_make_error (err, 0, "update: --cpu-quota must be a number");
        r->cpu_quota = n;
        break;
      case 'p':
        if (vxn_parse_long (optarg, 0, INT64_MAX, &n) < 0)
          return vxn_make_error (err, 0, "update: --cpu-period must be a number");
        r->cpu_period = n;
        break;
      case 'x':
        return vxn_make_error (err, 0, "update: --%s is a cgroup control that a Xen domain does not have",
                               opts[index].name);
      default:
        return vxn_make_error (err, 0, "update: unknown option (see vxn-oci-runtime(8))");
      }
  return 0;
}

static int
set_vcpus (struct vxn_domain *d, unsigned want, vxn_error_t *err)
{
  unsigned max = d->info.vcpu_max_id + 1;
  libxl_bitmap map;
  if (want > max)
    return vxn_make_error (
        err, 0, "update: %u vCPUs asked, the domain was created with %u (org.vxn.vcpus or the CPU quota)", want, max);
  libxl_bitmap_init (&map);
  if (libxl_cpu_bitmap_alloc (d->ctx, &map, max) != 0)
    return vxn_make_error (err, 0, "update: allocate a vCPU map");
  libxl_bitmap_set_none (&map);
  for (unsigned i = 0; i < want; i++)
    libxl_bitmap_set (&map, i);
  int rc = libxl_set_vcpuonline (d->ctx, d->domid, &map, NULL);
  libxl_bitmap_dispose (&map);
  if (rc != 0)
    return vxn_make_error (err, 0, "update: set %u vCPUs online (libxl rc=%d)", want, rc);
  return 0;
}

static int
set_memory (struct vxn_domain *d, int64_t bytes, vxn_error_t *err)
{
  int64_t kb = bytes / 1024, floor_kb = (int64_t)VXN_MIN_MEMORY_MB * 1024;
  if (kb < floor_kb)
    kb = floor_kb; /* the rootfs lives in the guest's RAM: the same floor as at create */
  if ((uint64_t)kb > d->info.max_memkb)
    return vxn_make_error (err, 0, "update: %lld MiB asked, the domain's maximum is %llu MiB (fixed at create)",
                           (long long)(kb / 1024), (unsigned long long)(d->info.max_memkb / 1024));
  int rc = libxl_set_memory_target (d->ctx, d->domid, kb, 0, 1);
  if (rc != 0)
    return vxn_make_error (err, 0, "update: set the memory target to %lld KiB (libxl rc=%d)", (long long)kb, rc);
  return 0;
}

int
vxn_cmd_update (struct vxn_global *g, int argc, char **argv, vxn_error_t *err)
{
  struct update_request r = { 0 };
  struct vxn_container c;
  struct vxn_domain d;
  if (parse_update_opts (argc, argv, &r, err) < 0 || vxn_expect_args ("update", argc - optind, 1, 1, err) < 0
      || vxn_container_open (g, argv[optind], &c, err) < 0)
    return -1;
  int ret = -1, open;
  const char *status = vxn_container_status (&c);
  if (strcmp (status, "running") != 0 && strcmp (status, "paused") != 0 && strcmp (status, "created") != 0)
    {
      vxn_make_error (err, 0, "update: container `%s` is %s", c.id, status);
      goto out;
    }
  open = vxn_domain_open (&c.st, &d, err);
  if (open <= 0)
    {
      if (open == 0)
        vxn_make_error (err, 0, "update: the domain of container `%s` is gone", c.id);
      goto out;
    }
  ret = 0;
  if (r.memory > 0)
    ret = set_memory (&d, r.memory, err);
  if (ret == 0 && r.cpu_quota > 0)
    {
      int64_t period = r.cpu_period > 0 ? r.cpu_period : 100000;
      ret = set_vcpus (&d, (unsigned)((r.cpu_quota + period - 1) / period), err);
    }
  vxn_domain_close (&d);
out:
  vxn_container_close (&c);
  return ret;
}
