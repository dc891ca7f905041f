#include "config.h"

#include "signals.h"
#include "utils.h"

#include <signal.h>
#include <strings.h>

static const struct
{
  const char *name;
  int signo;
} signal_table[] = {
  { "HUP", SIGHUP },   { "INT", SIGINT },       { "QUIT", SIGQUIT },   { "ILL", SIGILL },     { "TRAP", SIGTRAP },
  { "ABRT", SIGABRT }, { "IOT", SIGIOT },       { "BUS", SIGBUS },     { "FPE", SIGFPE },     { "KILL", SIGKILL },
  { "USR1", SIGUSR1 }, { "SEGV", SIGSEGV },     { "USR2", SIGUSR2 },   { "PIPE", SIGPIPE },   { "ALRM", SIGALRM },
  { "TERM", SIGTERM }, { "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD },   { "CONT", SIGCONT },   { "STOP", SIGSTOP },
  { "TSTP", SIGTSTP }, { "TTIN", SIGTTIN },     { "TTOU", SIGTTOU },   { "URG", SIGURG },     { "XCPU", SIGXCPU },
  { "XFSZ", SIGXFSZ }, { "VTALRM", SIGVTALRM }, { "PROF", SIGPROF },   { "WINCH", SIGWINCH }, { "IO", SIGIO },
  { "POLL", SIGPOLL }, { "PWR", SIGPWR },       { "SYS", SIGSYS },
};

int
vxn_parse_signal (const char *s, int *signo, vxn_error_t *err)
{
  long n;
  if (s == NULL || *s == '\0')
    return vxn_make_error (err, 0, "missing signal");
  if (vxn_parse_long (s, 1, 64, &n) == 0)
    {
      *signo = (int) n;
      return 0;
    }
  const char *name = s;
  if (strncasecmp (name, "SIG", 3) == 0)
    name += 3;
  for (size_t i = 0; i < ARRAY_SIZE (signal_table); i++)
    if (strcasecmp (name, signal_table[i].name) == 0)
      {
        *signo = signal_table[i].signo;
        return 0;
      }
  return vxn_make_error (err, 0, "unknown signal `%s`", s);
}

const char *
vxn_signal_name (int signo)
{
  for (size_t i = 0; i < ARRAY_SIZE (signal_table); i++)
    if (signal_table[i].signo == signo)
      return signal_table[i].name;
  return NULL;
}
