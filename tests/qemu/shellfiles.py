"""The shell's file commands: types them at the shell of
tests/shellfiles/manifest.txt (through tests/qemu/guest.py) and checks
their output and errors, then, after QEMU exits, runs the host's
e2fsck -fn and debugfs on the image. One TAP line per check; run by
tests/qemu/shellfiles.sh:

    shellfiles.py LOG EXIT_PASS IMAGE -- scripts/qemu.sh ... -- KERNEL

The checks run in order on one boot, each on the files the ones before
left.
"""

import re
import subprocess
import sys

from guest import ENTER, Guest, Tap

PROMPT = r"kestrel> "
DATE = r"1970-01-01 00:00"  # a file's time: the manifest's time server cannot read the RTC


def main():
    log, exit_pass, image = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    qemu = sys.argv[sys.argv.index("--") + 1 :]
    g = Guest(qemu, log)
    tap = Tap(log)

    def check(name, *steps):
        problems = [p for p in (step() for step in steps) if p]
        tap.result(name, problems)
        return not problems

    def cmd(line, regex, timeout=10.0):
        """Types line; its output must match regex and end with a prompt."""

        def step():
            if not g.command(line, regex, timeout):
                return f"{line!r} did not print /{regex}/"
            if not g.expect(PROMPT, timeout):
                return f"no prompt after {line!r}"
            return None

        return step

    def quiet(line):
        """Types line; the prompt must come back with nothing printed."""

        def step():
            if not g.type(line + ENTER):
                return f"{line!r} was not echoed"
            m = g.expect(r"(?s)\n(.*?)" + PROMPT)
            if not m:
                return f"no prompt after {line!r}"
            return f"{line!r} printed {m.group(1)!r}" if m.group(1) else None

        return step

    if not check("boots_to_the_prompt", lambda: None if g.expect(PROMPT, 60) else "no prompt"):
        tap.result("poweroff_ends_qemu", [f"QEMU exited with {g.finish(5)} before the prompt"])
        return tap.finish()

    check("cat_reads_a_file_the_host_made", cmd("cat /hello.txt", r"\nHello from the host\.\n"))
    check(
        "mkdir_cd_and_pwd_move_into_a_new_directory",
        quiet("mkdir /work"),
        quiet("cd /work"),
        cmd("pwd", r"\n/work\n"),
    )
    check(
        "redirection_writes_and_appends_a_file",
        quiet("echo hi > f"),
        quiet("echo more >>f"),
        cmd("cat f", r"\nhi\nmore\n(?=" + PROMPT + ")"),
    )
    check(
        "touch_cp_and_mv_make_files",
        quiet("touch empty"),
        quiet("cp f g"),
        quiet("mv g h"),
        cmd("cat h", r"\nhi\nmore\n"),
        cmd("cat g", r"\ncat: g: No such file or directory\n"),
    )
    check(
        "ls_l_shows_type_mode_links_and_size",
        cmd("ls -l", r"\n-rw-r--r-- +1 +0 " + DATE + " empty\n"),
        cmd("ls -l /work", r"\n-rw-r--r-- +1 +8 " + DATE + " f\n"),
        cmd("ls /", r"\nhello\.txt\n"),
    )
    check(
        "ls_output_redirected_to_a_file",
        quiet("ls /work > /work/listing"),
        cmd("cat listing", r"\nf\n"),
    )
    check(
        "stat_shows_size_type_links_and_times",
        cmd("stat f", r"Type: regular file\n  Size: 8 .*Links: 1\n(?:.*\n)*?Access: " + DATE + r":\d\d UTC\n"
            r"Modify: " + DATE + r":\d\d UTC\nChange: " + DATE + r":\d\d UTC\n"),
    )
    # The manifest's time server has no ports: it answers PE_IO, so the
    # filesystem server has no clock and the shell no time of day.
    check(
        "without_a_clock_date_says_so_and_files_get_1970",
        cmd("date", r"\ndate: no time of day: No such device\n"),
        lambda: None if re.search(r"rtc: the manifest must give ports 0x70 2\n", g.text) else "no word from rtc",
        lambda: None if re.search(r"fs: no time service \([^)]*\): files get time 0\n", g.text) else "no word from fs",
    )
    check(
        "hexdump_shows_bytes_and_text",
        cmd("hexdump f", r"\n00000000  68 69 0a 6d 6f 72 65 0a +\|hi\.more\.\|\n00000008\n"),
    )
    check(
        "rmdir_of_a_non_empty_directory_fails",
        quiet("mkdir sub"),
        quiet("touch sub/x"),
        cmd("rmdir sub", r"\nrmdir: sub: Directory not empty\n"),
        quiet("rm sub/x"),
        quiet("rmdir sub"),
        cmd("ls sub", r"\nls: sub: No such file or directory\n"),
    )
    check(
        "missing_files_are_named_in_errors",
        cmd("cat /missing", r"\ncat: /missing: No such file or directory\n"),
        cmd("rm /nothing", r"\nrm: /nothing: No such file or directory\n"),
        cmd("cd /nowhere", r"\ncd: /nowhere: No such file or directory\n"),
    )
    check(
        "wrong_arguments_print_usage",
        cmd("cp f", r"\nusage: cp SRC DST\n"),
        cmd("mkdir", r"\nusage: mkdir DIR\.\.\.\n"),
        cmd("echo x >", r"\nredirection: > FILE or >> FILE, once\n"),
    )
    check("df_shows_blocks_and_inodes", cmd("df", r"1K-blocks .*ifree\n +\d+ +\d+ +\d+ +\d+ +\d+ +\d+\n"))
    check("rm_removes_a_file", quiet("rm empty"), cmd("cat empty", r"\ncat: empty: No such file"))
    check("cd_without_a_directory_goes_to_the_root", quiet("cd"), cmd("pwd", r"\n/\n"))

    g.type("poweroff" + ENTER)
    status = g.finish()
    tap.result("poweroff_ends_qemu", [] if status == exit_pass else [f"QEMU exit status {status}, expected {exit_pass}"])

    fsck = subprocess.run(["e2fsck", "-fn", image], capture_output=True, text=True)
    tap.result("e2fsck_finds_the_image_clean", [] if fsck.returncode == 0 else [fsck.stdout[-300:]])

    def debugfs_cat(path):
        return subprocess.run(["debugfs", "-R", f"cat {path}", image], capture_output=True, text=True).stdout

    want = {"/work/f": "hi\nmore\n", "/work/h": "hi\nmore\n"}
    problems = [f"{p}: {debugfs_cat(p)!r}" for p, text in want.items() if debugfs_cat(p) != text]
    listing = subprocess.run(["debugfs", "-R", "ls -p /work", image], capture_output=True, text=True).stdout
    names = {line.split("/")[5] for line in listing.splitlines() if line.count("/") >= 6}
    problems += [f"/work holds {sorted(names)}"] if names != {".", "..", "f", "h", "listing"} else []
    tap.result("debugfs_reads_what_the_shell_wrote", problems)
    return tap.finish()


if __name__ == "__main__":
    sys.exit(main())
