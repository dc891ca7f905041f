/* Image references, parsed and normalised the way docker does ("alpine" -> "docker.io/library/alpine:latest"). */
#ifndef VXN_IMAGE_REF_H
#define VXN_IMAGE_REF_H

#include "error.h"

#define VXN_DOCKER_DOMAIN "docker.io"

struct vxn_ref
{
  char *domain; /* "docker.io", "localhost:5000", "[::1]:5000" */
  char *path;   /* "library/alpine" */
  char *tag;    /* NULL when only a digest was given */
  char *digest; /* NULL or a valid "sha256:<hex>" */
};

/* Parse and normalise S. A reference without tag or digest gets the tag "latest". */
int vxn_ref_parse (const char *s, struct vxn_ref *ref, vxn_error_t *err);
void vxn_ref_clear (struct vxn_ref *ref);

/* "docker.io/library/alpine" */
char *vxn_ref_name (const struct vxn_ref *ref);
/* The canonical full reference: "name:tag", "name@digest" or "name:tag@digest". */
char *vxn_ref_string (const struct vxn_ref *ref);
/* The key an image is stored under: "name:tag" when there is a tag, else "name@digest". */
char *vxn_ref_key (const struct vxn_ref *ref);
/* What docker shows in its REPOSITORY column: "alpine", "quay.io/x/y", "localhost:5000/foo". */
char *vxn_ref_familiar_name (const struct vxn_ref *ref);
/* What the registry is asked for: the digest when there is one, else the tag. */
const char *vxn_ref_reference (const struct vxn_ref *ref);

/* Validators, exposed for the store and the tests. */
int vxn_ref_tag_valid (const char *tag);
int vxn_ref_domain_valid (const char *domain);

#endif
