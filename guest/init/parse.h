/* Pure helpers of the guest init: strict parsers and formatters with no I/O, so t/unit/guest-parse.c can test them
   on the build host. */
#ifndef VXN_GUEST_PARSE_H
#define VXN_GUEST_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

#define VXN_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* "<seq> <signo> <all>": decimal seq (1..2^63), signo 1..64, all 0|1, single spaces, nothing else.
   Returns 0, or -1 when the value is malformed. */
int vxn_parse_signal_value (const char *s, uint64_t *seq, int *signo, int *all);

/* A domid as xenstored prints it: decimal, 1..0x7fef (guests only; 0 is Dom0, above are reserved ids). */
int vxn_parse_domid (const char *s, unsigned *domid);

/* "exited <code>" or "signaled <signo>" from a waitpid status; returns 0, or -1 if the status is neither. */
int vxn_format_exit (int wstatus, char *buf, size_t len);

/* The container's PATH (value of the last PATH= entry of env), or VXN_DEFAULT_PATH. */
const char *vxn_env_path (char *const *env);

/* If line is an /etc/passwd entry ("name:pw:uid:gid:gecos:home:shell", newline optional) for uid with a non-empty
   home, copy the home into home[len] and return 1; otherwise 0. */
int vxn_passwd_home (const char *line, unsigned long uid, char *home, size_t len);

/* Incremental decoder for the frames Dom0 sends (header, then len bytes). The caller reads into
   vxn_rx_space() at most vxn_rx_want() bytes, then calls vxn_rx_commit(). */
struct vxn_rx
{
  uint8_t hdr[VXN_FRAME_HEADER_SIZE];
  uint8_t payload[VXN_FRAME_PAYLOAD_MAX];
  size_t have; /* bytes of the current frame received so far, header included */
};

void vxn_rx_reset (struct vxn_rx *rx);
size_t vxn_rx_want (const struct vxn_rx *rx);
uint8_t *vxn_rx_space (struct vxn_rx *rx);
/* Returns 1 when a whole frame is ready (fields via vxn_rx_type/stream/len/payload; call vxn_rx_reset() once it
   is consumed), 0 when more bytes are needed, -1 when the header announces more than VXN_FRAME_PAYLOAD_MAX bytes. */
int vxn_rx_commit (struct vxn_rx *rx, size_t n);

static inline uint8_t
vxn_rx_type (const struct vxn_rx *rx)
{
  return rx->hdr[0];
}

static inline uint8_t
vxn_rx_stream (const struct vxn_rx *rx)
{
  return rx->hdr[1];
}

static inline uint32_t
vxn_rx_proc (const struct vxn_rx *rx)
{
  return vxn_frame_proc ((const struct vxn_frame_header *)rx->hdr);
}

static inline uint16_t
vxn_rx_len (const struct vxn_rx *rx)
{
  return vxn_frame_len ((const struct vxn_frame_header *)rx->hdr);
}

#endif
