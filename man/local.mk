# The man page's state machine section is generated from states/transitions.def.
man8_MANS = man/vxn-oci-runtime.8
CLEANFILES += man/vxn-oci-runtime.8
EXTRA_DIST += man/vxn-oci-runtime.8.in man/transitions-to-tbl
man/vxn-oci-runtime.8: man/vxn-oci-runtime.8.in $(top_srcdir)/states/transitions.def man/transitions-to-tbl
	@$(MKDIR_P) man
	$(AM_V_GEN)$(SHELL) $(top_srcdir)/man/transitions-to-tbl $(top_srcdir)/states/transitions.def > $@.tbl && \
	sed -e 's|@VERSION@|$(PACKAGE_VERSION)|g' -e 's|@GUESTDIR@|$(guestdir)|g' \
	    -e '/@TRANSITIONS@/{r $@.tbl' -e 'd}' $(top_srcdir)/man/vxn-oci-runtime.8.in > $@ && rm -f $@.tbl
