"""PyJWT, the library of Amazon's Python sample, as an independent check of widget tokens.

Reads {"token", "secret", "widgetId"} as JSON on stdin. Verifies the token as Amazon's
backend would (HS256, sub, iat and exp required), then builds a token of its own from the
same payload the way the sample does, and prints both as JSON.
"""
import json
import sys

import jwt

request = json.load(sys.stdin)
payload = jwt.decode(
    request["token"],
    request["secret"],
    algorithms=["HS256"],
    subject=request["widgetId"],
    options={"require": ["sub", "iat", "exp"]},
)
header = jwt.get_unverified_header(request["token"])
rebuilt = jwt.encode(payload, request["secret"], algorithm="HS256", headers={"typ": "JWT"})
json.dump({"header": header, "payload": payload, "rebuilt": rebuilt}, sys.stdout)
