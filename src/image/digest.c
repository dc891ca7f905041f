#include "config.h"

#include "digest.h"
#include "utils.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

struct vxn_sha256
{
  EVP_MD_CTX *ctx;
};

int
vxn_digest_valid (const char *s)
{
  if (s == NULL || strncmp (s, VXN_DIGEST_PREFIX, 7) != 0)
    return 0;
  s += 7;
  for (int i = 0; i < VXN_DIGEST_HEX_LEN; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
      return 0;
  return s[VXN_DIGEST_HEX_LEN] == '\0';
}

const char *
vxn_digest_hex (const char *digest)
{
  return digest + 7;
}

vxn_sha256_t *
vxn_sha256_new (void)
{
  vxn_sha256_t *h = xzalloc (sizeof *h);
  h->ctx = EVP_MD_CTX_new ();
  /* Failing to set up a hash is a broken libcrypto, not an input problem. */
  if (h->ctx == NULL || EVP_DigestInit_ex (h->ctx, EVP_sha256 (), NULL) != 1)
    abort ();
  return h;
}

void
vxn_sha256_update (vxn_sha256_t *h, const void *data, size_t len)
{
  if (len && EVP_DigestUpdate (h->ctx, data, len) != 1)
    abort ();
}

void
vxn_sha256_final (vxn_sha256_t *h, char out[VXN_DIGEST_SIZE])
{
  static const char hex[] = "0123456789abcdef";
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_DigestFinal_ex (h->ctx, md, &n) != 1 || n != 32)
    abort ();
  memcpy (out, VXN_DIGEST_PREFIX, 7);
  for (unsigned int i = 0; i < n; i++)
    {
      out[7 + 2 * i] = hex[md[i] >> 4];
      out[8 + 2 * i] = hex[md[i] & 15];
    }
  out[7 + 2 * n] = '\0';
}

void
vxn_sha256_free (vxn_sha256_t *h)
{
  if (h == NULL)
    return;
  EVP_MD_CTX_free (h->ctx);
  free (h);
}

void
vxn_digest_buffer (const void *data, size_t len, char out[VXN_DIGEST_SIZE])
{
  vxn_sha256_t *h = vxn_sha256_new ();
  vxn_sha256_update (h, data, len);
  vxn_sha256_final (h, out);
  vxn_sha256_free (h);
}

int
vxn_digest_fd (int fd, char out[VXN_DIGEST_SIZE], uint64_t *size, vxn_error_t *err)
{
  char buf[65536];
  uint64_t total = 0;
  vxn_sha256_t *h = vxn_sha256_new ();
  for (;;)
    {
      ssize_t r = read (fd, buf, sizeof buf);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        {
          int e = errno;
          vxn_sha256_free (h);
          return vxn_make_error (err, e, "read");
        }
      if (r == 0)
        break;
      vxn_sha256_update (h, buf, r);
      total += r;
    }
  vxn_sha256_final (h, out);
  vxn_sha256_free (h);
  if (size)
    *size = total;
  return 0;
}
