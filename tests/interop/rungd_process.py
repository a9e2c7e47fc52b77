"""Starts the real rungd binary for the Python tests and stops it again.

The daemon prints `listening on HOST:PORT` once it is serving; the tests wait
for that line (with a deadline) instead of sleeping.
"""

import atexit
import os
import queue
import signal
import subprocess
import threading
import time

RUNGD = os.environ.get("RUNGD", "rungd")


class RungdProcess:
    """A rungd child process on a free port, with its gRPC address."""

    def __init__(self, db_path, extra_args=(), start_timeout=30.0, env=None):
        """db_path None gives no --db; env adds to rungd's environment."""
        self.db_path = db_path
        db_flag = [] if db_path is None else [f"--db={db_path}"]
        self.process = subprocess.Popen(
            [RUNGD, "--listen=127.0.0.1:0", "--http_listen=127.0.0.1:0", *db_flag, *extra_args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=None if env is None else {**os.environ, **env},
        )
        # A failed assertion skips a test's own stop, and a failed setUpClass
        # its tearDownClass: no daemon may outlive the test run.
        atexit.register(self._kill_if_running)
        self.address = None
        self.http_address = None
        self.stdout_lines = []
        # A thread drains stdout: select() on a buffered pipe would miss lines
        # that an earlier readline() already pulled into the buffer.
        self._lines = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()
        deadline = time.monotonic() + start_timeout
        while self.address is None or self.http_address is None:
            line = self._read_line(deadline)
            if line is None:
                _, err = self.stop(signal.SIGKILL)
                raise RuntimeError(f"rungd did not start: {err}")
            if line.startswith("listening on "):
                self.address = line[len("listening on "):].strip()
            elif line.startswith("http listening on "):
                self.http_address = line[len("http listening on "):].strip()

    def _kill_if_running(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def _pump(self):
        for line in self.process.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def _read_line(self, deadline):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        try:
            line = self._lines.get(timeout=remaining)
        except queue.Empty:
            return None
        if line is not None:
            self.stdout_lines.append(line)
        return line

    def stop(self, sig=signal.SIGTERM, timeout=30.0):
        """Sends `sig` and returns (exit code, stderr)."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            _, err = self.process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, err = self.process.communicate()
        return self.process.returncode, err


def run_rungd_expecting_failure(args, timeout=30.0):
    """Runs rungd to completion; returns (exit code, stdout, stderr)."""
    done = subprocess.run([RUNGD, *args], capture_output=True, text=True, timeout=timeout)
    return done.returncode, done.stdout, done.stderr
