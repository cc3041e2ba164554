# gdb's side of tests/qemu/debug-server.py, after scripts/gdbinit (which
# connects and stops before the kernel runs): a breakpoint in hello, set
# before the system boots, as a user would set it. Each stop prints what
# the test checks between @@ markers; batch mode ends at the first error.
set pagination off
set confirm off
set style enabled off
# gdbinit's hbreak: to kmain.
continue
srv hello
break hello_add_srv
# The system boots; the test types date (rtc runs the same address) and
# hello add 5 at the shell.
continue
echo @@hit 1\n
print $_server()
print *q
print/x $cr3
info servers
info server-breakpoints
echo @@end\n
# The test sees count 5, crashes hello and types hello add 2: the
# breakpoint must stop in hello's next instance.
continue
echo @@hit 2\n
print $_server()
print *q
info servers
echo @@end\n
delete
detach
