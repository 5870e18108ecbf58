"""Python fixtures for the runtime tests: one function per behaviour."""
import json
import os
import subprocess
import sys
import time

import helper  # a sibling module: the handler's folder is on sys.path

print("module loaded")  # import-time output belongs to the cold call's logs


def dict_return(event, context):
    return {"principalId": "alice", "echo": event, "requestId": context.aws_request_id}


def json_string(event, context):
    return json.dumps({"statusCode": 200, "body": json.dumps({"status": "allow"})})


def unauthorized(event, context):
    raise Exception("Unauthorized")


def value_error(event, context):
    raise ValueError("bad token: %s" % event.get("token"))


def prints(event, context):
    print("to stdout", event.get("n"))
    sys.stderr.write("to stderr\n")
    return {"n": event.get("n")}


def sibling(event, context):
    return {"greeting": helper.greet(event.get("name", "world"))}


def sleepy(event, context):
    print("going to sleep")
    time.sleep(float(event.get("seconds", 30)))
    return {"slept": True}


def crash(event, context):
    print("about to crash")
    sys.stderr.write("fatal: giving up\n")
    os._exit(3)


def huge(event, context):
    return {"blob": "x" * int(event.get("size", 7 * 1024 * 1024))}


def none(event, context):
    return None


def chatty(event, context):
    sys.stdout.write("y" * (3 * 1024 * 1024))
    return {"ok": True}


def garbage(event, context):
    os.write(4, b"this is not a protocol message\n")
    return {"ok": True}


def not_json(event, context):
    return {1, 2, 3}


def spawn_child(event, context):
    # A grandchild in the worker's process group; Close must take it too.
    child = subprocess.Popen(["sleep", "60"])
    return {"pid": child.pid, "worker": os.getpid()}


def context_info(event, context):
    logger = context.getLogger()
    logger.info("hello from the FunctionGraph logger")
    return {
        "aws_request_id": context.aws_request_id,
        "function_name": context.function_name,
        "function_version": context.function_version,
        "memory_limit_in_mb": context.memory_limit_in_mb,
        "invoked_function_arn": context.invoked_function_arn,
        "log_group_name": context.log_group_name,
        "remaining": context.get_remaining_time_in_millis(),
        "fg_request_id": context.getRequestID(),
        "fg_remaining": context.getRemainingTimeInMilliSeconds(),
        "fg_user_data": context.getUserData("tenant"),
        "fg_env_user_data": context.getUserData("FROM_ENV"),
        "fg_function_name": context.getFunctionName(),
        "env": os.environ.get("FROM_ENV"),
        "cwd": os.getcwd(),
    }


def pid(event, context):
    return {"pid": os.getpid()}


not_callable = 42


def clock(event, context):
    import datetime as dt
    from datetime import datetime, timezone
    from time import time

    now = datetime.now(timezone.utc)
    return {
        "time": time(),
        "now": now.isoformat(),
        "utcnow": datetime.utcnow().isoformat(),
        "today": dt.date.today().isoformat(),
        "isinstance": isinstance(now, datetime) and isinstance(dt.datetime(2020, 1, 1), datetime),
        "fixed": datetime(2020, 1, 2, tzinfo=timezone.utc).isoformat(),
    }


def spawn_and_fork(event, context):
    # A `sleep 600` and a forked copy of the worker, both in the worker's
    # process group and holding its pipes: neither may outlive authlab.
    sleeper = subprocess.Popen(["sleep", "600"])
    child = os.fork()
    if child == 0:
        time.sleep(600)
        os._exit(0)
    return {"worker": os.getpid(), "pgid": os.getpgrp(), "sleep": sleeper.pid, "fork": child}


def fork_then_die(event, context):
    # The worker dies after forking; the fork keeps every pipe open, so no
    # end of file tells authlab: only the worker's own exit can.
    child = os.fork()
    if child == 0:
        time.sleep(600)
        os._exit(0)
    print("forked %d, now dying" % child, flush=True)
    if event.get("signal"):
        os.kill(os.getpid(), 9)
    os._exit(7)


def raise_then_die(event, context):
    # First call: a handled error (its traceback goes to the logs). Second
    # call on the same worker: a silent death.
    if event.get("die"):
        os._exit(9)
    raise ValueError("the first call's own error")


def logging_levels(event, context):
    # The usual Lambda handler: the root logger at INFO, a module logger
    # that propagates to it, and a debug line below the level.
    import logging

    logger = logging.getLogger()
    logger.setLevel(logging.INFO)
    logging.getLogger("orders").info("order %s looked up", event.get("id"))
    logger.debug("not shown: below INFO")
    logger.warning("low stock")
    return {"ok": True}


def logging_default_level(event, context):
    # Without setLevel the root logger stays at WARNING, as on Lambda.
    import logging

    logging.getLogger().info("not shown at the default level")
    logging.getLogger().error("shown")
    return {"ok": True}


def returns_text(event, context):
    return "Hello"
