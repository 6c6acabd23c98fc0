"""Development's mail backend: the console's, showing each message as people read it."""

from django.core.mail.backends.console import EmailBackend as ConsoleBackend


class ReadableConsoleBackend(ConsoleBackend):
    """Headers and text decoded, where the console's prints them encoded for the wire
    (a subject with quotation marks in encoded-words, a long line quoted-printable)."""

    def write_message(self, message):
        msg = message.message()
        for name, value in msg.items():
            if name.lower() != "content-transfer-encoding":
                self.stream.write(f"{name}: {value}\n")
        text = msg.get_body(preferencelist=("plain", "html"))
        self.stream.write(f"\n{text.get_content() if text else ''}\n")
        self.stream.write("-" * 79 + "\n")
