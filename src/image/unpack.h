/* Unpack image layers into a rootfs with libarchive (tar; gzip, zstd or uncompressed), applying OCI whiteouts.
   Archives are untrusted: every name is cleaned and resolved under the rootfs without following symlinks, so
   `..`, absolute names, writes through planted symlinks and hardlinks to outside are refused, and device nodes
   are made only when asked to and running as root. */
#ifndef VXN_IMAGE_UNPACK_H
#define VXN_IMAGE_UNPACK_H

#include <stdint.h>

#include "error.h"

struct vxn_unpack_opts
{
  int allow_devices; /* create device nodes (needs root); otherwise a layer holding one is refused */
  int no_chown;      /* keep our own uid/gid (automatic when not root) */
};

struct vxn_unpacker;

/* ROOTFS must be an existing directory (normally empty). */
int vxn_unpacker_new (const char *rootfs, const struct vxn_unpack_opts *opts, struct vxn_unpacker **out,
                      vxn_error_t *err);
/* Apply one layer read from FD (compression detected from the content). NAME is for messages. */
int vxn_unpacker_layer (struct vxn_unpacker *u, int fd, const char *name, vxn_error_t *err);
/* Called after each entry with the bytes of the (compressed) layer consumed so far, so long unpacks show progress. */
void vxn_unpacker_set_progress (struct vxn_unpacker *u, void (*fn) (void *data, uint64_t done), void *data);
/* Set directory modes, owners and times, deferred so that read-only directories could still be filled. */
int vxn_unpacker_finish (struct vxn_unpacker *u, vxn_error_t *err);
void vxn_unpacker_free (struct vxn_unpacker *u);

#endif
