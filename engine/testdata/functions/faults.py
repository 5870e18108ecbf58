"""A TOKEN authorizer whose answer is chosen by the token: each fault a
real handler can have, for the engine's runtime tests."""
import json
import os
import sys
import time


def policy(event, effect="Allow"):
    return {
        "principalId": "py-user",
        "policyDocument": {"Version": "2012-10-17", "Statement": [
            {"Effect": effect, "Action": "execute-api:Invoke", "Resource": event["methodArn"]}]},
        "context": {"runtime": "python"},
    }


def handler(event, context):
    token = event["authorizationToken"].split(" ", 1)[-1]
    print("checking", token)
    if token == "allow":
        return policy(event)
    if token == "as-string":
        return json.dumps(policy(event))
    if token == "none":
        return None
    if token == "hang":
        time.sleep(60)
    if token == "exit":
        os._exit(3)
    if token == "chatty":
        sys.stdout.write("x" * (3 << 20))
        return policy(event)
    if token == "boom":
        raise ValueError("database unreachable")
    raise Exception("Unauthorized")
