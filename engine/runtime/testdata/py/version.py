VERSION = 1


def handler(event, context):
    return {"version": VERSION}
