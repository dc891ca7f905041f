/* Processes Dom0 starts in the running container (`vxn-oci-runtime exec`, docs/design.md "Exec").

   Dom0 numbers them. EXEC_SPEC frames carry the encoded guest spec in pieces, EXEC_RUN starts it; we answer
   EXEC_STARTED once the program is exec'd (the child's close-on-exec status pipe reached EOF) or EXEC_FAILED with
   runc's wording of why not. Output, stdin, window size and signals then travel in frames tagged with the number,
   and once it is reaped and what it wrote is forwarded, EOF on both streams and an EXIT frame end it for Dom0. */
#include "vxn-init.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

struct vxn_proc *
vxn_exec_find (uint32_t id)
{
  for (int i = 0; i < VXN_EXEC_MAX; i++)
    if (vxn.execs[i] != NULL && vxn.execs[i]->id == id)
      return vxn.execs[i];
  return NULL;
}

int
vxn_exec_count (void)
{
  int n = 0;
  for (int i = 0; i < VXN_EXEC_MAX; i++)
    n += vxn.execs[i] != NULL;
  return n;
}

static void
forget (struct vxn_proc *p)
{
  for (int i = 0; i < VXN_EXEC_MAX; i++)
    if (vxn.execs[i] == p)
      vxn.execs[i] = NULL;
  vxn_proc_close_stdin (p);
  for (int s = 1; s <= 2; s++)
    if (p->out_fd[s] >= 0 && p->out_fd[s] != p->pty_master)
      close (p->out_fd[s]);
  if (p->pty_master >= 0)
    close (p->pty_master);
  if (p->status_fd >= 0)
    close (p->status_fd);
  free (p->spec_buf);
  free (p);
}

/* Refuse a process that never ran: Dom0 gets the reason and an exit status right away. */
static void
refuse (uint32_t id, int code, const char *why)
{
  char msg[300];
  int n = snprintf (msg, sizeof msg, "%d %s", code, why);
  vxn_log ("exec %u refused: %s", id, why);
  vxn_vchan_send (VXN_FRAME_EXEC_FAILED, 0, id, msg, n < (int)sizeof msg ? (size_t)n : sizeof msg - 1);
  snprintf (msg, sizeof msg, "exited %d", code);
  vxn_vchan_send (VXN_FRAME_EXIT, 0, id, msg, strlen (msg));
}

static struct vxn_proc *
add (uint32_t id)
{
  for (int i = 0; i < VXN_EXEC_MAX; i++)
    if (vxn.execs[i] == NULL)
      {
        struct vxn_proc *p = calloc (1, sizeof *p);
        if (p == NULL)
          return NULL;
        vxn_proc_init (p, id);
        vxn.execs[i] = p;
        return p;
      }
  return NULL;
}

static void
run (struct vxn_proc *p)
{
  struct vxn_guest_spec spec;
  char err[256];
  /* Dom0 says "running" as soon as it wrote vxn/start; we may still be forking the entrypoint. */
  if (vxn.entry.pid == 0)
    {
      p->run_pending = 1;
      return;
    }
  p->run_pending = 0;
  int r = vxn_guest_spec_decode (p->spec_buf, p->spec_len, &spec, err, sizeof err);
  free (p->spec_buf);
  p->spec_buf = NULL;
  uint32_t id = p->id;
  if (r < 0)
    {
      forget (p);
      refuse (id, VXN_EXIT_INIT_FAILED, err);
      return;
    }
  if (!vxn.entry.pid || vxn.entry.done)
    r = -1, snprintf (err, sizeof err, "the container is not running");
  else
    r = vxn_proc_spawn (p, &spec, 0, err, sizeof err);
  vxn_guest_spec_free (&spec);
  if (r < 0)
    {
      forget (p);
      refuse (id, VXN_EXIT_INIT_FAILED, err);
      return;
    }
  vxn_debug ("exec %u is pid %d", id, (int)p->pid);
}

void
vxn_exec_run_pending (void)
{
  for (int i = 0; i < VXN_EXEC_MAX; i++)
    if (vxn.execs[i] != NULL && vxn.execs[i]->run_pending)
      run (vxn.execs[i]);
}

void
vxn_exec_frame (uint8_t type, uint32_t id, const uint8_t *payload, uint16_t len)
{
  struct vxn_proc *p = vxn_exec_find (id);
  if (id == VXN_PROC_ENTRYPOINT)
    return;
  if (type == VXN_FRAME_SIGNAL)
    {
      if (p == NULL || p->pid <= 0 || p->done || len != 1 || payload[0] < 1 || payload[0] > 64)
        return; /* already gone, or nonsense */
      if (kill (p->pid, payload[0]) < 0 && errno != ESRCH)
        vxn_log ("kill %d %d: %s", (int)p->pid, payload[0], strerror (errno));
      return;
    }
  if (p != NULL && (p->spec_buf == NULL || p->run_pending))
    {
      vxn_log ("exec %u: spec for a process that already runs: ignored", id);
      return;
    }
  if (p == NULL)
    {
      if ((p = add (id)) == NULL)
        {
          refuse (id, VXN_EXIT_INIT_FAILED, "too many processes exec'd at once");
          return;
        }
      p->spec_buf = malloc (1);
    }
  if (type == VXN_FRAME_EXEC_RUN)
    {
      run (p);
      return;
    }
  char *grown = p->spec_len + len <= VXN_SPEC_MAX_SIZE ? realloc (p->spec_buf, p->spec_len + len + 1) : NULL;
  if (grown == NULL)
    {
      forget (p);
      refuse (id, VXN_EXIT_INIT_FAILED, "process spec too large");
      return;
    }
  p->spec_buf = grown;
  memcpy (p->spec_buf + p->spec_len, payload, len);
  p->spec_len += len;
}

/* The child's status pipe: EOF means the program was exec'd, bytes are "<code> <message>" from child_fail(). */
void
vxn_exec_status_readable (struct vxn_proc *p)
{
  ssize_t n = read (p->status_fd, p->status_msg + p->status_len, sizeof p->status_msg - 1 - p->status_len);
  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return;
  if (n > 0)
    {
      p->status_len += n;
      if (p->status_len < sizeof p->status_msg - 1)
        return; /* the rest, or EOF, follows */
    }
  close (p->status_fd);
  p->status_fd = -1;
  if (p->status_len == 0)
    vxn_vchan_send (VXN_FRAME_EXEC_STARTED, 0, p->id, NULL, 0);
  else
    vxn_vchan_send (VXN_FRAME_EXEC_FAILED, 0, p->id, p->status_msg, p->status_len);
}

void
vxn_exec_reap_finished (void)
{
  for (int i = 0; i < VXN_EXEC_MAX; i++)
    {
      struct vxn_proc *p = vxn.execs[i];
      char value[32];
      if (p == NULL || !p->done || p->status_fd >= 0)
        continue;
      /* Reaped: forward what it wrote before it exited, then end its streams even if a child it left in the
         background still holds them (the caller waits for the exit status, as runc's would, not for them). */
      int pending = 0;
      for (int s = VXN_STREAM_STDOUT; s <= VXN_STREAM_STDERR; s++)
        {
          int n = 0;
          if (p->out_fd[s] >= 0 && ioctl (p->out_fd[s], FIONREAD, &n) == 0 && n > 0)
            pending = 1;
        }
      if (pending)
        continue; /* the pump forwards it first */
      for (int s = VXN_STREAM_STDOUT; s <= VXN_STREAM_STDERR; s++)
        {
          if (p->out_fd[s] >= 0 && p->out_fd[s] != p->pty_master)
            close (p->out_fd[s]);
          p->out_fd[s] = -1;
          if (!p->eof_sent[s] && vxn_vchan_send (VXN_FRAME_EOF, s, p->id, NULL, 0))
            p->eof_sent[s] = 1;
        }
      if (!p->eof_sent[1] || !p->eof_sent[2])
        continue; /* no room yet: the next round */
      if (vxn_format_exit (p->status, value, sizeof value) < 0)
        snprintf (value, sizeof value, "exited %d", VXN_EXIT_INIT_FAILED);
      if (!vxn_vchan_send (VXN_FRAME_EXIT, 0, p->id, value, strlen (value)))
        continue;
      vxn_debug ("exec %u %s", p->id, value);
      forget (p);
    }
}
