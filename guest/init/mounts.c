/* Mounts: the init's own (proc, sysfs, devtmpfs) and the container's, inside /rootfs.

   The container gets what runc gives it by default: read-only sysfs, a small tmpfs /dev holding only the OCI
   default devices (not the guest's devtmpfs: the /dev/xen nodes would let the workload talk to xenstore and the grant
   tables as if it were the init), its own devpts instance, /dev/shm and /dev/mqueue. /proc is mounted by the
   entrypoint process itself (entrypoint.c), because a proc mount shows the pid namespace of whoever mounts it.
   Nothing is mounted over image directories other than /dev, /sys and /proc, so image content is never hidden:
   /tmp in particular stays the image's own (it is already RAM, the initramfs is a tmpfs). */
#include "vxn-init.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
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

void
vxn_mount_container (const struct vxn_guest_spec *spec)
{
  struct stat st;
  if (stat (VXN_ROOTFS "/.", &st) < 0 || !S_ISDIR (st.st_mode))
    vxn_fatal (VXN_EXIT_INIT_FAILED, "no container root filesystem at %s", VXN_ROOTFS);

  /* A read-only root needs its own mount to flag read-only; the flag is applied last, once the mount points
     below exist (they are created in the image when missing, as runc does). */
  if (spec->readonly_root)
    do_mount (VXN_ROOTFS, VXN_ROOTFS, NULL, MS_BIND | MS_REC, NULL);
  mountpoint_dir (VXN_ROOTFS "/proc");
  mountpoint_dir (VXN_ROOTFS "/sys");
  mountpoint_dir (VXN_ROOTFS "/dev");

  do_mount ("sysfs", VXN_ROOTFS "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY, NULL);
  do_mount ("tmpfs", VXN_ROOTFS "/dev", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k");

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
  do_mount ("devpts", VXN_ROOTFS "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
            "newinstance,ptmxmode=0666,mode=0620,gid=5");
  do_mount ("shm", VXN_ROOTFS "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777,size=65536k");
  do_mount ("mqueue", VXN_ROOTFS "/dev/mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);

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
