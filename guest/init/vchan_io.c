/* The stdio vchan: we are the client of the ring Dom0 set up at /local/domain/<domid>/vxn/io before it unpaused us.

   All I/O is non-blocking: the poll loop (pump.c) only reads a pipe when the ring has room for a whole frame, and
   each frame goes in with libxenvchan_send(), which is all-or-nothing, so frames never tear. The vchan's event
   channel fd is readable when Dom0 wrote data or consumed some; libxenvchan_data_ready()/buffer_space() arm those
   notifications, libxenvchan_wait() acknowledges them. */
#include "vxn-init.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <libxenvchan.h>
#include <xentoollog.h>

void
vxn_vchan_connect (void)
{
  char path[64];
  /* libxenvchan logs its own failures (a missing key, a grant it cannot map) through this logger: to the console,
     where Dom0's console.log keeps them. */
  xentoollog_logger *log = (xentoollog_logger *)xtl_createlogger_stdiostream (stderr, XTL_ERROR, 0);
  snprintf (path, sizeof path, "/local/domain/%u/%s", vxn.domid, VXN_XS_IO);
  vxn.vchan = libxenvchan_client_init (log, 0 /* Dom0 is the server */, path);
  if (vxn.vchan == NULL)
    vxn_fatal (VXN_EXIT_INIT_FAILED, "cannot connect the stdio vchan at %s: %s", path, strerror (errno));
  /* client_init leaves the flag uninitialised (malloc): make every call return instead of waiting. */
  vxn.vchan->blocking = 0;
}

int
vxn_vchan_fd (void)
{
  return libxenvchan_fd_for_select (vxn.vchan);
}

void
vxn_vchan_clear_event (void)
{
  /* Only called when the fd polled readable: libxenvchan_wait() reads the pending port, which would block
     otherwise. */
  if (libxenvchan_wait (vxn.vchan) < 0)
    vxn_fatal (VXN_EXIT_INIT_FAILED, "vchan event channel: %s", strerror (errno));
}

/* Free bytes in the guest->Dom0 ring (and ask for an event when Dom0 frees more). A dead vchan swallows
   everything, so callers keep draining the container's pipes. */
int
vxn_vchan_space (void)
{
  if (vxn.vchan_dead)
    return INT_MAX;
  return libxenvchan_buffer_space (vxn.vchan);
}

static void
mark_dead (void)
{
  if (!vxn.vchan_dead)
    vxn_log ("stdio vchan closed by Dom0: container output is discarded from now on");
  vxn.vchan_dead = 1;
}

/* Send one frame. Returns 1 when it is in the ring (or discarded because the vchan is dead), 0 when the ring has
   no room for it yet. */
int
vxn_vchan_send (uint8_t type, uint8_t stream, uint32_t proc, const void *data, size_t len)
{
  uint8_t frame[VXN_FRAME_HEADER_SIZE + VXN_FRAME_PAYLOAD_MAX];
  if (vxn.vchan_dead || vxn.vchan == NULL)
    return 1;
  if (len > VXN_FRAME_PAYLOAD_MAX)
    len = VXN_FRAME_PAYLOAD_MAX; /* callers never do this; a torn frame would desynchronise Dom0 */
  vxn_frame_header_set ((struct vxn_frame_header *)frame, type, stream, proc, (uint16_t)len);
  if (len > 0)
    memcpy (frame + VXN_FRAME_HEADER_SIZE, data, len);
  int r = libxenvchan_send (vxn.vchan, frame, VXN_FRAME_HEADER_SIZE + len);
  if (r < 0)
    {
      mark_dead ();
      return 1;
    }
  return r > 0;
}

/* Read up to len bytes from Dom0. Returns the count, 0 when nothing is there (or the vchan is dead). */
ssize_t
vxn_vchan_read (void *buf, size_t len)
{
  if (vxn.vchan_dead)
    return 0;
  if (libxenvchan_data_ready (vxn.vchan) == 0)
    {
      /* data_ready() has just asked for an event on new data; a closed vchan never sends one. */
      if (!libxenvchan_is_open (vxn.vchan))
        mark_dead ();
      return 0;
    }
  int r = libxenvchan_read (vxn.vchan, buf, len);
  if (r < 0)
    {
      mark_dead ();
      return 0;
    }
  return r;
}
