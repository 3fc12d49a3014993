#!/usr/bin/env python3
"""Writes the hand-made seed corpus under corpus/<target>/ (run from anywhere; rewrites only
the seed-*.bin files it owns). Seeds are realistic inputs from the API contract
(/work/shared/api/plainkey-api.md); reproducers of crashes are kept beside them as
crash-*.bin and are not touched here."""
import base64, json, os

here = os.path.dirname(os.path.abspath(__file__))

def b64url(obj):
    raw = obj if isinstance(obj, bytes) else json.dumps(obj, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

def jwt(header, claims, sig=b"\x30\x45" + bytes(range(64))):
    return f"{b64url(header)}.{b64url(claims)}.{b64url(sig)}"

JWT = jwt({"alg": "ES256", "typ": "JWT"},
          {"sub": "usr_01HF3", "iss": "https://api.plainkey.io", "aud": "prj_7f3a",
           "iat": 1796039700, "exp": 1796040300, "nbf": 1796039700, "userName": "ana@example.com"})
JWT_MS = jwt({"alg": "RS256", "kid": "k1"}, {"sub": "u", "exp": 1796040300000, "iat": "yesterday"})

PASSKEY = {"id": "cred_5d1e", "userId": "usr_01HF3", "webAuthnId": "AQIDBAUGBwgJCgsMDQ4PEA",
           "label": "Ana's phone", "authenticatorType": "platform",
           "aaguid": "ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4", "credentialDeviceType": "multiDevice",
           "credentialBackedUp": True, "transports": ["internal", "hybrid"], "counter": 7,
           "createdAt": "2026-11-02T09:14:03.123Z", "updatedAt": None, "lastUsedAt": "2026-11-29T17:40:00+01:00"}
PASSKEY2 = dict(PASSKEY, id="cred_9a", label=None, aaguid=None, credentialDeviceType="singleDevice",
                credentialBackedUp=False, transports=["usb", "nfc"], counter=None,
                createdAt="2026-01-05T10:00:00", lastUsedAt=None)

def j(obj):
    return json.dumps(obj).encode()

def answer(op, status, body, ctype=b"application/json; charset=utf-8"):
    return f"{op} {status}\n".encode() + ctype + b"\n" + body

OPTIONS = {"challenge": "q2Wz9dLk3vJd8sE0aXbYcQ", "rp": {"name": "Example", "id": "example.com"},
           "user": {"id": "dXNyXzAxSEYz", "name": "ana@example.com", "displayName": "Ana"},
           "pubKeyCredParams": [{"type": "public-key", "alg": -7}, {"type": "public-key", "alg": -257}],
           "timeout": 60000, "attestation": "none",
           "authenticatorSelection": {"residentKey": "preferred", "userVerification": "preferred"},
           "excludeCredentials": [{"id": "AQIDBAUGBwgJCgsMDQ4PEA", "type": "public-key", "transports": ["internal"]}]}
HTML = b"<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>"

# op indices: see kReaders in fuzz_answers.cpp
answers = {
    "verify-valid": answer(0, 200, j({"valid": True, "userId": "usr_01HF3", "projectId": "prj_7f3a",
                                      "expiresAt": "2026-11-30T12:05:00Z", "payload": {"amr": ["passkey"], "n": 1}})),
    "verify-valid-millis": answer(0, 200, j({"valid": True, "userId": "u", "projectId": "p",
                                             "expiresAt": 1796040300000, "payload": {}})),
    "verify-valid-seconds-string": answer(0, 200, j({"valid": True, "userId": "u", "projectId": "p",
                                                     "expiresAt": "1796040300", "payload": None})),
    "verify-expired": answer(0, 401, j({"valid": False, "error": "Token expired"})),
    "verify-user-not-found": answer(0, 401, j({"valid": False, "error": "User not found"})),
    "verify-huge-number": answer(0, 200, b'{"valid":true,"userId":"u","projectId":"p","expiresAt":1e300,"payload":{}}'),
    "error-json": answer(1, 404, j({"error": "User not found"})),
    "error-html": answer(1, 502, HTML, b"text/html"),
    "error-empty": answer(2, 500, b"", b""),
    "error-text": answer(3, 429, b"Too Many Requests", b"text/plain"),
    "get-user": answer(1, 200, j({"id": "usr_01HF3", "userName": "ana@example.com"})),
    "find-user": answer(2, 200, j({"id": "usr_01HF3", "userName": None})),
    "create-user": answer(3, 200, j({"id": "usr_02", "userName": "bo"})),
    "update-user": answer(4, 200, j({"id": "usr_02", "userName": "bob"})),
    "delete-user": answer(5, 200, j({"success": True})),
    "create-users": answer(6, 200, j([{"id": "usr_03", "userName": "c@example.com"}, {"id": "usr_04"}])),
    "read-success-empty": answer(7, 200, b""),
    "delete-confirmation-false": answer(8, 200, j({"success": False})),
    "list-passkeys": answer(9, 200, j([PASSKEY, PASSKEY2])),
    "list-passkeys-empty": answer(9, 200, b"[]"),
    "get-passkey": answer(10, 200, j(PASSKEY)),
    "delete-passkey": answer(11, 200, j({"success": True})),
    "set-label": answer(12, 200, b"", b""),
    "begin-registration": answer(13, 200, j({"options": OPTIONS, "authenticationToken": JWT})),
    "aaguid-catalog": answer(14, 0, j({"ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4": "Google Password Manager",
                                       "adce0002-35bc-c60a-648b-0b25f1f05503": "Chrome on Mac"})),
}

jsonreader = {
    "object": b"200\napplication/json\n" + j({"id": "usr_01HF3", "valid": True, "n": 3.5,
                                               "list": ["a", "b"], "mixed": [1, "a"], "nested": {"k": None}}),
    "array": b"200\napplication/json\n" + j([PASSKEY]),
    "error": b"400\napplication/json\n" + j({"error": "client_secret is wrong"}),
    "html": b"502\ntext/html; charset=iso-8859-1\n" + HTML,
    "empty": b"204\n\n",
    "broken": b"200\napplication/json\n{\"id\": \"usr_01HF3\", \"userName\": ",
    "utf16": b"200\napplication/json\n" + '{"userName": "\u00e9\u4e2d\U0001F600"}'.encode("utf-16"),
}

jwtinspector = {
    "es256": JWT.encode(),
    "rs256-millis": JWT_MS.encode(),
    "none-alg": (jwt({"alg": "none"}, {"sub": "x"}, b"")).encode(),
    "opaque": b"pk_auth_7Hq2mZ9vLxR4",
    "two-parts": JWT.rsplit(".", 1)[0].encode(),
    "padded": (JWT.split(".")[0] + "==." + JWT.split(".")[1] + "." + JWT.split(".")[2]).encode(),
    "not-json": (b64url(b"hello") + "." + b64url(b"world") + ".sig").encode(),
}

tokeninput = {
    "bearer": b"Bearer " + JWT.encode(),
    "quoted": b'  "' + JWT.encode() + b'"\n',
    "json-field": b'{"token": "' + JWT.encode() + b'"}',
    "header-line": b"Authorization: Bearer pk_auth_7Hq2mZ9vLxR4\r\n",
    "wrapped": JWT[:40].encode() + b"\n" + JWT[40:].encode(),
    "spaces-inside": b"abc def",
    "empty": b"",
}

SECRET = b"sk_live_9f8e7d6c5b4a39281706f5e4d3c2b1a0"
redactor = {
    # byte 0: mode % 3 (0 body, 1 headers, 2 URL), bit 0x10: own secret per call
    "form-body": b"\x00" + b"my_own_secret_1\n" + b"client_id=prj_7f3a&client_secret=" + SECRET,
    "json-body": b"\x00" + b"my_own_secret_1\n" + j({"access_token": "at_Q2xpZW50Q3JlZGVudGlhbHM.x7Kp",
                                                       "token_type": "Bearer", "expires_in": 3600}),
    "echo-page": b"\x10" + b"pk_auth_7Hq2mZ9vLx\n" + b"<pre>client_secret=p%40ss%2Fw%2Brd%3Ds3cret%21 token=" + JWT.encode() + b"</pre>",
    "cut-json": b"\x00" + b"abcdef\n" + b'{"token": "eyJhbGciOiJFUzI1NiJ9.eyJzdWIi',
    "headers": b"\x01" + b"my_own_secret_1\n" + b"Authorization: Bearer at_Q2xpZW50Q3JlZGVudGlhbHM.x7Kp\nx-project-id: prj_7f3a\nCookie: s=1\nX-Echo: my_own_secret_1\nX-Echo-" + SECRET + b": 1",
    "url": b"\x02" + b"my_own_secret_1\n" + b"https://user:pw@api.plainkey.io/server/user?userName=ana&token=" + JWT.encode() + b"#access_token=my_own_secret_1",
    "url-encoded-secret": b"\x12" + b"p@ss/w+rd=s3cret!\n" + b"http://127.0.0.1:8080/x?client_secret=p%40ss%2Fw%2Brd%3Ds3cret%21&a=b",
}

userimportlist = {
    "lines": b"names.txt\nana@example.com\nbo@example.com\n\nana@example.com\ncarla\n",
    "csv-header": b"users.csv\nuserName,displayName\nana@example.com,Ana\n\"bo, jr\",Bo\n\"multi\nline\",X\n",
    "csv-email": b"export.csv\nid;email;name\r\n1;ana@example.com;Ana\r\n2;bo@example.com;\"Bo \"\"B\"\"\"\r\n",
    "bom-crlf": b"\n\xef\xbb\xbfana\r\nbo\r\n\x01ctl\r\n",
    "utf16": b"u.txt\n" + "ana\nb\u00f6\n".encode("utf-16"),
    "unterminated-quote": b"a.csv\nuserName\n\"ana,\nbo\n",
}

timestamp = {
    "iso-z": b"2026-11-30T12:05:00Z",
    "iso-fraction-offset": b"2026-11-30T13:05:00.123456+01:00",
    "iso-no-offset": b"2026-03-29T02:30:00",
    "json-string": b'"2026-11-30T12:05:00.000Z"',
    "seconds": b"1796040300",
    "millis": b"1796040300000",
    "threshold": b"100000000000",
    "negative": b"-62135596800",
    "huge": b"1e400",
    "float": b"1796040300.5",
    "nan-bytes": b"\x00\x00\x00\x00\x00\x00\xf8\x7f",
    "int64-min-bytes": b"\x00\x00\x00\x00\x00\x00\x00\x80",
    "garbage": b"yesterday at noon",
}

def exchange(flags, method, url, req_headers, req_body, status, resp_headers, resp_body, error=b""):
    return bytes([flags]) + b"\0".join([method, url, req_headers, req_body, status, resp_headers, resp_body, error])

RED = b"[redacted client_secret #1a2b3c4d]"
exporters = {
    "token": exchange(1 << 2, b"POST", b"https://api.plainkey.io/server/access-token",
                      b"Content-Type: application/x-www-form-urlencoded", b"client_id=prj_7f3a&client_secret=" + RED,
                      b"200", b"Content-Type: application/json",
                      b'{"access_token":"[redacted access_token #0badf00d]","token_type":"Bearer","expires_in":3600}'),
    "verify": exchange(3 << 2, b"POST", b"http://127.0.0.1:8080/authentication-token/verify",
                       b"Authorization: Bearer [redacted access_token #0badf00d]\nx-project-id: prj_7f3a\nContent-Type: application/json",
                       b'{"token":"[redacted auth_token #12345678]"}', b"401", b"Content-Type: application/json",
                       b'{"valid":false,"error":"Token expired"}'),
    "hostile": exchange(0x83, b"GE T;rm -rf ~", b"http://x/'$(id)'?a[]={b}&@c=d",
                        b"X-Evil: '\"$`\\\nname with space: v", b"@/etc/passwd=x&=v&bare", b"0", b"",
                        b"\xff\xfe binary \x00", b"Operation canceled"),
    "binary-cut": exchange(2 | (2 << 2), b"GET", b"https://api.plainkey.io/server/user/usr_1", b"", b"", b"200",
                           b"Content-Type: application/octet-stream", bytes(range(256))),
}

AUTH = b"Host: 127.0.0.1:8080\nAuthorization: Bearer fuzz-access-token\nx-project-id: demo-project\n"
JSONW = b"Host: localhost:8080\nContent-Type: application/json\n"
def req(line, headers=b"", body=b""):
    return line + b"\n" + headers + b"\n" + body
emulator = {
    "access-token": req(b"POST /access-token", b"Content-Type: application/x-www-form-urlencoded\n",
                        b"client_id=demo-project&client_secret=demo-secret"),
    "access-token-json": req(b"POST /server/access-token", b"Content-Type: application/json\n",
                             j({"client_id": "demo-project", "client_secret": "demo-secret"})),
    "verify": req(b"POST /authentication-token/verify", AUTH + b"Content-Type: application/json\n", j({"token": JWT})),
    "verify-no-auth": req(b"POST /authentication-token/verify", b"Content-Type: application/json\n", b'{"token": 1}'),
    "user-crud": b"\n----\n".join([
        req(b"POST /user", AUTH, j({"userName": "ana@example.com"})),
        req(b"GET /user?userName=ana%40example.com", AUTH),
        req(b"PATCH /user", AUTH, j({"userIdentifier": {"userName": "ana@example.com"}, "updates": {"userName": None}})),
        req(b"DELETE /user", AUTH, j({"userIdentifier": {"userName": "ana@example.com"}})),
    ]),
    "sign-up-verify": b"\n----\n".join([
        req(b"POST /emulator/sign-up", JSONW, j({"userName": "dee"})),
        req(b"POST /authentication-token/verify", AUTH + b"Content-Type: application/json\n", b'{"token": "$TOKEN"}'),
        req(b"POST /authentication-token/verify", AUTH + b"Content-Type: application/json\n", b'{"token": "$TOKEN"}'),
    ]),
    "create-read-passkeys": b"\n----\n".join([
        req(b"POST /user", AUTH, j({"userName": "eve"})),
        req(b"GET /user/$ID", AUTH),
        req(b"POST /user/credential/begin", AUTH, b'{"userIdentifier": {"userId": "$ID"}}'),
        req(b"GET /user/$ID/credentials", AUTH),
    ]),
    "bulk": req(b"POST /user/bulk", AUTH, j({"users": [{"userName": "a"}, {"userName": "b"}, {}]})),
    "begin-registration": req(b"POST /user/credential/begin", AUTH, j({"userIdentifier": {"userId": "nope"}})),
    "passkeys": b"\n----\n".join([
        req(b"GET /user/usr_demo_1/credentials", AUTH),
        req(b"GET /credential/cred%2Fwith%2Fslash", AUTH),
        req(b"PATCH /credential/x/label", AUTH, j({"label": None})),
        req(b"DELETE /credential/x", AUTH),
    ]),
    "wrong-method": req(b"PUT /user/bulk", AUTH),
    "head": req(b"HEAD /openapi", b"Connection: close\n"),
    "control": b"\n----\n".join([
        req(b"GET /emulator/info", b"Origin: http://evil.example\nHost: 127.0.0.1:8080\n"),
        req(b"GET /emulator/info", b"Host: rebound.example.com\n"),
        req(b"GET /emulator/faults", b"Host: [::1]:8080\nOrigin: http://localhost:8080\n"),
        req(b"PUT /emulator/faults", JSONW, j({"mode": "status", "status": 429, "retryAfterSeconds": 1e300})),
        req(b"POST /emulator/sign-up", JSONW + b"Origin: http://emulator.test:8080\n", j({"userName": "zed"})),
        req(b"POST /emulator/sign-in", JSONW, j({"userName": "zed"})),
        req(b"POST /emulator/seed", b"Host: emulator.test\nContent-Type: application/json; charset=utf-8\n"),
        req(b"POST /emulator/reset", b"Content-Type: text/plain\n"),
    ]),
    "not-json": req(b"POST /user", AUTH + b"Content-Type: application/json\n", b'{"userName": "\\ud800", '),
}

for target, seeds in [("emulator", emulator), ("answers", answers), ("jsonreader", jsonreader), ("jwtinspector", jwtinspector),
                      ("tokeninput", tokeninput), ("redactor", redactor), ("userimportlist", userimportlist),
                      ("timestamp", timestamp), ("exporters", exporters)]:
    d = os.path.join(here, "corpus", target)
    os.makedirs(d, exist_ok=True)
    for name, data in seeds.items():
        with open(os.path.join(d, f"seed-{name}.bin"), "wb") as f:
            f.write(data)
