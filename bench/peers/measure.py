"""Runs one benchmark command and tags each JSON line it prints with the run's threads, its peak
RSS, its CPU seconds per wall second, and how busy the rest of the machine was meanwhile: the
CPU seconds per second that other processes used (/proc/stat's busy time less this run's own).
Usage: python3 bench/peers/measure.py THREADS ROUND -- COMMAND..."""
import json
import os
import subprocess
import sys
import time

HZ = os.sysconf("SC_CLK_TCK")


def busy_seconds():
    fields = [int(v) for v in open("/proc/stat").readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / HZ


def main():
    threads, rnd, cmd = int(sys.argv[1]), int(sys.argv[2]), sys.argv[4:]
    before, start = busy_seconds(), time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall, busy = time.monotonic() - start, busy_seconds() - before
    own = usage.ru_utime + usage.ru_stime
    extra = {"threads": threads, "round": rnd, "peak_rss_mib": round(usage.ru_maxrss / 1024, 1),
             "cpu_per_wall": round(own / wall, 2),
             "other_load": round(max(0.0, busy - own) / wall, 2), "exit": status}
    for line in out.splitlines():
        if line.startswith("{"):
            print(json.dumps({**json.loads(line), **extra}), flush=True)


if __name__ == "__main__":
    main()
