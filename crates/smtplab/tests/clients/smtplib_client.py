"""Python's smtplib against `smtplab serve`, one scenario per argument.

Usage: smtplib_client.py SCENARIO HOST PORT. Prints one JSON object with what
the client saw; the Rust test checks it and the delivered file.
"""

import json
import smtplib
import sys
from email.message import EmailMessage


def message(sender, recipient, subject, body):
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = recipient
    msg["Subject"] = subject
    msg.set_content(body)
    return msg


def connect(host, port):
    # A fixed local_hostname: getfqdn() may wait on DNS in a sandbox.
    return smtplib.SMTP(host, port, local_hostname="client.example", timeout=20)


def send(host, port):
    with connect(host, port) as smtp:
        refused = smtp.send_message(
            message("alice@example.com", "bob@example.com", "smtplib test",
                    "Hello Bob,\n.leading dot survives\nfrom smtplib.\n"))
        return {"refused": refused, "esmtp_features": sorted(smtp.esmtp_features)}


def auth_relay(host, port):
    with connect(host, port) as smtp:
        smtp.ehlo()
        smtp.user, smtp.password = "alice", "wonderland"
        code, text = smtp.auth("PLAIN", smtp.auth_plain)
        refused = smtp.sendmail(
            "alice@example.com", ["friend@example.org"],
            message("alice@example.com", "friend@example.org", "relay test",
                    "Sent through the sandbox, which keeps it.\n").as_string())
        return {"auth": [code, text.decode()], "refused": refused}


def rejected(host, port):
    with connect(host, port) as smtp:
        try:
            smtp.sendmail("alice@example.com", ["nobody@example.com"],
                          b"Subject: lost\r\n\r\nnobody reads this\r\n")
        except smtplib.SMTPRecipientsRefused as error:
            return {
                "error": "SMTPRecipientsRefused",
                "recipients": {rcpt: [code, text.decode()]
                               for rcpt, (code, text) in error.recipients.items()},
            }
        return {"error": None}


SCENARIOS = {"send": send, "auth-relay": auth_relay, "rejected": rejected}

if __name__ == "__main__":
    scenario, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    print(json.dumps(SCENARIOS[scenario](host, port)))
