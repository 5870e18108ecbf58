"""A TOKEN authorizer whose logs try to drive the terminal: an ANSI colour,
a carriage return and line feed that forge a log line, an OSC window title
and a C1 CSI. authlab must print them escaped (issue 13 part 5a)."""


def handler(event, context):
    print("\x1b[31mred\x1b[0m\r\n10:00:00.000 GET /admin → 200  forged")
    print("\x1b]0;pwned\x07 and \u009b2J")
    return {
        "principalId": "\x1b[1mbold",
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "*"}],
        },
    }
