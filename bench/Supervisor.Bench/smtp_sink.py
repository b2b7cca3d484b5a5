"""An aiosmtpd handler for the delivery bench: accepts every message and discards it, answering the end of DATA
after a delay, as a mail server that writes its queue before it says 250 does.

    python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c smtp_sink.DelayedSink MILLISECONDS
"""
import asyncio


class DelayedSink:
    def __init__(self, delay_ms: float):
        self.delay = delay_ms / 1000.0

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 1:
            parser.error("DelayedSink takes one argument: the delay in milliseconds")
        try:
            delay = float(args[0])
        except ValueError:
            parser.error("DelayedSink: the delay must be a number of milliseconds")
        if delay < 0:
            parser.error("DelayedSink: the delay must not be negative")
        return cls(delay)

    async def handle_DATA(self, server, session, envelope):
        if self.delay > 0:
            await asyncio.sleep(self.delay)
        return "250 OK"
