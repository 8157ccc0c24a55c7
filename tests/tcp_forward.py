"""A loopback TCP forwarder for the tests: 127.0.0.1:LISTEN -> 127.0.0.1:TARGET. Killing it makes the
API unreachable for whoever uses LISTEN, without touching the real server.

usage: tcp_forward.py LISTEN TARGET
"""
import socket, sys, threading

listen, target = int(sys.argv[1]), int(sys.argv[2])


def pipe(a, b):
    try:
        while data := a.recv(65536):
            b.sendall(data)
    except OSError:
        pass
    finally:
        for s in (a, b):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", listen))
server.listen(64)
while True:
    client, _ = server.accept()
    upstream = socket.create_connection(("127.0.0.1", target))
    threading.Thread(target=pipe, args=(client, upstream), daemon=True).start()
    threading.Thread(target=pipe, args=(upstream, client), daemon=True).start()
