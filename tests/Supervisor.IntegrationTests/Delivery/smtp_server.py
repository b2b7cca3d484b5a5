"""A real SMTP server for the e-mail tests: Debian's aiosmtpd with the options its CLI lacks.

usage: /usr/bin/python3 smtp_server.py --port P --maildir DIR [--starttls CERT KEY | --tls CERT KEY] [--auth USER PASSWORD]
       [--hold-until FILE]

Every accepted message goes to DIR (Maildir). Recipients whose local part starts with "defer" get 451, with "reject"
550: a server's temporary and permanent refusals, for the sender's classification. With --hold-until, a recipient
whose local part starts with "slow" is not answered until FILE exists: a server stuck on one message. With --auth, only a session logged
in with USER/PASSWORD may send (530 otherwise); a wrong password gets 535.
"""
import argparse
import asyncio
import os
import ssl

from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Handler(Mailbox):
    def __init__(self, maildir, hold_until=None):
        super().__init__(maildir)
        self.hold_until = hold_until

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0].lower()
        if local.startswith("slow") and self.hold_until:
            while not os.path.exists(self.hold_until):
                await asyncio.sleep(0.02)
        if local.startswith("defer"):
            return "451 4.3.0 try again later"
        if local.startswith("reject"):
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--maildir", required=True)
    parser.add_argument("--starttls", nargs=2, metavar=("CERT", "KEY"))
    parser.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    parser.add_argument("--auth", nargs=2, metavar=("USER", "PASSWORD"))
    parser.add_argument("--hold-until", metavar="FILE")
    args = parser.parse_args()

    context = None
    pair = args.starttls or args.tls
    if pair:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(pair[0], pair[1])

    def authenticator(server, session, envelope, mechanism, data):
        ok = isinstance(data, LoginPassword) and args.auth \
            and data.login.decode() == args.auth[0] and data.password.decode() == args.auth[1]
        return AuthResult(success=bool(ok), handled=False)

    handler = Handler(args.maildir, args.hold_until)

    def factory():
        return SMTP(
            handler,
            hostname="smtp.test",
            tls_context=context if args.starttls else None,
            require_starttls=bool(args.starttls),
            authenticator=authenticator if args.auth else None,
            auth_required=bool(args.auth),
            # aiosmtpd 1.4 only counts STARTTLS as TLS; a TLS-on-connect session is encrypted from the first byte.
            auth_require_tls=not args.tls,
        )

    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(loop.create_server(
        factory, host="127.0.0.1", port=args.port, ssl=context if args.tls else None))
    print("listening", flush=True)
    try:
        loop.run_forever()
    finally:
        server.close()


if __name__ == "__main__":
    main()
