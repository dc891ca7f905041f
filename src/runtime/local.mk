sbin_PROGRAMS += src/runtime/vxn-oci-runtime
src_runtime_vxn_oci_runtime_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/src/monitor \
	-DVXN_GUEST_DIR='"$(guestdir)"' -DVXN_GIT_COMMIT='"$(VXN_GIT_COMMIT)"'
src_runtime_vxn_oci_runtime_CFLAGS = $(AM_CFLAGS) $(STRICT_JUMP_CFLAGS) $(CJSON_CFLAGS) $(XENLIGHT_CFLAGS) $(XENSTORE_CFLAGS) \
	$(XENVCHAN_CFLAGS) $(XENTOOLLOG_CFLAGS)
src_runtime_vxn_oci_runtime_SOURCES = \
	src/runtime/runtime.h src/runtime/main.c src/runtime/container.c \
	src/runtime/create.c src/runtime/start.c src/runtime/state.c src/runtime/kill.c \
	src/runtime/delete.c src/runtime/list.c src/runtime/pause.c src/runtime/ps.c src/runtime/exec.c src/runtime/update.c src/runtime/events.c \
	src/runtime/domain.h src/runtime/domain.c src/runtime/features.c \
	$(MONITOR_SOURCES)
src_runtime_vxn_oci_runtime_LDADD = $(LIBVXN_LIBS) $(XENLIGHT_LIBS) $(XENSTORE_LIBS) $(XENVCHAN_LIBS) \
	$(XENTOOLLOG_LIBS) $(LIBEV_LIBS)
