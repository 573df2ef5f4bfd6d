#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""stall.py -- does a slow query stall other connections?  One client sends
a slow query over and over; four others send a fast query and we record
the median and worst round trip of the fast ones.  Usage: stall.py PORT [SECONDS]"""
import socket
import statistics
import sys
import threading
import time

SLOW = b"SEARCH limit=1000 n* c* t* h*\n"


def reply(f):
    first = f.readline()
    if first.startswith(b"OK total="):
        while f.readline() not in (b"END\r\n", b""):
            pass
    return first


def main():
    port, secs = int(sys.argv[1]), float(sys.argv[2]) if len(sys.argv) > 2 else 4
    stop = time.time() + secs
    slow_times = []

    def slow():
        s = socket.create_connection(("127.0.0.1", port))
        f = s.makefile("rwb")
        while time.time() < stop:
            t0 = time.time()
            f.write(SLOW)
            f.flush()
            reply(f)
            slow_times.append(time.time() - t0)
    pings = []

    def ping():
        s = socket.create_connection(("127.0.0.1", port))
        f = s.makefile("rwb")
        while time.time() < stop:
            t0 = time.time()
            f.write("SEARCH limit=1 giả danh công an\n".encode())
            f.flush()
            reply(f)
            pings.append((time.time() - t0) * 1000)
            time.sleep(0.01)
    ts = [threading.Thread(target=slow)]
    for t in ts:
        t.start()
    time.sleep(0.2)
    ps = [threading.Thread(target=ping) for _ in range(4)]
    for t in ps:
        t.start()
    for t in ts + ps:
        t.join()
    print("slow query median %.1f ms; fast query median %.2f ms, worst %.1f ms over %d" % (
        statistics.median(slow_times) * 1000, statistics.median(pings), max(pings), len(pings)))


if __name__ == "__main__":
    main()
