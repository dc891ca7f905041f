# Guest side (docs/design.md): the static init that is PID 1 of every DomU, the base initramfs holding it and the
# kernel modules it loads, and the guest kernel as an uncompressed ELF. Paths are relative to the top directory.

# vxn-init is linked statically: the initramfs has no libc, no loader and no libxen*.so.
noinst_PROGRAMS += guest/vxn-init
guest_vxn_init_SOURCES = \
	guest/init/vxn-init.h \
	guest/init/main.c \
	guest/init/log.c \
	guest/init/mounts.c \
	guest/init/modules.c \
	guest/init/xenbus.c guest/init/xenbus.h \
	guest/init/xs.c \
	guest/init/vchan_io.c \
	guest/init/spec.c \
	guest/init/entrypoint.c \
	guest/init/credentials.c guest/init/credentials.h \
	guest/init/pump.c \
	guest/init/oom.c \
	guest/init/exec.c \
	guest/init/parse.c guest/init/parse.h \
	src/libvxn/guest_spec.c src/libvxn/guest_spec.h src/libvxn/proto.h
guest_vxn_init_CFLAGS = $(AM_CFLAGS) $(XENSTORE_CFLAGS) $(XENVCHAN_CFLAGS) $(XENTOOLLOG_CFLAGS)
guest_vxn_init_LDFLAGS = -static
guest_vxn_init_LDADD = $(XEN_STATIC_LIBS) $(GUEST_CAP_LIBS)

# The kernel is configure's choice (--with-kernel, default: newest in /boot). Its image is a prerequisite, so a
# reconfigure for another kernel rebuilds both files; with no kernel at all the recipe explains what is missing.
guest_kernel_image = $(guest_kernel:%=/boot/vmlinuz-%)
guest_build_initramfs = $(top_srcdir)/guest/build-initramfs --kernel '$(guest_kernel)' --tools $(top_srcdir)/guest

guest_DATA += guest/initramfs.cpio guest/initramfs-9p.cpio guest/vmlinux
# One rule writes both archives (the 9p one holds the modules the base one lacks).
guest/initramfs.cpio: guest/vxn-init $(top_srcdir)/guest/build-initramfs $(top_srcdir)/guest/gen-cpio \
		$(guest_kernel_image)
	@$(MKDIR_P) guest
	$(AM_V_GEN)$(guest_build_initramfs) --init guest/vxn-init --initramfs $@ --initramfs-9p guest/initramfs-9p.cpio
guest/initramfs-9p.cpio: guest/initramfs.cpio
guest/vmlinux: $(top_srcdir)/guest/build-initramfs $(top_srcdir)/guest/extract-vmlinux $(guest_kernel_image)
	@$(MKDIR_P) guest
	$(AM_V_GEN)$(guest_build_initramfs) --vmlinux $@
CLEANFILES += guest/initramfs.cpio guest/initramfs-9p.cpio guest/vmlinux

EXTRA_DIST += \
	guest/build-initramfs \
	guest/gen-cpio \
	guest/extract-vmlinux \
	guest/tests/lab-smoke

# Test double of the Dom0 side (vchan server + xenstore keys), for guest/tests/lab-smoke only; never installed.
# Build it with `make guest/tests/dom0-harness` (or `make check`).
check_PROGRAMS += guest/tests/dom0-harness
guest_tests_dom0_harness_SOURCES = guest/tests/dom0-harness.c src/libvxn/proto.h
guest_tests_dom0_harness_CFLAGS = $(AM_CFLAGS) $(XENSTORE_CFLAGS) $(XENVCHAN_CFLAGS) $(XENTOOLLOG_CFLAGS)
guest_tests_dom0_harness_LDADD = $(XENVCHAN_LIBS) $(XENSTORE_LIBS) $(XENTOOLLOG_LIBS)
