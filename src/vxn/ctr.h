/* vxn's own container records. <root>/containers/<id>/ holds container.json (written atomically: write, fsync,
   rename), bundle/ (the OCI bundle the runtime is given) and container.log (what a detached container printed;
   it outlives the container, so `logs` works after the exit). The live status is never stored here: it comes from
   the runtime's state.json under the record's runtime root, as for containers other engines started. Names are
   claimed with symlinks <root>/containers/.names/<name> -> <id>: symlink(2) is atomic, so of two concurrent
   `run --name x` exactly one wins. */
#ifndef VXN_CLI_CTR_H
#define VXN_CLI_CTR_H

#include <stdint.h>

#include "error.h"

#define VXN_CTR_ID_LEN 64    /* hex digits, as docker's */
#define VXN_CTR_SHORT_LEN 12 /* what tables show */
#define VXN_CTR_RECORD "container.json"
#define VXN_CTR_LOG "container.log"
#define VXN_CTR_NAME_MAX 128

struct vxn_cli;

struct vxn_ctr
{
  char *id;
  char *name;
  char *image;    /* as the user named it */
  char *image_id; /* the image config digest */
  char **command; /* process.args of the bundle */
  char *created;  /* RFC 3339 */
  char *started;  /* RFC 3339, "" until started */
  char *runtime_root;
  char *stop_signal; /* "SIGTERM" unless the image or --stop-signal says otherwise */
  long stop_timeout; /* seconds */
  int auto_remove;   /* --rm */
  int interactive;   /* -i: `start -a` passes stdin too */
  int tty;           /* -t: the bundle asks for a terminal, so it runs in the foreground only */
  int64_t memory;    /* -m in bytes, 0: the runtime's default */
  int64_t nano_cpus; /* --cpus * 1e9 (the domain gets that many vCPUs, rounded up), 0: the default */
  char *hostname;
  char **env;    /* process.env, for inspect */
  char *workdir; /* process.cwd */
  char *user;    /* "uid:gid" */
  char **labels; /* KEY=VALUE */
};

/* <root>/containers and <root>/containers/<id>. */
char *vxn_ctr_base (struct vxn_cli *cli);
char *vxn_ctr_dir (struct vxn_cli *cli, const char *id);

int vxn_ctr_read (struct vxn_cli *cli, const char *id, struct vxn_ctr *c, vxn_error_t *err);
int vxn_ctr_write (struct vxn_cli *cli, const struct vxn_ctr *c, vxn_error_t *err);
void vxn_ctr_clear (struct vxn_ctr *c);

/* The ids of every record (sorted by nothing in particular). */
int vxn_ctr_list (struct vxn_cli *cli, char ***ids, vxn_error_t *err);

/* 64 random hex digits. */
void vxn_ctr_new_id (char out[VXN_CTR_ID_LEN + 1]);
/* docker's rule: [a-zA-Z0-9][a-zA-Z0-9_.-]+ */
int vxn_ctr_name_valid (const char *name);
/* A free "adjective_name", as docker makes them up. */
char *vxn_ctr_random_name (struct vxn_cli *cli);
/* Claim NAME for ID; a name in use is docker's "Conflict" error. */
int vxn_ctr_name_claim (struct vxn_cli *cli, const char *name, const char *id, vxn_error_t *err);
/* The id NAME belongs to, or NULL. */
char *vxn_ctr_name_lookup (struct vxn_cli *cli, const char *name);

/* Remove the record's directory and release its name. */
int vxn_ctr_remove (struct vxn_cli *cli, const char *id, const char *name, vxn_error_t *err);

#endif
