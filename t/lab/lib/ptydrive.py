#!/usr/bin/python3
"""Drive a command on a pseudo-terminal, as a user at a terminal would (for `ctr run -t`).

usage: ptydrive.py ROWS COLS TIMEOUT [--expect TEXT --send BYTES | --expect TEXT --resize R C]... -- CMD...
Each --expect waits (bounded by TIMEOUT seconds) until TEXT has appeared in the output, then performs the action
that follows it. BYTES understands Python escapes ("\\x03" is ^C). Prints all output; exits with CMD's status
(or 124 on timeout)."""
import fcntl, os, pty, select, struct, sys, termios, time


def winsize(fd, rows, cols):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def main(argv):
    rows, cols, timeout = int(argv[0]), int(argv[1]), float(argv[2])
    sep = argv.index("--")
    steps, i, opts = [], 0, argv[3:sep]
    while i < len(opts):
        if opts[i] == "--expect" and opts[i + 2] == "--send":
            steps.append((opts[i + 1], "send", opts[i + 3].encode().decode("unicode_escape").encode("latin-1")))
            i += 4
        elif opts[i] == "--expect" and opts[i + 2] == "--resize":
            steps.append((opts[i + 1], "resize", (int(opts[i + 3]), int(opts[i + 4]))))
            i += 5
        else:
            sys.exit(__doc__)
    pid, master = pty.fork()
    if pid == 0:
        winsize(0, rows, cols)
        os.execvp(argv[sep + 1], argv[sep + 1:])
    out = b""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            os.kill(pid, 9)
            sys.stdout.write(out.decode(errors="replace"))
            print("\nptydrive: timed out", file=sys.stderr)
            sys.exit(124)
        r, _, _ = select.select([master], [], [], left)
        if not r:
            continue
        try:
            data = os.read(master, 4096)
        except OSError:  # EIO: the child closed the terminal
            data = b""
        if not data:
            break
        out += data
        while steps and steps[0][0].encode() in out:
            _, action, arg = steps.pop(0)
            if action == "send":
                os.write(master, arg)
            else:
                winsize(master, *arg)
    _, status = os.waitpid(pid, 0)
    sys.stdout.write(out.decode(errors="replace"))
    sys.exit(os.waitstatus_to_exitcode(status) & 0xff)


if __name__ == "__main__":
    main(sys.argv[1:])
