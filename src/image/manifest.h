/* Manifests, manifest lists and OCI indexes: strict parsing of what a registry or an archive hands us. */
#ifndef VXN_IMAGE_MANIFEST_H
#define VXN_IMAGE_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "error.h"
#include "platform.h"

#define VXN_MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define VXN_MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define VXN_MT_DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"
#define VXN_MT_DOCKER_LAYER "application/vnd.docker.image.rootfs.diff.tar.gzip"
#define VXN_MT_DOCKER_FOREIGN_LAYER "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"
#define VXN_MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define VXN_MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define VXN_MT_OCI_CONFIG "application/vnd.oci.image.config.v1+json"
#define VXN_MT_OCI_LAYER "application/vnd.oci.image.layer.v1.tar"
#define VXN_MT_OCI_LAYER_GZIP "application/vnd.oci.image.layer.v1.tar+gzip"
#define VXN_MT_OCI_LAYER_ZSTD "application/vnd.oci.image.layer.v1.tar+zstd"

/* The Accept header for manifest requests: every format we can read, images and indexes. */
#define VXN_MANIFEST_ACCEPT                                                                                            \
  VXN_MT_OCI_INDEX ", " VXN_MT_DOCKER_LIST ", " VXN_MT_OCI_MANIFEST ", " VXN_MT_DOCKER_MANIFEST

#define VXN_MAX_LAYERS 1024
#define VXN_MAX_INDEX_ENTRIES 4096

struct vxn_descriptor
{
  char media_type[128];
  char digest[VXN_DIGEST_SIZE];
  int64_t size;
  int has_platform;
  struct vxn_platform platform;
};

enum vxn_manifest_kind
{
  VXN_MANIFEST_IMAGE,
  VXN_MANIFEST_INDEX,
};

struct vxn_manifest
{
  enum vxn_manifest_kind kind;
  char media_type[128];
  struct vxn_descriptor config; /* images only */
  struct vxn_descriptor *layers;
  size_t n_layers;
  struct vxn_descriptor *manifests; /* indexes only */
  size_t n_manifests;
};

/* CONTENT_TYPE (the HTTP header, may be NULL) and the document's own mediaType must agree when both are given:
   a registry must not be able to pass one kind of document off as another. */
int vxn_manifest_parse (const char *buf, size_t len, const char *content_type, struct vxn_manifest *m,
                        vxn_error_t *err);
void vxn_manifest_clear (struct vxn_manifest *m);

/* The entry of index IDX for platform WANT. */
int vxn_manifest_select (const struct vxn_manifest *idx, const struct vxn_platform *want,
                         const struct vxn_descriptor **out, vxn_error_t *err);

int vxn_media_type_is_manifest (const char *mt);
int vxn_media_type_is_index (const char *mt);
int vxn_media_type_is_layer (const char *mt);

/* Parse one descriptor object (exposed for OCI layout index.json). */
struct cJSON;
int vxn_descriptor_parse (const struct cJSON *j, struct vxn_descriptor *d, vxn_error_t *err);
/* Number that must be a whole byte count in [0, VXN_MAX_BLOB_SIZE]. */
int vxn_json_size (const struct cJSON *j, int64_t *out);

#endif
