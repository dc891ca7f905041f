/* Named references in the store's index.json: "docker.io/library/alpine:latest" -> image manifest descriptor.
   Read without locking (the file is only ever replaced atomically), modified under the exclusive refs lock. */
#ifndef VXN_IMAGE_REFS_H
#define VXN_IMAGE_REFS_H

#include <stddef.h>

#include "error.h"
#include "manifest.h"
#include "store.h"

/* Annotation keys in index.json. */
#define VXN_ANNOTATION_REF_NAME "org.opencontainers.image.ref.name"
#define VXN_ANNOTATION_REPO_DIGEST "io.vxn.image.repo-digest"

struct vxn_store_ref
{
  char *name;                        /* store key, see vxn_ref_key */
  struct vxn_descriptor desc;        /* the image manifest */
  char repo_digest[VXN_DIGEST_SIZE]; /* what the registry served for the name (index or manifest), or "" */
};

int vxn_refs_list (struct vxn_store *s, struct vxn_store_ref **refs, size_t *n, vxn_error_t *err);
void vxn_refs_free (struct vxn_store_ref *refs, size_t n);
/* 1 when found (*OUT filled, name owned by the caller), 0 when not. */
int vxn_refs_get (struct vxn_store *s, const char *name, struct vxn_store_ref *out, vxn_error_t *err);
int vxn_refs_set (struct vxn_store *s, const char *name, const struct vxn_descriptor *desc, const char *repo_digest,
                  vxn_error_t *err);
/* 1 when removed, 0 when there was no such ref. */
int vxn_refs_remove (struct vxn_store *s, const char *name, vxn_error_t *err);

#endif
