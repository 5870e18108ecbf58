# Test fixture: a handler file that exists, so the loader's file check passes.
def handler(event, context):
    raise Exception("Unauthorized")
