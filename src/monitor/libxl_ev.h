/* libxl's OS-event hooks on a libev loop: libxl's fds and timeouts become ev_io / ev_timer watchers. */
#ifndef VXN_LIBXL_EV_H
#define VXN_LIBXL_EV_H

#define LIBXL_API_VERSION 0x041400
#include <ev.h>
#include <libxl.h>
#include <libxl_event.h>

/* Must be called right after libxl_ctx_alloc, before anything registers an fd. */
void vxn_libxl_ev_register (libxl_ctx *ctx, struct ev_loop *loop);

#endif
