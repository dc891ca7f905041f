#include "config.h"

#include "libxl_ev.h"
#include "utils.h"

#include <poll.h>
#include <stdlib.h>
#include <sys/time.h>

struct hooks_user
{
  libxl_ctx *ctx;
  struct ev_loop *loop;
};

struct fd_reg
{
  ev_io io;
  struct hooks_user *u;
  void *for_libxl;
};

struct timeout_reg
{
  ev_timer timer;
  struct hooks_user *u;
  void *for_libxl;
};

static struct hooks_user the_user;

static int
poll_to_ev (short events)
{
  int ev = 0;
  if (events & (POLLIN | POLLPRI))
    ev |= EV_READ;
  if (events & POLLOUT)
    ev |= EV_WRITE;
  return ev;
}

static void
fd_cb (struct ev_loop *loop, ev_io *w, int revents)
{
  (void) loop;
  struct fd_reg *r = (struct fd_reg *) w;
  short pr = 0;
  if (revents & EV_READ)
    pr |= POLLIN;
  if (revents & EV_WRITE)
    pr |= POLLOUT;
  /* libxl re-polls the fd itself, so the events passed here need not be exact. */
  libxl_osevent_occurred_fd (r->u->ctx, r->for_libxl, w->fd, 0, pr);
}

static int
fd_register (void *user, int fd, void **for_app, short events, void *for_libxl)
{
  struct hooks_user *u = user;
  struct fd_reg *r = xzalloc (sizeof *r);
  r->u = u;
  r->for_libxl = for_libxl;
  ev_io_init (&r->io, fd_cb, fd, poll_to_ev (events));
  if (events)
    ev_io_start (u->loop, &r->io);
  *for_app = r;
  return 0;
}

static int
fd_modify (void *user, int fd, void **for_app, short events)
{
  struct hooks_user *u = user;
  struct fd_reg *r = *for_app;
  ev_io_stop (u->loop, &r->io);
  ev_io_set (&r->io, fd, poll_to_ev (events));
  if (events)
    ev_io_start (u->loop, &r->io);
  return 0;
}

static void
fd_deregister (void *user, int fd, void *for_app)
{
  (void) fd;
  struct hooks_user *u = user;
  struct fd_reg *r = for_app;
  ev_io_stop (u->loop, &r->io);
  free (r);
}

static void
timeout_cb (struct ev_loop *loop, ev_timer *w, int revents)
{
  (void) loop;
  (void) revents;
  struct timeout_reg *r = (struct timeout_reg *) w;
  libxl_ctx *ctx = r->u->ctx;
  void *for_libxl = r->for_libxl;
  /* A fired timeout is implicitly deregistered: free our side before telling libxl. */
  free (r);
  libxl_osevent_occurred_timeout (ctx, for_libxl);
}

static double
delay_until (struct timeval abs)
{
  struct timeval now;
  gettimeofday (&now, NULL);
  double d = (abs.tv_sec - now.tv_sec) + (abs.tv_usec - now.tv_usec) / 1e6;
  return d < 0 ? 0 : d;
}

static int
timeout_register (void *user, void **for_app, struct timeval abs, void *for_libxl)
{
  struct hooks_user *u = user;
  struct timeout_reg *r = xzalloc (sizeof *r);
  r->u = u;
  r->for_libxl = for_libxl;
  ev_timer_init (&r->timer, timeout_cb, delay_until (abs), 0);
  ev_timer_start (u->loop, &r->timer);
  *for_app = r;
  return 0;
}

static int
timeout_modify (void *user, void **for_app, struct timeval abs)
{
  /* libxl only ever asks for "as soon as possible" ({0,0}). */
  (void) abs;
  struct hooks_user *u = user;
  struct timeout_reg *r = *for_app;
  ev_timer_stop (u->loop, &r->timer);
  ev_timer_set (&r->timer, 0, 0);
  ev_timer_start (u->loop, &r->timer);
  return 0;
}

static void
timeout_deregister (void *user, void *for_app)
{
  /* Documented as never called by libxl 4.x; handle it anyway rather than abort. */
  struct hooks_user *u = user;
  struct timeout_reg *r = for_app;
  ev_timer_stop (u->loop, &r->timer);
  free (r);
}

static const libxl_osevent_hooks hooks = {
  .fd_register = fd_register,
  .fd_modify = fd_modify,
  .fd_deregister = fd_deregister,
  .timeout_register = timeout_register,
  .timeout_modify = timeout_modify,
  .timeout_deregister = timeout_deregister,
};

void
vxn_libxl_ev_register (libxl_ctx *ctx, struct ev_loop *loop)
{
  the_user.ctx = ctx;
  the_user.loop = loop;
  libxl_osevent_register_hooks (ctx, &hooks, &the_user);
}
