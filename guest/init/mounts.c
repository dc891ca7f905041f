/* Mounts: the init's own (proc, sysfs, devtmpfs) and the container's, inside /rootfs.

   The container gets what runc gives it by default: read-only sysfs, a small tmpfs /dev holding only the OCI
   default devices (not the guest's devtmpfs: the /dev/xen nodes would let the workload talk to xenstore and the grant
   tables as if it were the init), its own devpts instance, /dev/shm and /dev/mqueue. /proc is mounted by the
   entrypoint process itself (entrypoint.c), because a proc mount shows the pid namespace of whoever mounts it.
   Nothing is mounted over image directories other than /dev, /sys and /proc, so image content is never hidden:
   /tmp in particular stays the image's own (it is already RAM, the initramfs is a tmpfs).

   config.json's mounts (docs/design.md "Mounts") set the options of these standard mounts, then add theirs in
   config.json order: tmpfs, cgroup2, host directories over Xen 9pfs, and host files the runtime copied into the
   initramfs (bind mounted from /vxn/files). Mount points are resolved inside /rootfs with RESOLVE_IN_ROOT, so a
   symlink in the image can never lead a mount outside the container's root. */
#include "vxn-init.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static void
do_mount (const char *src, const char *target, const char *type, unsigned long flags, const char *data)
{
  if (mount (src, target, type, flags, data) < 0)
    vxn_fatal (VXN_EXIT_INIT_FAILED, "mount %s on %s: %s", type ? type : src, target, strerror (errno));
}

/* Create a mount point directory if it is missing. A symlink is refused: mount(2) would follow it, and an image
   with /dev -> / would make us mount over the init's own root. */
static void
mountpoint_dir (const char *path)
{
  struct stat st;
  if (lstat (path, &st) == 0)
    {
      if (!S_ISDIR (st.st_mode))
        vxn_fatal (VXN_EXIT_INIT_FAILED, "%s exists in the image and is not a directory", path);
      return;
    }
  if (errno != ENOENT || mkdir (path, 0755) < 0)
    vxn_fatal (VXN_EXIT_INIT_FAILED, "mkdir %s: %s", path, strerror (errno));
}

void
vxn_mount_early (void)
{
  /* The initramfs has these directories; creating them anyway keeps a hand-made initramfs bootable. */
  mkdir ("/proc", 0555);
  mkdir ("/sys", 0555);
  mkdir ("/dev", 0755);
  do_mount ("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
  do_mount ("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
  /* Debian sets DEVTMPFS but not DEVTMPFS_MOUNT, and the xen-evtchn/gntdev/xenbus nodes appear only here. */
  do_mount ("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755");

  /* No /dev/console in the initramfs means the kernel started us without fds 0-2; give them the console now so
     messages are not lost and the fd numbers the container pipes get are >= 3. */
  if (fcntl (STDERR_FILENO, F_GETFD) < 0)
    {
      int fd = open ("/dev/console", O_RDWR | O_NOCTTY);
      if (fd >= 0)
        {
          for (int i = 0; i < 3; i++)
            if (fd != i)
              dup2 (fd, i);
          if (fd > 2)
            close (fd);
        }
    }
}

void
vxn_quiet_printk (void)
{
  /* The cmdline already says loglevel=1; this also covers a cmdline without it, so kernel chatter (module loads,
     the pid namespace's reaping) never lands in the container's console log between our lines. */
  int fd = open ("/proc/sys/kernel/printk", O_WRONLY | O_CLOEXEC);
  if (fd >= 0)
    {
      if (write (fd, "1", 1) < 0)
        vxn_log ("cannot quiet printk: %s", strerror (errno));
      close (fd);
    }
}

static void
dev_node (const char *name, unsigned maj, unsigned min)
{
  char path[64];
  strcpy (path, VXN_ROOTFS "/dev/");
  strcat (path, name);
  if (mknod (path, S_IFCHR | 0666, makedev (maj, min)) < 0 || chmod (path, 0666) < 0)
    vxn_fatal (VXN_EXIT_INIT_FAILED, "mknod %s: %s", path, strerror (errno));
}

static void
dev_link (const char *target, const char *name)
{
  char path[64];
  strcpy (path, VXN_ROOTFS "/dev/");
  strcat (path, name);
  if (symlink (target, path) < 0)
    vxn_fatal (VXN_EXIT_INIT_FAILED, "symlink %s: %s", path, strerror (errno));
}

static const struct vxn_guest_mount *
find_kind (const struct vxn_guest_spec *spec, enum vxn_mount_kind kind)
{
  for (size_t i = 0; i < spec->n_mounts; i++)
    if (spec->mounts[i].kind == kind)
      return &spec->mounts[i];
  return NULL;
}

/* A standard mount: config.json's flags and options when it has an entry for it, else runc's defaults. */
static void
std_mount (const struct vxn_guest_spec *spec, enum vxn_mount_kind kind, const char *src, const char *target,
           const char *type, unsigned long flags, const char *data)
{
  const struct vxn_guest_mount *m = find_kind (spec, kind);
  if (m != NULL)
    {
      flags = m->flags;
      if (m->data != NULL)
        data = m->data;
    }
  do_mount (src, target, type, flags, data);
}

static int
open_in_root (int root, const char *path, int flags)
{
  struct open_how how = {
    .flags = O_PATH | O_CLOEXEC | flags,
    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
  };
  return syscall (SYS_openat2, root, *path ? path : ".", &how, sizeof how);
}

/* The mount point DEST (absolute, normalised by the decoder) inside the container's root, created when missing
   (directories 0755, a file mount point empty 0644), as an O_PATH fd. Symlinks in the image are followed as if
   /rootfs were /: they cannot point outside it. */
static int
mount_point (int root, const char *dest, int want_dir)
{
  char path[4096];
  if (strlen (dest) >= sizeof path)
    vxn_fatal (VXN_EXIT_INIT_FAILED, "mount destination %.64s...: too long", dest);
  strcpy (path, dest + 1);
  for (char *p = path;; p++)
    {
      if (*p != '/' && *p != '\0')
        continue;
      char c = *p, *slash = NULL;
      int last = c == '\0', fd;
      *p = '\0';
      fd = open_in_root (root, path, last && !want_dir ? 0 : O_DIRECTORY);
      if (fd < 0 && errno == ENOENT)
        {
          slash = strrchr (path, '/');
          if (slash)
            *slash = '\0';
          int parent = open_in_root (root, slash ? path : "", O_DIRECTORY);
          const char *name = slash ? slash + 1 : path;
          int r = -1;
          if (parent >= 0)
            {
              if (last && !want_dir)
                {
                  r = openat (parent, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
                  if (r >= 0)
                    close (r);
                }
              else
                r = mkdirat (parent, name, 0755);
              close (parent);
            }
          if (slash)
            *slash = '/';
          if (r < 0)
            vxn_fatal (VXN_EXIT_INIT_FAILED, "create mount point %s (component %s): %s", dest, path, strerror (errno));
          fd = open_in_root (root, path, last && !want_dir ? 0 : O_DIRECTORY);
        }
      if (fd < 0)
        vxn_fatal (VXN_EXIT_INIT_FAILED, "mount point %s (at %s): %s", dest, path, strerror (errno));
      if (last)
        {
          struct stat st;
          if (fstat (fd, &st) < 0 || (want_dir ? !S_ISDIR (st.st_mode) : !S_ISREG (st.st_mode)))
            vxn_fatal (VXN_EXIT_INIT_FAILED, "mount point %s exists and is not a %s", dest,
                       want_dir ? "directory" : "regular file");
          return fd;
        }
      close (fd);
      *p = c;
    }
}

/* Mount onto the fd's own dentry (mount(2) follows the /proc/self/fd magic link), never re-resolving DEST. */
static void
mount_at (int root, const struct vxn_guest_mount *m, const char *src, const char *type, unsigned long flags,
          const char *data)
{
  char target[64];
  int fd = mount_point (root, m->dest, m->kind != VXN_MOUNT_FILE);
  snprintf (target, sizeof target, "/proc/self/fd/%d", fd);
  if (mount (src, target, type, flags, data) < 0)
    vxn_fatal (VXN_EXIT_INIT_FAILED, "mount %s on %s: %s", type ? type : src, m->dest, strerror (errno));
  close (fd);
  /* A bind takes its flags in a remount, which must name the new mount's root: the fd above is the dentry
     underneath it, so resolve the destination again (inside the root again; it now crosses into the new mount). */
  if ((flags & MS_BIND) && (m->flags & VXN_MOUNT_FLAGS_MASK))
    {
      fd = mount_point (root, m->dest, m->kind != VXN_MOUNT_FILE);
      snprintf (target, sizeof target, "/proc/self/fd/%d", fd);
      if (mount (NULL, target, NULL, MS_BIND | MS_REMOUNT | m->flags, NULL) < 0)
        vxn_fatal (VXN_EXIT_INIT_FAILED, "remount %s with its flags: %s", m->dest, strerror (errno));
      close (fd);
    }
}

static void
extra_mounts (const struct vxn_guest_spec *spec)
{
  int root = open (VXN_ROOTFS, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0)
    vxn_fatal (VXN_EXIT_INIT_FAILED, "open %s: %s", VXN_ROOTFS, strerror (errno));
  for (size_t i = 0; i < spec->n_mounts; i++)
    {
      const struct vxn_guest_mount *m = &spec->mounts[i];
      switch (m->kind)
        {
        case VXN_MOUNT_CGROUP:
          mount_at (root, m, "cgroup2", "cgroup2", m->flags, NULL);
          break;
        case VXN_MOUNT_TMPFS:
          mount_at (root, m, "tmpfs", "tmpfs", m->flags, m->data);
          break;
        case VXN_MOUNT_9P:
          /* The default (client) access mode sends the caller's uid/gid with every create; QEMU's passthrough
             security model applies them on the host. */
          mount_at (root, m, m->source, "9p", m->flags, "trans=xen,version=9p2000.L");
          break;
        case VXN_MOUNT_FILE:
          mount_at (root, m, m->source, NULL, MS_BIND, NULL);
          break;
        default:
          break; /* the standard ones are mounted already */
        }
      vxn_debug ("mounted %s %s", vxn_mount_kind_name (m->kind), m->dest);
    }
  close (root);
}

void
vxn_mount_container (const struct vxn_guest_spec *spec)
{
  struct stat st;
  if (stat (VXN_ROOTFS "/.", &st) < 0 || !S_ISDIR (st.st_mode))
    vxn_fatal (VXN_EXIT_INIT_FAILED, "no container root filesystem at %s", VXN_ROOTFS);
  /* Only containers with a 9p mount load the 9pfs modules (the runtime appended them to the initramfs). Loading
     9pnet_xen returns once the kernel has connected the 9pfs devices Dom0 configured. */
  if (find_kind (spec, VXN_MOUNT_9P) != NULL)
    {
      vxn_load_module_list (VXN_MODULES_9P_LIST);
      vxn_debug ("9pfs modules loaded");
    }

  /* A read-only root needs its own mount to flag read-only; the flag is applied last, once the mount points
     below exist (they are created in the image when missing, as runc does). */
  if (spec->readonly_root)
    do_mount (VXN_ROOTFS, VXN_ROOTFS, NULL, MS_BIND | MS_REC, NULL);
  mountpoint_dir (VXN_ROOTFS "/proc");
  mountpoint_dir (VXN_ROOTFS "/sys");
  mountpoint_dir (VXN_ROOTFS "/dev");

  std_mount (spec, VXN_MOUNT_SYSFS, "sysfs", VXN_ROOTFS "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY,
             NULL);
  std_mount (spec, VXN_MOUNT_DEV, "tmpfs", VXN_ROOTFS "/dev", "tmpfs", MS_NOSUID | MS_STRICTATIME,
             "mode=755,size=65536k");

  /* The OCI default device set (runtime-spec config-linux.md "Default Devices"). */
  dev_node ("null", 1, 3);
  dev_node ("zero", 1, 5);
  dev_node ("full", 1, 7);
  dev_node ("random", 1, 8);
  dev_node ("urandom", 1, 9);
  dev_node ("tty", 5, 0);
  dev_link ("/proc/self/fd", "fd");
  dev_link ("/proc/self/fd/0", "stdin");
  dev_link ("/proc/self/fd/1", "stdout");
  dev_link ("/proc/self/fd/2", "stderr");
  dev_link ("pts/ptmx", "ptmx");
  if (mkdir (VXN_ROOTFS "/dev/pts", 0755) < 0 || mkdir (VXN_ROOTFS "/dev/shm", 01777) < 0
      || mkdir (VXN_ROOTFS "/dev/mqueue", 0755) < 0)
    vxn_fatal (VXN_EXIT_INIT_FAILED, "mkdir in %s/dev: %s", VXN_ROOTFS, strerror (errno));
  /* A private devpts instance: the container's ptys are numbered from 0 and it cannot see the guest's. */
  std_mount (spec, VXN_MOUNT_DEVPTS, "devpts", VXN_ROOTFS "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
             "newinstance,ptmxmode=0666,mode=0620,gid=5");
  std_mount (spec, VXN_MOUNT_SHM, "shm", VXN_ROOTFS "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
             "mode=1777,size=65536k");
  std_mount (spec, VXN_MOUNT_MQUEUE, "mqueue", VXN_ROOTFS "/dev/mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC,
             NULL);

  extra_mounts (spec);

  if (spec->readonly_root)
    do_mount (NULL, VXN_ROOTFS, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL);

  if (spec->hostname != NULL && sethostname (spec->hostname, strlen (spec->hostname)) < 0)
    vxn_fatal (VXN_EXIT_INIT_FAILED, "sethostname %s: %s", spec->hostname, strerror (errno));
}

/* With a terminal, /dev/console in the container is its pty, as under runc. */
void
vxn_mount_console (const char *slave_path)
{
  int fd = open (VXN_ROOTFS "/dev/console", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    vxn_fatal (VXN_EXIT_INIT_FAILED, "create %s/dev/console: %s", VXN_ROOTFS, strerror (errno));
  close (fd);
  do_mount (slave_path, VXN_ROOTFS "/dev/console", NULL, MS_BIND, NULL);
}

/* An existing path inside the container's root, as an O_PATH fd; -2 when it does not exist (runc skips those). */
static int
open_existing (int root, const char *path, char *err, size_t errlen)
{
  int fd = open_in_root (root, path + 1, 0);
  if (fd >= 0)
    return fd;
  if (errno == ENOENT || errno == ENOTDIR)
    return -2;
  snprintf (err, errlen, "open %s in the container: %s", path, strerror (errno));
  return -1;
}

static int
mask_path (int root, const char *path, char *err, size_t errlen)
{
  struct stat st;
  char target[64];
  int fd = open_existing (root, path, err, errlen), r;
  if (fd < 0)
    return fd == -2 ? 0 : -1;
  snprintf (target, sizeof target, "/proc/self/fd/%d", fd);
  /* A directory disappears under an empty read-only tmpfs, a file under /dev/null: runc's masks. */
  if (fstat (fd, &st) == 0 && S_ISDIR (st.st_mode))
    r = mount ("tmpfs", target, "tmpfs", MS_RDONLY, NULL);
  else
    r = mount ("/dev/null", target, NULL, MS_BIND, NULL);
  if (r < 0)
    snprintf (err, errlen, "mask %s: %s", path, strerror (errno));
  close (fd);
  return r;
}

static int
readonly_path (int root, const char *path, char *err, size_t errlen)
{
  char target[64];
  struct statvfs sv;
  int fd = open_existing (root, path, err, errlen);
  if (fd < 0)
    return fd == -2 ? 0 : -1;
  snprintf (target, sizeof target, "/proc/self/fd/%d", fd);
  int r = mount (target, target, NULL, MS_BIND | MS_REC, NULL);
  close (fd);
  if (r < 0)
    {
      snprintf (err, errlen, "bind %s onto itself: %s", path, strerror (errno));
      return -1;
    }
  /* The remount must name the new mount, so resolve again; keep its nosuid/nodev/noexec. */
  if ((fd = open_existing (root, path, err, errlen)) < 0)
    return -1;
  snprintf (target, sizeof target, "/proc/self/fd/%d", fd);
  unsigned long keep = 0;
  if (statvfs (target, &sv) == 0)
    keep = (sv.f_flag & ST_NOSUID ? MS_NOSUID : 0) | (sv.f_flag & ST_NODEV ? MS_NODEV : 0)
           | (sv.f_flag & ST_NOEXEC ? MS_NOEXEC : 0);
  r = mount (NULL, target, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | keep, NULL);
  if (r < 0)
    snprintf (err, errlen, "remount %s read-only: %s", path, strerror (errno));
  close (fd);
  return r;
}

int
vxn_mount_masks (const struct vxn_guest_spec *spec, char *err, size_t errlen)
{
  if (spec->n_masked_paths == 0 && spec->n_readonly_paths == 0)
    return 0;
  int root = open (VXN_ROOTFS, O_PATH | O_DIRECTORY | O_CLOEXEC), r = 0;
  if (root < 0)
    {
      snprintf (err, errlen, "open %s: %s", VXN_ROOTFS, strerror (errno));
      return -1;
    }
  /* Read-only first, as runc: a masked path inside a read-only one still gets its mask. */
  for (size_t i = 0; i < spec->n_readonly_paths && r == 0; i++)
    r = readonly_path (root, spec->readonly_paths[i], err, errlen);
  for (size_t i = 0; i < spec->n_masked_paths && r == 0; i++)
    r = mask_path (root, spec->masked_paths[i], err, errlen);
  close (root);
  return r;
}
