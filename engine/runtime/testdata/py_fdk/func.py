# A handler whose folder holds an importable `fdk` (standing in for the
# real package): the runtime must use it instead of its shim.
import json

from fdk import response


def handler(ctx, data=None):
    r = response.Response(ctx, response_data=json.dumps({"active": True}), headers={"Content-Type": "application/json"})
    return response.Response(ctx, response_data=json.dumps({"active": True, "real": r.real}))
