# The floor a Python worker protocol is measured against (issue 18 item 3):
# the smallest JSON-lines worker that calls the same handler, as
# ../shared/bench/py/authz.py does. No framing, no context, no log capture.
import json, os, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "py"))
from bench import handler  # noqa: E402

out = sys.stdout
for line in sys.stdin:
    out.write(json.dumps(handler(json.loads(line), None)) + "\n")
    out.flush()
