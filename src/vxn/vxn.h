/* The vxn CLI: global options and the verb table. Each verb lives in its own cmd_*.c. */
#ifndef VXN_CLI_H
#define VXN_CLI_H

#include "error.h"
#include "progress.h"
#include "store.h"

/* Where vxn-oci-runtime keeps the state of the containers vxn runs (its own default root, as podman uses it). */
#define VXN_DEFAULT_RUNTIME_ROOT "/run/vxn"

/* docker's exit statuses for the CLI's own failures (the container's status is passed through otherwise). */
#define VXN_EXIT_CLI 125

/* The same program under three names: messages, prefixes and help follow the name it was started as. */
enum vxn_face
{
  VXN_FACE_VXN,
  VXN_FACE_DOCKER, /* vdkr */
  VXN_FACE_PODMAN, /* vpdmn */
};

struct vxn_cli
{
  const char *root;         /* --root, $VXN_ROOT, else /var/lib/vxn: images and container records */
  const char *runtime_root; /* --runtime-root, $VXN_RUNTIME_ROOT, else /run/vxn: vxn-oci-runtime's state */
  char **insecure;          /* --insecure-registry (repeatable) and $VXN_INSECURE_REGISTRIES */
  int debug;
  const char *prog; /* "vxn", "vdkr" or "vpdmn" */
  enum vxn_face face;
  int exit_status;  /* what the program exits with when the verb returns 0 (run, wait, ...) */
  int error_status; /* ... and when it fails: 1, or 125 for usage errors and run's own failures */
};

/* A verb: ARGV[0] is the verb itself; returns 0 or a negative error in *ERR (usage errors too). A negative return
   with *ERR NULL: the verb reported its failures itself. */
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

/* Containers. */
int vxn_cmd_run (struct vxn_cli *, int, char **, vxn_error_t *);
int vxn_cmd_create (struct vxn_cli *, int, char **, vxn_error_t *);
int vxn_cmd_start (struct vxn_cli *, int, char **, vxn_error_t *);
int vxn_cmd_ps (struct vxn_cli *, int, char **, vxn_error_t *);
int vxn_cmd_stop (struct vxn_cli *, int, char **, vxn_error_t *);
int vxn_cmd_exec (struct vxn_cli *, int, char **, vxn_error_t *);
int vxn_cmd_restart (struct vxn_cli *, int, char **, vxn_error_t *);
int vxn_cmd_kill (struct vxn_cli *, int, char **, vxn_error_t *);
int vxn_cmd_rm (struct vxn_cli *, int, char **, vxn_error_t *);
int vxn_cmd_logs (struct vxn_cli *, int, char **, vxn_error_t *);
int vxn_cmd_wait (struct vxn_cli *, int, char **, vxn_error_t *);
int vxn_cmd_pause (struct vxn_cli *, int, char **, vxn_error_t *);
int vxn_cmd_unpause (struct vxn_cli *, int, char **, vxn_error_t *);
int vxn_cmd_version (struct vxn_cli *, int, char **, vxn_error_t *);
int vxn_cmd_info (struct vxn_cli *, int, char **, vxn_error_t *);

/* Container inspect (cmd_inspect.c asks it first): 1 when WHAT named a container and *OUT got its JSON, 0 when
   it names none. */
struct cJSON;
int vxn_container_inspect_json (struct vxn_cli *cli, const char *what, struct cJSON **out, vxn_error_t *err);

/* Open the store under the CLI's root. */
int vxn_cli_store (struct vxn_cli *cli, struct vxn_store **s, vxn_error_t *err);

/* "--help" for a verb: print USAGE to stdout and return 1 so the verb returns 0 at once. */
int vxn_cli_wants_help (int argc, char **argv, const char *usage);

/* A usage error: the exit status becomes 125, as docker's for a bad flag. Returns the negative error. */
int vxn_usage_error (struct vxn_cli *cli, vxn_error_t *err, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

/* The option getopt_long stopped at (for "unknown flag" messages), with opterr = 0. */
const char *vxn_bad_option (int argc, char **argv);

/* The usage errors of a verb (ARGV[0]) after getopt_long: C is what it returned for a bad option ("flag needs an
   argument" for ':', else "unknown flag"); the other is the missing CONTAINER ("requires at least 1 argument") when
   ARGV[FIRST] is past the end: 0 when it is not. */
int vxn_usage_bad_flag (struct vxn_cli *cli, int c, int argc, char **argv, vxn_error_t *err);
int vxn_usage_need_args (struct vxn_cli *cli, int first, int argc, char **argv, vxn_error_t *err);

/* Print *ERR with the face's prefix ("vxn: ", "vdkr: ", "Error: ") and release it: for verbs that go on with
   their other arguments after one fails, as docker's do. */
void vxn_report_error (struct vxn_cli *cli, vxn_error_t *err);

/* Print a usage text in which "%1$s" stands for the program name. */
void vxn_print_usage (struct vxn_cli *cli, const char *fmt);

#endif
