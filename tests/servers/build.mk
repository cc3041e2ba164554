# tests/servers/: cmocka unit tests of the servers' hardware-free files
# (STYLE: logic files link into host tests without main.c), one binary per
# server file tested, built like every host test (HOST_TEST,
# tests/host/build.mk).
$(eval $(call HOST_TEST,servers/test_console_line,core,servers/console/line.c \
	tests/servers/test_console_line.c))
$(eval $(call HOST_TEST,servers/test_sup_log,core,servers/supervisor/log.c tests/servers/test_sup_log.c))
$(eval $(call HOST_TEST,servers/test_shell_args,core,servers/shell/args.c tests/servers/test_shell_args.c))
$(eval $(call HOST_TEST,servers/test_rtc,core,servers/rtc/rtc.c servers/rtc/wallclock.c tests/servers/test_rtc.c))
$(eval $(call HOST_TEST,servers/test_httpd,core,servers/httpd/http.c tests/servers/test_httpd.c))
$(eval $(call HOST_TEST,servers/test_workload,core,servers/workload/report.c tests/servers/test_workload.c))
