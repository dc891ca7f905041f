# Image layer: registry client, store, unpack, bundle (src/image); the vxn CLI is in src/vxn/local.mk.
# libcrypto: sha256 and base64.
VXN_CRYPTO_LIBS = $(LIBCRYPTO_LIBS)

noinst_LIBRARIES += src/image/libvxnimage.a
src_image_libvxnimage_a_CFLAGS = $(AM_CFLAGS) $(CJSON_CFLAGS) $(LIBCURL_CFLAGS) $(LIBARCHIVE_CFLAGS) $(LIBCRYPTO_CFLAGS)
src_image_libvxnimage_a_SOURCES = \
	src/image/auth.c src/image/auth.h \
	src/image/bundle.c src/image/bundle.h \
	src/image/challenge.c src/image/challenge.h \
	src/image/digest.c src/image/digest.h \
	src/image/fetch.c \
	src/image/gc.c src/image/gc.h \
	src/image/image.c src/image/image.h \
	src/image/imgconfig.c src/image/imgconfig.h \
	src/image/load.c src/image/load.h src/image/load-internal.h \
	src/image/load-docker.c src/image/load-oci.c \
	src/image/lock.c src/image/lock.h \
	src/image/manifest.c src/image/manifest.h \
	src/image/platform.c src/image/platform.h \
	src/image/progress.c src/image/progress.h \
	src/image/pull.c src/image/pull.h \
	src/image/ref.c src/image/ref.h \
	src/image/refs.c src/image/refs.h \
	src/image/registry.c src/image/registry.h src/image/registry-internal.h \
	src/image/safepath.c src/image/safepath.h \
	src/image/store.c src/image/store.h \
	src/image/strset.c src/image/strset.h \
	src/image/strv.c src/image/strv.h \
	src/image/unpack.c src/image/unpack.h \
	src/image/userdb.c src/image/userdb.h

VXN_IMAGE_LIBS = src/image/libvxnimage.a src/libvxn/libvxn.a \
	$(LIBCURL_LIBS) $(LIBARCHIVE_LIBS) $(CJSON_LIBS) $(VXN_CRYPTO_LIBS)

# The vxn CLI itself: src/vxn/local.mk.
dist_man_MANS += man/vxn-image.7

# `make bench-image`: vxn against skopeo + umoci on a local registry (see bench/image-pull).
.PHONY: bench-image
bench-image: src/vxn/vxn
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' $(SHELL) $(top_srcdir)/bench/image-pull

# Tests: C unit tests (TAP, through automake's driver) and scripts against a real registry.
VXN_IMAGE_UNIT_CFLAGS = $(AM_CFLAGS) -I$(top_srcdir)/src/image -I$(top_srcdir)/t/unit \
	$(CJSON_CFLAGS) $(LIBCURL_CFLAGS) $(LIBARCHIVE_CFLAGS)
IMAGE_UNIT_TESTS = t/image/ref-test t/image/parse-test t/image/bundle-test t/image/unpack-test
check_PROGRAMS += $(IMAGE_UNIT_TESTS)
t_image_ref_test_SOURCES = t/image/ref-test.c t/unit/tap.h
t_image_ref_test_CFLAGS = $(VXN_IMAGE_UNIT_CFLAGS)
t_image_ref_test_LDADD = $(VXN_IMAGE_LIBS)
t_image_parse_test_SOURCES = t/image/parse-test.c t/unit/tap.h
t_image_parse_test_CFLAGS = $(VXN_IMAGE_UNIT_CFLAGS)
t_image_parse_test_LDADD = $(VXN_IMAGE_LIBS)
t_image_bundle_test_SOURCES = t/image/bundle-test.c t/unit/tap.h
t_image_bundle_test_CFLAGS = $(VXN_IMAGE_UNIT_CFLAGS)
t_image_bundle_test_LDADD = $(VXN_IMAGE_LIBS)
t_image_unpack_test_SOURCES = t/image/unpack-test.c t/unit/tap.h
t_image_unpack_test_CFLAGS = $(VXN_IMAGE_UNIT_CFLAGS)
t_image_unpack_test_LDADD = $(VXN_IMAGE_LIBS)

VXN_IMAGE_T_FILES = t/image/cli.t t/image/load.t t/image/hostile.t t/image/pull.t t/image/platform.t \
	t/image/auth.t t/image/tls.t t/image/corrupt.t t/image/interrupt.t t/image/concurrent.t
TESTS += t/image/ref-test t/image/parse-test t/image/bundle-test t/image/unpack-test $(VXN_IMAGE_T_FILES)
EXTRA_DIST += $(VXN_IMAGE_T_FILES) t/image/lib.sh t/image/mkimage.py t/image/regtool.py \
	bench/image-pull
