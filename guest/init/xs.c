/* Xenstore: our domid, the start/signal watches, and the ready/exit values we publish (over xenbus.c).
   Relative paths resolve to our own /local/domain/<domid>, so nothing here needs the domid except the vchan path
   (vchan_io.c). The key names and value formats are the contract in docs/design.md and src/libvxn/proto.h. */
#include "vxn-init.h"
#include "xenbus.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

/* Watch tokens, registered in this order: event bit 0 is start, bit 1 is signal. */
#define EV_START 1u
#define EV_SIGNAL 2u

/* Read a small value as a NUL-terminated string; NULL when absent. Longer values are errors, not truncations. */
static char *
read_value (const char *path)
{
  unsigned len;
  char *v = vxn_xb_read (path, &len);
  if (v == NULL)
    {
      if (errno != ENOENT)
        vxn_fatal (VXN_EXIT_INIT_FAILED, "xenstore read %s: %s", path, strerror (errno));
      return NULL;
    }
  if (len > VXN_XS_VALUE_MAX || strlen (v) != len)
    {
      vxn_log ("xenstore %s: malformed value ignored", path);
      free (v);
      return NULL;
    }
  return v;
}

void
vxn_xs_open (void)
{
  if (vxn_xb_open () < 0)
    vxn_fatal (VXN_EXIT_INIT_FAILED, "cannot connect to xenstore (/dev/xen/xenbus): %s", strerror (errno));
  vxn.xs_up = 1;
  char *d = read_value ("domid");
  if (d == NULL || vxn_parse_domid (d, &vxn.domid) < 0)
    vxn_fatal (VXN_EXIT_INIT_FAILED, "xenstore: no valid domid (%s)", d ? d : "missing");
  free (d);
}

void
vxn_xs_announce_ready (void)
{
  /* Watch before announcing, so a start written the moment Dom0 sees "ready" cannot be missed. The watches
     fire once on registration; every event only means "re-read the key". */
  if (vxn_xb_watch (VXN_XS_START, "start") < 0 || vxn_xb_watch (VXN_XS_SIGNAL, "signal") < 0)
    vxn_fatal (VXN_EXIT_INIT_FAILED, "xenstore watch: %s", strerror (errno));
  if (vxn_xb_write (VXN_XS_READY, "1") < 0)
    vxn_fatal (VXN_EXIT_INIT_FAILED, "xenstore write %s: %s", VXN_XS_READY, strerror (errno));
}

int
vxn_xs_fd (void)
{
  return vxn_xb_fd ();
}

/* Act on vxn/signal if it holds a new sequence number. Before the entrypoint runs only SIGKILL means something
   (the container is killed before it started); other signals are consumed and logged. */
static void
check_signal (void)
{
  uint64_t seq;
  int signo, all;
  char *v = read_value (VXN_XS_SIGNAL);
  if (v == NULL)
    return;
  if (vxn_parse_signal_value (v, &seq, &signo, &all) < 0)
    {
      vxn_log ("%s: malformed value \"%s\" ignored", VXN_XS_SIGNAL, v);
      free (v);
      return;
    }
  free (v);
  if (seq <= vxn.signal_seq)
    return; /* already acted on (every watch event re-reads the key) */
  vxn.signal_seq = seq;
  vxn_debug ("signal %d (all=%d), seq %llu", signo, all, (unsigned long long)seq);
  if (vxn.entry.pid > 0)
    vxn_forward_signal (signo, all);
  else if (signo == SIGKILL)
    vxn_power_off ("signaled 9");
  else
    vxn_log ("signal %d before the entrypoint started: ignored", signo);
}

void
vxn_xs_wait_start (void)
{
  struct pollfd p = { .fd = vxn_xs_fd (), .events = POLLIN };
  for (;;)
    {
      /* Re-read after every batch of events: a change after the read always produces another event. */
      check_signal ();
      char *v = read_value (VXN_XS_START);
      int started = v != NULL && strcmp (v, "1") == 0;
      free (v);
      if (started)
        return;
      /* Events that arrived during the reads above are already collected: no need to wait for those. */
      if (vxn_xb_take_events () != 0)
        continue;
      if (poll (&p, 1, -1) < 0 && errno != EINTR)
        vxn_fatal (VXN_EXIT_INIT_FAILED, "poll: %s", strerror (errno));
    }
}

void
vxn_xs_handle_events (void)
{
  if (vxn_xb_take_events () & EV_SIGNAL)
    check_signal ();
}

int
vxn_xs_write_exit (const char *value)
{
  /* The write returns once xenstored has replied OK, i.e. the value is committed before we power off. */
  if (vxn_xb_write (VXN_XS_EXIT, value) < 0)
    {
      vxn_log ("xenstore write %s: %s", VXN_XS_EXIT, strerror (errno));
      return -1;
    }
  return 0;
}
