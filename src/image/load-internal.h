/* Shared by load.c (sources, blob copies), load-oci.c and load-docker.c. */
#ifndef VXN_IMAGE_LOAD_INTERNAL_H
#define VXN_IMAGE_LOAD_INTERNAL_H

#include <stddef.h>

#include "error.h"
#include "manifest.h"
#include "platform.h"
#include "progress.h"
#include "store.h"

/* A directory to read members from: the user's layout directory, or an archive unpacked under ingest/. */
struct vxn_load_ctx
{
  struct vxn_store *s;
  int root_fd;
  const char *name; /* the user's NAME, or NULL */
  const struct vxn_platform *platform;
  struct vxn_progress *p;
  char **names; /* loaded so far */
};

/* Open member PATH read-only. Symlinks (docker save links duplicate layers) are followed only lexically and only
   within the root. */
int vxn_load_open (struct vxn_load_ctx *c, const char *path, vxn_error_t *err);
int vxn_load_exists (struct vxn_load_ctx *c, const char *path);
int vxn_load_read (struct vxn_load_ctx *c, const char *path, size_t max, char **buf, size_t *len, vxn_error_t *err);
/* Copy member PATH into the store, verified against DESC (digest and size). */
int vxn_load_copy_blob (struct vxn_load_ctx *c, const char *path, const struct vxn_descriptor *desc, vxn_error_t *err);
/* Copy member PATH into the store, computing its digest and size into DESC. */
int vxn_load_ingest (struct vxn_load_ctx *c, const char *path, struct vxn_descriptor *desc, vxn_error_t *err);
/* Record NAME (a reference, normalised here) for DESC. */
int vxn_load_name (struct vxn_load_ctx *c, const char *name, const struct vxn_descriptor *desc, const char *repo_digest,
                   vxn_error_t *err);

int vxn_load_oci (struct vxn_load_ctx *c, vxn_error_t *err);
int vxn_load_docker (struct vxn_load_ctx *c, vxn_error_t *err);

#endif
