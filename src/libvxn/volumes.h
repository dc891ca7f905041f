/* Bind mounts, resolved at create time (docs/design.md "Mounts"): a host directory becomes a Xen 9pfs device
   (served by QEMU in Dom0) and a 9p mount in the guest; a host file is copied into the guest's initramfs and bind
   mounted from there. */
#ifndef VXN_VOLUMES_H
#define VXN_VOLUMES_H

#include <stddef.h>

#include "error.h"
#include "guest_spec.h"

#define VXN_MAX_P9_DEVICES 32
#define VXN_FILE_BIND_MAX (16 * 1024 * 1024)
#define VXN_FILES_DIR "/vxn/files"

struct vxn_volumes
{
  char **p9_paths; /* host directories; device i has tag "vxn<i>" */
  size_t n_p9;
  char **files; /* host files; file i is VXN_FILES_DIR/<i> in the initramfs */
  size_t n_files;
};

/* Turn every VXN_MOUNT_BIND of SPEC into VXN_MOUNT_9P or VXN_MOUNT_FILE. Relative sources are relative to BUNDLE.
   Sources must exist and be directories or regular files (at most VXN_FILE_BIND_MAX bytes). */
int vxn_mounts_resolve (struct vxn_guest_spec *spec, const char *bundle, struct vxn_volumes *vol, vxn_error_t *err);
void vxn_volumes_free (struct vxn_volumes *vol);

#endif
