# SPDX-License-Identifier: GPL-2.0-or-later
"""vnd.py -- what the black-box tests of vnsearchd share: TAP output, a
line-protocol client over TCP or a Unix socket, starting and stopping a
daemon on a free loopback port (tests/e2e/daemon.py, tests/e2e/hardening.py,
tests/stress/stress.py)."""
import json
import os
import pwd
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.path.join(ROOT, os.environ.get("VN_BUILD", "build"))
IX = os.path.join(BUILD, "bin", "vnsearch-indexer")
D = os.path.join(BUILD, "bin", "vnsearchd")
ME = pwd.getpwuid(os.geteuid()).pw_name  # --user: the daemon refuses root without it
N = 0


def ok(cond, desc, got=None):
    """One TAP line; returns cond."""
    global N
    N += 1
    print(("ok %d - %s" if cond else "not ok %d - %s") % (N, desc))
    if not cond and got is not None:
        for line in str(got).splitlines()[:6]:
            print("#   got: " + line)
    sys.stdout.flush()
    return cond


def skip(desc):
    """A TAP line for a check that does not apply to this build."""
    global N
    N += 1
    print("ok %d # SKIP %s" % (N, desc))
    sys.stdout.flush()


SANITIZED = "asan" in BUILD  # ASan holds freed memory in quarantine: no memory bounds there


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


class Client:
    def __init__(self, addr, timeout=10):
        fam = socket.AF_UNIX if isinstance(addr, str) else socket.AF_INET
        self.s = socket.socket(fam, socket.SOCK_STREAM)
        self.s.settimeout(timeout)
        self.s.connect(addr)
        self.buf = b""

    def send(self, data):
        self.s.sendall(data if isinstance(data, bytes) else data.encode())

    def line(self):
        while b"\n" not in self.buf:
            chunk = self.s.recv(65536)
            if not chunk:
                raise EOFError("connection closed")
            self.buf += chunk
        l, self.buf = self.buf.split(b"\n", 1)
        return l.rstrip(b"\r").decode()

    def reply(self):
        """One text reply: a single line, or lines through END."""
        first = self.line()
        lines = [first]
        multi = first == "OK" or first.startswith("OK total=") or (
            first.startswith("OK ") and first[3:].isdigit() and self.multiline)
        if multi:
            while True:
                l = self.line()
                lines.append(l)
                if l == "END":
                    break
        return lines

    multiline = False

    def cmd(self, text, multiline=False):
        self.multiline = multiline
        self.send(text + "\r\n")
        return self.reply()

    def json(self, text):
        self.send(text + "\n")
        return json.loads(self.line())

    def close(self):
        self.s.close()


DAEMONS = []
WORKDIRS = []
DATA = os.path.join(ROOT, "tests", "data")


def workdir(name):
    """A temporary directory for this test file (/tmp/vn-NAME-*), removed by
    cleanup() when run() ends, pass or fail."""
    d = tempfile.mkdtemp(prefix="vn-%s-" % name)
    WORKDIRS.append(d)
    return d


def index_data(idx, *inputs, args=(), env=None):
    """Index `inputs` (names in tests/data, or paths) into idx with
    vnsearch-indexer --quiet and any further `args`; raises if it fails."""
    subprocess.run([IX, "--quiet", "--index", idx, *args, *(os.path.join(DATA, i) for i in inputs)], check=True,
                   env=env)


def wire_copy(orig_id, new_id, name="demo-corpus.jsonl"):
    """Article orig_id of tests/data/name as another outlet republishes a
    wire story: another id, title and source, another first sentence
    (the rest of the body as it was).  A dict, ready for json.dumps."""
    with open(os.path.join(DATA, name), encoding="utf-8") as f:
        orig = next(d for d in map(json.loads, f) if d["id"] == orig_id)
    paras = orig["body"].split("\n\n")
    paras[0] = "Theo thông tin từ cơ quan chức năng, vụ việc đã được làm rõ. " + paras[0].split(". ", 1)[-1]
    return dict(orig, id=new_id, title="Bản tin: " + orig["title"].lower(), source="Báo khác",
                body="\n\n".join(paras))


def start(index, *args, config=None, nofile=None, port=None):
    """Start vnsearchd on `port` (default: a free one); nofile=(soft, hard)
    sets its open-file limit.  Returns (process, address) once it accepts."""
    port = port or free_port()
    argv = [D, "--index", index, "--listen", "127.0.0.1:%d" % port, "--workers", "2", "--user", ME]
    if config:
        argv += ["--config", config]
    argv += list(args)
    # stderr to a file (a pipe nobody reads could fill and block the daemon)
    log = tempfile.NamedTemporaryFile(mode="w+", prefix="vn-daemon-log-", delete=False)
    limit = (lambda: resource.setrlimit(resource.RLIMIT_NOFILE, nofile)) if nofile else None
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=log, text=True, cwd=ROOT, preexec_fn=limit)
    p.log = log.name
    DAEMONS.append(p)
    for _ in range(100):
        try:
            Client(("127.0.0.1", port)).close()
            return p, ("127.0.0.1", port)
        except OSError:
            if p.poll() is not None:
                break
            time.sleep(0.05)
    raise RuntimeError("daemon did not start: " + open(p.log).read())


def start_with(index, settings):
    """Start vnsearchd with a config file of `settings` (lines), removed
    once it runs.  Returns (process, address)."""
    conf = tempfile.NamedTemporaryFile(mode="w", prefix="vn-conf-", suffix=".conf", delete=False)
    conf.write(settings)
    conf.close()
    try:
        return start(index, config=conf.name)
    finally:
        os.unlink(conf.name)


def start_http(index, settings=""):
    """Start vnsearchd with its HTTP front-end on a free port, plus any other
    config `settings` (lines).  Returns (process, line address, HTTP base URL)."""
    hport = free_port()
    p, addr = start_with(index, "http_listen = 127.0.0.1:%d\n%s" % (hport, settings))
    return p, addr, "http://127.0.0.1:%d" % hport


def stop(p):
    p.send_signal(signal.SIGTERM)
    try:
        return p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        return -1




def proc_kb(pid, key="VmRSS"):
    """A /proc/PID/status figure in kB (VmRSS, VmHWM: memory now, peak)."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def cpu_s(pid):
    """CPU seconds (user + system) PID has used."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cleanup():
    for p in DAEMONS:
        if p.poll() is None:
            p.kill()
        if getattr(p, "log", None) and os.path.exists(p.log):
            os.unlink(p.log)
    for d in WORKDIRS:
        shutil.rmtree(d, ignore_errors=True)


def run(main, seconds):
    """Run main() under an alarm; always end with the TAP plan."""
    signal.signal(signal.SIGALRM, lambda *a: (_ for _ in ()).throw(TimeoutError("test took over %d s" % seconds)))
    signal.alarm(seconds)
    try:
        main()
    except Exception as e:  # noqa: BLE001 -- report, never hang
        ok(False, "finished without an exception", repr(e))
    finally:
        cleanup()
        print("1..%d" % N)
