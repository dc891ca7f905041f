/* The guest ramdisk: the base initramfs (init + modules), then one newc cpio holding /vxn/spec and the bundle's
   rootfs under /rootfs. The kernel unpacks concatenated archives in order (docs/design.md, "Rootfs transport"). */
#ifndef VXN_INITRD_H
#define VXN_INITRD_H

#include <stddef.h>

#include "error.h"

int vxn_initrd_build (int out_fd, const char *base_initramfs, const char *spec, size_t spec_len,
                      const char *rootfs_dir, vxn_error_t *err);

#endif
