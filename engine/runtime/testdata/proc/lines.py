"""A process-runtime fixture: one JSON event per stdin line, one answer per stdout line."""
import json
import os
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
    elif mode == "env":
        out = json.dumps({"env": os.environ.get("FROM_ENV"), "cwd": os.getcwd(), "pid": os.getpid()})
    else:
        out = json.dumps({"echo": event, "pid": os.getpid()})
    sys.stdout.write(out + "\n")
    sys.stdout.flush()
