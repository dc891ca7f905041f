/* Resolve an image's User ("name", "uid", "name:group", "uid:gid") against the rootfs' /etc/passwd and /etc/group,
   as docker does. The files are read through the safe walker: a symlinked /etc/passwd counts as absent. */
#ifndef VXN_IMAGE_USERDB_H
#define VXN_IMAGE_USERDB_H

#include <sys/types.h>

#include "error.h"

struct vxn_exec_user
{
  uid_t uid;
  gid_t gid;
  gid_t *additional; /* supplementary groups from /etc/group membership */
  size_t n_additional;
  char *home; /* from passwd, or "/" */
};

/* ROOTFS_FD may be -1 (no files: only numeric users resolve). */
int vxn_exec_user_resolve (int rootfs_fd, const char *spec, struct vxn_exec_user *out, vxn_error_t *err);
void vxn_exec_user_clear (struct vxn_exec_user *u);

#endif
