/* Registry credentials in docker's config file ($DOCKER_CONFIG/config.json, else ~/.docker/config.json), so
   `docker login` and `vxn login` share them. Credential helpers (credsStore/credHelpers) would mean running
   programs: not supported, said once. */
#ifndef VXN_IMAGE_AUTH_H
#define VXN_IMAGE_AUTH_H

#include <stddef.h>

#include "error.h"

/* The config file path; caller frees. */
char *vxn_auth_config_path (void);
/* The key docker uses for DOMAIN ("https://index.docker.io/v1/" for docker.io, else the domain itself). */
char *vxn_auth_key (const char *domain);

/* 1 and the credentials when found, 0 when none. */
int vxn_auth_lookup (const char *domain, char **user, char **password, vxn_error_t *err);
int vxn_auth_save (const char *domain, const char *user, const char *password, vxn_error_t *err);
/* 1 when removed, 0 when there was nothing to remove. */
int vxn_auth_remove (const char *domain, vxn_error_t *err);

/* base64 via libcrypto; decode returns NULL on invalid input. */
char *vxn_base64_encode (const void *data, size_t len);
char *vxn_base64_decode (const char *s, size_t *len);

#endif
