"""A process authorizer (JSON lines on stdin/stdout) that sometimes answers
garbage or half a line."""
import json
import sys

for line in sys.stdin:
    event = json.loads(line)
    token = event["authorizationToken"].split(" ", 1)[-1]
    if token == "garbage":
        print("this is not json", flush=True)
    elif token == "half":
        print('{"principalId": "p", "policyDoc', flush=True)
    else:
        print(json.dumps({"principalId": "proc", "policyDocument": {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": event["methodArn"]}]}}), flush=True)
