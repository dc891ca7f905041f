# Unit tests: TAP programs run by automake's TAP driver (also under ASan/UBSan: see t/run-all).
UNIT_TESTS = t/unit/states t/unit/parsing t/unit/initrd t/unit/cgroup
check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS)
UNIT_CFLAGS = $(AM_CFLAGS) $(CJSON_CFLAGS) $(LIBARCHIVE_CFLAGS)
UNIT_LDADD = $(LIBVXN_LIBS)
t_unit_states_SOURCES = t/unit/states.c t/unit/tap.h
t_unit_states_CFLAGS = $(UNIT_CFLAGS)
t_unit_states_LDADD = $(UNIT_LDADD)
t_unit_parsing_SOURCES = t/unit/parsing.c t/unit/tap.h
t_unit_parsing_CFLAGS = $(UNIT_CFLAGS)
t_unit_parsing_LDADD = $(UNIT_LDADD)
t_unit_initrd_SOURCES = t/unit/initrd.c t/unit/tap.h
t_unit_initrd_CFLAGS = $(UNIT_CFLAGS)
t_unit_initrd_LDADD = $(UNIT_LDADD)
t_unit_cgroup_SOURCES = t/unit/cgroup.c t/unit/tap.h
t_unit_cgroup_CFLAGS = $(UNIT_CFLAGS)
t_unit_cgroup_LDADD = $(UNIT_LDADD)

# The guest init's pure parsers (signal key, exit values, frames).
UNIT_TESTS += t/unit/guest-parse
t_unit_guest_parse_SOURCES = t/unit/guest-parse.c guest/init/parse.c guest/init/parse.h src/libvxn/proto.h
t_unit_guest_parse_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/guest/init
