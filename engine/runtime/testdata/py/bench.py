def handler(event, context):
    return {"principalId": "user", "context": {"ok": True}}
