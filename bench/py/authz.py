# A small HS256 authorizer, standard library only, shared by two rows of the
# benchmark so that both ask Python the same question:
#   python3 authz.py worker   JSON lines on stdin/stdout: {"token": ...} in,
#                             {"allow": bool, "sub": ...} out (proxy+2py)
#   handler(event, context)   in lambda_authz.py, the same check as a Lambda
#                             TOKEN authorizer (authlab-python-ttl0)
import base64
import hashlib
import hmac
import json
import os
import sys
import time

SECRET = os.environ.get("BENCH_SECRET", "bench-secret-0123456789abcdef").encode()


def _b64(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def check(token):
    try:
        head, body, sig = token.split(".")
        if json.loads(_b64(head)).get("alg") != "HS256":
            return None
        want = hmac.new(SECRET, (head + "." + body).encode(), hashlib.sha256).digest()
        if not hmac.compare_digest(want, _b64(sig)):
            return None
        claims = json.loads(_b64(body))
        if "exp" in claims and claims["exp"] < time.time():
            return None
        return claims
    except Exception:
        return None


def main():
    out = sys.stdout
    for line in sys.stdin:
        try:
            claims = check(json.loads(line).get("token", ""))
        except ValueError:
            claims = None
        answer = {"allow": True, "sub": claims.get("sub", "")} if claims is not None else {"allow": False}
        out.write(json.dumps(answer) + "\n")
        out.flush()


if __name__ == "__main__" and sys.argv[1:] == ["worker"]:
    main()
