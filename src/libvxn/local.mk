noinst_LIBRARIES += src/libvxn/libvxn.a
src_libvxn_libvxn_a_CFLAGS = $(AM_CFLAGS) $(CJSON_CFLAGS) $(XENLIGHT_CFLAGS) $(XENSTORE_CFLAGS) $(LIBARCHIVE_CFLAGS)
src_libvxn_libvxn_a_SOURCES = \
	src/libvxn/error.c src/libvxn/error.h \
	src/libvxn/utils.c src/libvxn/utils.h \
	src/libvxn/guest_spec.c src/libvxn/guest_spec.h \
	src/libvxn/proto.h
