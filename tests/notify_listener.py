"""A fake systemd notification socket for the tests: binds a datagram socket at PATH and writes each
datagram it receives to OUT, one message per line (newlines inside a datagram become ' | '), with
the time since start. Stops when it is killed.

usage: notify_listener.py PATH OUT
"""
import os, socket, sys, time

path, out = sys.argv[1], sys.argv[2]
if os.path.exists(path):
    os.unlink(path)
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(path)
start = time.monotonic()
with open(out, "a", buffering=1) as log:
    while True:
        data = sock.recv(65536).decode("utf-8", "replace")
        log.write(f"{time.monotonic() - start:.3f} {data.strip().replace(chr(10), ' | ')}\n")
