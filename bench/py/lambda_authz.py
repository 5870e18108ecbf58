# The benchmark's Python check as a Lambda TOKEN authorizer for authlab.
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from authz import check  # noqa: E402


def handler(event, context):
    token = event.get("authorizationToken", "")
    if token.startswith("Bearer "):
        token = token[7:]
    claims = check(token)
    if claims is None:
        raise Exception("Unauthorized")
    sub = claims.get("sub", "")
    return {
        "principalId": sub,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": event["methodArn"]}],
        },
        "context": {"sub": sub},
    }
