/* `vxn load`: images from docker-save tarballs (plain or compressed), OCI archives (an OCI layout as a tar) and
   OCI layout directories. Every blob is copied into the store through a verifying ingest; names are recorded last. */
#ifndef VXN_IMAGE_LOAD_H
#define VXN_IMAGE_LOAD_H

#include "error.h"
#include "platform.h"
#include "progress.h"
#include "store.h"

/* NAME (may be NULL) names the image when the source holds exactly one; otherwise the names in the source are
   used (docker RepoTags, io.containerd.image.name, or a full reference in org.opencontainers.image.ref.name).
   *NAMES gets the names loaded (vxn_strv_free). */
int vxn_load (struct vxn_store *s, const char *path, const char *name, const struct vxn_platform *platform,
              struct vxn_progress *p, char ***names, vxn_error_t *err);

#endif
