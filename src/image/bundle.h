/* OCI runtime bundles from images: rootfs/ (the layers unpacked in order) and config.json built from the image
   config with docker's rules (Entrypoint + Cmd and their overrides, Env, WorkingDir, User); exposed ports, volumes
   and the stop signal are recorded as annotations for the runtime and `vxn run`. */
#ifndef VXN_IMAGE_BUNDLE_H
#define VXN_IMAGE_BUNDLE_H

#include "error.h"
#include "image.h"
#include "progress.h"
#include "store.h"
#include "unpack.h"

#define VXN_ANNOTATION_IMAGE_NAME "org.opencontainers.image.ref.name"
#define VXN_ANNOTATION_IMAGE_DIGEST "io.vxn.image.digest"
#define VXN_ANNOTATION_IMAGE_ID "io.vxn.image.id"
#define VXN_ANNOTATION_PORTS "io.vxn.image.exposed-ports"
#define VXN_ANNOTATION_VOLUMES "io.vxn.image.volumes"
#define VXN_ANNOTATION_STOP_SIGNAL "org.opencontainers.image.stopSignal"

struct vxn_bundle_opts
{
  int entrypoint_set; /* --entrypoint given: replaces the image's Entrypoint and drops its Cmd */
  char **entrypoint;  /* may be empty */
  char **cmd;         /* arguments after the image: replace the image's Cmd when non-empty */
  char **env;         /* KEY=VALUE, override the image's */
  const char *workdir;
  const char *user;
  const char *hostname;
  int terminal;
  struct vxn_unpack_opts unpack;
};

struct cJSON;

/* The runtime spec for CFG. ROOTFS_FD (or -1) serves user and group names. */
int vxn_bundle_spec (const struct vxn_image_config *cfg, const char *name, const char *manifest_digest,
                     const char *image_id, const struct vxn_bundle_opts *o, int rootfs_fd, struct cJSON **out,
                     vxn_error_t *err);

/* Create DIR (absent or empty) with rootfs/ and config.json. The rootfs is unpacked under a temporary name and
   renamed at the end; on failure nothing is left in DIR. */
int vxn_bundle_create (struct vxn_store *s, const struct vxn_image *img, const char *name, const char *dir,
                       const struct vxn_bundle_opts *o, struct vxn_progress *p, vxn_error_t *err);

#endif
