/* Registry client (OCI distribution API / Docker Registry HTTP API v2) on libcurl: endpoint probing (HTTPS, plain
   HTTP only for insecure registries), Bearer token and Basic auth, manifests, and parallel verified blob
   downloads. */
#ifndef VXN_IMAGE_REGISTRY_H
#define VXN_IMAGE_REGISTRY_H

#include <stddef.h>

#include "error.h"
#include "manifest.h"
#include "progress.h"
#include "store.h"

struct vxn_registry_opts
{
  char *const *insecure; /* hosts (with port) the user marked insecure; NULL-terminated or NULL */
  const char *username;  /* explicit credentials (login); else the docker config's */
  const char *password;
  int max_parallel; /* concurrent blob downloads; 0: 3, as docker */
};

struct vxn_registry;

/* DOMAIN as in a reference ("docker.io", "localhost:5000"). Nothing is sent yet. */
int vxn_registry_new (const char *domain, const struct vxn_registry_opts *opts, struct vxn_registry **out,
                      vxn_error_t *err);
void vxn_registry_free (struct vxn_registry *r);

/* 1 when DOMAIN may be reached over plain HTTP / unverified TLS: loopback, or listed in INSECURE. */
int vxn_registry_insecure_allowed (const char *domain, char *const *insecure);

/* Check the credentials by authenticating against /v2/ (for `vxn login`). */
int vxn_registry_login (struct vxn_registry *r, vxn_error_t *err);

struct vxn_http_doc
{
  char *body;
  size_t len;
  char content_type[128];
  char digest[VXN_DIGEST_SIZE]; /* computed from the body, checked against Docker-Content-Digest */
};
void vxn_http_doc_clear (struct vxn_http_doc *d);

/* GET a manifest by tag or digest; when REFERENCE is a digest the body must hash to it. */
int vxn_registry_get_manifest (struct vxn_registry *r, const char *repo, const char *reference,
                               struct vxn_http_doc *doc, vxn_error_t *err);

struct vxn_blob_job
{
  const struct vxn_descriptor *desc;
  int row; /* progress row, or -1 for blobs not shown (the config) */
};

/* Download the blobs not yet in the store, several at a time, each verified against its digest and size while it
   streams. On any failure every unfinished download is dropped (nothing partial is left) and the first error is
   returned. */
int vxn_registry_fetch_blobs (struct vxn_registry *r, const char *repo, struct vxn_blob_job *jobs, size_t n,
                              struct vxn_store *s, struct vxn_progress *p, vxn_error_t *err);

#endif
