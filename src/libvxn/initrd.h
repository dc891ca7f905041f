/* The guest ramdisk: the base initramfs (init + modules), then one newc cpio holding /vxn/spec and the bundle's
   rootfs under /rootfs. The kernel unpacks concatenated archives in order (docs/design.md, "Rootfs transport"). */
#ifndef VXN_INITRD_H
#define VXN_INITRD_H

#include <stddef.h>

#include "error.h"

/* EXTRA_INITRAMFS (or NULL) is appended after the base (the 9p modules, only for containers with volumes); FILES
   are host files copied in as /vxn/files/<i> (file bind mounts). */
int vxn_initrd_build (int out_fd, const char *base_initramfs, const char *extra_initramfs, const char *spec,
                      size_t spec_len, const char *rootfs_dir, char *const *files, size_t n_files, vxn_error_t *err);

#endif
