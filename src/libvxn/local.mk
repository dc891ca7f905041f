noinst_LIBRARIES += src/libvxn/libvxn.a
src_libvxn_libvxn_a_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/states
src_libvxn_libvxn_a_CFLAGS = $(AM_CFLAGS) $(STRICT_JUMP_CFLAGS) $(CJSON_CFLAGS) $(LIBARCHIVE_CFLAGS) $(LIBCAP_CFLAGS) $(LIBSYSTEMD_CFLAGS)
src_libvxn_libvxn_a_SOURCES = \
	src/libvxn/error.c src/libvxn/error.h \
	src/libvxn/utils.c src/libvxn/utils.h \
	src/libvxn/guest_spec.c src/libvxn/guest_spec.h \
	src/libvxn/proto.h \
	src/libvxn/id.c src/libvxn/id.h \
	src/libvxn/signals.c src/libvxn/signals.h \
	src/libvxn/statemachine.c src/libvxn/statemachine.h states/transitions.def \
	src/libvxn/oci_config.c src/libvxn/oci_config.h \
	src/libvxn/state_file.c src/libvxn/state_file.h \
	src/libvxn/ctl.c src/libvxn/ctl.h \
	src/libvxn/initrd.c src/libvxn/initrd.h \
	src/libvxn/volumes.c src/libvxn/volumes.h \
	src/libvxn/terminal.c src/libvxn/terminal.h \
	src/libvxn/tuning.c src/libvxn/tuning.h \
	src/libvxn/cgroup.c src/libvxn/cgroup.h src/libvxn/systemd_scope.c
LIBVXN_LIBS = src/libvxn/libvxn.a $(CJSON_LIBS) $(LIBARCHIVE_LIBS) $(LIBCAP_LIBS) $(LIBSYSTEMD_LIBS)
