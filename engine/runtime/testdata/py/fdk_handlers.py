# OCI Functions handlers written against the Fn FDK (fdk is not installed:
# the runtime's shim answers the imports).
import io
import json

import fdk
from fdk import context, response


def handler(ctx: context.InvokeContext, data: io.BytesIO = None):
    event = json.loads(data.getvalue())
    if event.get("token") == "nope":
        return response.Response(
            ctx,
            response_data=json.dumps({"active": False, "wwwAuthenticate": 'Bearer realm="example.com"'}),
            headers={"Content-Type": "application/json"},
        )
    return response.Response(
        ctx,
        response_data=json.dumps({"active": True, "principal": event["token"], "scope": ["read"]}),
        headers={"Content-Type": "application/json"},
    )


def dict_answer(ctx, data=None):
    return {"active": True, "principal": json.loads(data.getvalue())["data"]["user"]}


def str_answer(ctx, data=None):
    return '{"active": false}'


def raises(ctx, data=None):
    raise ValueError("bad token: " + json.loads(data.getvalue())["token"])


def nothing(ctx, data=None):
    return None


async def async_answer(ctx, data=None):
    return {"active": True, "async": True}


def context_info(ctx, data=None):
    print("fdk shim:", fdk.__doc__)
    return {
        "secret": ctx.Config().get("TOKEN_SECRET"),
        "requestId": ctx.RequestID(),
        "callId": ctx.CallID(),
        "appId": ctx.AppID(),
        "fnId": ctx.FnID(),
        "fnName": ctx.FnName(),
        "callHeader": ctx.Headers().get("Fn-Call-Id"),
        "deadline": ctx.Deadline(),
        "lambdaEnv": "AWS_LAMBDA_FUNCTION_NAME" in ctx.Config(),
        "ctxType": type(ctx).__module__ + "." + type(ctx).__name__,
        "raw": data.getvalue().decode(),
    }
