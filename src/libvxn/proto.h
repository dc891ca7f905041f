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
#define VXN_XS_OOM "data/vxn-oom-kills" /* guest: how many of the container's processes the OOM killer took */
#define VXN_XS_VALUE_MAX 128             /* anything longer from the guest is a lie */

/* vchan frames: header then len bytes of payload. Every frame names a process: 0 is the entrypoint, 1.. are
   exec'd processes, numbered by Dom0 (docs/design.md, "Exec"). */
enum vxn_frame_type
{
  VXN_FRAME_DATA = 1,
  VXN_FRAME_EOF = 2,
  VXN_FRAME_WINSIZE = 3, /* payload: uint16 rows, uint16 cols, little endian */
  /* Dom0 -> guest, exec */
  VXN_FRAME_EXEC_SPEC = 4, /* payload: the next bytes of the process's encoded guest spec */
  VXN_FRAME_EXEC_RUN = 5,  /* no payload: the spec is complete, start the process */
  VXN_FRAME_SIGNAL = 6,    /* payload: one byte, the signal number */
  /* guest -> Dom0, exec */
  VXN_FRAME_EXEC_STARTED = 7, /* no payload: the process exec'd its program */
  VXN_FRAME_EXEC_FAILED = 8,  /* payload: "<exit code> <message>", then the process counts as exited */
  VXN_FRAME_EXIT = 9,         /* payload: "exited <code>" | "signaled <signo>", after EOF on both streams */
};

enum vxn_stream
{
  VXN_STREAM_STDIN = 0,
  VXN_STREAM_STDOUT = 1,
  VXN_STREAM_STDERR = 2,
};

#define VXN_FRAME_HEADER_SIZE 8
#define VXN_FRAME_PAYLOAD_MAX 4096
#define VXN_VCHAN_RING_SIZE 65536
#define VXN_PROC_ENTRYPOINT 0u
#define VXN_PROC_MAX 0xffffffu /* exec ids wrap below this */

struct vxn_frame_header
{
  uint8_t type;
  uint8_t stream;
  uint8_t len_lo; /* explicit bytes: no padding or endianness surprises */
  uint8_t len_hi;
  uint8_t proc[4]; /* little endian */
};

static inline void
vxn_frame_header_set (struct vxn_frame_header *h, uint8_t type, uint8_t stream, uint32_t proc, uint16_t len)
{
  h->type = type;
  h->stream = stream;
  h->len_lo = len & 0xff;
  h->len_hi = len >> 8;
  for (int i = 0; i < 4; i++)
    h->proc[i] = (proc >> (8 * i)) & 0xff;
}

static inline uint32_t
vxn_frame_proc (const struct vxn_frame_header *h)
{
  return (uint32_t) h->proc[0] | (uint32_t) h->proc[1] << 8 | (uint32_t) h->proc[2] << 16
         | (uint32_t) h->proc[3] << 24;
}

static inline uint16_t
vxn_frame_len (const struct vxn_frame_header *h)
{
  return (uint16_t) (h->len_lo | (h->len_hi << 8));
}

#endif
