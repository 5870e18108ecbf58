# Mirrors the real fdk.response.Response: it calls ctx.SetResponseHeaders.
class Response(object):
    real = True

    def __init__(self, ctx, response_data=None, headers=None, status_code=200, response_encoding="utf-8"):
        self.ctx = ctx
        self.status_code = status_code
        self.response_data = response_data if response_data else ""
        self.response_encoding = response_encoding
        if headers is None:
            headers = {}
        headers.update({"Fn-Fdk-Version": "fdk-python/0.1.x"})
        ctx.SetResponseHeaders(headers, status_code)

    def status(self):
        return self.status_code

    def body(self):
        return self.response_data

    def context(self):
        return self.ctx
