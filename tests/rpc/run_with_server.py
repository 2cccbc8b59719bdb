#!/usr/bin/python3
"""Starts SERVER (prints its port on stdout), runs SCRIPT 127.0.0.1:PORT [args...] with
this interpreter, then stops the server with SIGTERM and requires exit status 0."""
import signal
import subprocess
import sys


def main():
    server, script, extra = sys.argv[1], sys.argv[2], sys.argv[3:]
    p = subprocess.Popen([server, "127.0.0.1:0"], stdout=subprocess.PIPE, text=True)
    try:
        port = p.stdout.readline().strip()
        if not port.isdigit():
            print("server did not print a port: %r" % port)
            return 1
        rc = subprocess.run([sys.executable, script, "127.0.0.1:" + port] + extra).returncode
    finally:
        p.send_signal(signal.SIGTERM)
        try:
            src = p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            print("server did not exit on SIGTERM")
            return 1
    if src != 0:
        print("server exited with %d after SIGTERM" % src)
        return 1
    return rc


if __name__ == "__main__":
    sys.exit(main())
