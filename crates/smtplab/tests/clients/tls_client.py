"""Python's smtplib and ssl against `smtplab serve` with TLS, one scenario
per argument.

Usage: tls_client.py SCENARIO HOST PORT. Prints one JSON object with what
the client saw (replies, EHLO keywords, the server certificate's SHA-256
fingerprint); the Rust test checks it, the log and the saved file. The
server's certificate is self-signed, so the clients do not verify it: the
test compares its fingerprint with the one the server logged instead.
"""

import hashlib
import json
import smtplib
import socket
import ssl
import sys

# AUTH PLAIN for alice / wonderland, a user of the default world.
ALICE_PLAIN = "AGFsaWNlAHdvbmRlcmxhbmQ="
MESSAGE = (b"From: alice@example.com\r\nTo: bob@example.com\r\n"
           b"Subject: over TLS\r\n\r\nSent over TLS.\r\n")


def unverified():
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def fingerprint(sock):
    der = sock.getpeercert(binary_form=True)
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))


def starttls_auth(host, port):
    """STARTTLS, EHLO again, AUTH PLAIN, one message."""
    with smtplib.SMTP(host, port, local_hostname="client.example", timeout=20) as smtp:
        smtp.ehlo()
        before = sorted(smtp.esmtp_features)
        clear_auth = smtp.docmd("AUTH", "PLAIN " + ALICE_PLAIN)
        code, _ = smtp.starttls(context=unverified())
        smtp.ehlo()
        after = sorted(smtp.esmtp_features)
        tls_auth = smtp.docmd("AUTH", "PLAIN " + ALICE_PLAIN)
        refused = smtp.sendmail("alice@example.com", ["bob@example.com"], MESSAGE)
        return {
            "before_tls": before,
            "clear_auth": [clear_auth[0], clear_auth[1].decode()],
            "starttls": code,
            "after_tls": after,
            "tls_auth": [tls_auth[0], tls_auth[1].decode()],
            "refused": refused,
            "fingerprint": fingerprint(smtp.sock),
            "version": smtp.sock.version(),
        }


def ssl_send(host, port):
    """Implicit TLS (SMTP_SSL), one message."""
    with smtplib.SMTP_SSL(host, port, local_hostname="client.example", timeout=20,
                          context=unverified()) as smtp:
        smtp.ehlo()
        features = sorted(smtp.esmtp_features)
        refused = smtp.sendmail("alice@example.com", ["bob@example.com"], MESSAGE)
        return {"esmtp_features": features, "refused": refused,
                "fingerprint": fingerprint(smtp.sock)}


def read_reply(stream):
    """One whole reply, multiline included, without its line ends."""
    lines = []
    while True:
        line = stream.readline()
        if not line:
            raise EOFError("the server closed the connection")
        lines.append(line.decode().rstrip("\r\n"))
        if len(line) < 4 or line[3:4] != b"-":
            return lines


def injection(host, port):
    """A MAIL pipelined behind STARTTLS in the same write (CVE-2011-0411):
    the server must drop it, so after the handshake RCPT has no sender."""
    raw = socket.create_connection((host, port), timeout=20)
    stream = raw.makefile("rb")
    greeting = read_reply(stream)
    raw.sendall(b"EHLO client.example\r\n")
    read_reply(stream)
    raw.sendall(b"STARTTLS\r\nMAIL FROM:<injected@example.com>\r\n")
    ready = read_reply(stream)
    # The 220 came alone; anything else buffered would be the injected
    # MAIL's answer in clear text.
    stream.close()
    tls = unverified().wrap_socket(raw, server_hostname=host)
    secure = tls.makefile("rb")
    answers = {}
    for command in ["RCPT TO:<bob@example.com>", "EHLO client.example",
                    "RCPT TO:<bob@example.com>", "QUIT"]:
        tls.sendall(command.encode() + b"\r\n")
        answers.setdefault(command, []).append(read_reply(secure))
    return {"greeting": greeting, "ready": ready, "answers": answers}


SCENARIOS = {
    "starttls-auth": starttls_auth,
    "ssl-send": ssl_send,
    "injection": injection,
}

if __name__ == "__main__":
    scenario, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    print(json.dumps(SCENARIOS[scenario](host, port)))
