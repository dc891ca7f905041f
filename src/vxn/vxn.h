/* The vxn CLI: global options and the verb table. Each verb lives in its own cmd_*.c. */
#ifndef VXN_CLI_H
#define VXN_CLI_H

#include "error.h"
#include "progress.h"
#include "store.h"

struct vxn_cli
{
  const char *root; /* --root, $VXN_ROOT, else /var/lib/vxn */
  char **insecure;  /* --insecure-registry (repeatable) and $VXN_INSECURE_REGISTRIES */
  int debug;
};

/* A verb: ARGV[0] is the verb itself; returns 0 or a negative error in *ERR. Usage errors too. */
typedef int (*vxn_verb_fn) (struct vxn_cli *cli, int argc, char **argv, vxn_error_t *err);

int vxn_cmd_pull (struct vxn_cli *, int, char **, vxn_error_t *);
int vxn_cmd_load (struct vxn_cli *, int, char **, vxn_error_t *);
int vxn_cmd_images (struct vxn_cli *, int, char **, vxn_error_t *);
int vxn_cmd_rmi (struct vxn_cli *, int, char **, vxn_error_t *);
int vxn_cmd_inspect (struct vxn_cli *, int, char **, vxn_error_t *);
int vxn_cmd_tag (struct vxn_cli *, int, char **, vxn_error_t *);
int vxn_cmd_login (struct vxn_cli *, int, char **, vxn_error_t *);
int vxn_cmd_logout (struct vxn_cli *, int, char **, vxn_error_t *);
int vxn_cmd_bundle (struct vxn_cli *, int, char **, vxn_error_t *);

/* Open the store under the CLI's root. */
int vxn_cli_store (struct vxn_cli *cli, struct vxn_store **s, vxn_error_t *err);

/* "--help" for a verb: print USAGE to stdout and return 1 so the verb returns 0 at once. */
int vxn_cli_wants_help (int argc, char **argv, const char *usage);

#endif
