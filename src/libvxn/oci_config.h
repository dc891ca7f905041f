/* config.json: strict parsing of the fields vxn honours (runtime-spec 1.0.x). Unknown keys are ignored, as runc
   does; a known key with the wrong type or value is an error naming the key. */
#ifndef VXN_OCI_CONFIG_H
#define VXN_OCI_CONFIG_H

#include <stdint.h>

#include "error.h"
#include "guest_spec.h"

#define VXN_CONFIG_MAX_SIZE (4 * 1024 * 1024)
#define VXN_MAX_MOUNTS 256

struct vxn_oci_config
{
  char *oci_version;
  struct vxn_guest_spec process; /* args, env, cwd, user, terminal, hostname, readonly root, credentials,
                                    mounts (binds unresolved: vxn_mounts_resolve) */
  char *root_path;               /* as written in config.json (relative to the bundle unless absolute) */
  char *annotations_json;        /* the "annotations" object re-serialised, "{}" when absent */
  int64_t memory_limit;          /* linux.resources.memory.limit in bytes, 0 when unset */
  int64_t cpu_quota, cpu_period; /* linux.resources.cpu, 0 when unset (docker --cpus N: quota = N * period) */
  char *cgroups_path;            /* linux.cgroupsPath, NULL when unset (cgroup.h decides what it means) */
  char *ignored; /* the security fields present that vxn accepts and ignores, e.g. "`linux.seccomp`"; or NULL */
};

int vxn_oci_config_parse (const char *json, struct vxn_oci_config *cfg, vxn_error_t *err);
/* Read BUNDLE/config.json. */
int vxn_oci_config_load (const char *bundle, struct vxn_oci_config *cfg, vxn_error_t *err);
void vxn_oci_config_free (struct vxn_oci_config *cfg);
/* A process object alone (`exec --process FILE`), with the rules of config.json's `process`. */
int vxn_oci_process_parse (const char *json, struct vxn_guest_spec *p, vxn_error_t *err);

#endif
