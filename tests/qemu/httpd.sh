#!/usr/bin/env bash
# The HTTP server: the script makes an ext2 image holding a small site
# under /www (a page, a text file, a directory without index.html, one
# with it, a large file, symbolic links that point out of the root) and a
# file outside it; tests/httpd/manifest.txt boots httpd as make run has it
# and httptest (tests/httpd/), which fetches from it over 127.0.0.1,
# crashes the network server and httpd, and ends QEMU. Every TAP line of
# httptest is a test here; then the log must show httpd restarted once
# (its own crash) and the network server once, neither having exited.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/qemu/lib.sh

img=$LOGDIR/httpd.img
src=$LOGDIR/httpd-src
rm -rf "$src" "$img"
mkdir -p "$src/www/dir/sub"
printf 'Hello over HTTP.\n' >"$src/www/hello.txt"
printf '<!DOCTYPE html>\n<html><body><h1>Kestrel</h1><p>the test site</p></body></html>\n' \
	>"$src/www/index.html"
printf 'a\n' >"$src/www/dir/a.txt"
printf 'spaced\n' >"$src/www/dir/sp ace.txt"
printf 'bold\n' >"$src/www/dir/<b>.txt"
printf 'hidden\n' >"$src/www/dir/.hidden"
printf '<html><body>sub</body></html>\n' >"$src/www/dir/sub/index.html"
printf 'TOP SECRET\n' >"$src/secret.txt"
ln -s /secret.txt "$src/www/escape"
ln -s / "$src/www/escdir"
python3 -c 'import sys; open(sys.argv[1], "wb").write(bytes((i * 13 + i // 4093) & 0xff for i in range(4 << 20)))' \
	"$src/www/big.bin"
mke2fs -q -F -t ext2 -d "$src" "$img" 16M >"$img.mke2fs" 2>&1 || echo "mke2fs failed: $(cat "$img.mke2fs")"

BOOT_TIMEOUT=${HTTPD_TIMEOUT:-240}
boot httpd --manifest tests/httpd/manifest.txt --disk "$img"
task='^(\[task [0-9]+\] )?'
relay_tap "$task"
expect_line "$task"'httptest: [0-9]+ passed, 0 failed$'
expect_status "$EXIT_PASS"
result "httptest_finishes"

expect_line "$task"'httpd: serving /www on port 80 \(generation 1\)$'
expect_line "$task"'httpd: serving /www on port 80 \(generation 2\)$'
expect_count 1 'httpd \(generation [0-9]+\): page fault'
expect_count 1 'net \(generation [0-9]+\): page fault'
expect_no_line 'lwIP assertion failed'
expect_no_line '(net|httpd) \(generation [0-9]+\): exit'
result "httpd_restarted_once_for_its_own_crash_only"
finish
