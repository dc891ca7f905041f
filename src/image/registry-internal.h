/* Shared between registry.c (endpoint, auth, manifests) and fetch.c (parallel blob downloads). */
#ifndef VXN_IMAGE_REGISTRY_INTERNAL_H
#define VXN_IMAGE_REGISTRY_INTERNAL_H

#include <curl/curl.h>

#include "challenge.h"
#include "registry.h"

struct vxn_registry
{
  char *domain; /* as in references */
  char *host;   /* where requests go: registry-1.docker.io for docker.io */
  char *base;   /* "https://host" or "http://host", set by the first request */
  int insecure; /* plain HTTP / unverified TLS allowed */
  int max_parallel;
  char *username; /* NULL: anonymous */
  char *password;
  struct vxn_challenge challenge; /* from the last 401 */
  char *auth_header;              /* "Authorization: ..." currently in use, or NULL */
  char *auth_scope;               /* the scope AUTH_HEADER was issued for */
};

/* Common options for every transfer: protocols, redirects, timeouts, TLS policy, user agent. */
void vxn_registry_setup_easy (struct vxn_registry *r, CURL *h, const char *url);
/* Make sure the endpoint is probed and we hold credentials for SCOPE ("repository:<repo>:pull"). */
int vxn_registry_authorize (struct vxn_registry *r, const char *scope, vxn_error_t *err);
/* After a 401: adopt its challenge and fetch fresh credentials. Fails when there is nothing new to try. */
int vxn_registry_reauthorize (struct vxn_registry *r, struct vxn_challenge *c, const char *scope, vxn_error_t *err);
/* "unauthorized: ..." from a registry's JSON error body, else the HTTP status. Caller frees. */
char *vxn_registry_error_text (long status, const char *body, size_t len);

#endif
