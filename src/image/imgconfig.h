/* The image configuration blob (OCI image config / docker container image v1): the fields vxn acts on. */
#ifndef VXN_IMAGE_IMGCONFIG_H
#define VXN_IMAGE_IMGCONFIG_H

#include <stddef.h>

#include "error.h"
#include "platform.h"

struct cJSON;

struct vxn_image_config
{
  struct cJSON *root; /* the whole document, for inspect */
  struct vxn_platform platform;
  char *created; /* RFC 3339 or NULL */
  char *user;
  char *workdir;
  char *stop_signal;
  char **env;        /* never NULL */
  char **entrypoint; /* NULL when unset */
  char **cmd;        /* NULL when unset */
  char **ports;      /* ExposedPorts keys, never NULL */
  char **volumes;    /* Volumes keys, never NULL */
  char **diff_ids;   /* rootfs.diff_ids, never NULL */
};

int vxn_image_config_parse (const char *buf, size_t len, struct vxn_image_config *c, vxn_error_t *err);
void vxn_image_config_clear (struct vxn_image_config *c);

#endif
