"""Typing at a guest's serial console, for the QEMU tests (an expect-like
helper, standard library only).

QEMU runs with its serial port on stdin/stdout (scripts/qemu.sh --test);
Guest reads what the guest prints into one transcript (carriage returns
dropped) and types by writing to QEMU's stdin. Typing waits for each key's
echo before the next key, so the UART's 16-byte receive FIFO never holds
more than one key. Every wait has a timeout, and QEMU itself runs under
qemu.sh's --timeout, so nothing here can hang.

    g = Guest(argv, log_path)
    g.expect(r"kestrel> ")            # a match object, or None on timeout
    g.command("echo hi", r"\nhi\n")   # types the line, waits for the regex
    g.expect_all([r"a", r"b"])        # both, in either order
    status = g.finish()               # QEMU's exit status (g.stop() ends it)

expect() searches from where the previous successful expect() ended, so
each check looks only at output that came after the one before it.
"""

import codecs
import os
import re
import select
import subprocess
import time

ENTER = "\r"  # what a terminal sends for the Enter key
DEL = "\x7f"  # what a terminal sends for the Backspace key
CTRL_U = "\x15"


class Guest:
    def __init__(self, argv, log_path):
        self.log_path = log_path
        self.text = ""  # everything the guest printed, without '\r'
        self.pos = 0  # where the next expect() starts looking
        self.proc = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        self.eof = False
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def _read(self, timeout):
        """Adds what QEMU printed within timeout seconds to the transcript."""
        if self.eof:
            time.sleep(min(timeout, 0.05))
            return
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            return
        data = os.read(self.proc.stdout.fileno(), 65536)
        if not data:
            self.eof = True
            return
        # Incrementally: a UTF-8 character split between two reads is
        # decoded whole.
        self.text += self.decoder.decode(data).replace("\r", "")

    def expect(self, regex, timeout=10.0):
        """Waits up to timeout seconds for regex in the output after the
        last match. Returns the match (and moves past it) or None."""
        pattern = re.compile(regex)
        deadline = time.monotonic() + timeout
        while True:
            m = pattern.search(self.text, self.pos)
            if m:
                self.pos = m.end()
                return m
            left = deadline - time.monotonic()
            if left <= 0 or (self.eof and self.proc.poll() is not None):
                return None
            self._read(min(left, 0.1))

    def seen(self, regex, timeout=10.0):
        """Waits up to timeout seconds for regex anywhere in the output,
        from the start: a line that came at its own time (the supervisor's
        log) may have been passed by an earlier match. Returns the match;
        never moves where expect() looks."""
        pattern = re.compile(regex)
        deadline = time.monotonic() + timeout
        while True:
            m = pattern.search(self.text)
            if m:
                return m
            left = deadline - time.monotonic()
            if left <= 0 or (self.eof and self.proc.poll() is not None):
                return None
            self._read(min(left, 0.1))

    def expect_all(self, regexes, timeout=10.0):
        """Waits up to timeout seconds until every regex matches in the
        output after the last match, in any order (a server's restart, in
        the supervisor's log lines, and its client's answer may come either
        way round). Returns the matches in the order of regexes, None for
        each that never came; moves past the last match only if all came."""
        patterns = [re.compile(r) for r in regexes]
        deadline = time.monotonic() + timeout
        while True:
            found = [p.search(self.text, self.pos) for p in patterns]
            if all(found):
                self.pos = max(m.end() for m in found)
                return found
            left = deadline - time.monotonic()
            if left <= 0 or (self.eof and self.proc.poll() is not None):
                return found
            self._read(min(left, 0.1))

    def type(self, keys, timeout=5.0):
        """Types keys one at a time, each after the echo of the one before
        (Backspace and Ctrl-U erase with "\\b \\b"; Enter echoes a newline).
        Returns False if an echo never came."""
        for key in keys:
            try:
                self.proc.stdin.write(key.encode())
                self.proc.stdin.flush()
            except BrokenPipeError:
                return False
            if key == ENTER:
                echo = r"(?=\n)"  # not past it: a check may start with it
            elif key in (DEL, "\b", CTRL_U):
                echo = r"\x08 \x08|\x07"  # erased, or the bell on an empty line
            else:
                echo = re.escape(key)
            if not self.expect(echo, timeout):
                return False
        return True

    def wait(self, seconds):
        """Reads what the guest prints for seconds, matching nothing (so
        that QEMU never blocks on a full pipe while the caller waits for
        something else)."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            self._read(min(left, 0.1))

    def keys(self, keys):
        """Sends keys at once, waiting for no echo (escape sequences: the
        editor draws something else for them)."""
        try:
            self.proc.stdin.write(keys.encode())
            self.proc.stdin.flush()
        except BrokenPipeError:
            return False
        return True

    def command(self, line, regex, timeout=10.0):
        """Types line and Enter, then waits for regex in what follows.
        Returns the match or None."""
        if not self.type(line + ENTER):
            return None
        return self.expect(regex, timeout)

    def finish(self, timeout=20.0):
        """Waits for QEMU to end (closing its input), saves the transcript
        to the log, and returns QEMU's exit status (killing it, and
        returning None, if it does not end in time)."""
        try:
            self.proc.stdin.close()
        except BrokenPipeError:
            pass
        deadline = time.monotonic() + timeout
        status = None
        while time.monotonic() < deadline:
            status = self.proc.poll()
            if status is not None:
                break
            self._read(0.1)
        if status is None:
            # SIGTERM, which qemu.sh's timeout passes on to QEMU: a SIGKILL
            # would end timeout alone and leave QEMU running, holding the
            # pipe this reads to its end.
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        deadline = time.monotonic() + 10
        while not self.eof and time.monotonic() < deadline:
            self._read(0.1)
        with open(self.log_path, "w") as f:
            f.write(self.text)
        return status


    def stop(self):
        """Ends QEMU at once (for a guest that cannot power itself off),
        saves the transcript and returns QEMU's exit status."""
        if self.proc.poll() is None:
            self.proc.terminate()
        return self.finish(10.0)


class Tap:
    """TAP lines, one per check: ok N - name, or not ok N - name: why."""

    def __init__(self, log_path):
        self.count = 0
        self.failed = 0
        self.log_path = log_path

    def result(self, name, problems):
        self.count += 1
        if not problems:
            print(f"ok {self.count} - {name}", flush=True)
        else:
            self.failed += 1
            why = "; ".join(problems)
            print(f"not ok {self.count} - {name}: {why} (log: {self.log_path})", flush=True)

    def finish(self):
        print(f"1..{self.count}", flush=True)
        return 0 if self.failed == 0 else 1


def poweroff(g, tap, exit_pass):
    """Types the shell's poweroff (a test manifest gives the shell the
    isa-debug-exit port), reports whether QEMU ended with exit_pass, and
    ends the TAP output; returns the test's exit status."""
    g.type("poweroff" + ENTER)
    status = g.finish()
    tap.result("poweroff_ends_qemu", [] if status == exit_pass else [f"QEMU exit status {status}, expected {exit_pass}"])
    return tap.finish()
