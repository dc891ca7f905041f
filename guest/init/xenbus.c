/* A minimal, single-threaded xenstore client on /dev/xen/xenbus (the wire protocol of xen/io/xs_wire.h).

   Why not libxenstore: Debian's static libxenstore.a is built without USE_PTHREAD, so it has no reader thread.
   Its xs_watch() then reads exactly one message for the reply, and the watch's initial event, which the kernel
   queues before the synthesised "OK", makes it fail with EINVAL and close the connection. Its xs_fileno() pipe is
   only fed by that reader thread, too. Here requests are strictly sequential, watch events met while waiting for a
   reply are remembered, and the poll loop polls the device fd itself. (libxenvchan's client_init uses its own
   libxenstore handle for two reads only, which works.)

   /dev/xen/xenbus is built into the kernel; each open is its own connection, and relative paths resolve to
   /local/domain/<our domid>. */
#include "xenbus.h"
#include "vxn-init.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xen/io/xs_wire.h>

#define XENBUS_DEV "/dev/xen/xenbus"
#define MAX_TOKENS 8

static int fd = -1;
static uint32_t next_req_id = 1;
static const char *tokens[MAX_TOKENS];
static unsigned n_tokens;
static unsigned fired; /* bit i: an event for tokens[i] arrived and was not yet taken */

static int
read_all (void *buf, size_t len)
{
  char *p = buf;
  while (len > 0)
    {
      ssize_t n = read (fd, p, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          if (n == 0)
            errno = EPIPE;
          return -1;
        }
      p += n;
      len -= n;
    }
  return 0;
}

/* Read one message; the body is malloc'd and NUL-terminated. */
static int
read_msg (struct xsd_sockmsg *hdr, char **body)
{
  if (read_all (hdr, sizeof *hdr) < 0)
    return -1;
  if (hdr->len > XENSTORE_PAYLOAD_MAX)
    {
      errno = EPROTO;
      return -1;
    }
  *body = malloc (hdr->len + 1);
  if (*body == NULL)
    return -1;
  if (read_all (*body, hdr->len) < 0)
    {
      free (*body);
      return -1;
    }
  (*body)[hdr->len] = '\0';
  return 0;
}

static void
note_event (const char *body, uint32_t len)
{
  /* payload: path \0 token \0 */
  const char *nul = memchr (body, '\0', len);
  if (nul == NULL)
    return;
  const char *token = nul + 1;
  for (unsigned i = 0; i < n_tokens; i++)
    if (strcmp (token, tokens[i]) == 0)
      fired |= 1u << i;
}

static int
errno_of (const char *s)
{
  for (size_t i = 0; i < sizeof xsd_errors / sizeof xsd_errors[0]; i++)
    if (strcmp (s, xsd_errors[i].errstring) == 0)
      return xsd_errors[i].errnum;
  return EIO;
}

/* One request; the reply body goes to *reply (malloc'd) if reply is not NULL. The payload is a NUL-terminated,
   then b if given: NUL-terminated too, or raw (a written value carries no terminator). */
static int
request (uint32_t type, const char *a, const char *b, int b_raw, char **reply, unsigned *reply_len)
{
  char buf[sizeof (struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX];
  struct xsd_sockmsg hdr = { .type = type, .req_id = next_req_id++, .tx_id = 0 };
  size_t la = strlen (a) + 1, lb = b ? strlen (b) + (b_raw ? 0 : 1) : 0;
  if (fd < 0)
    {
      errno = EBADF;
      return -1;
    }
  if (la + lb > XENSTORE_PAYLOAD_MAX)
    {
      errno = E2BIG;
      return -1;
    }
  hdr.len = la + lb;
  memcpy (buf, &hdr, sizeof hdr);
  memcpy (buf + sizeof hdr, a, la);
  if (b)
    memcpy (buf + sizeof hdr + la, b, lb);
  /* One write: the kernel takes a whole message per write most simply, and we never send partial ones. */
  ssize_t n;
  do
    n = write (fd, buf, sizeof hdr + hdr.len);
  while (n < 0 && errno == EINTR);
  if (n != (ssize_t)(sizeof hdr + hdr.len))
    {
      if (n >= 0)
        errno = EIO;
      return -1;
    }
  for (;;)
    {
      struct xsd_sockmsg rh;
      char *body;
      if (read_msg (&rh, &body) < 0)
        return -1;
      if (rh.type == XS_WATCH_EVENT)
        {
          note_event (body, rh.len);
          free (body);
          continue;
        }
      if (rh.type == XS_ERROR)
        {
          errno = errno_of (body);
          free (body);
          return -1;
        }
      if (rh.type != type)
        {
          free (body);
          errno = EPROTO;
          return -1;
        }
      if (reply)
        {
          *reply = body;
          if (reply_len)
            *reply_len = rh.len;
        }
      else
        free (body);
      return 0;
    }
}

int
vxn_xb_open (void)
{
  fd = open (XENBUS_DEV, O_RDWR | O_CLOEXEC);
  return fd < 0 ? -1 : 0;
}

int
vxn_xb_fd (void)
{
  return fd;
}

char *
vxn_xb_read (const char *path, unsigned *len)
{
  char *v = NULL;
  if (request (XS_READ, path, NULL, 0, &v, len) < 0)
    return NULL;
  return v;
}

int
vxn_xb_write (const char *path, const char *value)
{
  return request (XS_WRITE, path, value, 1, NULL, NULL);
}

int
vxn_xb_watch (const char *path, const char *token)
{
  if (n_tokens == MAX_TOKENS)
    {
      errno = ENOSPC;
      return -1;
    }
  tokens[n_tokens++] = token;
  return request (XS_WATCH, path, token, 0, NULL, NULL);
}

unsigned
vxn_xb_take_events (void)
{
  /* Events queued by the kernel and not yet read: nothing else is outstanding, so every message is an event. */
  struct pollfd p = { .fd = fd, .events = POLLIN };
  while (fd >= 0 && poll (&p, 1, 0) > 0)
    {
      struct xsd_sockmsg h;
      char *body;
      if (read_msg (&h, &body) < 0)
        vxn_fatal (VXN_EXIT_INIT_FAILED, "xenstore: %s", strerror (errno));
      if (h.type == XS_WATCH_EVENT)
        note_event (body, h.len);
      else
        vxn_log ("xenstore: unexpected message type %u ignored", h.type);
      free (body);
    }
  unsigned f = fired;
  fired = 0;
  return f;
}
