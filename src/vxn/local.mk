# The vxn CLI: docker-like verbs for containers that are Xen domains, plus the image verbs (src/image). Installed
# also as vdkr (docker's face) and vpdmn (podman's): symlinks, the program picks its face from argv[0].
bin_PROGRAMS += src/vxn/vxn
src_vxn_vxn_CFLAGS = $(AM_CFLAGS) $(STRICT_JUMP_CFLAGS) -I$(top_srcdir)/src/image $(CJSON_CFLAGS) \
	$(LIBCURL_CFLAGS) $(LIBARCHIVE_CFLAGS) $(LIBCAP_CFLAGS) $(XENLIGHT_CFLAGS) $(XENTOOLLOG_CFLAGS)
src_vxn_vxn_SOURCES = \
	src/vxn/main.c src/vxn/vxn.h \
	src/vxn/console.c src/vxn/console.h \
	src/vxn/ctr.c src/vxn/ctr.h \
	src/vxn/fmt.c src/vxn/fmt.h \
	src/vxn/launch.c src/vxn/launch.h \
	src/vxn/rt.c src/vxn/rt.h \
	src/vxn/run_security.c src/vxn/run_security.h \
	src/vxn/view.c src/vxn/view.h \
	src/vxn/inspect_ctr.c \
	src/vxn/cmd_bundle.c \
	src/vxn/cmd_exec.c \
	src/vxn/cmd_images.c \
	src/vxn/cmd_inspect.c \
	src/vxn/cmd_load.c \
	src/vxn/cmd_login.c \
	src/vxn/cmd_logs.c \
	src/vxn/cmd_ps.c \
	src/vxn/cmd_pull.c \
	src/vxn/cmd_rm.c \
	src/vxn/cmd_rmi.c \
	src/vxn/cmd_run.c \
	src/vxn/cmd_start.c \
	src/vxn/cmd_stop.c \
	src/vxn/cmd_tag.c \
	src/vxn/cmd_version.c \
	src/vxn/cmd_wait.c
# libxl only for `info` and `version` (Xen version, memory, domains); containers run through vxn-oci-runtime.
src_vxn_vxn_LDADD = $(VXN_IMAGE_LIBS) $(XENLIGHT_LIBS) $(XENTOOLLOG_LIBS) $(LIBCAP_LIBS)
dist_man_MANS += man/vxn.1

bashcompletiondir = $(datadir)/bash-completion/completions
dist_bashcompletion_DATA = contrib/bash-completion/vxn

VXN_FACES = vdkr vpdmn
install-exec-hook: install-vxn-faces
install-data-hook: install-vxn-completion-faces
uninstall-hook: uninstall-vxn-faces
install-vxn-faces:
	cd '$(DESTDIR)$(bindir)' && for f in $(VXN_FACES); do rm -f $$f && ln -s vxn $$f; done
install-vxn-completion-faces:
	cd '$(DESTDIR)$(bashcompletiondir)' && for f in $(VXN_FACES); do rm -f $$f && ln -s vxn $$f; done
uninstall-vxn-faces:
	for f in $(VXN_FACES); do rm -f '$(DESTDIR)$(bindir)'/$$f '$(DESTDIR)$(bashcompletiondir)'/$$f; done
.PHONY: install-vxn-faces install-vxn-completion-faces uninstall-vxn-faces

