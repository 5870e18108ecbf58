import sys

for line in sys.stdin:
    sys.stdout.write('{"principalId":"user","context":{"ok":true}}\n')
    sys.stdout.flush()
