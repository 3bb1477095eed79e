"""A local SMTP server for the worker test: ``python smtp_sink.py PORT OUTFILE``.

It records one line per delivered recipient ("recipient<TAB>Message-ID") and
runs until terminated. It runs as its own process because aiosmtpd imports a
package named ``public``, which this project's ``public`` app would shadow.
"""

import signal
import sys
import threading

from aiosmtpd.controller import Controller


class Recorder:
    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        text = envelope.content.decode("utf-8", "replace")
        message_id = next(
            (
                line.split(":", 1)[1].strip()
                for line in text.splitlines()
                if line.lower().startswith("message-id:")
            ),
            "",
        )
        with self.lock, open(self.path, "a", encoding="utf-8") as out:
            for recipient in envelope.rcpt_tos:
                out.write(f"{recipient}\t{message_id}\n")
        return "250 OK"


def main():
    port, path = int(sys.argv[1]), sys.argv[2]
    controller = Controller(Recorder(path), hostname="127.0.0.1", port=port)
    controller.start()
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    print("ready", flush=True)
    stopped.wait()
    controller.stop()


if __name__ == "__main__":
    main()
