#!/bin/bash
# Host side of the lab tests that need systemd as PID 1 in Dom0 (t/lab/systemd/*.t: the monitor's systemd scope,
# docker's and podman's systemd cgroup drivers): t/lab.t with the lab's systemd variant (lab/run --init systemd).
VXN_LAB_INIT=systemd VXN_LAB_SUBDIR=systemd exec bash "$(dirname "$0")/lab.t"
