/* Wire constants shared by Dom0 (runtime, monitor) and the guest init. See docs/design.md. */
#ifndef VXN_PROTO_H
#define VXN_PROTO_H

#include <stdint.h>

/* Xenstore, relative to /local/domain/<domid>. */
#define VXN_XS_DIR "vxn"                 /* Dom0-owned, guest read-only */
#define VXN_XS_IO "vxn/io"               /* vchan server (Dom0) */
#define VXN_XS_START "vxn/start"         /* "1" when the entrypoint may run */
#define VXN_XS_SIGNAL "vxn/signal"       /* "<seq> <signo> <all>" */
#define VXN_XS_READY "data/vxn-ready"    /* guest: "1" when connected and waiting for start */
#define VXN_XS_EXIT "data/vxn-exit"      /* guest: "exited <code>" | "signaled <signo>" */
#define VXN_XS_VALUE_MAX 128             /* anything longer from the guest is a lie */

/* vchan frames: header then len bytes of payload. */
enum vxn_frame_type
{
  VXN_FRAME_DATA = 1,
  VXN_FRAME_EOF = 2,
  VXN_FRAME_WINSIZE = 3, /* payload: uint16 rows, uint16 cols, little endian */
};

enum vxn_stream
{
  VXN_STREAM_STDIN = 0,
  VXN_STREAM_STDOUT = 1,
  VXN_STREAM_STDERR = 2,
};

#define VXN_FRAME_HEADER_SIZE 4
#define VXN_FRAME_PAYLOAD_MAX 4096
#define VXN_VCHAN_RING_SIZE 65536

struct vxn_frame_header
{
  uint8_t type;
  uint8_t stream;
  uint8_t len_lo; /* explicit bytes: no padding or endianness surprises */
  uint8_t len_hi;
};

static inline void
vxn_frame_header_set (struct vxn_frame_header *h, uint8_t type, uint8_t stream, uint16_t len)
{
  h->type = type;
  h->stream = stream;
  h->len_lo = len & 0xff;
  h->len_hi = len >> 8;
}

static inline uint16_t
vxn_frame_len (const struct vxn_frame_header *h)
{
  return (uint16_t) (h->len_lo | (h->len_hi << 8));
}

#endif
