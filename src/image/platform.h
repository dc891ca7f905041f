/* Platforms (os/architecture/variant) for choosing one image out of a manifest list or OCI index. */
#ifndef VXN_IMAGE_PLATFORM_H
#define VXN_IMAGE_PLATFORM_H

#include <stddef.h>

#include "error.h"

struct vxn_platform
{
  char os[32];
  char arch[32];
  char variant[16];
};

/* The host's platform: os "linux" (vxn guests are Linux), the architecture from uname in OCI/Go spelling. */
void vxn_platform_host (struct vxn_platform *p);
/* "os/arch[/variant]"; architecture aliases (x86_64, aarch64) are normalised. */
int vxn_platform_parse (const char *s, struct vxn_platform *p, vxn_error_t *err);
/* Fill P from values found in a manifest or config; NULL fields are empty. Fails on oversized or odd values. */
int vxn_platform_set (struct vxn_platform *p, const char *os, const char *arch, const char *variant);
/* 1 when CANDIDATE satisfies WANT (an empty wanted variant accepts any; arm64 "v8" equals no variant). */
int vxn_platform_match (const struct vxn_platform *want, const struct vxn_platform *candidate);
/* "linux/arm64/v8" into BUF. */
const char *vxn_platform_format (const struct vxn_platform *p, char *buf, size_t len);

#endif
