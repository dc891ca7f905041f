# The monitor runs in the process `create` forks; it is linked into vxn-oci-runtime.
MONITOR_SOURCES = \
	src/monitor/monitor.h src/monitor/monitor.c \
	src/monitor/libxl_ev.h src/monitor/libxl_ev.c \
	src/monitor/guest_io.h src/monitor/guest_io.c \
	src/monitor/control.c src/monitor/exec.c src/monitor/domain.c src/monitor/watchdog.c
