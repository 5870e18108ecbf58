class InvokeContext(object):
    pass
