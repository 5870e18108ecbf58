"""The README's example Lambda TOKEN authorizer (API Gateway REST API).

    Authorization: Bearer allow-<user>  -> Allow this method and path only,
                                           context {user, tier}
    Authorization: Bearer deny-<user>   -> Deny (403)
    anything else                       -> raise Exception("Unauthorized") (401)

Allowing only event["methodArn"] is what most copied examples do, and what
makes the cached-policy gotcha (authlab explain AWS-C3) bite.
"""


def policy(principal, effect, resource, context=None):
    answer = {
        "principalId": principal,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}],
        },
    }
    if context:
        answer["context"] = context
    return answer


def handler(event, context):
    token = event.get("authorizationToken") or ""
    if token.startswith("Bearer allow-"):
        user = token[len("Bearer allow-"):]
        print("allow %s for %s" % (user, event["methodArn"]))
        # Context values must be strings, numbers or booleans (AWS-R5).
        return policy(user, "Allow", event["methodArn"], {"user": user, "tier": 3})
    if token.startswith("Bearer deny-"):
        return policy(token[len("Bearer deny-"):], "Deny", event["methodArn"])
    raise Exception("Unauthorized")
