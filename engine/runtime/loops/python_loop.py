# authlab's Python runtime loop. It plays the part of the Lambda /
# FunctionGraph runtime: imports an unmodified handler file and calls
# handler(event, context) once per request. With the "oci" flavor it plays
# the Fn FDK instead (OCI Functions): handler(ctx, data), data an io.BytesIO
# of the event, `import fdk` answered by a shim when fdk is not installed.
#
# Protocol (kept off stdout/stderr, which are the handler's logs):
#   fd 3, from authlab: a line "id len nowMs timeoutMs requestId functionName"
#         (the two names plain, or JSON strings when they need escaping)
#         then `len` bytes of event JSON.
#   fd 4, to authlab:   a JSON header line {"kind",...}, for "result" followed
#         by `len` payload bytes.
import datetime
import importlib.util
import io
import json
import os
import sys
import time
import traceback

REQ, RESP = 3, 4


class Clock:
    """The time the handler sees: the gateway's (possibly virtual) time of
    the call, running on from there. A scenario whose clock says 2026-01-01
    must see its tokens valid in the handler too, so time.time() and
    datetime.now() follow the call's time when it is more than a second
    away from the wall clock; otherwise they are the wall clock exactly."""

    real_time = time.time
    real_time_ns = time.time_ns

    def __init__(self):
        self.offset = 0.0

    def set(self, now_ms):
        skew = now_ms / 1000.0 - Clock.real_time()
        self.offset = skew if abs(skew) > 1.0 else 0.0

    def time(self):
        return Clock.real_time() + self.offset

    def time_ns(self):
        return Clock.real_time_ns() + int(self.offset * 1e9)


CLOCK = Clock()


def install_clock():
    real_gmtime, real_localtime, real_ctime, real_strftime = time.gmtime, time.localtime, time.ctime, time.strftime
    time.time = CLOCK.time
    time.time_ns = CLOCK.time_ns
    time.gmtime = lambda secs=None: real_gmtime(CLOCK.time() if secs is None else secs)
    time.localtime = lambda secs=None: real_localtime(CLOCK.time() if secs is None else secs)
    time.ctime = lambda secs=None: real_ctime(CLOCK.time() if secs is None else secs)
    time.strftime = lambda fmt, t=None: real_strftime(fmt, real_localtime(CLOCK.time()) if t is None else t)

    real_datetime, real_date = datetime.datetime, datetime.date

    # isinstance() must keep working for datetimes made elsewhere.
    class DatetimeType(type):
        def __instancecheck__(cls, obj):
            return isinstance(obj, real_datetime)

        def __subclasscheck__(cls, sub):
            return issubclass(sub, real_datetime)

    class DateType(type):
        def __instancecheck__(cls, obj):
            return isinstance(obj, real_date)

        def __subclasscheck__(cls, sub):
            return issubclass(sub, real_date)

    class Datetime(real_datetime, metaclass=DatetimeType):
        @classmethod
        def now(cls, tz=None):
            return real_datetime.fromtimestamp(CLOCK.time(), tz)

        @classmethod
        def utcnow(cls):
            return real_datetime.fromtimestamp(CLOCK.time(), datetime.timezone.utc).replace(tzinfo=None)

        @classmethod
        def today(cls):
            return real_datetime.fromtimestamp(CLOCK.time())

    class Date(real_date, metaclass=DateType):
        @classmethod
        def today(cls):
            return real_date.fromtimestamp(CLOCK.time())

    for cls, real in ((Datetime, real_datetime), (Date, real_date)):
        cls.__name__, cls.__qualname__, cls.__module__ = real.__name__, real.__qualname__, real.__module__
    datetime.datetime, datetime.date = Datetime, Date


class Channel:
    def __init__(self):
        self.buf = b""

    def _more(self):
        chunk = os.read(REQ, 65536)
        if not chunk:
            os._exit(0)  # authlab closed the channel: it is done with us
        self.buf += chunk

    def read_request(self):
        # One find and one split per call: this runs on every warm call.
        buf = self.buf
        i = buf.find(b"\n")
        while i < 0:
            self._more()
            buf = self.buf
            i = buf.find(b"\n")
        f = buf[:i].split(b" ")
        n = int(f[1])
        hdr = {
            "id": int(f[0]),
            "len": n,
            "nowMs": int(f[2]),
            "timeoutMs": int(f[3]),
            "requestId": token(f[4]),
            "functionName": token(f[5]),
        }
        end = i + 1 + n
        if len(buf) >= end:
            self.buf = buf[end:]
            return hdr, buf[i + 1:end]
        parts = [buf[i + 1:]]
        have = len(parts[0])
        self.buf = b""
        while have < n:
            chunk = os.read(REQ, min(n - have, 1 << 20))
            if not chunk:
                os._exit(0)
            parts.append(chunk)
            have += len(chunk)
        return hdr, b"".join(parts)


def token(b):
    return json.loads(b) if b.startswith(b'"') else b.decode()


def write_all(data):
    n = os.write(RESP, data)
    if n < len(data):
        data = memoryview(data)[n:]
        while data:
            data = data[os.write(RESP, data):]


def send(hdr, payload=b""):
    write_all((json.dumps(hdr) + "\n").encode() + payload)


def send_result(rid, payload, text=False):
    # text: the handler returned a str, sent as it was (authlab's Go side
    # knows Lambda would have JSON-encoded it).
    if text:
        write_all(b'{"kind":"result","id":%d,"len":%d,"text":true}\n' % (rid, len(payload)) + payload)
    else:
        write_all(b'{"kind":"result","id":%d,"len":%d}\n' % (rid, len(payload)) + payload)


def flush_logs():
    # python -u leaves nothing in the standard streams' buffers: only a
    # stream the handler put in their place needs flushing.
    for stream, std in ((sys.stdout, STDOUT), (sys.stderr, STDERR)):
        if stream is not std:
            try:
                stream.flush()
            except Exception:
                pass


STDOUT, STDERR = sys.stdout, sys.stderr


class Logger:
    """FunctionGraph's context.getLogger(): lines go to the call's logs."""

    def __init__(self, ctx):
        self._ctx = ctx

    def _log(self, level, msg, *args):
        if args:
            msg = msg % args
        print("%s %s %s %s" % (self._ctx._timestamp(), self._ctx.aws_request_id, level, msg), flush=True)

    def debug(self, msg, *args):
        self._log("DEBUG", msg, *args)

    def info(self, msg, *args):
        self._log("INFO", msg, *args)

    def warn(self, msg, *args):
        self._log("WARN", msg, *args)

    warning = warn

    def error(self, msg, *args):
        self._log("ERROR", msg, *args)


class Context:
    """Lambda's context attributes and FunctionGraph's getters, on one object."""

    # The attributes that depend on the function only, per function name:
    # a call copies them instead of working them out again.
    _bases = {}

    def __init__(self, cfg, hdr):
        name = hdr.get("functionName") or cfg["name"]
        base = Context._bases.get(name)
        if base is None:
            base = Context._bases[name] = {
                "_cfg": cfg,
                "_start": 0.0,
                "_timeout_ms": 3000,
                "aws_request_id": "",
                "function_name": name,
                "function_version": "$LATEST",
                "memory_limit_in_mb": cfg["memory"],
                "invoked_function_arn": "arn:aws:lambda:%s:%s:function:%s" % (cfg["region"], cfg["account"], name),
                "log_group_name": "/aws/lambda/" + name,
                "log_stream_name": "authlab/[$LATEST]worker",
                "identity": None,
                "client_context": None,
                "_logger": None,  # made by getLogger
            }
        d = self.__dict__
        d.update(base)
        d["_start"] = time.monotonic()
        d["_timeout_ms"] = hdr.get("timeoutMs", 3000)
        d["aws_request_id"] = hdr.get("requestId", "")

    def _timestamp(self):
        ms = int(time.time() * 1000)
        return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + ".%03dZ" % (ms % 1000)

    def get_remaining_time_in_millis(self):
        left = self._timeout_ms - (time.monotonic() - self._start) * 1000
        return max(0, int(left))

    # FunctionGraph
    def getRemainingTimeInMilliSeconds(self):
        return self.get_remaining_time_in_millis()

    def getRequestID(self):
        return self.aws_request_id

    def getUserData(self, key, default=None):
        return self._cfg.get("userData", {}).get(key, default)

    def getLogger(self):
        if self._logger is None:
            self._logger = Logger(self)
        return self._logger

    def getFunctionName(self):
        return self.function_name

    def getVersion(self):
        return "latest"

    def getMemorySize(self):
        return int(self._cfg["memory"])

    def getCPUNumber(self):
        return 1

    def getRunningTimeInSeconds(self):
        return self._timeout_ms // 1000

    def getPackage(self):
        return "default"

    def getProjectID(self):
        return ""

    def getAlias(self):
        return ""

    def getAccessKey(self):
        return ""

    def getSecretKey(self):
        return ""

    def getSecurityAccessKey(self):
        return ""

    def getSecuritySecretKey(self):
        return ""

    def getSecurityToken(self):
        return ""

    def getToken(self):
        return ""


class CaseFreeDict(dict):
    """Request headers with case-insensitive keys, as the FDK hands them."""

    def __init__(self, items=()):
        super().__init__((k.lower(), v) for k, v in dict(items).items())

    def __getitem__(self, key):
        return super().__getitem__(key.lower() if isinstance(key, str) else key)

    def __contains__(self, key):
        return super().__contains__(key.lower() if isinstance(key, str) else key)

    def get(self, key, default=None):
        return super().get(key.lower() if isinstance(key, str) else key, default)


def rfc3339(secs):
    ms = int(secs * 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + ".%03dZ" % (ms % 1000)


class InvokeContext:
    """The Fn FDK's fdk.context.InvokeContext, as an OCI function's
    handler(ctx, data) reads it. Config() is the environment, as on Fn,
    where the function's configuration arrives as environment variables."""

    def __init__(self, hdr):
        self._call_id = hdr.get("requestId", "")
        self._deadline = rfc3339(time.time() + hdr.get("timeoutMs", 3000) / 1000.0)
        self._headers = CaseFreeDict(
            {"content-type": "application/json", "fn-call-id": self._call_id, "fn-deadline": self._deadline}
        )
        self._response_headers = {}
        self._status = 200

    def AppID(self):
        return os.environ.get("FN_APP_ID", "")

    def AppName(self):
        return os.environ.get("FN_APP_NAME", "")

    def FnID(self):
        return os.environ.get("FN_FN_ID", "")

    def FnName(self):
        return os.environ.get("FN_FN_NAME", "")

    def CallID(self):
        return self._call_id

    def RequestID(self):
        return self._call_id

    def Config(self):
        return dict(os.environ)

    def Headers(self):
        return self._headers

    def HTTPHeaders(self):
        return {}

    def Format(self):
        return "http-stream"

    def Deadline(self):
        return self._deadline

    def RequestURL(self):
        return None

    def Method(self):
        return "POST"

    def TracingContext(self):
        return None

    def SetResponseHeaders(self, headers, status_code, content_type=None):
        for k, v in dict(headers or {}).items():
            self._response_headers[k.lower()] = v
        if content_type:
            self._response_headers["content-type"] = content_type
        self._status = status_code

    def GetResponseHeaders(self):
        return self._response_headers


class Response:
    """fdk.response.Response: the body (response_data) is the answer; the
    status code and headers go nowhere an authorizer's gateway reads."""

    def __init__(self, ctx, response_data=None, headers=None, status_code=200, response_encoding="utf-8"):
        self.ctx = ctx
        self.status_code = status_code
        self.response_data = response_data if response_data else ""
        self.response_encoding = response_encoding
        self.headers = dict(headers or {})
        if hasattr(ctx, "SetResponseHeaders"):
            ctx.SetResponseHeaders(self.headers, status_code)

    def status(self):
        return self.status_code

    def body(self):
        return self.response_data

    def context(self):
        return self.ctx


def install_fdk():
    """Makes `import fdk`, `from fdk import response, context` work for a
    handler written for OCI Functions. The real FDK wins when it can be
    imported (installed, or vendored beside the handler): the loop only
    calls the handler and never starts the FDK's server. Otherwise a shim
    with fdk.response.Response and fdk.context.InvokeContext stands in."""
    try:
        import fdk  # noqa: F401
        import fdk.context  # noqa: F401
        import fdk.response  # noqa: F401

        return
    except Exception:
        for name in [n for n in sys.modules if n == "fdk" or n.startswith("fdk.")]:
            del sys.modules[name]
    import types

    pkg = types.ModuleType("fdk", "authlab's stand-in for the Fn FDK (fdk is not installed)")
    pkg.__path__ = []  # a package: `import fdk.response` finds the entries below
    response = types.ModuleType("fdk.response")
    context = types.ModuleType("fdk.context")
    Response.__module__, InvokeContext.__module__ = "fdk.response", "fdk.context"
    response.Response = Response
    context.InvokeContext = InvokeContext
    pkg.response, pkg.context = response, context
    sys.modules.update({"fdk": pkg, "fdk.response": response, "fdk.context": context})


def fdk_payload(result):
    """The body an FDK response carries: a Response (the shim's or the real
    FDK's) is unwrapped to its response_data; str and bytes are the body as
    they are; None is an empty body; anything else is serialised as JSON."""
    encoding = "utf-8"
    if not isinstance(result, (dict, list, str, bytes, bytearray)) and hasattr(result, "response_data"):
        encoding = getattr(result, "response_encoding", None) or "utf-8"
        result = result.response_data
    if result is None:
        return b""
    if isinstance(result, (bytes, bytearray, memoryview)):
        return bytes(result)
    if isinstance(result, str):
        return result.encode(encoding, "surrogatepass")
    return json.dumps(result).encode("utf-8")


ASYNC_LOOP = None


def settle(result):
    """Fn's FDK awaits a coroutine handler (async def handler(ctx, data))."""
    global ASYNC_LOOP
    import inspect

    if not inspect.isawaitable(result):
        return result
    import asyncio

    if ASYNC_LOOP is None:
        ASYNC_LOOP = asyncio.new_event_loop()
    return ASYNC_LOOP.run_until_complete(result)


def load(cfg):
    path = cfg["file"]
    folder = os.path.dirname(path)
    # The handler's folder comes first, as /var/task does on Lambda, so its
    # sibling modules import; python -c put the working directory there.
    if sys.path and sys.path[0] in ("", "."):
        sys.path[0] = folder
    else:
        sys.path.insert(0, folder)
    if cfg["flavor"] == "oci":
        install_fdk()  # before the handler's `from fdk import response`
    modname = os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(modname, path)
    if spec is None or spec.loader is None:
        raise ImportError("cannot import %s" % path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[modname] = module
    spec.loader.exec_module(module)
    target = module
    for part in cfg["function"].split("."):
        if not hasattr(target, part):
            names = sorted(n for n in dir(module) if not n.startswith("_") and callable(getattr(module, n)))
            raise AttributeError(
                "handler %r not found in %s (callables there: %s)" % (cfg["function"], path, ", ".join(names) or "none")
            )
        target = getattr(target, part)
    if not callable(target):
        raise TypeError("handler %r in %s is not callable" % (cfg["function"], path))
    return target


def user_traceback(exc):
    # Drop the loop's own frames (and asyncio's, running an async handler):
    # the user wants to see their code.
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        name = tb.tb_frame.f_code.co_filename
        if name != "<string>" and os.sep + "asyncio" + os.sep not in name:
            break
        tb = tb.tb_next
    return "".join(traceback.format_exception(type(exc), exc, tb))


def load_place(exc, folder):
    """Where the user's code failed to load: a syntax error's own place,
    else the innermost frame of a file under the handler's folder (the
    import that failed, the line that raised)."""
    if isinstance(exc, SyntaxError) and exc.filename and exc.lineno:
        return exc.filename, exc.lineno
    place = ("", 0)
    tb = exc.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if os.path.isabs(name) and name.startswith(folder + os.sep) and "site-packages" not in name:
            place = (name, tb.tb_lineno)
        tb = tb.tb_next
    return place


def load_failure(exc, cfg):
    # The traceback goes to the logs, as Lambda logs an import error.
    sys.stderr.write("[ERROR] %s: %s\n%s" % (type(exc).__name__, exc, user_traceback(exc)))
    flush_logs()
    message = str(exc)
    if isinstance(exc, SyntaxError) and exc.filename:
        message = "%s (%s, line %s)" % (exc.msg, exc.filename, exc.lineno)
    try:
        file, line = load_place(exc, os.path.dirname(cfg["file"]))
    except Exception:
        file, line = "", 0
    send({"kind": "load_error", "type": type(exc).__name__, "message": message, "file": file, "line": line})


CURRENT_REQUEST_ID = ""


def install_lambda_logging():
    """The Lambda Python runtime's logging: a handler on the root logger
    writing "[LEVEL]\tTIME\tREQUEST-ID\tmessage", times in UTC. The root
    logger keeps Python's WARNING level, so logger.info() shows once the
    handler calls setLevel(logging.INFO), as on Lambda; and a module's own
    logging.basicConfig() does nothing, as on Lambda, since the root logger
    already has a handler."""
    import logging

    class RequestIdFilter(logging.Filter):
        def filter(self, record):
            record.aws_request_id = CURRENT_REQUEST_ID
            return True

    class LambdaLoggerHandler(logging.Handler):
        def emit(self, record):
            try:
                sys.stdout.write(self.format(record))
                sys.stdout.flush()
            except Exception:
                self.handleError(record)

    handler = LambdaLoggerHandler()
    handler.setFormatter(
        logging.Formatter("[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n", "%Y-%m-%dT%H:%M:%S")
    )
    handler.addFilter(RequestIdFilter())
    # As on Lambda, every formatter writes UTC (staticmethod: time.gmtime is
    # the virtual clock's function here, which a class would bind).
    logging.Formatter.converter = staticmethod(time.gmtime)
    logging.getLogger().addHandler(handler)


def invoke(handler, cfg, hdr, body):
    global CURRENT_REQUEST_ID
    rid = hdr.get("id")
    CURRENT_REQUEST_ID = hdr.get("requestId", "")
    oci = cfg["flavor"] == "oci"
    if not oci:
        try:
            event = json.loads(body)
        except ValueError as exc:
            send({"kind": "error", "id": rid, "type": "Runtime.UnmarshalError", "message": str(exc)})
            return
    if "nowMs" in hdr:
        CLOCK.set(hdr["nowMs"])
    try:
        if oci:
            # Fn hands the request body over as it came, in a stream.
            result = settle(handler(InvokeContext(hdr), io.BytesIO(body)))
        else:
            result = handler(event, Context(cfg, hdr))
    except Exception as exc:
        # Lambda logs the error and its traceback before answering.
        sys.stderr.write("[ERROR] %s: %s\n%s" % (type(exc).__name__, exc, user_traceback(exc)))
        flush_logs()
        send({"kind": "error", "id": rid, "type": type(exc).__name__, "message": str(exc)})
        return
    flush_logs()
    # A str is taken as already-serialised JSON (FunctionGraph handlers
    # return json.dumps(...)); anything else is serialised as Lambda would.
    text = False
    try:
        if oci:
            payload = fdk_payload(result)
        elif isinstance(result, str):
            payload, text = result.encode("utf-8", "surrogatepass"), True
        else:
            payload = json.dumps(result).encode("utf-8")
    except (TypeError, ValueError) as exc:
        msg = "Unable to marshal response: %s" % exc
        sys.stderr.write("[ERROR] Runtime.MarshalError: %s\n" % msg)
        send({"kind": "error", "id": rid, "type": "Runtime.MarshalError", "message": msg})
        return
    if len(payload) > cfg["maxResponse"]:
        send({"kind": "too_large", "id": rid, "size": len(payload)})
        return
    send_result(rid, payload, text)


def main():
    cfg = json.loads(sys.argv[-1])
    sys.dont_write_bytecode = True
    for fd in (REQ, RESP):
        os.set_inheritable(fd, False)  # the handler's subprocesses must not hold our channel
    install_clock()
    if cfg["flavor"] == "lambda":
        install_lambda_logging()
    try:
        handler = load(cfg)
    except BaseException as exc:
        load_failure(exc, cfg)
        os._exit(1)
    flush_logs()
    send({"kind": "ready"})
    channel = Channel()
    while True:
        hdr, body = channel.read_request()
        invoke(handler, cfg, hdr, body)


main()
