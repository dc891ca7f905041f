/* Per-container settings from config.json annotations (documented in vxn-oci-runtime(8), like crun's run.oci.*):
     org.vxn.kernel   path of the guest kernel (an uncompressed ELF is fastest)
     org.vxn.memory   domain memory in MiB (overrides linux.resources.memory.limit; at least 64)
     org.vxn.vcpus    number of vCPUs, 1 to 64 */
#ifndef VXN_TUNING_H
#define VXN_TUNING_H

#include "error.h"

#define VXN_MIN_MEMORY_MB 64 /* kernel + init + the rootfs held in RAM */
#define VXN_MAX_VCPUS 64

struct vxn_tuning
{
  char *kernel;       /* NULL: the default */
  unsigned memory_mb; /* 0: not set */
  unsigned vcpus;     /* 0: not set */
};

int vxn_tuning_parse (const char *annotations_json, struct vxn_tuning *t, vxn_error_t *err);
void vxn_tuning_free (struct vxn_tuning *t);

#endif
