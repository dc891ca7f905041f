/* Images in the store as the CLI names them: by reference ("alpine", "localhost:5000/x:1") or by ID (the config
   digest, as docker, or a unique prefix of it), loaded with their manifest and config. */
#ifndef VXN_IMAGE_IMAGE_H
#define VXN_IMAGE_IMAGE_H

#include <stddef.h>

#include "error.h"
#include "imgconfig.h"
#include "manifest.h"
#include "refs.h"
#include "store.h"

struct vxn_image
{
  struct vxn_descriptor desc; /* the image manifest */
  struct vxn_manifest manifest;
  struct vxn_image_config config;
  char id[VXN_DIGEST_SIZE]; /* config digest */
};

/* Load the image whose manifest DESC describes. */
int vxn_image_load (struct vxn_store *s, const struct vxn_descriptor *desc, struct vxn_image *img, vxn_error_t *err);
void vxn_image_clear (struct vxn_image *img);

/* Find WHAT among the refs: a reference first, else an ID or ID prefix (ambiguity is an error). *KEY gets the ref
   name when WHAT named one, else NULL. */
int vxn_image_find (struct vxn_store *s, const char *what, struct vxn_image *img, char **key, vxn_error_t *err);

/* Total of the manifest, config and compressed layer sizes. */
long long vxn_image_size (const struct vxn_image *img);

#endif
