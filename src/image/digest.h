/* Content digests: strict validation of "sha256:<64 lowercase hex>" and streaming SHA-256 (OpenSSL libcrypto). */
#ifndef VXN_IMAGE_DIGEST_H
#define VXN_IMAGE_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* "sha256:" + 64 hex + NUL */
#define VXN_DIGEST_SIZE 72
#define VXN_DIGEST_PREFIX "sha256:"
#define VXN_DIGEST_HEX_LEN 64

/* 1 when S is exactly sha256:[0-9a-f]{64}. Other algorithms are refused: every digest we act on is one we can
   verify ourselves. */
int vxn_digest_valid (const char *s);

/* The hex part of a valid digest (S + 7). */
const char *vxn_digest_hex (const char *digest);

typedef struct vxn_sha256 vxn_sha256_t;

vxn_sha256_t *vxn_sha256_new (void);
void vxn_sha256_update (vxn_sha256_t *h, const void *data, size_t len);
/* Writes "sha256:<hex>" into OUT; H can be updated no more afterwards. */
void vxn_sha256_final (vxn_sha256_t *h, char out[VXN_DIGEST_SIZE]);
void vxn_sha256_free (vxn_sha256_t *h);

void vxn_digest_buffer (const void *data, size_t len, char out[VXN_DIGEST_SIZE]);

/* Digest a whole file descriptor from its current offset; returns the byte count in *SIZE. */
int vxn_digest_fd (int fd, char out[VXN_DIGEST_SIZE], uint64_t *size, vxn_error_t *err);

/* Size bounds for anything a registry or an archive declares. */
#define VXN_MAX_BLOB_SIZE ((int64_t)1 << 40) /* 1 TiB: a layer larger than this is an attack or a mistake */
#define VXN_MAX_MANIFEST_SIZE (4 * 1024 * 1024)
#define VXN_MAX_CONFIG_SIZE (8 * 1024 * 1024)

#endif
