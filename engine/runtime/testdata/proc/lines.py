"""A process-runtime fixture: one JSON event per stdin line, one answer per stdout line."""
import json
import os
import subprocess
import sys
import time

if "--banner" in sys.argv:
    print("starting up", flush=True)  # not an answer: authlab must not take it as one

for line in sys.stdin:
    event = json.loads(line)
    mode = event.get("mode", "echo")
    sys.stderr.write("handling %s\n" % mode)
    sys.stderr.flush()
    if mode == "garbage":
        out = "this is not JSON"
    elif mode == "half":
        out = '{"principalId": "al'
    elif mode == "crash":
        sys.stderr.write("fatal: giving up\n")
        sys.stderr.flush()
        os._exit(4)
    elif mode == "sleep":
        time.sleep(30)
        out = "{}"
    elif mode == "big":
        out = json.dumps({"blob": "x" * event["size"]})
    elif mode == "spawn":
        # A `sleep 600` and a forked copy, holding the protocol pipes.
        sleeper = subprocess.Popen(["sleep", "600"])
        child = os.fork()
        if child == 0:
            time.sleep(600)
            os._exit(0)
        out = json.dumps({"worker": os.getpid(), "pgid": os.getpgrp(), "sleep": sleeper.pid, "fork": child})
    elif mode == "forkcrash":
        # Dies after forking a child that keeps stdout and stderr open.
        if os.fork() == 0:
            time.sleep(600)
            os._exit(0)
        os._exit(6)
    elif mode == "silentcrash":
        os._exit(5)
    elif mode == "env":
        out = json.dumps({"env": os.environ.get("FROM_ENV"), "cwd": os.getcwd(), "pid": os.getpid()})
    else:
        out = json.dumps({"echo": event, "pid": os.getpid()})
    sys.stdout.write(out + "\n")
    sys.stdout.flush()
