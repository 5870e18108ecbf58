# Lambda proxy integration handlers for engine tests (AWS-L*): each answers
# in one of the shapes API Gateway accepts or rejects.
import json
import logging
import time

logger = logging.getLogger()
logger.setLevel(logging.INFO)


def echo(event, context):
    # The usual backend: logs a line and answers the event it received.
    logger.info("received %s %s", event.get("httpMethod") or event["requestContext"]["http"]["method"], event.get("path") or event.get("rawPath"))
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": json.dumps(event)}


def created(event, context):
    # statusCode as a string, multiValueHeaders merged with headers, a
    # WWW-Authenticate the gateway renames.
    return {
        "statusCode": "201",
        "multiValueHeaders": {"X-Multi": ["a", "b"], "Set-Cookie": ["s=1", "t=2"]},
        "headers": {"x-multi": "c", "X-Flag": True, "WWW-Authenticate": "Basic"},
        "body": "made",
    }


def empty(event, context):
    return {}


def unknown_key(event, context):
    return {"statusCode": 200, "body": "x", "extra": 1}


def body_object(event, context):
    return {"statusCode": 200, "body": {"not": "a string"}}


def bad_status(event, context):
    return {"statusCode": "two hundred"}


def text(event, context):
    return "Hello"


def raises(event, context):
    raise ValueError("database unreachable")


def hangs(event, context):
    time.sleep(30)


def v2_plain(event, context):
    # Payload 2.0: a value without statusCode is the body.
    return {"message": "hi", "user": event["requestContext"]["authorizer"]["lambda"]["user"]}


def v2_full(event, context):
    return {"statusCode": 202, "headers": {"content-type": "text/plain"}, "cookies": ["a=1", "b=2"], "body": "accepted"}
